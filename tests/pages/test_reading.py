"""Issue 19: long text folded, developer text only in the model card's "For developers" part, and
the three explanatory figures (RNN vs attention, the 1-D warp, guidance side by side) on their pages."""

import re

import pytest

from dashboard.core.i18n import strings
from tests.pages.conftest import run_app, ui_texts

DEVELOPER_TEXT = re.compile(r"python -m|metrics\.json|fonts-nanum|benchmarks/")
FIGURES = {"pages/flow.py": "flow.warp.caption", "pages/transformer_vs_rnn.py": "tvr.steps.caption",
           "pages/diffusion.py": "diffusion.guidance.caption"}


@pytest.mark.parametrize("page", ["pages/flow.py", "pages/gan.py", "pages/diffusion.py", "pages/compare.py",
                                  "pages/transformer_vs_rnn.py", "pages/pros_cons.py", "pages/music.py"])
def test_developer_text_is_folded_apart(page, lang):
    at = run_app(lang, page)
    assert not at.exception, [e.value for e in at.exception]
    developer = [e for e in at.expander if e.label == strings(lang)["common.developer"]]
    assert developer
    folded = [m.value for e in developer for m in e.markdown]
    assert any(DEVELOPER_TEXT.search(v) for v in folded)
    shown = [v for v in ui_texts(at) if v not in folded]
    assert [v for v in shown if DEVELOPER_TEXT.search(v)] == []


@pytest.mark.parametrize("page", sorted(FIGURES))
def test_figures_and_folded_details(page, lang):
    at = run_app(lang, page)
    assert not at.exception, [e.value for e in at.exception]
    caption = FIGURES[page]
    assert at.get("plotly_chart")
    prefix = strings(lang)[caption].split("{")[0]
    assert any(c.value.startswith(prefix) for c in at.caption)  # drawn right under its figure
    assert strings(lang)["common.fold"] in [e.label for e in at.expander]
