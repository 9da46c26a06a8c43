"""Shared fixtures: a CLI runner, example profiles, the golden-file switch."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "profiles"
TEST_PROFILES = Path(__file__).resolve().parent / "profiles"
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden from the current output"
    )


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture(autouse=True)
def _fixed_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")  # 2026-12-01, only used where a profile has no date


@pytest.fixture
def run():
    """Invoke privgen in-process; returns click's Result."""
    from generator.cli import main

    def _run(*args: str):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return _run


def tool_missing(name: str, why: str):
    """Skip when a tool is missing locally; fail on CI (CI=true)."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} is required on CI: {why}")
    pytest.skip(f"{name} not available: {why}")


def which_or_skip(cmd: str) -> str:
    path = shutil.which(cmd)
    if not path:
        tool_missing(cmd, f"{cmd} not on PATH")
    return path
