"""Tidying WeasyPrint's tagged PDF before it is written (a WeasyPrint `finisher`).

WeasyPrint 70 tags what it draws, with three gaps that PDF/UA checkers and screen readers
notice, closed here on its pydyf objects, before anything is compressed or written:

- the running header and footer (page margin boxes) are marked as content whose structure
  elements hang in no tree; they become pagination artifacts, as PDF/UA wants them;
- some elements (`<br>`, empty spans) leave empty structure elements behind; they are
  removed from the tree;
- the tree is built page by page, so the page's `main`, its `article` and every section
  that runs over a page break are split into one element per page; they are joined again;
- a link annotation's description (`/Contents`) is its raw target (`#rights`,
  `mailto:x@y`); it becomes what a reader understands ("12. Ihre Rechte", "E-Mail an x@y").

Everything here works on WeasyPrint's own objects and changes nothing it does not
recognise: when the structure is not as expected, the PDF stays as WeasyPrint made it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

# Structure types that mean nothing without content: safe to drop when empty.
_DROPPABLE_WHEN_EMPTY = {"/NonStruct", "/Span", "/Div"}


@dataclass
class TidyReport:
    artifacts: int = 0  # marked-content sequences turned into pagination artifacts
    dropped: int = 0  # empty structure elements removed
    merged: int = 0  # structure elements split by a page break, joined again
    links: int = 0  # link descriptions rewritten
    skipped: list[str] = field(default_factory=list)  # why a step did nothing


def _number(value) -> int | None:
    """The object number of an indirect reference as pydyf writes it (b'12 0 R')."""
    if isinstance(value, bytes | str):
        parts = value.split()
        if len(parts) == 3 and parts[2] in (b"R", "R"):
            try:
                return int(parts[0])
            except ValueError:
                return None
    return None


class _Objects:
    def __init__(self, pdf):
        self.objects = pdf.objects

    def get(self, ref):
        number = _number(ref)
        if number is None or not 0 < number < len(self.objects):
            return None
        return self.objects[number]

    def struct(self, ref):
        obj = self.get(ref)
        if isinstance(obj, dict) and obj.get("Type") == "/StructElem":
            return obj
        return None


def _prune(objs: _Objects, element, report: TidyReport) -> bool:
    """Drop empty droppable descendants; True when `element` itself ends up empty."""
    kids = element.get("K")
    if not isinstance(kids, list):
        return False
    kept = []
    for kid in kids:
        child = objs.struct(kid)
        if child is not None and _prune(objs, child, report) and child.get("S") in _DROPPABLE_WHEN_EMPTY:
            child.clear()  # left in the file as an empty dictionary, referenced by nothing
            report.dropped += 1
            continue
        kept.append(kid)
    kids[:] = kept
    return not kept


def _merge(objs: _Objects, into, other, report: TidyReport) -> bool:
    """Move the children of `other` (same element, continued on a later page) into `into`."""
    kids = other.get("K")
    if not isinstance(kids, list) or not all(objs.struct(k) is not None for k in kids):
        return False  # marked content directly inside: leave WeasyPrint's split as it is
    for kid in kids:
        objs.struct(kid)["P"] = into.reference
    into["K"].extend(kids)
    other.clear()
    report.merged += 1
    return True


def _join_pages(objs: _Objects, parent, kind: str, report: TidyReport, continues=None) -> None:
    """WeasyPrint builds the tree page by page: an element that runs over a page break becomes
    one structure element per page. Join those of `kind` under `parent`: all of them (for the
    page's one `main` and `article`), or each one for which `continues(element)` is true with
    the one before it."""
    kids = parent.get("K")
    if not isinstance(kids, list):
        return
    kept, previous = [], None
    for ref in kids:
        element = objs.struct(ref)
        if element is not None and element.get("S") == kind:
            joins = previous is not None and (continues is None or continues(element))
            if joins and _merge(objs, previous, element, report):
                continue
            previous = element
        kept.append(ref)
    kids[:] = kept


def _unless_it_starts_with(objs: _Objects, kind: str):
    """`continues` for _join_pages: an element continues the one before unless its first
    child is a `kind` (a section starts with its heading)."""

    def check(element) -> bool:
        kids = element.get("K")
        first = objs.struct(kids[0]) if isinstance(kids, list) and kids else None
        return first is None or first.get("S") != kind

    return check


def _join_page_splits(objs: _Objects, document, report: TidyReport) -> None:
    """privgen's page has one `main` (Part) holding one `article` (Art) whose sections (Sect)
    each start with their heading (H2): a Sect that does not start with an H2 continues the
    one before it."""
    _join_pages(objs, document, "/Part", report)
    for part in [objs.struct(k) for k in document.get("K") or []]:
        if part is None or part.get("S") != "/Part":
            continue
        _join_pages(objs, part, "/Art", report)
        for art in [objs.struct(k) for k in part.get("K") or []]:
            if art is not None and art.get("S") == "/Art":
                _join_pages(objs, art, "/Sect", report, continues=_unless_it_starts_with(objs, "/H2"))


def _reachable(objs: _Objects, root) -> set[int]:
    seen: set[int] = set()
    stack = list(root.get("K") or [])
    while stack:
        ref = stack.pop()
        element = objs.struct(ref)
        if element is None or element.number in seen:
            continue
        seen.add(element.number)
        kids = element.get("K")
        if isinstance(kids, list):
            stack.extend(kids)
    return seen


def _pages(objs: _Objects, pdf) -> Iterator[dict]:
    for ref in pdf.page_references:
        page = objs.get(ref)
        if isinstance(page, dict):
            yield page


def _artifact_orphans(objs: _Objects, pdf, root, reachable: set[int], report: TidyReport) -> None:
    """Marked content whose structure element is in no tree becomes a pagination artifact."""
    parent_tree = objs.get(root.get("ParentTree"))
    nums = parent_tree.get("Nums") if isinstance(parent_tree, dict) else None
    if not isinstance(nums, list):
        report.skipped.append("no parent tree")
        return
    by_key = {nums[i]: nums[i + 1] for i in range(0, len(nums) - 1, 2)}
    for page in _pages(objs, pdf):
        mapping = by_key.get(page.get("StructParents"))
        stream = objs.get(page.get("Contents"))
        items = getattr(stream, "stream", None)
        if not isinstance(mapping, list) or not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if not (isinstance(item, dict) and "MCID" in item and 0 < i < len(items) - 1):
                continue
            if items[i + 1] != b"BDC" or not isinstance(items[i - 1], str):
                continue
            mcid = item["MCID"]
            if not isinstance(mcid, int) or not 0 <= mcid < len(mapping):
                continue
            element = objs.struct(mapping[mcid])
            if element is not None and element.number in reachable:
                continue
            items[i - 1] = "/Artifact"
            item.clear()
            item["Type"] = "/Pagination"
            mapping[mcid] = "null"
            if element is not None:
                element.clear()
            report.artifacts += 1


def _describe_links(objs: _Objects, pdf, describe: Callable[[str, bool], str | None], report) -> None:
    import pydyf  # WeasyPrint's PDF writer

    for page in _pages(objs, pdf):
        for ref in page.get("Annots", []) or []:
            annot = objs.get(ref)
            if not isinstance(annot, dict) or annot.get("Subtype") != "/Link":
                continue
            if "Dest" in annot:
                target, internal = getattr(annot["Dest"], "string", None), True
            else:
                action = annot.get("A")
                target = getattr(action.get("URI"), "string", None) if isinstance(action, dict) else None
                internal = False
            if not isinstance(target, str):
                continue
            text = describe(target, internal)
            if text:
                annot["Contents"] = pydyf.String(text)
                report.links += 1


def tidy_attachments(pdf, media_types: dict[str, str]) -> None:
    """Name the media type of embedded files by suffix (WeasyPrint guesses from a short list),
    and list each associated file (`/AF`) once."""
    objs = _Objects(pdf)
    for obj in pdf.objects:
        if not (isinstance(obj, dict) and obj.get("Type") == "/Filespec"):
            continue
        name = getattr(obj.get("UF"), "string", "") or ""
        media = next((m for suffix, m in media_types.items() if name.lower().endswith(suffix)), None)
        stream = objs.get((obj.get("EF") or {}).get("F"))
        extra = getattr(stream, "extra", None)
        if media and isinstance(extra, dict):
            extra["Subtype"] = "/" + media.replace("/", "#2f")
    associated = pdf.catalog.get("AF")
    if isinstance(associated, list):
        unique = list(dict.fromkeys(associated))
        associated[:] = unique


def tidy(pdf, describe_link: Callable[[str, bool], str | None]) -> TidyReport:
    """Fix the structure tree and link descriptions of a tagged pydyf PDF in place."""
    report = TidyReport()
    objs = _Objects(pdf)
    root = objs.get(pdf.catalog.get("StructTreeRoot"))
    if isinstance(root, dict):
        for ref in root.get("K") or []:
            top = objs.struct(ref)
            if top is not None:
                _prune(objs, top, report)
                if top.get("S") == "/Document":
                    _join_page_splits(objs, top, report)
        _artifact_orphans(objs, pdf, root, _reachable(objs, root), report)
    else:
        report.skipped.append("not tagged")
    _describe_links(objs, pdf, describe_link, report)
    return report
