"""Facts about a laid-out PDF (WeasyPrint's pages and boxes) that a reader would notice:
headings left alone at the foot of a page, single lines cut off from their paragraph, the
page numbers in the table of contents, and where words were hyphenated."""

from __future__ import annotations

from dataclasses import dataclass, field

from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder

HEADINGS = {"h1", "h2", "h3", "h4"}
BLOCKS = HEADINGS | {"p", "li", "tr", "blockquote", "pre", "dt", "dd"}
HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character


@dataclass
class LayoutFacts:
    pages: int = 0
    # (page, heading text): a heading that is the last block of a page before the last page
    stranded_headings: list[tuple[int, str]] = field(default_factory=list)
    # (tag, start of the text, lines on each page): a block split across pages
    split_blocks: list[tuple[str, str, list[int]]] = field(default_factory=list)
    # (anchor, page number printed in the contents, page the anchor is on)
    contents: list[tuple[str, str, int | None]] = field(default_factory=list)
    # (tags around the text, text): a line ending in an automatic hyphen
    hyphenated: list[tuple[tuple[str, ...], str]] = field(default_factory=list)


def _tag(box) -> str | None:
    return box.element_tag if box.element is not None else None


def _classes(box) -> str:
    return (box.element.get("class") or "") if box.element is not None else ""


def facts(document) -> LayoutFacts:
    """Walk every page of a `weasyprint.Document` once."""
    result = LayoutFacts(pages=len(document.pages))
    first_page: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            first_page.setdefault(anchor, number)
    lines: dict[int, dict[int, int]] = {}  # element id -> page -> lines
    texts: dict[int, tuple[str, str]] = {}  # element id -> (tag, text)
    order: dict[int, list[int]] = {}  # page -> block elements in document order
    printed: list[tuple[str, str]] = []

    def walk(box, number: int, block: int | None, tags: tuple[str, ...], toc_ref: str | None):
        if isinstance(box, AbsolutePlaceholder):
            box = box._box
        tag = _tag(box)
        if isinstance(box, boxes.MarginBox):
            return  # running header and footer
        if (
            tag in BLOCKS
            and box.element is not None
            and isinstance(box, boxes.BlockContainerBox | boxes.TableRowBox)
        ):
            key = id(box.element)
            if key != block:
                block = key
                order.setdefault(number, [])
                if key not in order[number]:
                    order[number].append(key)
                texts.setdefault(key, (tag, ""))
        if "toc-page" in _classes(box):
            toc_ref = box.element.get("data-ref")
        if isinstance(box, boxes.LineBox) and block is not None:
            lines.setdefault(block, {}).setdefault(number, 0)
            lines[block][number] += 1
        if isinstance(box, boxes.TextBox):
            if block is not None:
                tag0, text = texts[block]
                texts[block] = (tag0, text + box.text)
            if toc_ref:
                printed.append((toc_ref, box.text))
            if box.text.endswith(HYPHEN):
                result.hyphenated.append((tags, box.text))
        if isinstance(box, boxes.ParentBox):
            inner = tags + ((tag,) if tag and (not tags or tags[-1] != tag) else ())
            for child in box.children:
                walk(child, number, block, inner, toc_ref)

    for number, page in enumerate(document.pages, start=1):
        walk(page._page_box, number, None, (), None)
    for number, blocks in order.items():
        if number < result.pages and blocks:
            tag, text = texts[blocks[-1]]
            if tag in HEADINGS:
                result.stranded_headings.append((number, text.strip()))
    for key, per_page in lines.items():
        if len(per_page) > 1:
            tag, text = texts[key]
            result.split_blocks.append((tag, text.strip()[:60], [per_page[n] for n in sorted(per_page)]))
    for ref, text in printed:
        anchor = ref.removeprefix("#")
        result.contents.append((anchor, text.strip(), first_page.get(anchor)))
    return result
