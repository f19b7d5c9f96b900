"""The everyday Korean corpus (stories and chat) and the Korean GPT that reads it."""

import dataclasses
import io
import json
import tarfile

import numpy as np
import pytest

from models.core import checkpoints
from models.language import baseline, corpus, text, tokenization, train_text

ROOT = corpus.ROOT
EVERYDAY = corpus.EVERYDAY


def _summary() -> dict:
    return json.loads((corpus.ASSETS_TEXT / "sources.json").read_text(encoding="utf-8"))[EVERYDAY]


def _answers(split: str, last: int = 1000) -> set[str]:
    """The answers of the last ``last`` chat pairs of a split (the stories come first, the chat after)."""
    pairs = corpus.load(EVERYDAY, split).strip().split("\n\n")[-last:]
    assert all(p.count("\n") == 1 for p in pairs)
    return {p.split("\n")[1] for p in pairs}


# ------------------------------------------------------------------------------------------- corpus
def test_everyday_corpus_is_split_by_whole_work_and_by_answer():
    splits = _summary()["splits"]
    train, valid = splits[f"{EVERYDAY}/train"], splits[f"{EVERYDAY}/valid"]
    train_works, valid_works = {w["work"] for w in train["works"]}, {w["work"] for w in valid["works"]}
    assert len(train_works | valid_works) == len(corpus.KOCONOVEL_WORKS) and not train_works & valid_works
    assert len(valid_works) >= 4 and train["characters"] > 5 * valid["characters"] > 100_000
    for work in train_works | valid_works:  # the recorded split is the documented rule, nothing hand-picked
        held_out = corpus.is_valid(f"koconovel/{work}", corpus.EVERYDAY_VALID_SHARE)
        assert held_out == (work in valid_works)
    held_out_text, training_text = corpus.load(EVERYDAY, "valid"), corpus.load(EVERYDAY, "train")
    long_lines = [line for line in held_out_text.splitlines() if len(line) > 60][:200]
    assert long_lines and not [line for line in long_lines if line in training_text]
    assert _answers("train") and _answers("valid") and not _answers("train") & _answers("valid")


def test_everyday_corpus_is_everyday_korean_and_public_domain_by_its_authors():
    held_out = corpus.load(EVERYDAY, "valid")
    assert sum("\uac00" <= c <= "\ud7a3" for c in held_out) > 0.6 * len(held_out)
    assert "“" in held_out or '"' in held_out  # dialogue, which statutes never have
    assert "{{" not in held_out and "<" not in held_out and "\r" not in held_out  # no wiki or HTML markup
    readme = (ROOT / "assets" / "README.md").read_text(encoding="utf-8")
    for _title, author, died in corpus.KOCONOVEL_WORKS.values():
        assert died < corpus.PUBLIC_DOMAIN_DIED_BEFORE
        assert f"{author} {died}" in readme  # every author's public-domain basis is written down
    for spec in corpus.GITHUB_SOURCES.values():
        assert spec["repo"] in readme and spec["commit"] in readme
    for rel in _summary()["licence_files"]:
        corpus.verify(corpus.ASSETS_TEXT, rel)  # shipped, and vouched for by the manifest
        assert (corpus.ASSETS_TEXT / rel).read_text(encoding="utf-8").strip()


def _archive(path, members: dict[str, bytes]):
    with tarfile.open(path, "w:gz") as tar:
        for name, body in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return path


def test_readers_keep_works_whole_and_group_paraphrases_by_answer(tmp_path, monkeypatch):
    works = {n: f"{n}_Work" for n in corpus.KOCONOVEL_WORKS}
    scenes = {f"KoCoNovel-x/data/jsonl/{folder}/text.jsonl": "\n".join(
        json.dumps({"doc_id": f"{n}_{i}", "text": f"장면 {i}의 첫 문장.\n\"대사 {n}\""}, ensure_ascii=False)
        for i in range(2)).encode() for n, folder in works.items()}
    archive = _archive(tmp_path / "koco.tar.gz", scenes)
    docs = corpus.read_koconovel(archive)
    assert [d.name for d in docs] == list(works.values())  # by number, whole works
    assert docs[0].text == "장면 0의 첫 문장.\n\"대사 1\"\n\n장면 1의 첫 문장.\n\"대사 1\"\n"
    monkeypatch.setitem(corpus.KOCONOVEL_WORKS, 1, ("B사감과 러브레터", "현진건", corpus.PUBLIC_DOMAIN_DIED_BEFORE))
    with pytest.raises(corpus.CorpusError, match="not public domain"):
        corpus.read_koconovel(archive)
    csv = "Q,A,label\n배고파,뭐 좀 드세요.,0\n배 고파요,뭐 좀 드세요.,0\n심심해,산책 어때요?,0\n".encode()
    chat = corpus.read_chatbot(_archive(tmp_path / "chat.tar.gz", {"Chatbot_data-x/ChatbotData.csv": csv}))
    assert sorted(d.text for d in chat) == ["배고파\n뭐 좀 드세요.\n\n배 고파요\n뭐 좀 드세요.\n",
                                            "심심해\n산책 어때요?\n"]


# --------------------------------------------------------------------------------------- tokenizer
def test_korean_bpe_learnt_everyday_syllables_too():
    """Trained on statutes and help pages only, the BPE cut held-out stories into 1.2 characters a token."""
    tok = tokenization.load("ko", "bpe")
    assert tokenization.chars_per_token(tok, corpus.load(EVERYDAY, "valid")[:30_000]) > 1.45
    assert tokenization.chars_per_token(tok, corpus.load("ko", "valid")[:30_000]) > 1.9
    assert tokenization.unknown_count(tokenization.load("ko", "char"), "운수 좋은 날이었다") == 0


# ------------------------------------------------------------------------------------------ model
def test_korean_gpt_reads_everyday_korean_better_than_a_bigram_and_its_statute_only_sibling():
    gpt, lstm = text.TextModel.load("gpt_ko"), text.TextModel.load("lstm_ko")
    assert EVERYDAY in gpt.config.also_train_on
    sample = corpus.load(EVERYDAY, "valid")[:12_000]
    ours = gpt.loss(sample)["nats_per_char"]
    bigram = baseline.nats_per_char(baseline.fit(corpus.load(EVERYDAY, "train")), sample)
    assert ours < bigram
    if EVERYDAY not in lstm.config.also_train_on:  # until the LSTM is retrained on the same corpora
        assert ours < lstm.loss(sample)["nats_per_char"] - 0.5
    metrics = checkpoints.load_metrics("gpt_ko")[EVERYDAY]
    assert metrics["valid_curve"] and 0 < metrics["valid_loss_per_char"] < metrics["valid_loss_per_token"]


def test_training_on_an_extra_corpus_scores_it_held_out_and_snapshots(tmp_path, monkeypatch):
    monkeypatch.setenv(checkpoints.ENV_DIR, str(tmp_path))
    config = dataclasses.replace(text.SHIPPED["gpt_ko"], context=32, batch_size=4, n_embd=32, n_layer=1, n_head=2,
                                 warmup_steps=2, eval_every=5, eval_batches=1, lr=5e-3)
    out = tmp_path / "gpt_ko"
    metrics = train_text.train("gpt_ko", out, steps=10, progress=False, config=config, snapshots=True)
    curve = metrics[EVERYDAY]["valid_curve"]
    assert [p["step"] for p in curve] == [5, 10] and np.isfinite([p["loss"] for p in curve]).all()
    saved = json.loads((out / "metrics.json").read_text())
    assert saved[EVERYDAY]["valid_curve"] == curve and saved["train_tokens"] > len(
        tokenization.load("ko", "bpe")(corpus.load("ko", "train"))["input_ids"])  # both corpora were read
    stopped = train_text.train("gpt_ko", tmp_path / "early", steps=1000, progress=False, config=config, minutes=0)
    assert stopped["steps"] == 1 and (tmp_path / "early" / "model.safetensors").exists()
