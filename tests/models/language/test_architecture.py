"""The chain rule over a real text, a GPT's parts, the three attention layouts and the LLM scale table."""

import json

import numpy as np
import pytest
import torch

from models.core import checkpoints
from models.language import architecture, text


# ------------------------------------------------------------------------------ the chain rule
def test_sequence_log_prob_sums_to_the_models_own_loss(gpt):
    ids, _ = gpt.encode(text.DEFAULT_PROMPTS["en"] + " through yonder window breaks?")
    view = text.sequence_log_prob(gpt, ids)
    n = len(ids) - 1
    assert len(view["probs"]) == len(view["log_probs"]) == len(view["cumulative"]) == n
    assert np.all(view["probs"] > 0) and np.all(view["probs"] <= 1)
    assert np.allclose(np.log(view["probs"]), view["log_probs"])
    assert np.all(np.diff(view["cumulative"]) <= 0)  # every factor is at most 1: log p(x) only falls
    x = torch.tensor([ids])
    with torch.inference_mode():  # transformers' own causal-LM loss: the mean over the same n tokens
        hf_loss = float(gpt.model(input_ids=x, labels=x).loss)
    assert view["total"] == pytest.approx(-hf_loss * n, rel=1e-5)
    assert view["nats_per_token"] == pytest.approx(hf_loss, rel=1e-5)
    assert view["tokens"] == [gpt.decode([i]) for i in ids]


def test_sequence_log_prob_matches_the_lstm_loss_and_handles_short_and_long_texts(lstm):
    prompt = text.DEFAULT_PROMPTS["en"]
    ids = lstm.tokenizer(prompt, add_special_tokens=False)["input_ids"]
    view = text.sequence_log_prob(lstm, ids)
    measured = lstm.loss(prompt)
    assert measured["tokens"] == len(ids) - 1
    assert -view["total"] == pytest.approx(measured["nats_per_token"] * measured["tokens"], rel=1e-5)
    short = text.sequence_log_prob(lstm, ids[:1])
    assert len(short["probs"]) == 0 and short["total"] == 0.0 and short["tokens"] == [lstm.decode(ids[:1])]
    long = text.sequence_log_prob(lstm, (ids * 200)[: lstm.context + 50])
    assert len(long["probs"]) == lstm.context - 1  # only the last context window is scored


# ------------------------------------------------------------------------------ a GPT's parts
@pytest.mark.parametrize("name", ["gpt_en", "gpt_ko", "gpt_en_char"])
def test_gpt_anatomy_reads_the_real_sizes_and_adds_up(name):
    tm = text.TextModel.load(name)
    config = json.loads((checkpoints.checkpoint_root() / name / "config.json").read_text())
    a = architecture.gpt_anatomy(tm.model)
    assert a is not None
    assert (a["vocab"], a["context"], a["n_embd"], a["n_layer"], a["n_head"]) == (
        config["vocab_size"], config["n_positions"], config["n_embd"], config["n_layer"], config["n_head"])
    assert a["total"] == sum(a["parts"].values()) == text.parameter_count(tm.model)
    assert a["total"] == checkpoints.load_metrics(name)["parameters"]
    d, v, n = a["n_embd"], a["vocab"], a["n_layer"]
    assert a["parts"]["token_embedding"] == v * d and a["parts"]["position_embedding"] == a["context"] * d
    assert a["parts"]["attention"] == n * (d * 3 * d + 3 * d + d * d + d)  # q, k, v and the output projection
    assert a["parts"]["mlp"] == n * (d * a["d_mlp"] + a["d_mlp"] + a["d_mlp"] * d + d)
    assert a["tied"] and a["parts"]["output"] == 0


def test_gpt_anatomy_refuses_what_it_does_not_know(lstm):
    from transformers import GPT2Config, GPT2LMHeadModel

    assert architecture.gpt_anatomy(lstm.model) is None
    untied = GPT2LMHeadModel(GPT2Config(vocab_size=50, n_positions=16, n_embd=8, n_layer=1, n_head=2,
                                        tie_word_embeddings=False))
    a = architecture.gpt_anatomy(untied)
    assert not a["tied"] and a["parts"]["output"] == 50 * 8 and a["total"] == text.parameter_count(untied)
    untied.transformer.register_parameter("extra", torch.nn.Parameter(torch.zeros(3)))
    assert architecture.gpt_anatomy(untied) is None  # an unknown part: no figure rather than a wrong one


# ------------------------------------------------------------------------------ GPT, BERT, T5
def test_attention_masks():
    decoder, encoder = architecture.attention_mask("decoder", 5), architecture.attention_mask("encoder", 5)
    assert decoder.tolist() == np.tril(np.ones((5, 5))).tolist() and encoder.all()
    both = architecture.attention_mask("encoder_decoder", 6, 2)
    assert both[:2, :2].all() and not both[:2, 2:].any()  # the encoder does not see the output
    assert both[2:, :2].all()  # cross-attention: every output token sees the whole input
    assert both[2:, 2:].tolist() == np.tril(np.ones((4, 4))).tolist()
    assert {v.mask for v in architecture.VARIANTS} == {"decoder", "encoder", "encoder_decoder"}
    with pytest.raises(ValueError):
        architecture.attention_mask("encoder_decoder", 3, 3)
    with pytest.raises(ValueError):
        architecture.attention_mask("sideways")


def test_our_gpts_attention_follows_the_causal_mask(gpt):
    ids, _ = gpt.encode(text.ATTENTION_TEXTS["en"])
    maps = gpt.attentions(ids[:12])
    allowed = architecture.attention_mask("decoder", maps.shape[-1]).astype(bool)
    assert np.all(maps[..., ~allowed] == 0) and np.all(maps[..., allowed] > 0)


# ------------------------------------------------------------------------------ scale of LLMs
def test_our_scale_and_approximate_numbers():
    m = checkpoints.load_metrics("gpt_en")
    ours = architecture.our_scale(m)
    assert ours["params"] == m["parameters"] and ours["train_tokens"] == m["train_tokens"]
    assert ours["tokens_seen"] == m["steps"] * m["tokens_per_step"] > ours["train_tokens"]
    assert architecture.approx(1.75e11) == "≈ 1.8 × 10¹¹" and architecture.approx(1e6) == "≈ 10⁶"
    assert architecture.approx(9.99e6) == "≈ 10⁷" and architecture.approx(0) == "0"
    assert architecture.approx_range(7e9, 7e10) == "≈ 7 × 10⁹ – 7 × 10¹⁰"
    assert architecture.round_to(1.75e11 / 1_350_400) == 130_000 and architecture.round_to(0.0123) == 0.012
    for pm in architecture.PUBLIC_SCALE:
        assert 2017 < pm.year < 2030 and pm.params[0] <= pm.params[1] and pm.source
        assert (pm.tokens is None) != (pm.data_gb is None)
        assert pm.params[0] > 1000 * ours["params"]  # these really are orders of magnitude larger
