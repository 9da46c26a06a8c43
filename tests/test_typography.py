"""No line break inside legal references and quantities; no hyphen inside addresses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.typography import NBSP, keep_together, keep_together_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nach § 25 Abs. 1 TDDDG", f"nach §{NBSP}25 Abs.{NBSP}1 TDDDG"),
        ("§§ 823 ff. BGB", f"§§{NBSP}823 ff. BGB"),
        ("Art. 6 Abs. 1 lit. a DSGVO", f"Art.{NBSP}6 Abs.{NBSP}1 lit.{NBSP}a DSGVO"),
        ("Art. 6(1)(a) GDPR", f"Art.{NBSP}6(1)(a) GDPR"),
        ("Section 7(3) UWG", f"Section{NBSP}7(3) UWG"),
        ("Art. 28 Abs. 3 Unterabsatz 2", f"Art.{NBSP}28 Abs.{NBSP}3 Unterabsatz{NBSP}2"),
        ("z. B. und d. h.", f"z.{NBSP}B. und d.{NBSP}h."),
        (
            "nach 14 Tagen, 3 Jahre, 30 days, 50 %",
            f"nach 14{NBSP}Tagen, 3{NBSP}Jahre, 30{NBSP}days, 50{NBSP}%",
        ),
        ("Telefon: +49 89 1234567.", f"Telefon: +49{NBSP}89{NBSP}1234567."),
        # left alone: no reference, no unit
        ("Musterstraße 1, 80331 München", "Musterstraße 1, 80331 München"),
        ("S. Vogel", "S. Vogel"),
        ("Abs. Das", "Abs. Das"),
        ("3 + 4 Stück", "3 + 4 Stück"),
    ],
)
def test_keep_together_text(text: str, expected: str):
    assert keep_together_text(text) == expected


def test_html_tags_and_attributes_are_untouched():
    html = '<p title="Art. 6">Art. 6 <a href="https://x.de/§ 25">§ 25</a></p>'
    assert (
        keep_together(html) == '<p title="Art. 6">Art.&nbsp;6 <a href="https://x.de/§ 25">§&nbsp;25</a></p>'
    )


def test_addresses_in_text_are_marked_links_and_code_are_not():
    html = (
        "<p>an info@versandhaus-nord.de oder https://www.x.de/a?b=1&amp;c=2. "
        '<a href="mailto:a@b.de">a@b.de</a> <code>x@y.de</code> (www.beispiel.de).</p>'
    )
    assert keep_together(html) == (
        '<p>an <span class="addr">info@versandhaus-nord.de</span> oder '
        '<span class="addr">https://www.x.de/a?b=1&amp;c=2</span>. '
        '<a href="mailto:a@b.de">a@b.de</a> <code>x@y.de</code> '
        '(<span class="addr">www.beispiel.de</span>).</p>'
    )


@given(st.text(alphabet=st.sampled_from("§Art.Abs 0123456789 abcdzB.%Tagen<>&\"'=/@x"), max_size=60))
def test_only_spaces_change(text: str):
    """Whatever the text, only ordinary spaces become no-break spaces."""
    out = keep_together_text(text)
    assert out.replace(NBSP, " ") == text.replace(NBSP, " ")
    assert len(out) == len(text)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("„https://“ am Anfang", "„https://“ am Anfang"),
        ("(https://www.x.de/a?b=1&amp;c=2).", '(<span class="addr">https://www.x.de/a?b=1&amp;c=2</span>).'),
        ("„www.x.de“", '„<span class="addr">www.x.de</span>“'),
        ("http://127.0.0.1:8000/i.png)", '<span class="addr">http://127.0.0.1:8000/i.png</span>)'),
    ],
)
def test_what_counts_as_an_address(html: str, expected: str):
    assert keep_together(html) == expected
