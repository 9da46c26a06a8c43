"""HTML exporter: a standalone page with its stylesheet inline and nothing from other hosts."""

from __future__ import annotations

from functools import cache

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..document import RenderedDocument
from ..resources import static_dir, templates_dir
from ..typography import keep_together, keep_together_text


@cache
def page_environment() -> ImmutableSandboxedEnvironment:
    """Sandboxed, strict, autoescaping environment for page templates."""
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # no line break inside "§ 25", "Art. 6", "z. B." (see generator/typography.py)
    env.filters["keep_together"] = keep_together  # for trusted HTML (the clauses' rendering)
    env.filters["keep_together_text"] = keep_together_text  # for text, escaped afterwards
    return env


@cache
def stylesheet(name: str) -> str:
    return (static_dir() / name).read_text(encoding="utf-8")


def render_page(document: RenderedDocument, version: str, css: str, *, pdf: bool = False) -> str:
    """The whole page; `pdf` chooses the PDF's markup (no skip link, ToC with page numbers)."""
    template = page_environment().get_template("page.html.j2")
    return template.render(doc=document, version=version, css=css, pdf=pdf)


class HtmlExporter:
    name = "html"
    suffix = "html"
    media_type = "text/html; charset=utf-8"
    api_version = 1

    def export(self, document: RenderedDocument, context) -> bytes:
        return render_page(document, context.generator_version, stylesheet("page.css")).encode("utf-8")
