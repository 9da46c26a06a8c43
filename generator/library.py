"""The clause library as a whole: switching to another copy of it (PRIVGEN_CLAUSES) in one process."""

from __future__ import annotations

import contextlib
import importlib

# Every cached function whose result depends on the clause library (module, function name).
_CACHED = (
    ("generator.resources", "clauses_dir"),
    ("generator.clauses", "library"),
    ("generator.clauses", "sections"),
    ("generator.catalog", "providers"),
    ("generator.catalog", "authorities"),
    ("generator.catalog", "labels"),
    ("generator.stale", "phrases"),
    ("generator.questionnaire", "load"),
    ("generator.fingerprint", "library_sha256"),
    ("generator.fingerprint", "selection_sha256"),
    ("generator.fingerprint", "clause_index"),
    ("generator.fingerprint", "catalog_index"),
    ("generator.fingerprint", "_fixed"),
    ("generator.versions", "_clause_index"),
    ("generator.versions", "_provider_parts"),
    ("generator.versions", "_authority_parts"),
    ("generator.changelog", "load"),
    ("generator.watch", "load"),
)


def reload() -> None:
    """Forget everything read from the clause library, so the next use reads it again
    (after PRIVGEN_CLAUSES was set or changed, or the library was edited, in the same process)."""
    for module_name, name in _CACHED:
        with contextlib.suppress(ImportError):
            function = getattr(importlib.import_module(module_name), name, None)
            clear = getattr(function, "cache_clear", None)
            if clear is not None:
                clear()
