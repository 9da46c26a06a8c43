"""Typographic care for rendered HTML: no line break inside a legal reference or a quantity,
no hyphen inside an address.

"§ 25", "Art. 6", "Abs. 1", "lit. a", "z. B.", "14 Tagen" and "+49 89 1234567" should never be
split across two lines (a German typesetter's rule, DIN 5008). `keep_together` puts a no-break space (U+00A0)
into those spots, in text only: tags and attribute values are left exactly as they are. The
words stay the same for search, copy and screen readers.

An e-mail address or web address written as text (not a link) gets `<span class="addr">`, which
the stylesheets exempt from automatic hyphenation: "info@versand-" + "haus.de" would be read
as an address with a hyphen.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"

# A reference word and the number or letter after it: "§ 25", "§§ 823", "Art. 6", "Abs. 1",
# "lit. a", "Nr. 2", "S. 1", "Satz 2", "UAbs. 1", "Buchst. b", "Section 25", "Recital 47".
_REFERENCE = re.compile(
    r"(?<![\w.])(§§?|Art\.|Artikel|Abs\.|UAbs\.|lit\.|Buchst\.|Nr\.|No\.|no\.|S\.|Satz|Section|Sec\.|"
    r"Recital|Erwägungsgrund|ErwGr\.|para\.|Kap\.|Ziff\.|Absatz|Unterabsatz|Ziffer|Nummer) (?=[0-9a-z(])"
)
# German abbreviations of two letters: "z. B.", "d. h.", "u. a.", "i. d. R.", "e. V.", "o. Ä."
_ABBREVIATION = re.compile(r"(?<![\w.])([a-zA-Z]\.) (?=[a-zA-ZÄÖÜäöü]\.)")
# A number and its unit: "14 Tagen", "3 Jahre", "30 days", "6 months", "256 KiB".
_QUANTITY = re.compile(
    r"(?<![\w.,])(\d+) (?=(?:Tage?n?|Wochen?|Monate?n?|Jahre?n?|Stunden?|Minuten?|Sekunden?|"
    r"days?|weeks?|months?|years?|hours?|minutes?|seconds?|%|€|EUR|KiB|MiB|GB|MB)(?!\w))"
)
# An international phone number: "+49 89 1234567" stays on one line.
_PHONE = re.compile(r"(?<![\w+])\+\d{1,3}(?: \d{1,8}){1,5}(?![\w])")
_TAG = re.compile(r"(<[^>]*>)")
# (the text is escaped HTML: an entity such as &amp; is one character and never cut in two;
# quotation marks around an address are not part of it, and "https://" alone is no address)
_URL_CHAR = r"(?:[^\s<>\"&“”„‘’‚«»]|&#?\w+;)"
_URL_END = r"(?:[^\s<>\"&.,;:!?)\]“”„‘’‚«»]|&#?\w+;)"
_ADDRESS = re.compile(
    r"(?<![\w.@/-])("
    rf"(?:https?://|www\.)[\w-]+(?:\.[\w-]+)+(?:[:/?#]{_URL_CHAR}*{_URL_END})?"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
)
_NO_ADDRESS_INSIDE = ("a", "code", "pre")


def keep_together_text(text: str, space: str = NBSP) -> str:
    """The same text with no-break spaces where a line break would split a unit."""
    for pattern in (_REFERENCE, _ABBREVIATION, _QUANTITY):
        text = pattern.sub(lambda m: m.group(1) + space, text)
    return _PHONE.sub(lambda m: m.group(0).replace(" ", space), text)


def keep_together(html: str) -> str:
    """`keep_together_text` for the text between the tags of an HTML fragment (the no-break
    spaces written as `&nbsp;`, visible in a diff), and addresses in text marked as such."""
    out = []
    inside: list[str] = []  # open elements in which addresses are left alone
    for i, part in enumerate(_TAG.split(html)):
        if i % 2:
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", part)
            tag = name.group(1).lower() if name else ""
            if tag in _NO_ADDRESS_INSIDE:
                if part.startswith("</"):
                    if tag in inside:
                        inside.remove(tag)
                elif not part.endswith("/>"):
                    inside.append(tag)
            out.append(part)
            continue
        text = keep_together_text(part, "&nbsp;")
        if not inside:
            text = _ADDRESS.sub(r'<span class="addr">\1</span>', text)
        out.append(text)
    return "".join(out)
