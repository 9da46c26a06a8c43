"""Text of a PDF, normalised for assertions (WeasyPrint's hyphenation undone)."""

from __future__ import annotations

import re
from pathlib import Path


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    text = re.sub("\u2010\\s*\n", "", text)  # automatic hyphenation at line ends
    text = re.sub(r"-\n(?=[a-zäöüß])", "", text)
    return re.sub(r"\s+", " ", text)
