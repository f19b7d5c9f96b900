"""The code model in the next-token lab, in both languages: it is offered, writes code shown as code,
and the other sections (compare, hallucination, model card) keep working with it."""

import pytest

from dashboard.core.i18n import strings
from models.language import corpus, text
from tests.pages.conftest import run_app

#: text_view.model_choice on the next-token page lists GPT and LSTM per language, then text.CODE_MODELS
CODE_INDEX = 2 * len(corpus.LANGS) + text.CODE_MODELS.index("gpt_code")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_next_token_lab_writes_code_with_the_code_model(lang):
    s = strings(lang)
    at = run_app(lang, "pages/next_token.py", query={"model": str(CODE_INDEX), "max_new": "24", "seed": "1"})
    assert not at.exception and not at.error
    box = at.selectbox(key="_url_model")
    assert box.value == CODE_INDEX and s["text.model.gpt_code"] in box.options
    prompt = text.DEFAULT_PROMPTS[corpus.CODE]
    assert at.text_area(key="prompt_gpt_code").value == prompt
    before = len(at.code)
    [b for b in at.button if b.label == s["next.stream.go"]][0].click().run()
    assert not at.exception and not at.error
    written = [c.value for c in at.code if c.value.startswith(prompt) and len(c.value) > len(prompt)]
    assert len(at.code) > before and written  # prompt and continuation in one code block
    assert any(c.language == "python" for c in at.code)
    assert at.query_params["model"] == str(CODE_INDEX)
    markdown = "\n".join(m.value for m in at.markdown)
    version = corpus.code_summary()["python"]
    assert f"Python {version}" in markdown or f"파이썬 {version}" in markdown  # the model card's data line
    assert s["next.code.header"] in [h.value for h in at.header]
    assert any("nats" in c.value or "내트" in c.value for c in at.caption)


def test_switching_to_the_code_model_does_not_show_another_models_text():
    at = run_app("en", "pages/next_token.py", query={"max_new": "8"})
    [b for b in at.button if b.label == "Generate"][0].click().run()
    speed = " tokens in "  # next.stream.speed: "{n} tokens in {s} s: …"
    assert any(speed in c.value for c in at.caption)
    at.selectbox(key="_url_model").set_value(CODE_INDEX).run()
    assert not at.exception and not at.error
    assert not any(speed in c.value for c in at.caption)  # the English run is not shown under the code model


def test_the_lstm_comparison_offers_no_code_model():
    at = run_app("en", "pages/transformer_vs_rnn.py")
    assert not at.exception
    assert strings("en")["text.model.gpt_code"] not in at.selectbox(key="_url_attn_model").options


def test_token_labels_make_indentation_visible():
    from dashboard.language.text_view import token_label

    assert token_label("        ") == "␣" * 8 and token_label("\n") == "\\n" and token_label("") == "∅"
    assert token_label(" return") == " return"  # a word keeps its leading space as typed
