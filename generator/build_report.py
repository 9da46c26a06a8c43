"""What `privgen build` prints while a batch runs: a progress bar on a terminal, plain lines
otherwise, and a summary at the end (built, up to date, failed with reasons)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .batch import BUILT, INTERRUPTED, Outcome, Summary
from .errors import printable
from .plan import BASE, FAILED, FRESH


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class BuildReport:
    def __init__(self, out_dir: Path, tty: bool | None = None):
        self.out_dir = out_dir
        self.tty = sys.stdout.isatty() if tty is None else tty
        self.bar = None

    # -- while running ----------------------------------------------------------------
    def start(self, total: int) -> None:
        if self.tty and total > 1:
            self.bar = click.progressbar(
                length=total,
                label="Building",
                show_pos=True,
                show_eta=True,
                item_show_func=lambda o: str(o.path.name) if o is not None else "",
            )
            self.bar.__enter__()

    def done(self, outcome: Outcome) -> None:
        if self.bar is not None:
            self.bar.update(1, outcome)
        else:
            click.echo(printable(self.line(outcome)))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None

    def line(self, o: Outcome) -> str:
        where = self.out_dir / o.profile_id if o.profile_id else self.out_dir
        if o.status == BUILT:
            extra = f", {o.unchanged} up to date" if o.unchanged else ""
            if o.removed:
                extra += f", removed {_plural(o.removed, 'file')} of documents that no longer apply"
            return f"{o.path}: wrote {_plural(o.written, 'file')} in {where}{extra}"
        if o.status == FRESH:
            return f"{o.path}: up to date ({where})"
        if o.status == BASE:
            return f"{o.path}: base profile of {_plural(len(o.extended_by), 'profile')}, not built itself"
        if o.status == INTERRUPTED:
            return f"{o.path}: not built (interrupted)"
        return f"{o.path}: failed (see below)"

    # -- at the end -------------------------------------------------------------------
    def summary(self, s: Summary) -> None:
        counts = [
            f"{s.count(BUILT)} built",
            f"{s.count(FRESH)} up to date",
            f"{s.count(FAILED)} failed",
        ]
        if s.count(BASE):
            counts.append(f"{_plural(s.count(BASE), 'base profile')} skipped")
        total = len(s.outcomes)
        files = sum(o.written for o in s.outcomes)
        click.echo(
            f"{', '.join(counts)} ({_plural(total, 'profile')}, {_plural(files, 'file')} written, "
            f"{s.seconds:.1f} s, {_plural(s.jobs, 'job')})"
        )
        for o in s.outcomes:
            if o.outdated:
                names = ", ".join(o.outdated[:4]) + (" ..." if len(o.outdated) > 4 else "")
                click.echo(
                    printable(
                        f"warning: {o.path}: {_plural(len(o.outdated), 'file')} from an older build "
                        f"are outdated (their format was not built this time): {names}"
                    ),
                    err=True,
                )
        if s.failures:
            click.echo(f"Failed ({len(s.failures)}):", err=True)
            for o in s.failures:
                text = (o.message or f"{o.path}: failed").replace("\n", "\n    ")
                click.echo(printable(f"  {text}"), err=True)
        if s.interrupted is not None:
            left = s.count(INTERRUPTED)
            click.echo(
                f"Interrupted: {_plural(left, 'profile')} not built. Every file written is complete; "
                "run the same command again to finish.",
                err=True,
            )
