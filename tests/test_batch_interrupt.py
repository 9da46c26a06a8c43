"""An interrupted batch (kill, SIGTERM) leaves only complete files, and the next run finishes
the job. Real processes and real PDFs: the batch must be slow enough to be caught mid-way."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from batch_support import check_complete, copy_tree, env_for, privgen_command, write_clients

PROFILES = [f"client-{i}" for i in range(4)]


def _command(folder: Path, out: Path) -> list[str]:
    return privgen_command(
        "build", folder, "-o", out, "--format", "pdf,html,md,json", "--documents", "privacy-policy",
        "--jobs", "2",
    )  # fmt: skip


def _wait_for_a_finished_profile(out: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if any(out.glob("*/manifest.json")):
            return
        if proc.poll() is not None:
            pytest.fail(f"the batch ended before it could be interrupted: {proc.communicate()}")
        time.sleep(0.02)
    pytest.fail("no profile was finished in time")


def _group_gone(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("how", ["sigkill-all", "sigterm-main"])
def test_an_interrupted_batch_leaves_complete_files_and_the_next_run_finishes(tmp_path: Path, how: str):
    folder = tmp_path / "clients"
    write_clients(folder, PROFILES)
    out = tmp_path / "out"
    tree = copy_tree(tmp_path)
    proc = subprocess.Popen(
        _command(folder, out),
        cwd=tree,
        env=env_for(tree),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _wait_for_a_finished_profile(out, proc)
        if how == "sigkill-all":
            os.killpg(proc.pid, signal.SIGKILL)  # a power cut: every process at once
        else:
            os.kill(proc.pid, signal.SIGTERM)  # `kill PID`: the main process stops its workers
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    if how == "sigterm-main":
        assert proc.returncode == 128 + signal.SIGTERM, stdout + stderr
        assert "Interrupted:" in stderr and "run the same command again" in stderr
        deadline = time.monotonic() + 10
        while not _group_gone(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _group_gone(proc.pid), "the workers outlived the main process"
    finished = len(list(out.glob("*/manifest.json")))
    assert 1 <= finished < len(PROFILES), "the batch was not interrupted in the middle"
    check_complete(out, temporary_ok=how == "sigkill-all")

    def again() -> subprocess.CompletedProcess:
        done = subprocess.run(
            _command(folder, out), cwd=tree, env=env_for(tree), capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    assert f"{finished} up to date, 0 failed" in again().stdout
    assert check_complete(out) == len(PROFILES) * (4 + 1)  # 4 formats and the manifest each
    assert f"0 built, {len(PROFILES)} up to date" in again().stdout
