"""Shared by the batch tests: small client profiles, and which output files a run rewrote."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1796083200"  # 2026-12-01, as in conftest


def client(
    name: str,
    *,
    provider: str | None = "brevo",
    languages: tuple[str, ...] = ("de",),
    extra: str = "",
) -> str:
    """A small valid profile; `provider` None leaves the newsletter out."""
    text = (
        f"profile: 1\n"
        f"id: {name}\n"
        f"languages: [{', '.join(languages)}]\n"
        f"effective_date: 2026-11-29\n"
        f"controller:\n"
        f"  name: {name.title()} GmbH\n"
        f'  address: {{street: Hauptstraße 1, postal_code: "10115", city: Berlin,\n'
        f"            country: DE, region: BE}}\n"
        f"  email: datenschutz@{name}.example\n"
    )
    if provider:
        text += f"newsletter: {{provider: {provider}, fields: [email, name]}}\n"
    return text + extra


def write_clients(folder: Path, names: list[str], **kwargs) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        path = folder / f"{name}.yaml"
        path.write_text(client(name, **kwargs), encoding="utf-8")
        paths.append(path)
    return paths


def snapshot(out: Path) -> dict[str, int]:
    """relative path -> inode of every file: write_atomic replaces a file, so a rewrite shows."""
    return {p.relative_to(out).as_posix(): p.stat().st_ino for p in sorted(out.rglob("*")) if p.is_file()}


def rewritten(before: dict[str, int], after: dict[str, int]) -> set[str]:
    """Files that are new or were replaced between two snapshots."""
    return {name for name, ino in after.items() if before.get(name) != ino}


def profiles_touched(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {name.split("/")[0] for name in rewritten(before, after)}


def check_complete(out: Path, *, temporary_ok: bool = False) -> int:
    """Every file under out is complete, no temporary file is left (unless temporary_ok: after
    a SIGKILL), and every manifest's hashes match the files. Returns the files checked."""
    from pypdf import PdfReader

    files = [p for p in out.rglob("*") if p.is_file()]
    leftovers = [p for p in files if p.name.endswith(".tmp")]
    assert temporary_ok or not leftovers, f"temporary files left: {leftovers}"
    files = [p for p in files if p not in leftovers]
    for p in files:
        data = p.read_bytes()
        if p.suffix == ".pdf":
            assert data.rstrip().endswith(b"%%EOF"), p
            assert len(PdfReader(p).pages) > 0, p
        elif p.suffix == ".json":
            json.loads(data)
        elif p.suffix == ".html":
            assert data.rstrip().endswith(b"</html>"), p
    for m in out.glob("*/manifest.json"):
        data = json.loads(m.read_text(encoding="utf-8"))
        for entry in data["documents"]:
            for name, digest in entry["files"].items():
                assert hashlib.sha256((m.parent / name).read_bytes()).hexdigest() == digest, name
    return len(files)


def env_for(tree: Path | None = None) -> dict[str, str]:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONUNBUFFERED="1")
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    return env


def privgen_command(*args: object) -> list[str]:
    return [sys.executable, "-m", "generator", *map(str, args)]


def copy_tree(tmp_path: Path) -> Path:
    """A private copy of generator/ and clauses/: runs from it see no edit made to the working
    tree meanwhile, and a test may change its clause library."""
    copy = tmp_path / "tree"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "generator", copy / "generator", ignore=ignore)
    shutil.copytree(ROOT / "clauses", copy / "clauses", ignore=ignore)
    return copy
