"""Safe, atomic writes inside the output folder."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import InputError

WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}


def safe_target(root: Path, *parts: str) -> Path:
    """root/parts..., refusing anything that would leave root (.., absolute, symlinks)."""
    root_resolved = root.resolve()
    for part in parts:
        if not part or part in (".", "..") or "/" in part or "\\" in part or "\x00" in part:
            raise InputError(f"refusing unsafe output name {part!r}")
        if part.split(".")[0].lower() in WINDOWS_RESERVED:
            raise InputError(f"refusing reserved output name {part!r}")
    target = root_resolved.joinpath(*parts)
    # every existing component below root must be a real directory/file, not a symlink
    current = root_resolved
    for part in parts:
        current = current / part
        if current.is_symlink():
            raise InputError(f"refusing to write through the symbolic link {current}")
    if not target.resolve().is_relative_to(root_resolved):
        raise InputError(f"refusing to write outside {root}: {target}")
    return target


def write_atomic(path: Path, data: bytes) -> None:
    """Write data to path via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
