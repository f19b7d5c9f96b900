"""URL parameter parsing and Markdown escaping, without a running app."""

import pytest

from dashboard.core import url_state
from dashboard.core.widgets import md_code, md_escape
from tests.inputs.corpus import URL_VALUES


@pytest.mark.parametrize("text", URL_VALUES + ["+", "-", ".", "1e", "٣", "𝟙", "1_000", "0b1", "١٢", "1 2"])
@pytest.mark.parametrize("cast", [int, float])
def test_bad_numbers_never_raise_and_stay_in_range(text, cast):
    value, adjusted = url_state.parse_number(text, 0, 100, cast)
    if value is None:
        assert adjusted
    else:
        assert 0 <= value <= 100 and isinstance(value, cast)


@pytest.mark.parametrize(("text", "cast", "expected"), [
    ("7", int, (7, False)), (" 7 ", int, (7, False)), ("+4", int, (4, False)), ("-1", int, (0, True)),
    ("250", int, (100, True)), ("1.5", int, (None, True)), ("1.5", float, (1.5, False)), (".5", float, (0.5, False)),
    ("1e3", float, (100.0, True)), ("nan", float, (None, True)), ("inf", float, (None, True)),
    ("1e309", float, (None, True)), ("²", int, (None, True)), ("١٢", int, (None, True)),
    ("9" * 5000, int, (None, True)),
])
def test_numbers(text, cast, expected):
    assert url_state.parse_number(text, 0, 100, cast) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("1,7,8", ([1, 7, 8], False)), ("8, 1,1", ([1, 8], True)), ("1,²", ([1], True)), ("١,2", ([2], True)),
    ("10,3", ([3], True)), ("-1", ([], True)), ("9" * 5000, ([], True)), ("", ([], False)), ("a,b", ([], True)),
])
def test_classes(text, expected):
    assert url_state.parse_classes(text, 10) == expected


def test_text_drops_control_characters_and_caps_length():
    cleaned, adjusted = url_state.parse_text("C5\x00 D5\u202e\n" + "x" * 1000, limit=50)
    assert adjusted and len(cleaned) == 50 and cleaned.startswith("C5 D5x")
    assert url_state.parse_text("C5 D5:2") == ("C5 D5:2", False)


@pytest.mark.parametrize("text", ["[Log in again](https://example.org)", "![x](https://example.org/x.png)",
                                  "<img src=x onerror=alert(1)>", "# heading\n- list", "https://example.org",
                                  ":smile: $x$ **b** _i_ `c` ~s~ |t|"])
def test_markdown_escape_leaves_nothing_to_interpret(text):
    escaped = md_escape(text)
    assert "\n" not in escaped and "://" not in escaped.replace("\\", "") and "www." not in escaped
    for ch in "[]()<>#*_`~|$:!":
        assert all(escaped[i - 1] == "\\" for i, c in enumerate(escaped) if c == ch)


def test_markdown_escape_keeps_lines_as_breaks_and_code_spans_stay_closed():
    assert md_escape("a\nb", keep_lines=True) == "a  \nb"
    assert md_code("x`](y)") == "`xˋ](y)`"
