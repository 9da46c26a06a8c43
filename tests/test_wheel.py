"""A plain `pip install .` works: the wheel carries clauses and fonts, and builds documents."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import PROFILES, ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)],
        check=True,
    )
    (found,) = dist.glob("privgen-*.whl")
    return found


def test_wheel_contains_clauses_and_fonts(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    assert "generator/clauses/de/sections.yaml" in names
    assert "generator/clauses/providers/mailjet.yaml" in names
    assert any(n.startswith("generator/clauses/en/") and n.endswith(".md.j2") for n in names)
    assert "generator/static/fonts/NotoSans-Regular.ttf" in names
    assert "generator/static/fonts/OFL.txt" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_wheel_installs_into_fresh_venv_and_builds(wheel: Path, tmp_path: Path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = venv / "bin" / "pip"
    subprocess.run([str(pip), "install", "--quiet", str(wheel)], check=True)
    work = tmp_path / "elsewhere"  # not the repository: the clauses must come from the wheel
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [str(venv / "bin" / "privgen"), "build", str(PROFILES / "beispiel-shop.yaml"), "-o", "out"],
        cwd=work, capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for lang in ("de", "en"):
        for suffix in ("html", "md", "pdf", "json"):
            assert (work / "out" / "beispiel-shop" / lang / f"privacy-policy.{suffix}").stat().st_size > 1000
    module = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "generator", "--version"], cwd=work, capture_output=True,
        text=True, env=env, check=True,
    )  # fmt: skip
    assert "privgen" in module.stdout
