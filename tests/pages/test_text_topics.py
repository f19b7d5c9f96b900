"""The text pages' sections on the chain rule, the Transformer's structure, GPT/BERT/T5 and LLMs, in both
languages, with numbers checked against the shipped models themselves (not against the page's own code)."""

import base64
import json
import math

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest

from dashboard.core.i18n import strings
from models.core import checkpoints
from models.language import text
from tests.pages.conftest import run_app


def chart_spec(at, key: str) -> dict:
    return json.loads(next(c.proto.spec for c in at.get("plotly_chart") if c.proto.id and key in c.proto.id))


def values(data) -> np.ndarray:
    """A plotly array from a chart's JSON: a list, or plotly's typed array (base64 ``bdata``)."""
    if isinstance(data, dict):
        shape = tuple(int(n) for n in str(data.get("shape", "-1")).split(","))
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=np.dtype(data["dtype"])).reshape(shape)
    return np.asarray(data)


def annotations(spec: dict) -> str:
    return "\n".join(a.get("text", "") for a in spec["layout"].get("annotations", []))


def hf_log_prob(name: str, prompt: str) -> tuple[int, float]:
    """(scored tokens, log p) of ``prompt`` by transformers' own loss on the checkpoint directory."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    directory = checkpoints.checkpoint_root() / name
    tokenizer = AutoTokenizer.from_pretrained(directory)
    model = AutoModelForCausalLM.from_pretrained(directory).eval()
    ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    x = torch.tensor([ids])
    with torch.inference_mode():
        loss = float(model(input_ids=x, labels=x).loss)
    return len(ids) - 1, -loss * (len(ids) - 1)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_next_token_shows_the_chain_rule_of_the_current_prompt(lang):
    at = run_app(lang, "pages/next_token.py")
    assert not at.exception, [e.value for e in at.exception]
    s = strings(lang)
    assert s["next.chain.header"] in [h.value for h in at.header]
    assert any(r"\prod_{t=1}^{T} p(x_t \mid x_{<t})" in x.value for x in at.latex)
    n, total = hf_log_prob(f"gpt_{lang}", text.DEFAULT_PROMPTS[lang])
    caption = next(c.value for c in at.caption if s["next.chain.caption"].split("{")[0] in c.value)
    assert f"{total:.1f}" in caption and f"{-total / n:.2f}" in caption and f"{math.exp(-total / n):.1f}" in caption
    spec = chart_spec(at, "chain_rule")
    bars, line = spec["data"]
    assert len(bars["y"]) == n and all(0 < p <= 1 for p in bars["y"])
    assert line["y"][-1] == pytest.approx(total, abs=1e-3)
    table = next(d.value for d in at.dataframe if s["next.chain.col.sum"] in d.value.columns)
    assert len(table) == n and table[s["next.chain.col.sum"]].iloc[-1] == pytest.approx(total, abs=1e-3)


def test_the_chain_grows_with_each_added_token_and_works_for_the_lstm():
    at = run_app("en", "pages/next_token.py")
    n = len(chart_spec(at, "chain_rule")["data"][0]["y"])
    at.button[1].click().run()  # "Most likely": one more token in the text, one more factor in the chain
    assert not at.exception and len(chart_spec(at, "chain_rule")["data"][0]["y"]) == n + 1
    at.selectbox(key="_url_model").set_value(1).run()  # LSTM · English: the chain rule holds for any LM
    assert not at.exception and len(chart_spec(at, "chain_rule")["data"][0]["y"]) >= n
    at.text_area(key="prompt_lstm_en").input("a").run()  # one token: nothing to score, a hint instead
    assert not at.exception and any(strings("en")["next.chain.short"] == i.value for i in at.info)


@pytest.mark.parametrize("lang,index,name", [("en", 0, "gpt_en"), ("ko", 1, "gpt_ko")])
def test_transformer_figure_has_the_loaded_models_real_sizes(lang, index, name):
    at = run_app(lang, "pages/transformer_vs_rnn.py", query={"attn_model": str(index)})
    assert not at.exception, [e.value for e in at.exception]
    s = strings(lang)
    headers = [h.value for h in at.header]
    assert {s["tvr.arch.header"], s["tvr.variants.header"], s["tvr.llm.header"]} <= set(headers)
    config = json.loads((checkpoints.checkpoint_root() / name / "config.json").read_text())
    labels = annotations(chart_spec(at, "structure"))
    d, v, ctx, n, heads = (config[k] for k in ("n_embd", "vocab_size", "n_positions", "n_layer", "n_head"))
    assert f"{v:,} × {d}" in labels and f"{ctx} × {d}" in labels  # token and position embeddings
    assert f"{d} → {4 * d} → {d}" in labels and f"{heads}" in labels and f"× {n}" in labels
    params = checkpoints.load_metrics(name)["parameters"]
    table = next(df.value for df in at.dataframe if s["tvr.arch.col.params"] in df.value.columns)
    assert table[s["tvr.arch.col.params"]].iloc[-1] == params == table[s["tvr.arch.col.params"]].iloc[:-1].sum()
    assert any(f"{params:,}" in c.value for c in at.caption)
    masks = chart_spec(at, "attention_masks")["data"]
    assert [int(values(m["z"]).sum()) for m in masks] == [21, 36, 9 + 9 + 6]  # causal, full, encoder-decoder
    variants = next(tb.value for tb in at.table if s["tvr.variants.col.layout"] in tb.value.columns)
    assert list(variants[s["tvr.variants.col.layout"]]) == [s[f"tvr.variants.{k}.name"] for k in
                                                           ("decoder", "encoder", "encoder_decoder")]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_llm_section_puts_our_real_scale_next_to_public_orders_of_magnitude(lang):
    at = run_app(lang, "pages/transformer_vs_rnn.py")
    assert not at.exception
    s = strings(lang)
    for part in ("pretrain", "tuning", "chat", "cost"):
        assert s[f"tvr.llm.{part}"] in [m.value for m in at.markdown]
    scale = next(tb.value for tb in at.table if s["tvr.llm.col.tokens"] in tb.value.columns)
    m = checkpoints.load_metrics(f"gpt_{lang}")
    ours = scale[scale[s["tvr.llm.col.model"]] == s[f"text.model.gpt_{lang}"]].iloc[0]
    assert ours[s["tvr.llm.col.params"]] == f"{m['parameters']:,}"
    assert ours[s["tvr.llm.col.tokens"]] == f"{m['steps'] * m['tokens_per_step']:,}"
    gpt3 = scale[scale[s["tvr.llm.col.model"]] == "GPT-3"].iloc[0]
    assert gpt3[s["tvr.llm.col.year"]] == "2020" and gpt3[s["tvr.llm.col.params"]].startswith("≈")
    caption = next(c.value for c in at.caption if f"{m['train_tokens']:,}" in c.value)
    params_ratio = 1.75e11 / m["parameters"]  # GPT-3's 175 billion parameters (Brown et al., 2020)
    assert f"{float(f'{params_ratio:.2g}'):,.0f}" in caption


def _structure_of_the_lstm():
    import streamlit as st

    from dashboard.core import widgets
    from dashboard.language import loaders, text_sections

    widgets.setup_page()
    st.session_state["drawn"] = text_sections.structure("lstm_en", loaders.text_model("lstm_en")) is not None


def test_an_lstm_gets_a_note_instead_of_a_transformer_figure():
    at = AppTest.from_function(_structure_of_the_lstm, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["drawn"] is False and not at.get("plotly_chart")
    assert at.info and "not a Transformer" in at.info[0].value
