"""Exporter plugins that go wrong in every way the registry must report (test_exporter_registry.py).

Registered through fake entry points, never installed.
"""

from __future__ import annotations


class Good:
    name = "fake-good"
    suffix = "fake.txt"
    media_type = "text/plain; charset=utf-8"
    api_version = 1

    def export(self, document, context) -> bytes:
        return f"{document.title}|{document.lang}|{context.generator_version}\n".encode()


class WrongApi(Good):
    name = "fake-api2"
    api_version = 2


class Raises(Good):
    name = "fake-raises"

    def export(self, document, context) -> bytes:
        raise RuntimeError("boom in the plugin")


class ReturnsText(Good):
    name = "fake-text"

    def export(self, document, context):
        return "text, not bytes"


class ClaimsHtml(Good):
    name = "html"
    suffix = "plugin.html"


class BadSuffix(Good):
    name = "fake-suffix"
    suffix = "../../escape"


class BuiltinSuffix(Good):
    name = "fake-json"
    suffix = "json"


class WrongName(Good):
    name = "something-else"


class SameSuffix(Good):
    name = "fake-same"  # the same suffix as Good


class NotAnExporter:
    name = "fake-nothing"


class BadApplies(Good):
    name = "fake-applies"

    def applies(self, document) -> bool:
        raise ValueError("cannot decide")
