"""Short enough to read aloud: no on-screen paragraph over ~50 Korean words (어절) or ~70 English words.

A paragraph is a block between blank lines; a Markdown table is not a paragraph. Details that do not
fit go into ``<key>.more``, which :func:`dashboard.core.widgets.paragraph` shows folded in an
expander below ``<key>`` — so keys ending ``.more`` are exempt, and nothing else is unless it is
declared in :data:`DECLARED` with a reason.
"""

import re

from streamlit.testing.v1 import AppTest

from dashboard.core import i18n
from dashboard.core.widgets import MORE

LIMITS = {"ko": 50, "en": 70}  # 어절 (space-separated tokens) / English words
# key -> why it may be longer on screen (keep this short; prefer a `.more` key)
DECLARED: dict[str, str] = {}
# keys that end in ".more" but are not folded details (a link label), so they are checked like the rest
NOT_FOLDED = {"overview.modalities.more"}


def paragraphs(text: str) -> list[str]:
    blocks = re.split(r"\n\s*\n", text)
    return [b for b in blocks if b.strip() and not all(line.lstrip().startswith("|") for line in b.splitlines())]


def walls(strings: dict[str, str], limit: int) -> dict[str, int]:
    """Key -> word count of its longest paragraph, for every on-screen key over ``limit``."""
    found = {}
    for key, text in strings.items():
        if (key.endswith(MORE) and key not in NOT_FOLDED) or key in DECLARED:
            continue
        longest = max((len(p.split()) for p in paragraphs(text)), default=0)
        if longest > limit:
            found[key] = longest
    return found


def test_no_walls_of_text():
    for lang, limit in LIMITS.items():
        assert walls(i18n.strings(lang), limit) == {}, lang
        definitions = {e["id"]: e[f"def_{lang}"] for e in i18n.glossary()}  # the glossary page shows them all
        assert walls(definitions, limit) == {}, lang


def test_the_check_catches_a_wall():
    wall = " ".join(["단어"] * 51)
    assert walls({"x.body": wall, "x.body.more": wall, "t": f"| {wall} |"}, 50) == {"x.body": 51}
    assert walls({"x.body": f"{wall[:30]}\n\n{wall[:30]}"}, 50) == {}


def test_details_belong_to_a_paragraph():
    strings = i18n.strings("en")
    orphans = [k for k in strings if k.endswith(MORE) and k not in NOT_FOLDED and k[: -len(MORE)] not in strings]
    assert orphans == []
    assert set(DECLARED) <= set(strings)


def _page():
    from dashboard.core import widgets

    widgets.setup_page()
    widgets.paragraph("diffusion.intro")
    widgets.paragraph("diffusion.forward.body")


def test_details_are_folded():
    at = AppTest.from_function(_page, default_timeout=30).run()
    assert not at.exception
    assert [e.label for e in at.expander] == [i18n.strings("ko")["common.fold"]]
    assert at.expander[0].markdown[0].value == i18n.strings("ko")["diffusion.intro.more"]
    assert [m.value for m in at.markdown][:1] == [i18n.strings("ko")["diffusion.intro"]]
