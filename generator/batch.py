"""Many profiles at once: in parallel worker processes, incremental, one failure never stops the rest.

`run()` plans the batch (plan.py: ids, duplicates, bases, what is up to date), then builds the
rest with `build.build_profile` in worker processes. A worker that dies (a crash in a native
library, the OOM killer) takes only its own profile down: the profiles it may have held are
retried one at a time. Ctrl-C or SIGTERM stops the workers, which delete their temporary
files on the way out; every file already written is complete (written atomically), and the
manifest of an unfinished profile still describes the old files, so the next run finishes
the job. Each profile's output folder is locked while it is built (build.py).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from . import fingerprint
from .build import build_profile
from .errors import ClauseError, InputError, OutputError, PrivgenError, ProfileError
from .exporters import select
from .plan import BASE, BUILD, FAILED, FRESH, Job, Options, plan

__all__ = ["Options", "Outcome", "Summary", "default_jobs", "run"]

BUILT = "built"
INTERRUPTED = "interrupted"
# WeasyPrint's memory grows by about half a MiB per PDF in a long-lived process. A worker that
# has reached this peak is replaced (the pool is renewed once its work in flight is done).
RECYCLE_RSS_KIB = 400 * 1024


@dataclass
class Outcome:
    """What became of one profile."""

    path: Path
    status: str  # built | unchanged | failed | base | interrupted
    profile_id: str | None = None
    written: int = 0  # files written (the manifest included)
    unchanged: int = 0  # files that were up to date
    removed: int = 0  # files of documents that no longer apply
    outdated: list[str] = field(default_factory=list)
    message: str | None = None
    exit_code: int = 0
    extended_by: list[Path] = field(default_factory=list)
    worker: int | None = None  # pid of the process that built it
    peak_rss_kib: int | None = None  # that process's peak memory so far


@dataclass
class Summary:
    outcomes: list[Outcome]
    seconds: float
    jobs: int
    interrupted: int | None = None  # the signal that stopped the batch

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == FAILED]

    @property
    def exit_code(self) -> int:
        if self.interrupted is not None:
            return 128 + self.interrupted
        return max((o.exit_code for o in self.outcomes), default=0)

    @property
    def peak_rss_kib(self) -> dict[int, int]:
        """Peak memory per process that built something (pid -> KiB)."""
        peaks: dict[int, int] = {}
        for o in self.outcomes:
            if o.worker is not None and o.peak_rss_kib is not None:
                peaks[o.worker] = max(peaks.get(o.worker, 0), o.peak_rss_kib)
        return peaks


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _peak_rss_kib() -> int | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def _with_path(path: Path, message: str) -> str:
    return message if message.startswith(str(path)) else f"{path}: {message}"


def build_one(path: Path, options: Options) -> Outcome:
    """Build one profile; every error becomes a failed Outcome (never an exception)."""
    worker = os.getpid()
    try:
        result = build_profile(
            path,
            options.out_dir,
            options.formats,
            options.langs,
            options.documents,
            force=options.force,
            export_context=options.export_context,
        )
    except ProfileError as exc:
        message, code = str(exc), 2
    except InputError as exc:
        message, code = _with_path(path, str(exc)), 2
    except ClauseError as exc:
        message, code = f"{path}: clause library error: {exc}", 1
    except PrivgenError as exc:
        message, code = _with_path(path, str(exc)), 1
    except Exception as exc:  # a bug must not stop the other profiles
        message, code = f"{path}: internal error: {type(exc).__name__}: {exc}", 1
        if os.environ.get("PRIVGEN_DEBUG"):
            message += "\n" + traceback.format_exc()
    else:
        return Outcome(
            path=path,
            status=BUILT if result.written else FRESH,
            profile_id=result.profile_id,
            written=len(result.written),
            unchanged=len(result.unchanged),
            removed=len(result.removed),
            outdated=list(result.outdated),
            worker=worker,
            peak_rss_kib=_peak_rss_kib(),
        )
    return Outcome(path=path, status=FAILED, message=message, exit_code=code, worker=worker)


# -- worker processes ------------------------------------------------------------------


def _stop_worker(signum, _frame) -> None:
    raise SystemExit(128 + signum)  # unwinds: write_atomic deletes its temporary file


def _init_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides what Ctrl-C does
    signal.signal(signal.SIGTERM, _stop_worker)


def _work(path: Path, options: Options) -> Outcome:
    try:
        return build_one(path, options)
    except SystemExit as exc:  # SIGTERM: the files are cleaned up by now; leave at once
        pdf = sys.modules.get("generator.exporters.pdf")
        if pdf is not None:
            with contextlib.suppress(Exception):
                pdf.release()  # WeasyPrint's temporary font folder
        os._exit(exc.code if isinstance(exc.code, int) else 1)


def _start_method() -> multiprocessing.context.BaseContext:
    if sys.platform == "linux":
        return multiprocessing.get_context("fork")  # workers inherit the loaded library
    return multiprocessing.get_context()


def _death(processes: list) -> str:
    """How a dead worker ended, as far as can be told (the others were stopped by the pool)."""
    codes = [p.exitcode for p in processes if p.exitcode]
    codes.sort(key=lambda c: c == -signal.SIGTERM)  # the pool terminates the survivors
    for code in codes:
        if code < 0:
            with contextlib.suppress(ValueError):
                return f"signal {-code} ({signal.Signals(-code).name})"
        return f"exit code {code}"
    return "unknown cause"


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Stop the workers; they delete their temporary files and exit."""
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    deadline = time.monotonic() + 10
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
    with contextlib.suppress(Exception):
        pool.shutdown(wait=False, cancel_futures=True)


class _Pool:
    """Runs jobs in `workers` processes; isolates a profile that kills its worker process."""

    def __init__(self, options: Options, workers: int, done: Callable[[Outcome], None]):
        self.options = options
        self.workers = workers
        self.done = done
        self.cause = "unknown cause"

    def _drive(self, queue: deque[Job], workers: int) -> list[Job]:
        """Run the queue; returns the jobs that were in flight when a worker died (else [])."""
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=_start_method(),
            initializer=_init_worker,
        )
        in_flight: dict[Future, Job] = {}
        processes: dict[int, object] = {}
        renew = False
        try:
            while (queue and not renew) or in_flight:
                while queue and not renew and len(in_flight) < 2 * workers:
                    job = queue.popleft()
                    in_flight[pool.submit(_work, job.path, self.options)] = job
                processes.update(getattr(pool, "_processes", None) or {})
                finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in finished:
                    job = in_flight.pop(future)
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        for process in processes.values():
                            with contextlib.suppress(Exception):
                                process.join(5)
                        self.cause = _death(list(processes.values()))
                        return [job, *in_flight.values()]
                    self.done(outcome)
                    renew = renew or (outcome.peak_rss_kib or 0) > RECYCLE_RSS_KIB
            return []  # the queue is done, or the pool is to be renewed: run() goes on
        except BaseException:  # Ctrl-C, SIGTERM: stop the workers now
            _terminate(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def run(self, jobs: list[Job]) -> None:
        queue = deque(jobs)
        while queue:
            suspects = self._drive(queue, self.workers)
            for job in suspects:  # one at a time: only the culprit dies again
                if self._drive(deque([job]), 1):
                    self.done(
                        Outcome(
                            path=job.path,
                            status=FAILED,
                            profile_id=job.profile_id,
                            message=f"{job.path}: the process building it died ({self.cause}); "
                            "the other profiles were built",
                            exit_code=1,
                        )
                    )


# -- the batch -------------------------------------------------------------------------


class _Terminated(BaseException):
    def __init__(self, signum: int):
        self.signum = signum


@contextlib.contextmanager
def _signals() -> Iterator[None]:
    """SIGTERM raises _Terminated in the main thread (Ctrl-C already raises KeyboardInterrupt)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminated(signum, _frame):
        raise _Terminated(signum)

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _prepare_output(out_dir: Path) -> bool:
    """Create the output folder; True when this run created it."""
    if out_dir.is_dir():
        return False
    if out_dir.exists() or out_dir.is_symlink():
        raise InputError(f"{out_dir}: the output folder is not a folder")
    try:
        out_dir.mkdir(parents=True)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create the output folder: {exc.strerror}") from None
    return True


def _outcome_of(job: Job) -> Outcome:
    return Outcome(
        path=job.path,
        status=job.state,
        profile_id=job.profile_id,
        message=job.message,
        exit_code=job.exit_code,
        extended_by=list(job.extended_by),
    )


def run(
    paths: list[Path],
    options: Options,
    *,
    started: Callable[[int], None] | None = None,
    done: Callable[[Outcome], None] | None = None,
) -> Summary:
    """Build a batch. `started(total)` is called once the profiles are known, `done(outcome)`
    once per profile as it finishes. InputError/PrivgenError only for problems of the whole run."""
    began = time.perf_counter()
    fingerprint.epoch_date()  # a bad SOURCE_DATE_EPOCH stops the run before anything is read
    select(options.formats)  # so does a format that cannot be used
    fingerprint.warm()
    outcomes: list[Outcome] = []

    def finished(outcome: Outcome) -> None:
        outcomes.append(outcome)
        if done is not None:
            done(outcome)

    created = _prepare_output(options.out_dir)
    workers = options.jobs or default_jobs()
    pending: list[Job] = []
    interrupted = None
    try:
        with _signals():
            try:
                jobs = plan(paths, options)
                if started is not None:
                    started(len(jobs))
                pending = [j for j in jobs if j.state == BUILD]
                workers = max(1, min(workers, len(pending)))
                for job in jobs:
                    if job.state in (FRESH, FAILED, BASE):
                        finished(_outcome_of(job))
                if len(pending) == 1:
                    finished(build_one(pending[0].path, options))
                elif pending:
                    if "pdf" in options.formats and _start_method().get_start_method() == "fork":
                        import weasyprint  # noqa: F401 - imported once, shared by the forked workers
                    _Pool(options, workers, finished).run(pending)
            except (KeyboardInterrupt, _Terminated) as exc:
                interrupted = exc.signum if isinstance(exc, _Terminated) else int(signal.SIGINT)
                seen = {o.path for o in outcomes}
                for job in pending:
                    if job.path not in seen:
                        outcomes.append(Outcome(path=job.path, status=INTERRUPTED, profile_id=job.profile_id))
    finally:
        if created:
            with contextlib.suppress(OSError):
                options.out_dir.rmdir()  # only when nothing was written into it
    return Summary(
        outcomes=outcomes, seconds=time.perf_counter() - began, jobs=workers, interrupted=interrupted
    )
