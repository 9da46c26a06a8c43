"""Credentials for publishing: from the environment or a netrc-style file, never from arguments.

A credentials file uses the netrc format that curl and other tools read, so one file can
hold the accounts of many sites (an agency's clients):

    machine www.example.org login editor password "abcd EFGH ijkl MNOP qrst UVWX"
    machine kunde.example   login privgen password "..."

It must not be readable or writable by other users (refused) and should not be readable by
the group (a warning).
"""

from __future__ import annotations

import netrc
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = field(repr=False)
    origin: str  # where they came from, for messages (never the secret itself)


def check_private(path: Path) -> list[str]:
    """Refuse a file others may read or write; return warnings (group access)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"{path}: credentials file not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the credentials file: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: the credentials file is not a regular file")
    if os.name != "posix":
        return []
    mode = stat.S_IMODE(info.st_mode)
    if mode & (stat.S_IROTH | stat.S_IWOTH):
        raise InputError(
            f"{path}: the credentials file is readable or writable by other users "
            f"(mode {mode:04o}); refusing to use it. Run: chmod 600 {path}"
        )
    if info.st_uid != os.getuid() and info.st_uid != 0:
        raise InputError(f"{path}: the credentials file belongs to another user; refusing to use it")
    if mode & (stat.S_IRGRP | stat.S_IWGRP):
        return [
            f"warning: {path}: the credentials file is accessible to its group (mode {mode:04o}); "
            f"consider chmod 600 {path}"
        ]
    return []


def from_file(path: Path, host: str) -> tuple[Credentials, list[str]]:
    """The entry for `host` (or the `default` entry) of a netrc-style file."""
    warnings = check_private(path)
    try:
        entries = netrc.netrc(str(path))
    except netrc.NetrcParseError as exc:
        # The parser's message may quote a token, which may be a secret: give the line only.
        raise InputError(
            f"{path}: line {exc.lineno}: not in netrc format "
            '(expected: machine HOST login USER password "APPLICATION PASSWORD")'
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the credentials file: {exc}") from None
    found = entries.authenticators(host)
    if not found:
        raise InputError(f"{path}: no entry for machine {host} (and no default entry)")
    user, _account, password = found
    if not user or not password:
        raise InputError(f"{path}: machine {host}: both login and password are needed")
    return Credentials(user=user, password=password, origin=str(path)), warnings


def from_environment(environ: Mapping[str, str], user_var: str, password_var: str) -> Credentials | None:
    """Credentials from two environment variables; None when neither is set."""
    user = environ.get(user_var, "")
    password = environ.get(password_var, "")
    if not user and not password:
        return None
    if not user or not password:
        missing = user_var if not user else password_var
        raise InputError(f"{missing} is not set; set both {user_var} and {password_var}")
    return Credentials(user=user, password=password, origin=f"${user_var}/${password_var}")
