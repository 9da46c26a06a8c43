"""One sandboxed, strict Jinja environment for clauses; every inserted value escaped for Markdown."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError, pass_context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from . import catalog, i18n
from .errors import ClauseError
from .markup import MarkdownSafe, link, mail, mark, resolve_marks


def _finalize(value: Any) -> str:
    if isinstance(value, MarkdownSafe):
        return value
    if value is None:
        raise ClauseError("a clause printed an empty value (none); guard it with {% if %}")
    if isinstance(value, bool):
        raise ClauseError("a clause printed true/false; use a condition instead")
    if isinstance(value, dt.date):
        raise ClauseError("a clause printed a raw date; use the fmt_date filter")
    return mark(value)


@pass_context
def _fmt_list(ctx, items, style: str = "standard") -> str:
    items = list(items)
    if any(isinstance(i, MarkdownSafe) for i in items):
        safe = [i if isinstance(i, MarkdownSafe) else mark(i) for i in items]
        return MarkdownSafe(i18n.fmt_list(safe, ctx["lang"], style))
    return i18n.fmt_list([str(i) for i in items], ctx["lang"], style)


@pass_context
def _fmt_date(ctx, value) -> str:
    return i18n.fmt_date(value, ctx["lang"])


@pass_context
def _country_name(ctx, code) -> str:
    return i18n.country_name(str(code), ctx["lang"])


@pass_context
def _label(ctx, value, kind: str) -> str:
    words = catalog.labels(ctx["lang"]).get(kind)
    if words is None or value not in words:
        raise ClauseError(f"no label for {value!r} in labels.yaml section {kind!r} ({ctx['lang']})")
    return words[value]


@pass_context
def _labels(ctx, values, kind: str) -> list[str]:
    return [_label(ctx, v, kind) for v in values]


@cache
def environment() -> ImmutableSandboxedEnvironment:
    """The clause environment: sandboxed, strict, Markdown-escaping."""
    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined,
        finalize=_finalize,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(
        fmt_list=_fmt_list,
        fmt_date=_fmt_date,
        country_name=_country_name,
        label=_label,
        labels=_labels,
    )
    env.globals.update(link=link, mail=mail)
    return env


@cache
def compile_body(source: str, name: str):
    """Compile a clause body (trusted, from the clause library; never user data)."""
    try:
        return environment().from_string(source)
    except TemplateError as exc:
        raise ClauseError(f"{name}: template error: {exc}") from None


@cache
def compile_condition(expression: str, name: str):
    try:
        return environment().compile_expression(expression, undefined_to_none=False)
    except TemplateError as exc:
        raise ClauseError(f"{name}: when: {exc}") from None


def evaluate(expression: str, context: dict, name: str) -> bool:
    """Evaluate a clause's `when:` condition in the sandbox."""
    try:
        return bool(compile_condition(expression, name)(**context))
    except TemplateError as exc:
        raise ClauseError(f"{name}: when: {expression!r}: {exc}") from None


def render_body(source: str, context: dict, name: str) -> str:
    try:
        return resolve_marks(compile_body(source, name).render(**context)).strip()
    except TemplateError as exc:
        raise ClauseError(f"{name}: {exc}") from None
