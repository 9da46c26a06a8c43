"""`privgen audit` for people: one block per client with the reasons grouped, short warnings,
then the summary and, once, the full text of every warning (shared by many clients)."""

from __future__ import annotations

from .audit import CURRENT, PROFILE_NOT_CHECKED, Audit, DocumentAudit, Finding, ProfileAudit, Reason

_WORDS = {
    "de": {
        "why": "Warum",
        "source": "Quelle",
        "warning": "Warnung",
        "note": "Hinweis",
        "details": "Warnungen im Einzelnen",
    },
    "en": {
        "why": "Why",
        "source": "Source",
        "warning": "warning",
        "note": "note",
        "details": "The warnings in full",
    },
}


def _where(documents: list[DocumentAudit], total: int) -> str:
    if len(documents) == total and total > 2:
        return f"in all {total} documents"
    langs: dict[str, list[str]] = {}
    for d in documents:
        langs.setdefault(d.document, []).append(d.lang)
    return "in " + ", ".join(f"{name} ({', '.join(sorted(ls))})" for name, ls in langs.items())


def _reason_lines(reason: Reason, documents: list[DocumentAudit], total: int, lang: str) -> list[str]:
    words = _WORDS[lang]
    head = f"{reason.kind} {reason.id}: {reason.message}" if reason.id else reason.message
    lines = [f"  - {head}", f"    {_where(documents, total)}"]
    for change in reason.changes:
        lines.append(f"    {change.date.isoformat()}: {change.what[lang]}")
        lines.append(f"      {words['why']}: {change.why[lang]}")
        lines.append(f"      {words['source']}: {change.source}")
    return lines


def _short(warning: Finding, lang: str) -> str:
    return (warning.short or warning.message)[lang]


def _profile_lines(report: ProfileAudit, audit: Audit, lang: str, verbose: bool) -> list[str]:
    words = _WORDS[lang]
    where = str(report.folder)
    if report.error:
        return [f"{where}: error: {report.error}"]
    total = len(report.documents)
    stale = report.stale
    profile = (
        f"profile {report.profile_file}: {report.profile_status}"
        if report.profile_file
        else "profile unknown"
    )
    if stale:
        lines = [f"{where}: out of date, {len(stale)} of {total} documents ({profile})"]
    else:
        lines = [f"{where}: current, {total} documents ({profile})"]
    grouped: dict[tuple, tuple[Reason, list[DocumentAudit]]] = {}
    for doc in stale:
        for reason in doc.reasons:
            grouped.setdefault(reason.key(), (reason, []))[1].append(doc)
    for reason, documents in grouped.values():
        lines += _reason_lines(reason, documents, total, lang)
    for warning in report.warnings:
        lines.append(f"  {words['warning']}: {_short(warning, lang)}")
    if stale or verbose:
        lines += [f"  {words['note']}: {note}" for note in report.notes]
    if verbose:
        lines += [
            f"  {words['note']}: {d.document} ({d.lang}): {n}" for d in report.documents for n in d.notes
        ]
    if stale:
        out = audit.out_dir if report.folder != audit.out_dir else report.folder.parent
        source = str(report.profile_path) if report.profile_path else report.profile_file or "PROFILE"
        lines.append(f"  to update: privgen build {source} -o {out}")
        lines.append(f"  to see what changes first: privgen diff {where} {source}")
    return lines


def text(audit: Audit, lang: str = "en", verbose: bool = False) -> str:
    """The whole report."""
    lines: list[str] = []
    for report in audit.profiles:
        lines += _profile_lines(report, audit, lang, verbose)
    documents = audit.documents
    stale = [d for d in documents if d.status != CURRENT]
    clients = sum(1 for p in audit.profiles if p.stale)
    errors = sum(1 for p in audit.profiles if p.error)
    summary = (
        f"{len(audit.profiles)} profiles, {len(documents)} documents: {len(documents) - len(stale)} current, "
        f"{len(stale)} out of date in {clients} profiles; {len(audit.warnings)} warnings"
    )
    if errors:
        summary += f"; {errors} folders could not be audited"
    lines += ["", summary]
    if not audit.options.profiles:
        lines.append("Profiles were not compared: pass --profiles DIR to notice changed profiles.")
    elif any(p.profile_status == PROFILE_NOT_CHECKED for p in audit.profiles if not p.error):
        lines.append("Some profiles were not compared.")
    full: dict[str, int] = {}
    for warning in audit.warnings:
        if warning.shared is not None:
            key = warning.shared[lang]
            full[key] = full.get(key, 0) + 1
    if full:
        lines += ["", f"{_WORDS[lang]['details']}:"]
        for message, count in full.items():
            times = f" [{count} profiles]" if count > 1 else ""
            lines.append(f"- {message}{times}")
    return "\n".join(lines) + "\n"
