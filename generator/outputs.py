"""Safe, atomic writes inside the output folder."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from .errors import InputError, OutputError

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


def read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file in the output folder, or None: never through a symbolic
    link, never from a device or FIFO (which could block or never end), at most `limit` bytes."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(limit + 1)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write data to path via a temporary file in the same folder and a rename.

    The temporary file is `.<name>.<pid>.<random>.tmp`; one left by a process that died
    (kill -9, power cut) is removed the next time the same file is written.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise
    remove_stale_temporaries(path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, but belongs to someone else
    return True


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove temporary files of `path` whose writing process no longer exists."""
    if os.name != "posix":  # os.kill(pid, 0) would terminate the process on Windows
        return []
    prefix = f".{path.name}."
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent):
            name = entry.name
            if not (name.startswith(prefix) and name.endswith(".tmp")):
                continue
            pid = name[len(prefix) :].split(".")[0]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _flush(paths: list[Path]) -> None:
    """Get written files onto the disk: one syncfs per filesystem on Linux, else fsync each."""
    if paths and os.name == "posix" and hasattr(os, "sched_getaffinity"):  # Linux
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        devices: dict[int, Path] = {}
        for path in paths:
            devices.setdefault(path.parent.stat().st_dev, path.parent)
        ok = True
        for folder in devices.values():
            fd = os.open(folder, os.O_RDONLY)
            try:
                ok = ok and getattr(libc, "syncfs", None) is not None and libc.syncfs(fd) == 0
            finally:
                os.close(fd)
        if ok:
            return
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_files_atomic(files: list[tuple[Path, bytes]]) -> None:
    """write_atomic for many files: every temporary file is written first, all are flushed to
    the disk together (one barrier instead of one per file: a profile has dozens of small
    files), then each is renamed into place. On any error no temporary file is left."""
    temps: list[tuple[Path, Path]] = []
    try:
        for path, data in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
            temps.append((Path(tmp), path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o644)
        _flush([tmp for tmp, _ in temps])
        for tmp, path in temps:
            os.replace(tmp, path)
    except BaseException as exc:
        for tmp, _ in temps:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {exc.filename or files[0][0]}: {exc.strerror or exc}") from None
        raise
