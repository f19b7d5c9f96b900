"""Interactions on the text pages: tokenizers, the step-by-step lab, streaming, bad inputs, URL state."""

from dashboard.core.i18n import strings
from models.language import corpus, text
from tests.pages.conftest import run_app

#: text_view.model_choice on the next-token page: GPT and LSTM per language, the code models, then the hub model
HUB_INDEX = str(2 * len(corpus.LANGS) + len(text.CODE_MODELS))


def markdown_with(at, needle: str) -> list[str]:
    return [m.value for m in at.markdown if needle in m.value]


def test_tokens_page_marks_unknown_characters_only_for_the_character_vocabulary():
    at = run_app("en", "pages/tokens.py")
    assert not at.exception
    at.text_area(key="tokens_text").input("Hello 🙂 world").run()
    assert not at.exception and not at.warning  # BPE: the emoji becomes byte tokens, nothing unknown
    assert markdown_with(at, "&lt;0xF0&gt;") or markdown_with(at, "<0xF0>")
    at.radio(key="_url_tok").set_value(1).run()  # English characters
    assert not at.exception and at.query_params["tok"] == "1"
    assert "<unk>" in at.warning[0].value
    at.text_area(key="tokens_text").input("").run()
    assert not at.exception and at.info  # an empty text gives a hint, not an error


def test_next_token_steps_add_the_most_likely_token_and_reset():
    at = run_app("en", "pages/next_token.py")
    assert not at.exception
    before = markdown_with(at, "display:inline-block")[0]
    at.button[1].click().run()  # "Most likely"
    assert not at.exception
    after = markdown_with(at, "display:inline-block")[0]
    assert after != before and after.count("2px solid") == 1  # one generated token, outlined
    [b for b in at.button if b.label == "Reset"][0].click().run()
    assert markdown_with(at, "display:inline-block")[0] == before


def test_next_token_clamps_url_values_with_a_notice():
    at = run_app("en", "pages/next_token.py", query={"temp": "9", "top_k": "-5", "top_p": "nan", "max_new": "99999"})
    assert not at.exception
    assert at.slider(key="_url_temp").value == 2.0 and at.slider(key="_url_top_k").value == 0
    assert at.slider(key="_url_top_p").value == 0.95 and at.number_input(key="_url_max_new").value == 400
    assert len(at.toast) == 4


def test_generate_streams_and_reports_speed():
    at = run_app("en", "pages/next_token.py", query={"max_new": "12"})
    [b for b in at.button if b.label == "Generate"][0].click().run()
    assert not at.exception
    assert any("tokens per second" in c.value for c in at.caption)


def test_bad_prompts_are_explained_not_fatal():
    at = run_app("en", "pages/next_token.py")
    at.text_area(key="prompt_gpt_en").input("x" * 100_000).run()  # the box takes at most 4,000 (max_chars) …
    assert not at.exception and len(at.text_area(key="prompt_gpt_en").value) <= 4000
    at.text_area(key="prompt_gpt_en").input("x" * 4000).run()  # … and a full box says so
    assert not at.exception
    assert any("at most 4,000 characters" in i.value for i in at.info)
    assert any("context window" in i.value for i in at.info)
    at.text_area(key="prompt_gpt_en").input("\x00\x1b🙂 mixed 한국어 text").run()
    assert not at.exception and any("control characters" in i.value for i in at.info)
    at.text_area(key="prompt_gpt_en").input("").run()
    assert not at.exception


def test_korean_ui_uses_the_korean_model_and_the_lstm_works_too():
    at = run_app("ko", "pages/next_token.py")
    assert not at.exception and at.selectbox(key="_url_model").value == 2  # GPT · Korean
    everyday = strings("ko")["text.card.metrics_everyday"].split("{")[0]
    assert markdown_with(at, everyday) and markdown_with(at, strings("ko")["text.card.data.ko_everyday"][:30])
    at.selectbox(key="_url_model").set_value(3).run()  # LSTM · Korean
    assert not at.exception
    assert any("트랜스포머" in i.value for i in at.info)  # beam search is shown for the Transformer
    assert not markdown_with(at, everyday) or corpus.EVERYDAY in text.TextModel.load("lstm_ko").config.also_train_on


def test_attention_layer_and_head_follow_the_url():
    at = run_app("en", "pages/transformer_vs_rnn.py", query={"layer": "3", "head": "9"})
    assert not at.exception
    assert at.slider(key="_url_layer").value == 3 and at.slider(key="_url_head").value == 4
    charts = len(at.get("plotly_chart"))
    [b for b in at.button if b.label == "Measure now"][0].click().run()
    assert not at.exception and len(at.get("plotly_chart")) == charts + 1  # the measured speeds


def _count_hub_loads(monkeypatch) -> list:
    from models.language.text import TextModel

    calls, original = [], TextModel.from_hub.__func__

    def counted(cls, *args, **kwargs):
        calls.append(args)
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(TextModel, "from_hub", classmethod(counted))
    return calls


def test_optional_hub_model_fails_offline_once_and_falls_back_to_a_shipped_model(monkeypatch):
    monkeypatch.setenv("GENAI_LAB_HUB_LM", "genai-lab/no-such-model")
    monkeypatch.setenv("GENAI_LAB_HUB_REVISION", "0123456789abcdef0123456789abcdef01234567")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    calls = _count_hub_loads(monkeypatch)
    at = run_app("en", "pages/next_token.py", query={"model": HUB_INDEX})
    assert not at.exception and not at.error
    assert len(at.warning) == 1 and "could not be loaded" in at.warning[0].value
    assert "The shipped models work without it" in at.warning[0].value
    assert "GPT · English" in at.warning[0].value and at.button  # the page goes on with the shipped GPT
    at.run()  # a rerun does not try the hub again: the failure is remembered
    assert not at.exception and len(at.warning) == 1 and len(calls) == 1
    at.selectbox(key="_url_model").set_value(0).run()  # back to a shipped model: everything works
    assert not at.exception and not at.error and not at.warning and at.button


def test_hub_model_without_a_pinned_revision_is_refused(monkeypatch):
    monkeypatch.setenv("GENAI_LAB_HUB_LM", "genai-lab/unpinned-model")
    monkeypatch.setenv("GENAI_LAB_HUB_REVISION", "main")
    at = run_app("ko", "pages/next_token.py", query={"model": HUB_INDEX})
    assert not at.exception and not at.error
    assert len(at.warning) == 1 and "GENAI_LAB_HUB_REVISION" in at.warning[0].value
    assert at.warning[0].value.startswith("허브 모델을 쓸 수 없어") and at.button
