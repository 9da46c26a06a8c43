"""The code passes ruff (lint) as configured in pyproject.toml."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from conftest import ROOT, tool_missing


def test_ruff_check():
    ruff = shutil.which("ruff") or str(ROOT / ".venv" / "bin" / "ruff")
    if not Path(ruff).exists():
        tool_missing("ruff", "install the test extras: pip install -e '.[test]'")
    result = subprocess.run([ruff, "check", "generator", "tests"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
