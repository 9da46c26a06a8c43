"""Audit benchmark: `privgen audit` over N built client folders, as an agency runs it nightly.

    .venv/bin/python benchmarks/audit.py                 # N = 10, 50
    .venv/bin/python benchmarks/audit.py --sizes 100

Builds N synthetic clients once (md and json), then times, each in a fresh process (interpreter
start and imports included): the audit from the manifests alone, the audit with --profiles
(which also reads every profile and selects its clauses again), and the same with --json.
Runs from a snapshot of generator/ and clauses/ taken at the start.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROVIDERS = ("brevo", "mailjet", "cleverreach", "rapidmail", None)
LANDS = ("BE", "BY", "HH", "NW", "SN")


def profile(n: int) -> str:
    provider = PROVIDERS[n % len(PROVIDERS)]
    text = (
        f"profile: 1\nid: client-{n:04d}\nlanguages: [de, en]\neffective_date: 2026-11-29\n"
        f"controller:\n  name: Kunde {n} GmbH\n"
        f'  address: {{street: Hauptstraße {n}, postal_code: "10115", city: Berlin, country: DE, '
        f"region: {LANDS[n % len(LANDS)]}}}\n  email: datenschutz@client-{n}.example\n"
    )
    if provider:
        text += f"newsletter: {{provider: {provider}, fields: [email, name], tracking: consent}}\n"
    return text


def timed(args: list[str], cwd: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(cwd), SOURCE_DATE_EPOCH="1796083200")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env, capture_output=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr.decode()[-2000:])
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50])
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        shutil.copytree(ROOT / "generator", tree / "generator", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(ROOT / "clauses", tree / "clauses")
        for size in options.sizes:
            clients, out = Path(tmp) / f"clients-{size}", Path(tmp) / f"out-{size}"
            clients.mkdir()
            for n in range(size):
                (clients / f"client-{n:04d}.yaml").write_text(profile(n), encoding="utf-8")
            build = timed(["build", str(clients), "-o", str(out), "--format", "md,json"], tree)
            documents = sum(1 for _ in out.glob("*/*/*.json"))
            alone = timed(["audit", str(out)], tree)
            with_profiles = timed(["audit", str(out), "--profiles", str(clients)], tree)
            as_json = timed(["audit", str(out), "--profiles", str(clients), "--json"], tree)
            print(
                f"{size} clients, {documents} documents (build md+json: {build:.1f} s): "
                f"audit {alone:.2f} s, with --profiles {with_profiles:.2f} s "
                f"({1000 * with_profiles / size:.0f} ms per client), --json {as_json:.2f} s"
            )


if __name__ == "__main__":
    main()
