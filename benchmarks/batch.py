"""Batch benchmark: N synthetic client profiles built by `privgen build DIR --jobs J`.

    .venv/bin/python benchmarks/batch.py                      # N = 10, 100, 500; PDF for 10, 100
    .venv/bin/python benchmarks/batch.py --sizes 10 --pdf-sizes 10

For html+md and for all formats including PDF it prints: documents per second, peak memory
per worker, the speed-up from 1 to J jobs, the time of a rerun with nothing changed, and two
ratios measured in the same run: the batch against one `privgen build` process per profile
(sequentially, and J at a time), and against WeasyPrint alone rendering the same HTML files
in one process (the floor: the PDF pages WeasyPrint lays out, nothing else).

Everything runs from a snapshot of generator/ and clauses/ taken at the start, so edits to
the working tree during the run do not disturb it. Times are wall-clock, measured from
outside each process (interpreter start and imports included). A "document" is one output
file: one document (privacy policy, consent text ...) in one language in one format.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
EPOCH = "1796083200"

# Runs privgen's CLI in-process and reports the peak memory of the main process and of the
# largest worker (RUSAGE_CHILDREN covers the finished worker processes).
MEASURED_CLI = """
import json, resource, sys
from generator.cli import main
try:
    main(sys.argv[1:], prog_name="privgen")
    code = 0
except SystemExit as exc:
    code = exc.code or 0
main_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
workers_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stderr.write("\\nBENCH " + json.dumps({"code": code, "main": main_kib, "workers": workers_kib}) + "\\n")
sys.exit(code)
"""

# The floor: WeasyPrint alone, one process, the same HTML the batch lays out, same PDF variant.
FLOOR = """
import json, resource, sys, time
import weasyprint
base, listing = sys.argv[1], sys.argv[2]
files = [line for line in open(listing, encoding="utf-8").read().splitlines() if line]
start = time.perf_counter()
for i, name in enumerate(files):
    page = weasyprint.HTML(filename=name, base_url=base)
    page.write_pdf(f"{name}.pdf", pdf_variant="pdf/ua-1", pdf_tags=True)
print(json.dumps({"loop": time.perf_counter() - start, "files": len(files),
                  "kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

# Writes the HTML the PDF exporter hands to WeasyPrint, for every document the batch builds.
FLOOR_HTML = """
import sys
from pathlib import Path
from generator import __version__
from generator.build import documents_for, load_profile, render_document
from generator.exporters import ExportContext, get
from generator.exporters.html import render_page
from generator.exporters.pdf import pdf_css
folder, target = Path(sys.argv[1]), Path(sys.argv[2])
documents = tuple(sys.argv[3].split(",")) if len(sys.argv) > 3 and sys.argv[3] else None
context = ExportContext(generator_version=__version__)
exporter = get("pdf")
exporter = getattr(exporter, "impl", exporter)
names = []
for path in sorted(folder.glob("*.yaml")):
    loaded = load_profile(path)
    for lang in loaded.data["languages"]:
        for document in documents_for(lang, documents):
            doc = render_document(loaded, document, lang)
            if not doc.sections:
                continue
            if hasattr(exporter, "html"):
                html = exporter.html(doc, context)
            else:
                html = render_page(doc, __version__, pdf_css(doc), pdf=True)
            out = target / f"{loaded.data['id']}-{lang}-{document}.html"
            out.write_text(html, encoding="utf-8")
            names.append(str(out))
(target / "files.txt").write_text("\\n".join(names), encoding="utf-8")
print(len(names))
"""


# -- synthetic clients ------------------------------------------------------------------


def _providers(tree: Path) -> dict[str, list[str]]:
    """service -> provider ids offering it, from the snapshot's catalog."""
    sys.path.insert(0, str(tree))
    try:
        from generator import catalog

        offers: dict[str, list[str]] = {}
        for pid, p in catalog.providers().items():
            for service in p.services:
                offers.setdefault(service, []).append(pid)
        return offers
    finally:
        sys.path.remove(str(tree))


LAENDER = ["BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST", "SH", "TH"]
CITIES = ["Berlin", "München", "Hamburg", "Köln", "Leipzig", "Dresden", "Kiel", "Mainz", "Erfurt"]


def client_profile(i: int, rng: random.Random, offers: dict[str, list[str]]) -> str:
    name = f"client-{i:04d}"
    langs = "[de, en]" if i % 2 else "[de]"
    lines = [
        "profile: 1",
        f"id: {name}",
        f"languages: {langs}",
        "effective_date: 2026-11-29",
        "controller:",
        f"  name: Kunde {i} GmbH",
        "  address:",
        f"    street: Hauptstraße {i % 200 + 1}",
        f'    postal_code: "{10000 + i:05d}"',
        f"    city: {rng.choice(CITIES)}",
        "    country: DE",
        f"    region: {rng.choice(LAENDER)}",
        f"  email: datenschutz@{name}.example",
        f"  website: https://www.{name}.example",
    ]
    if rng.random() < 0.5:
        lines += ["dpo:", f"  name: DSB {i}", f"  email: dsb@{name}.example"]
    if rng.random() < 0.7:
        lines += [
            "hosting:",
            "  name: Hosting GmbH",
            "  address: Serverweg 1, 90402 Nürnberg",
            "  country: DE",
        ]
    lines += ["contact:", f"  form: {'true' if rng.random() < 0.6 else 'false'}"]
    if rng.random() < 0.8:
        lines += [
            "newsletter:",
            f"  provider: {rng.choice(offers['newsletter'])}",
            f"  double_opt_in: {'true' if rng.random() < 0.9 else 'false'}",
            "  fields: [email, name]",
            f"  tracking: {rng.choice(['none', 'consent'])}",
        ]
    if rng.random() < 0.5:
        lines += [
            "transactional_email:",
            f"  provider: {rng.choice(offers['transactional_email'])}",
            "  purposes: [order_confirmation, password_reset]",
        ]
    if offers.get("sms") and rng.random() < 0.2:
        lines += ["sms:", f"  provider: {rng.choice(offers['sms'])}", "  purposes: [two_factor]"]
    return "\n".join(lines) + "\n"


def write_clients(folder: Path, n: int, offers: dict[str, list[str]]) -> list[Path]:
    folder.mkdir(parents=True)
    rng = random.Random(20261129)  # noqa: S311 - reproducible test data, not secrets
    paths = []
    for i in range(n):
        path = folder / f"client-{i:04d}.yaml"
        path.write_text(client_profile(i, rng, offers), encoding="utf-8")
        paths.append(path)
    return paths


# -- running ----------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    stdout: str
    main_kib: int = 0
    workers_kib: int = 0
    cpu: float = 0.0  # CPU seconds of the run, all its processes (user + system)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _env(tree: Path) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(tree), SOURCE_DATE_EPOCH=EPOCH)


def privgen(tree: Path, *args: object) -> Run:
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-c", MEASURED_CLI, *map(str, args)],
        cwd=tree,
        env=_env(tree),
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    stats = {}
    for line in done.stderr.splitlines():
        if line.startswith("BENCH "):
            stats = json.loads(line[6:])
    if done.returncode != 0:
        raise SystemExit(f"privgen {' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}")
    return Run(seconds, done.stdout, stats.get("main", 0), stats.get("workers", 0), _children_cpu() - cpu)


def one_process_per_profile(
    tree: Path, paths: list[Path], out: Path, fmt: list[str], parallel: int
) -> tuple[float, float]:
    """`privgen build FILE` for each profile, `parallel` processes at a time: (seconds, CPU seconds)."""
    cpu = _children_cpu()
    start = time.perf_counter()
    running: list[subprocess.Popen] = []
    for path in paths:
        while len(running) >= parallel:
            running.pop(0).wait()
        running.append(
            subprocess.Popen(
                [PYTHON, "-m", "generator", "build", str(path), "-o", str(out), *fmt],
                cwd=tree,
                env=_env(tree),
                stdout=subprocess.DEVNULL,
            )
        )
    for proc in running:
        if proc.wait() != 0:
            raise SystemExit("a single-profile build failed")
    return time.perf_counter() - start, _children_cpu() - cpu


def count_files(out: Path) -> tuple[int, int]:
    """(output files, rendered documents = document x language) under out."""
    files = [p for p in out.rglob("*") if p.is_file() and p.name != "manifest.json"]
    documents = {(p.parent, p.name.split(".")[0]) for p in files}
    return len(files), len(documents)


def floor(tree: Path, folder: Path, work: Path, documents: str) -> tuple[float, float, int, int, float]:
    """(process seconds, loop seconds, files, peak KiB, CPU seconds) of WeasyPrint alone on the
    same HTML."""
    html_dir = work / "floor-html"
    html_dir.mkdir()
    subprocess.run(
        [PYTHON, "-c", FLOOR_HTML, str(folder), str(html_dir), documents],
        cwd=tree,
        env=_env(tree),
        check=True,
        capture_output=True,
    )
    base = (tree / "generator" / "static").resolve().as_uri() + "/"
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-c", FLOOR, base, str(html_dir / "files.txt")],
        cwd=work,
        env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH),
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    stats = json.loads(done.stdout.strip().splitlines()[-1])
    return seconds, stats["loop"], stats["files"], stats["kib"], _children_cpu() - cpu


# -- one scenario -----------------------------------------------------------------------


def _mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


def scenario(
    tree: Path, work: Path, n: int, formats: str, documents: str, jobs: int, sample: int, with_floor: bool
) -> dict:
    name = f"{formats} x {n}"
    base = work / f"{formats.replace(',', '-')}-{n}"
    folder = base / "profiles"
    paths = write_clients(folder, n, _providers(tree))
    fmt = ["--format", formats] + (["--documents", documents] if documents else [])
    load = os.getloadavg()[0]
    print(
        f"\n== {name} profiles"
        + (f" (--documents {documents})" if documents else "")
        + f"; load average at start {load:.1f}",
        flush=True,
    )

    one = privgen(tree, "build", folder, "-o", base / "out1", *fmt, "--jobs", "1")
    files, docs = count_files(base / "out1")
    many = privgen(tree, "build", folder, "-o", base / "outj", *fmt, "--jobs", jobs)
    rerun = privgen(tree, "build", folder, "-o", base / "outj", *fmt, "--jobs", jobs)
    rerun_ok = f"0 built, {n} up to date" in rerun.stdout
    k = min(sample, n)
    seq, seq_cpu = (x * n / k for x in one_process_per_profile(tree, paths[:k], base / "outp", fmt, 1))
    par, _ = (x * n / k for x in one_process_per_profile(tree, paths[:k], base / "outq", fmt, jobs))
    result = {
        "scenario": name,
        "profiles": n,
        "files": files,
        "documents": docs,
        "jobs1_s": one.seconds,
        f"jobs{jobs}_s": many.seconds,
        "files_per_s": files / many.seconds,
        "documents_per_s": docs / many.seconds,
        "cpu_s": many.cpu,
        "files_per_cpu_s": files / many.cpu,
        "speedup": one.seconds / many.seconds,
        "rerun_s": rerun.seconds,
        "rerun_cpu_s": rerun.cpu,
        "rerun_built_nothing": rerun_ok,
        "per_process_s": seq,
        "per_process_cpu_s": seq_cpu,
        f"per_process_{jobs}_at_a_time_s": par,
        "sample": k,
        "peak_worker_mib": round(max(many.workers_kib, one.workers_kib or one.main_kib) / 1024),
        "peak_main_mib": round(many.main_kib / 1024),
    }
    print(f"  files (document x language x format): {files}; documents (x language): {docs}")
    speedup = result["speedup"]
    print(f"  --jobs 1: {one.seconds:.1f} s   --jobs {jobs}: {many.seconds:.1f} s   speed-up {speedup:.2f}x")
    print(
        f"  throughput (--jobs {jobs}): {result['files_per_s']:.1f} files/s, "
        f"{result['documents_per_s']:.1f} documents/s"
    )
    print(
        f"  CPU time (all processes, --jobs {jobs}): {many.cpu:.1f} s = {files / many.cpu:.0f} files per "
        f"CPU-second; on {jobs} otherwise idle cores that is about {jobs * files / many.cpu:.0f} files/s"
    )
    print(
        f"  peak memory: worker {_mib(max(many.workers_kib, one.workers_kib))}, "
        f"main process {_mib(many.main_kib)}"
    )
    print(
        f"  rerun, nothing changed: {rerun.seconds:.2f} s ({rerun.cpu:.2f} CPU seconds)"
        + ("" if rerun_ok else "  (!! it rebuilt something)")
    )
    extrapolated = f" (extrapolated from {k} profiles)" if k < n else ""
    print(
        f"  one process per profile{extrapolated}: {seq:.1f} s sequentially -> batch is "
        f"{seq / many.seconds:.1f}x faster; {jobs} at a time {par:.1f} s -> {par / many.seconds:.1f}x"
    )
    print(
        f"  CPU seconds, one process per profile / batch: {seq_cpu:.1f} / {many.cpu:.1f} = "
        f"{seq_cpu / many.cpu:.1f}x"
    )
    if with_floor:
        fsec, loop, count, kib, fcpu = floor(tree, folder, base, documents)
        pdfs = len(list((base / "outj").rglob("*.pdf")))
        result.update(
            floor_s=fsec, floor_loop_s=loop, floor_files=count, floor_mib=round(kib / 1024), floor_cpu_s=fcpu
        )
        result["cpu_vs_floor"] = one.cpu / fcpu
        result["vs_floor"] = many.seconds / fsec
        result["vs_floor_jobs1"] = one.seconds / fsec
        note = "" if pdfs == count else f"  (!! {count} HTML files, but the batch wrote {pdfs} PDFs)"
        print(
            f"  WeasyPrint alone, one process, {count} PDFs: {fsec:.1f} s ({loop:.1f} s in the loop, "
            f"{_mib(kib)}){note}"
        )
        print(
            f"  batch / floor: --jobs {jobs} {result['vs_floor']:.2f}x, "
            f"--jobs 1 {result['vs_floor_jobs1']:.2f}x (the batch also writes html, md and json)"
        )
        print(
            f"  CPU seconds, batch --jobs 1 / floor: {one.cpu:.1f} / {fcpu:.1f} = "
            f"{result['cpu_vs_floor']:.2f}x (what the batch costs on top of WeasyPrint, whatever the load)"
        )
    result["load_start"] = load
    result["load_end"] = os.getloadavg()[0]
    print(f"  load average: {load:.1f} at the start, {result['load_end']:.1f} at the end")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10,100,500", help="profile counts for html+md")
    parser.add_argument("--pdf-sizes", default="10,100", help="profile counts for all formats incl. PDF")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sample", type=int, default=20, help="profiles timed one process each")
    parser.add_argument("--documents", default="", help="limit the html+md runs to these documents")
    parser.add_argument(
        "--pdf-documents", default="privacy-policy", help="documents of the PDF runs ('' = all)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="privgen-bench-"))
    tree = work / "tree"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "generator", tree / "generator", ignore=ignore)
    shutil.copytree(ROOT / "clauses", tree / "clauses", ignore=ignore)
    print(
        f"privgen batch benchmark: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, snapshot in {work}"
    )
    results = []
    try:
        for n in [int(x) for x in args.sizes.split(",") if x]:
            results.append(scenario(tree, work, n, "html,md", args.documents, args.jobs, args.sample, False))
        for n in [int(x) for x in args.pdf_sizes.split(",") if x]:
            results.append(
                scenario(tree, work, n, "html,md,pdf,json", args.pdf_documents, args.jobs, args.sample, True)
            )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
