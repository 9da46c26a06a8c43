"""`privgen serve` benchmark: how long a person waits for each page and download.

    .venv/bin/python benchmarks/serve.py [--rounds 3]

Answers the newsletter + SMS case of tests/web_case.py through Flask's test client (no
network, no browser) and reports, per step, the median time of the server's answer: each
question page (shown, then sent), the review, the preview, one PDF, and the ZIP of every
document. Downloads are timed cold (a new session each round), as a user meets them first.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from web_case import STEPS, Page, form_data  # noqa: E402

from generator.web.app import create_app  # noqa: E402


def timed(times: dict, name: str, call):
    start = time.perf_counter()
    response = call()
    times.setdefault(name, []).append(time.perf_counter() - start)
    assert response.status_code in (200, 303), (name, response.status_code)
    return response


def one_round(times: dict) -> None:
    client = create_app().test_client()
    timed(times, "start page", lambda: client.get("/"))
    for sid, values in STEPS:
        page = timed(times, f"show {sid}", lambda s=sid: client.get(f"/s/{s}")).get_data(as_text=True)
        data = form_data(Page(page), values)
        timed(times, f"send {sid}", lambda s=sid, d=data: client.post(f"/s/{s}", data=d))
    timed(times, "review", lambda: client.get("/review"))
    timed(times, "preview", lambda: client.get("/preview"))
    timed(times, "PDF (privacy policy, de)", lambda: client.get("/download/privacy-policy/de.pdf"))
    timed(times, "ZIP (everything)", lambda: client.get("/download/documents.zip"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    times: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        one_round(times)
    width = max(map(len, times))
    print(f"{'step':{width}}  median s  (of {args.rounds})")
    for name, values in times.items():
        print(f"{name:{width}}  {statistics.median(values):8.3f}")


if __name__ == "__main__":
    main()
