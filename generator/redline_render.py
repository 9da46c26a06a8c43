"""The redline of `privgen diff` as Markdown or as a standalone, accessible HTML page.

Markdown: removed words ~~struck through~~, new words **bold** (every text escaped, so a word
from a document can never become Markdown syntax). HTML: `<del>` and `<ins>`, every text
escaped, with words for screen readers around each change (which `<del>`/`<ins>` alone do not
announce), strike-through and underline besides colour, light and dark colours with AA
contrast, one inline stylesheet and a Content-Security-Policy that lets the page load nothing.
"""

from __future__ import annotations

import html
import re

from .changelog import Entry
from .markup import escape_inline, escape_line_start
from .redline import ClauseChange, DocumentDiff, Segment

WORDS = {
    "de": {
        "title": "Änderungen",
        "compared": "Verglichen: {old} (alt) mit {new} (neu)",
        "legend_md": "~~Durchgestrichen~~: entfällt. **Fett**: neu.",
        "legend_html": "{del_} entfällt, {ins} ist neu.",
        "struck": "Durchgestrichen",
        "underlined": "Unterstrichen",
        "deleted": "[gelöscht:",
        "inserted": "[eingefügt:",
        "end": "]",
        "changed": "geändert",
        "added": "neu",
        "removed": "entfällt",
        "version": "Version",
        "clause": "Klausel",
        "moved": "verschoben aus „{section}“",
        "why": "Warum",
        "source": "Quelle",
        "date": "Stand",
        "unchanged": "{n} weitere Abschnitte unverändert.",
        "same": "Keine Änderungen am Text.",
        "doc_added": "Dieses Dokument gibt es nur in der neuen Fassung.",
        "doc_removed": "Dieses Dokument gibt es nur in der alten Fassung.",
        "profile": "Die Angaben im Profil haben sich geändert.",
        "catalog": "Anbieterkatalog",
        "nothing": "Keine Unterschiede.",
        "summary": "{changed} von {total} Dokumenten geändert.",
    },
    "en": {
        "title": "Changes",
        "compared": "Compared: {old} (old) with {new} (new)",
        "legend_md": "~~Struck through~~: removed. **Bold**: new.",
        "legend_html": "{del_} is removed, {ins} is new.",
        "struck": "Struck through",
        "underlined": "Underlined",
        "deleted": "[deleted:",
        "inserted": "[inserted:",
        "end": "]",
        "changed": "changed",
        "added": "new",
        "removed": "removed",
        "version": "version",
        "clause": "clause",
        "moved": "moved from “{section}”",
        "why": "Why",
        "source": "Source",
        "date": "Last updated",
        "unchanged": "{n} more sections unchanged.",
        "same": "No changes to the text.",
        "doc_added": "This document exists only in the new version.",
        "doc_removed": "This document exists only in the old version.",
        "profile": "The answers in the profile changed.",
        "catalog": "Provider catalog",
        "nothing": "No differences.",
        "summary": "{changed} of {total} documents changed.",
    },
}
_SPLIT = re.compile(r"^(\s*)(.*?)(\s*)$", re.DOTALL)


def page_lang(diffs: list[DocumentDiff]) -> str:
    return diffs[0].lang if diffs and diffs[0].lang in WORDS else "en"


def _versions(change: ClauseChange, words: dict) -> str:
    old, new = change.old_version, change.new_version
    if old is not None and new is not None and old != new:
        return f"{words['version']} {old} → {new}"
    return f"{words['version']} {new if new is not None else old}"


def _heading(diff: DocumentDiff, several_clients: bool) -> str:
    client = f"{diff.client}: " if several_clients and diff.client else ""
    return f"{client}{diff.title} ({diff.lang})"


def _reason_texts(entries: list[Entry], lang: str) -> list[tuple[str, str, str, str]]:
    return [(e.date.isoformat(), e.what[lang], e.why[lang], e.source) for e in entries]


# -- Markdown ---------------------------------------------------------------------------------------


def _md_segment(seg: Segment, first: bool) -> str:
    lead, core, trail = _SPLIT.match(seg.text).groups()
    if not core:
        return "" if seg.kind == "delete" else seg.text
    escaped = escape_inline(core)
    if first and not lead:
        escaped = escape_line_start(escaped)
    if seg.kind == "delete":
        escaped = f"~~{escaped}~~"
    elif seg.kind == "insert":
        escaped = f"**{escaped}**"
    return f"{lead}{escaped}{trail}"


def _md_line(segments: list[Segment]) -> str:
    parts = []
    for n, seg in enumerate(segments):
        text = _md_segment(seg, n == 0)
        if (
            seg.kind == "insert"
            and n
            and segments[n - 1].kind == "delete"
            and parts
            and parts[-1].endswith("~~")
        ):
            text = " " + text  # ~~old~~ **new**, not ~~old~~**new**
        parts.append(text)
    return "".join(parts).strip()


def _md_body(clause: ClauseChange) -> list[str]:
    """The clause's lines as Markdown paragraphs and lists."""
    out: list[str] = []
    previous = None
    kinds = clause.kinds or ["para"] * len(clause.lines)
    for line, kind in zip(clause.lines, kinds, strict=False):
        rendered = _md_line(line)
        if not rendered:
            continue
        if kind == "para":
            out += ["", rendered] if out else [rendered]
        else:
            marker = "-" if kind == "bullet" else "1."
            if previous != kind and out:
                out.append("")
            out.append(f"{marker} {rendered}")
        previous = kind
    return [*out, ""] if out else []


def markdown(diffs: list[DocumentDiff], old_label: str, new_label: str) -> str:
    lang = page_lang(diffs)
    words = WORDS[lang]
    several = len({d.client for d in diffs}) > 1
    head = diffs[0].controller if diffs else ""
    out = [f"# {words['title']}: {escape_inline(head)}" if head else f"# {words['title']}", ""]
    out += [escape_inline(words["compared"].format(old=old_label, new=new_label)), "", words["legend_md"], ""]
    changed = sum(1 for d in diffs if d.status != "same")
    out += [words["summary"].format(changed=changed, total=len(diffs)) if diffs else words["nothing"], ""]
    for diff in diffs:
        w = WORDS.get(diff.lang, words)
        out += [f"## {escape_inline(_heading(diff, several))}", ""]
        if diff.status in ("added", "removed"):
            out += [w["doc_added" if diff.status == "added" else "doc_removed"], ""]
            continue
        if diff.old_date != diff.new_date:
            out += [f"{w['date']}: {diff.old_date} → {diff.new_date}", ""]
        if diff.profile_changed:
            out += [w["profile"], ""]
        for cat in diff.catalog:
            out += [f"{w['catalog']}: `{cat.entry}` {w['version']} {cat.old_version} → {cat.new_version}", ""]
            out += _md_reasons(cat.reasons, diff.lang)
        if diff.status == "same":
            out += [w["same"], ""]
            continue
        for section in diff.sections:
            title = _md_line(section.title)
            status = f" ({w[section.status]})" if section.status != "changed" else ""
            number = f"{escape_inline(section.number)}. " if section.number else ""
            out += [f"### {number}{title}{status}", ""]
            for clause in section.clauses:
                out += [f"#### {escape_inline(clause.number)} {_md_line(clause.title)}", ""]
                meta = f"{w['clause']} `{clause.id}`, {_versions(clause, w)}, {w[clause.status]}"
                if clause.moved_from:
                    meta += ", " + escape_inline(w["moved"].format(section=clause.moved_from))
                out += [f"*{meta}*", ""]
                out += _md_reasons(clause.reasons, diff.lang)
                out += _md_body(clause)
        if diff.unchanged_sections:
            out += [w["unchanged"].format(n=diff.unchanged_sections), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _md_reasons(entries: list[Entry], lang: str) -> list[str]:
    w = WORDS[lang]
    out = []
    for date, what, why, source in _reason_texts(entries, lang):
        out += [
            f"> {date}: {escape_inline(what)}  ",
            f"> {w['why']}: {escape_inline(why)}  ",
            f"> {w['source']}: {escape_inline(source)}",
            "",
        ]
    return out


# -- HTML -------------------------------------------------------------------------------------------

CSP = "default-src 'none'; style-src 'unsafe-inline'"  # the page may load nothing, run nothing
CSS = """
:root { color-scheme: light dark; --fg: #1a1a1a; --bg: #ffffff; --muted: #4a4a4a; --rule: #c8c8c8;
  --del-fg: #8a1010; --del-bg: #fde8e8; --ins-fg: #0b5b1e; --ins-bg: #e3f4e6; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #ececec; --bg: #121212; --muted: #c8c8c8; --rule: #555555;
    --del-fg: #ffb4b4; --del-bg: #3d1212; --ins-fg: #a8e6b5; --ins-bg: #123d1c; }
}
html { background: var(--bg); color: var(--fg); }
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; line-height: 1.55;
  max-width: 48rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; overflow-wrap: anywhere; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; border-top: 1px solid var(--rule); padding-top: 1rem; }
h3 { font-size: 1.1rem; } h4 { font-size: 1rem; margin-bottom: .25rem; }
del { color: var(--del-fg); background: var(--del-bg); text-decoration: line-through; }
ins { color: var(--ins-fg); background: var(--ins-bg); text-decoration: underline; }
ins.next { margin-inline-start: .3em; }
.meta, .why { color: var(--muted); }
.why { border-left: 3px solid var(--rule); margin: .5rem 0; padding: .1rem .75rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
@media print { del, ins { background: none; } body { max-width: none; } }
""".strip()


def _h(text: object) -> str:
    return html.escape(str(text), quote=True)


def _html_segment(seg: Segment, words: dict) -> str:
    if seg.kind == "equal":
        return _h(seg.text)
    tag, label = ("del", words["deleted"]) if seg.kind == "delete" else ("ins", words["inserted"])
    lead, core, trail = _SPLIT.match(seg.text).groups()
    if not core:
        return "" if seg.kind == "delete" else _h(seg.text)
    return (
        f'{_h(lead)}<{tag}><span class="visually-hidden">{_h(label)} </span>{_h(core)}'
        f'<span class="visually-hidden">{_h(words["end"])}</span></{tag}>{_h(trail)}'
    )


def _html_line(segments: list[Segment], words: dict) -> str:
    parts = []
    for n, seg in enumerate(segments):
        text = _html_segment(seg, words)
        if text.startswith("<ins>") and n and parts and parts[-1].endswith("</del>"):
            text = '<ins class="next">' + text.removeprefix("<ins>")  # a gap between old and new
        parts.append(text)
    return "".join(parts).strip()


def _html_body(clause: ClauseChange, words: dict) -> list[str]:
    """The clause's lines as paragraphs and lists."""
    out: list[str] = []
    open_list = None
    kinds = clause.kinds or ["para"] * len(clause.lines)
    for line, kind in zip(clause.lines, kinds, strict=False):
        rendered = _html_line(line, words)
        if not rendered:
            continue
        tag = {"bullet": "ul", "ordered": "ol"}.get(kind)
        if open_list and open_list != tag:
            out.append(f"</{open_list}>")
            open_list = None
        if tag and open_list != tag:
            out.append(f"<{tag}>")
            open_list = tag
        out.append(f"<li>{rendered}</li>" if tag else f"<p>{rendered}</p>")
    if open_list:
        out.append(f"</{open_list}>")
    return out


def _html_reasons(entries: list[Entry], lang: str) -> list[str]:
    w = WORDS[lang]
    out = []
    for date, what, why, source in _reason_texts(entries, lang):
        out.append(
            f'<p class="why">{_h(date)}: {_h(what)}<br>{_h(w["why"])}: {_h(why)}<br>'
            f"{_h(w['source'])}: {_h(source)}</p>"
        )
    return out


def html_page(diffs: list[DocumentDiff], old_label: str, new_label: str) -> str:
    lang = page_lang(diffs)
    words = WORDS[lang]
    several = len({d.client for d in diffs}) > 1
    head = diffs[0].controller if diffs else ""
    title = f"{words['title']}: {head}" if head else words["title"]
    legend = words["legend_html"].format(
        del_=f"<del>{_h(words['struck'])}</del>", ins=f"<ins>{_h(words['underlined'])}</ins>"
    )
    changed = sum(1 for d in diffs if d.status != "same")
    summary = words["summary"].format(changed=changed, total=len(diffs)) if diffs else words["nothing"]
    body = [
        f"<h1>{_h(title)}</h1>",
        f'<p class="meta">{_h(words["compared"].format(old=old_label, new=new_label))}</p>',
        f"<p>{legend}</p>",
        f"<p>{_h(summary)}</p>",
    ]
    for n, diff in enumerate(diffs, start=1):
        w = WORDS.get(diff.lang, words)
        body.append(f'<section lang="{_h(diff.lang)}" aria-labelledby="doc-{n}">')
        body.append(f'<h2 id="doc-{n}">{_h(_heading(diff, several))}</h2>')
        if diff.status in ("added", "removed"):
            body.append(f"<p>{_h(w['doc_added' if diff.status == 'added' else 'doc_removed'])}</p></section>")
            continue
        if diff.old_date != diff.new_date:
            body.append(f'<p class="meta">{_h(w["date"])}: {_h(diff.old_date)} → {_h(diff.new_date)}</p>')
        if diff.profile_changed:
            body.append(f"<p>{_h(w['profile'])}</p>")
        for cat in diff.catalog:
            body.append(
                f"<p>{_h(w['catalog'])}: <code>{_h(cat.entry)}</code> {_h(w['version'])} "
                f"{_h(cat.old_version)} → {_h(cat.new_version)}</p>"
            )
            body += _html_reasons(cat.reasons, diff.lang)
        if diff.status == "same":
            body.append(f"<p>{_h(w['same'])}</p></section>")
            continue
        for section in diff.sections:
            status = f" ({_h(w[section.status])})" if section.status != "changed" else ""
            number = f"{_h(section.number)}. " if section.number else ""
            body.append(f"<h3>{number}{_html_line(section.title, w)}{status}</h3>")
            for clause in section.clauses:
                body.append(f"<h4>{_h(clause.number)} {_html_line(clause.title, w)}</h4>")
                meta = (
                    f"{_h(w['clause'])} <code>{_h(clause.id)}</code>, "
                    f"{_h(_versions(clause, w))}, {_h(w[clause.status])}"
                )
                if clause.moved_from:
                    meta += ", " + _h(w["moved"].format(section=clause.moved_from))
                body.append(f'<p class="meta">{meta}</p>')
                body += _html_reasons(clause.reasons, diff.lang)
                body += _html_body(clause, w)
        if diff.unchanged_sections:
            body.append(f'<p class="meta">{_h(w["unchanged"].format(n=diff.unchanged_sections))}</p>')
        body.append("</section>")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_h(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{_h(title)}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )
