"""Pictures of the documents, to look at: every PDF page as PNG, the HTML page in Chromium.

    .venv/bin/python scripts/snapshots.py [PROFILE...] [-o snapshots/] [--pdf-variant pdf/a-3b]
        [--no-html] [--no-pdf] [--dpi 70]

For every profile (default: profiles/*.yaml), language and document it writes, into a
git-ignored folder (default `snapshots/`):

    <id>/<lang>/<document>.pdf, <document>-page-01.png ...          (pdftoppm)
    <id>/<lang>/<document>.html, <document>-{light,dark}-{desktop,mobile}.png (Chromium)

The desktop pictures show the whole page, the mobile ones the first screen. Needs
poppler-utils (pdftoppm) and Debian's chromium driven through Playwright (`pip install
'.[test]'`); it never downloads a browser. Open the PNGs and look: hyphenation, headings
left alone at the foot of a page, the table of contents, dark mode, narrow screens.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import __version__, clauses  # noqa: E402
from generator.build import load_profile, render_document  # noqa: E402
from generator.exporters import ExportContext  # noqa: E402
from generator.exporters.html import HtmlExporter  # noqa: E402
from generator.exporters.pdf import VARIANTS, PdfExporter  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 375, "height": 740}}


def export_context(profile_path: Path, variant: str) -> ExportContext:
    extra = {}
    if "profile_bytes" in ExportContext.__dataclass_fields__:
        extra = {"profile_bytes": profile_path.read_bytes(), "profile_name": profile_path.name}
    return ExportContext(generator_version=__version__, pdf_variant=variant, **extra)


def build(profiles: list[Path], out: Path, variant: str, html: bool, pdf: bool, dpi: int = 70) -> list[Path]:
    """Write the HTML and PDF files; returns the HTML files."""
    pages: list[Path] = []
    for path in profiles:
        loaded = load_profile(path)
        context = export_context(path, variant)
        for lang in loaded.data["languages"]:
            for document in clauses.documents(lang):
                doc = render_document(loaded, document, lang)
                if not doc.sections:
                    continue
                folder = out / loaded.data["id"] / lang
                folder.mkdir(parents=True, exist_ok=True)
                if html:
                    target = folder / f"{document}.html"
                    target.write_bytes(HtmlExporter().export(doc, context))
                    pages.append(target)
                if pdf:
                    target = folder / f"{document}.pdf"
                    target.write_bytes(PdfExporter().export(doc, context))
                    for old in folder.glob(f"{document}-page-*.png"):
                        old.unlink()
                    subprocess.run(
                        ["pdftoppm", "-r", str(dpi), "-png", str(target), str(folder / f"{document}-page")],
                        check=True,
                    )
                print(f"{path.name} {lang} {document}", flush=True)
    return pages


def screenshots(pages: list[Path]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for page_file in pages:
                for scheme in ("light", "dark"):
                    for name, viewport in VIEWPORTS.items():
                        page = browser.new_page(color_scheme=scheme, viewport=viewport)
                        page.goto(page_file.resolve().as_uri())
                        target = page_file.with_name(f"{page_file.stem}-{scheme}-{name}.png")
                        page.screenshot(path=str(target), full_page=name == "desktop")
                        page.close()
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("profiles", nargs="*", type=Path)
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "snapshots")
    parser.add_argument("--pdf-variant", choices=VARIANTS, default=VARIANTS[0])
    parser.add_argument("--no-html", action="store_true")
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--dpi", type=int, default=70)
    args = parser.parse_args(argv)
    profiles = args.profiles or sorted((ROOT / "profiles").glob("*.yaml"))
    if not args.no_pdf and not shutil.which("pdftoppm"):
        parser.error("pdftoppm not found: apt-get install poppler-utils")
    if not args.no_html and not Path(CHROMIUM).exists():
        parser.error(f"{CHROMIUM} not found: apt-get install chromium")
    pages = build(profiles, args.output, args.pdf_variant, not args.no_html, not args.no_pdf, args.dpi)
    if pages:
        screenshots(pages)
    print(f"pictures in {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
