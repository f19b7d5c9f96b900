"""Text stack: corpora, tokenizers, the shipped GPT/LSTM checkpoints, decoding and training."""

import dataclasses
import json

import numpy as np
import pytest
import torch

from models.core import checkpoints
from models.language import corpus, text, tokenization, train_text

MIXED = "Thou art more lovely 🙂 대한민국 헌법 제1조 — naïve Ω\n  two  spaces\tand a tab"


# ------------------------------------------------------------------------------------------- corpus
def test_shipped_corpus_splits_are_disjoint_by_work():
    sources = json.loads((corpus.ASSETS_TEXT / "sources.json").read_text(encoding="utf-8"))
    for lang in corpus.LANGS:
        train, valid = sources["files"][f"{lang}/train"], sources["files"][f"{lang}/valid"]
        assert train["characters"] > 5 * valid["characters"] > 0
        assert not set(train["examples"]) & set(valid["examples"])
    assert sources["files"]["en/train"]["characters"] > 4_000_000
    assert sources["files"]["ko/train"]["characters"] > 700_000  # far more than konlpy's ~65k alone
    hamlet_line = "To be, or not to be"
    assert (hamlet_line in corpus.load("en", "train")) != (hamlet_line in corpus.load("en", "valid"))


def test_korean_corpus_is_korean_and_english_has_no_gutenberg_boilerplate():
    ko = corpus.load("ko", "valid")
    hangul = sum("\uac00" <= c <= "\ud7a3" for c in ko)
    assert hangul > 0.4 * len(ko)
    en = corpus.load("en", "train")
    assert "Project Gutenberg" not in en and "\x00" not in en


def test_cleaning_helpers():
    assert corpus.strip_gutenberg("head\n*** START OF THE PROJECT GUTENBERG EBOOK X ***\nbody\n"
                                  "*** END OF THE PROJECT GUTENBERG EBOOK X ***\nlicence") == "\nbody\n"
    assert corpus.clean("a\x00b\r\n\n\n\nc  \n") == "ab\n\nc\n"
    html = ("<html><head><title>x</title></head><body><p>이 문장은 한국어로 된 설명입니다.</p>"
            "<p>print('hello world') only code</p><script>var 한글 = 1;</script><li>짧음</li></body></html>")
    assert corpus.korean_lines(html) == ["이 문장은 한국어로 된 설명입니다."]
    assert corpus.is_valid("shakespeare/hamlet") == corpus.is_valid("shakespeare/hamlet")


def test_missing_corpus_file_names_the_rebuild_command(tmp_path):
    with pytest.raises(corpus.CorpusError, match="python -m models corpus"):
        corpus.load("en", "train", root=tmp_path)


# --------------------------------------------------------------------------------------- tokenizers
@pytest.mark.parametrize("lang", corpus.LANGS)
def test_byte_level_bpe_round_trips_anything_and_never_meets_unknowns(lang):
    tok = tokenization.load(lang, "bpe")
    for sample in (MIXED, "🙂" * 5, "\u0000\u001f", "", "ÿ" * 3):
        ids = tok(sample, add_special_tokens=False)["input_ids"]
        assert tok.decode(ids) == sample
    assert tokenization.unknown_count(tok, MIXED) == 0
    pieces = tokenization.pieces(tok, "🙂")
    assert "".join(p for _, p in pieces).startswith("<0x")  # a byte token, shown as bytes


def test_character_vocabulary_round_trips_known_text_and_marks_unknowns():
    tok = tokenization.load("en", "char")
    known = "To be, or not to be:\nthat is the question."
    assert tok.decode(tok(known, add_special_tokens=False)["input_ids"]) == known
    assert len(tok(known, add_special_tokens=False)["input_ids"]) == len(known)
    assert tokenization.unknown_count(tok, "🙂 대한") == 3
    assert tokenization.unknown_count(tokenization.load("ko", "char"), "대한민국") == 0


def test_bpe_compresses_its_own_language_better():
    en, ko = corpus.load("en", "valid")[:20000], corpus.load("ko", "valid")[:20000]
    en_bpe, ko_bpe = tokenization.load("en", "bpe"), tokenization.load("ko", "bpe")
    assert tokenization.chars_per_token(en_bpe, en) > tokenization.chars_per_token(ko_bpe, en)
    assert tokenization.chars_per_token(ko_bpe, ko) > 1.5 * tokenization.chars_per_token(en_bpe, ko)


# ------------------------------------------------------------------------------ shipped checkpoints
def test_every_text_model_is_shipped_and_loads_with_auto_classes_offline(monkeypatch):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    for name in text.SHIPPED:
        checkpoints.verify(name)
        directory = checkpoints.checkpoint_dir(name)
        tok = AutoTokenizer.from_pretrained(directory)
        assert tok.decode(tok("hello 안녕")["input_ids"]).endswith("hello 안녕") or name == "gpt_en_char"
        if name.startswith("gpt"):
            model = AutoModelForCausalLM.from_pretrained(directory)
            assert model.config.n_layer == 4


def test_shipped_models_beat_uniform_guessing_on_held_out_text(gpt, lstm):
    sample = corpus.load("en", "valid")[:6000]
    for tm in (gpt, lstm):
        loss = tm.loss(sample)
        assert loss["nats_per_token"] < 0.75 * np.log(len(tm.tokenizer))
        assert loss["nats_per_char"] < loss["nats_per_token"]


@pytest.mark.parametrize("which", ["gpt", "lstm"])
def test_generation_is_deterministic_for_a_seed(which, gpt, lstm):
    tm = {"gpt": gpt, "lstm": lstm}[which]
    settings = text.Decoding(temperature=1.0, top_k=50, top_p=0.95)
    a = text.generate(tm, "ROMEO.\n", settings, 25, seed=7)[0]
    b = text.generate(tm, "ROMEO.\n", settings, 25, seed=7)[0]
    c = text.generate(tm, "ROMEO.\n", settings, 25, seed=8)[0]
    assert a == b and a != c


@pytest.mark.parametrize("which", ["gpt", "lstm"])
def test_cached_generation_matches_recomputing_from_scratch(which, gpt, lstm):
    """The KV cache (GPT) and the carried state (LSTM) must give the same tokens as a full re-read."""
    tm = {"gpt": gpt, "lstm": lstm}[which]
    ids, _ = tm.encode("KING. What says the queen?")
    cached = [s.token_id for s in text.stream(tm, ids, text.Decoding(greedy=True), 20, 0, stop_at_eos=False)]
    fresh, seq = [], list(ids)
    for _ in range(20):
        fresh.append(int(torch.argmax(tm.next_logits(seq))))
        seq.append(fresh[-1])
    assert cached == fresh


def test_filters_follow_their_definitions(gpt):
    logits = gpt.next_logits(gpt.encode("ROMEO.\n")[0])
    stages = text.filter_stages(logits, text.Decoding(temperature=0.5, top_k=10, top_p=0.5))
    for probs in stages.values():
        assert probs.sum() == pytest.approx(1.0, abs=1e-4)
    assert stages["temperature"].max() > stages["raw"].max()  # colder is sharper
    assert (stages["top_k"] > 0).sum() == 10
    kept = stages["top_p"] > 0
    assert 1 <= kept.sum() <= 10 and stages["top_k"][kept].sum() >= 0.5 - 1e-6  # top-p after top-k
    view = text.candidates(gpt, gpt.encode("ROMEO.\n")[0], text.Decoding(top_k=5), k=8)
    assert view["kept"] == 5 and len(view["ids"]) == 8 and view["entropy"] > 0


def test_stop_is_honoured_between_tokens(gpt):
    produced = []
    for step in text.stream(gpt, gpt.encode("ROMEO.")[0], text.Decoding(), 50, 0,
                            should_stop=lambda: len(produced) >= 3):
        produced.append(step)
    assert len(produced) == 3


def test_bad_prompts_are_cleaned_not_fatal(gpt):
    cleaned, notices = text.clean_prompt("a\x00b\u200bc\x1b[31m")
    assert cleaned == "abc[31m" and notices == ["control"]
    cleaned, notices = text.clean_prompt("word " * 20_000)
    assert len(cleaned) == text.MAX_PROMPT_CHARS and notices == ["truncated"]
    ids, cut = gpt.encode(cleaned)
    assert cut and len(ids) == gpt.context - 1
    assert gpt.encode("") == ([gpt.tokenizer.eos_token_id], False)
    out, steps = text.generate(gpt, "🙂🙂 대한민국 ∑", text.Decoding(greedy=True), 5)
    assert len(steps) == 5 and isinstance(out, str)


def test_beam_search_and_hallucination_report(gpt):
    assert text.beam_search(gpt, "ROMEO.\n", beams=3, max_new_tokens=8)
    rows = text.hallucinations(gpt, max_new_tokens=6)
    assert len(rows) == len(text.FACT_PROMPTS["en"])
    for row in rows:
        assert 0 < row["confidence"] <= 1 and len(row["tokens"]) == 6
    assert not all(row["correct"] for row in rows)  # a Shakespeare model does not know these facts


def test_attention_rows_are_causal_distributions(gpt):
    ids = gpt.encode("KING. What says the queen?")[0]
    maps = gpt.attentions(ids)
    assert maps.shape[:2] == (4, 4) and maps.shape[2] == maps.shape[3] == len(ids)
    np.testing.assert_allclose(maps.sum(-1), 1.0, atol=1e-4)
    assert np.abs(np.triu(maps, k=1)).max() < 1e-6


# ------------------------------------------------------------------------------------------ training
@pytest.mark.parametrize("arch", ["gpt", "lstm"])
def test_a_short_training_run_learns_and_saves_a_loadable_checkpoint(arch, tmp_path, monkeypatch):
    monkeypatch.setenv(checkpoints.ENV_DIR, str(tmp_path))
    name = f"{arch}_en"
    config = dataclasses.replace(text.SHIPPED[name], context=32, batch_size=8, n_embd=32, hidden=48, n_layer=1,
                                 n_head=2, warmup_steps=5, eval_every=40, eval_batches=2, lr=5e-3)
    with checkpoints.staging(name) as out:
        metrics = train_text.train(name, out, steps=40, progress=False, config=config)
    assert metrics["valid_curve"][-1]["loss"] < np.log(metrics["vocab_size"]) - 0.5  # uniform guessing: ln V
    assert metrics["loss_curve"][-1] < metrics["loss_curve"][0]
    tm = text.TextModel.load(name)
    assert tm.arch == arch and tm.config.context == 32
    assert len(text.generate(tm, "To be", text.Decoding(), 5, seed=1)[1]) == 5
