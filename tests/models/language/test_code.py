"""The code model: its corpus (Python's standard library), tokenizer, checkpoint and bigram baseline."""

import gzip
import hashlib
import json
import math
import platform
import re

import numpy as np
import pytest

from models.core import checkpoints
from models.language import baseline, corpus, text, tokenization
from tests.conftest import ROOT

CODE = corpus.CODE


def _fake_stdlib(root):
    """A small standard library: modules, a private one, a too-large one and a package with tests."""
    (root / "pkg" / "tests").mkdir(parents=True)
    (root / "site-packages").mkdir()
    for i in range(30):
        (root / f"mod{i:02d}.py").write_text(f"def f{i}(x):\r\n\treturn x + {i}   \n\n\n\nCONST = {i}\n")
    (root / "_private.py").write_text("SECRET = 1\n")
    (root / "huge.py").write_text("x = 1\n" * (corpus.CODE_MAX_BYTES // 6 + 1))
    (root / "pkg" / "__init__.py").write_text("PKG = 1\n")
    (root / "pkg" / "tests" / "test_pkg.py").write_text("assert True\n")
    (root / "site-packages" / "third.py").write_text("THIRD = 1\n")
    (root / "LICENSE.txt").write_text("PSF LICENSE AGREEMENT FOR PYTHON\n")


def test_code_corpus_rule_split_by_file_deterministic_and_licence_recorded(tmp_path, monkeypatch):
    stdlib = tmp_path / "stdlib"
    stdlib.mkdir()
    _fake_stdlib(stdlib)
    names = [p.name for p in corpus.code_files(stdlib)]
    assert names == [f"mod{i:02d}.py" for i in range(30)]  # no private, too large, package, tests or site-packages
    outputs = []
    for out in (tmp_path / "a", tmp_path / "b"):
        summary = corpus.build_code(out, stdlib)
        outputs.append({split: (out / CODE / f"{split}.txt.gz").read_bytes() for split in corpus.SPLITS})
    assert outputs[0] == outputs[1]  # same files → same bytes
    assert summary["file_count"] == 30 and summary["python"] == platform.python_version()
    assert "PSF" in summary["source"]["licence"]
    train, valid = (summary["splits"][f"code/{s}"]["files"] for s in corpus.SPLITS)
    assert train and valid and not set(train) & set(valid) and sorted(train + valid) == names
    assert all(corpus.is_valid(f"stdlib/{name}") for name in valid)
    listed = {row["file"]: row for row in summary["files"]}
    assert listed["mod00.py"]["sha256"] == hashlib.sha256((stdlib / "mod00.py").read_bytes()).hexdigest()
    held_out = gzip.decompress(outputs[0]["valid"]).decode()
    for name in valid:  # each held-out file's own constant is in the held-out split only
        i = int(name[3:5])
        assert f"CONST = {i}\n" in held_out
        assert f"CONST = {i}\n" not in gzip.decompress(outputs[0]["train"]).decode()
    assert "\t" not in held_out and "\r" not in held_out and "   \n" not in held_out  # tabs expanded, no trailing
    assert (tmp_path / "a" / CODE / "LICENSE.txt").read_text().startswith("PSF LICENSE AGREEMENT")
    recorded = json.loads((tmp_path / "a" / "sources.json").read_text())
    assert recorded[CODE]["rule"] == summary["rule"]
    assert json.loads((tmp_path / "a" / "MANIFEST.json").read_text())  # the text manifest vouches for the new files


def test_shipped_code_corpus_is_the_recorded_standard_library():
    info = corpus.code_summary()
    assert info["file_count"] == len(info["files"]) > 100
    train = corpus.load(CODE, "train")
    assert 1_500_000 < len(train) + len(corpus.load(CODE, "valid")) < 3_000_000
    assert (corpus.ASSETS_TEXT / CODE / "train.txt.gz").stat().st_size < 1_000_000
    assert "def " in train and "class " in train
    if info["python"] == platform.python_version():  # same interpreter: same files, same bytes
        files = corpus.code_files()
        assert [p.name for p in files] == [row["file"] for row in info["files"]]
        assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in files] == [row["sha256"] for row in info["files"]]
    licence = (corpus.ASSETS_TEXT / info["licence_file"]).read_text(encoding="utf-8")
    assert "PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2" in licence
    readme = (ROOT / "assets" / "README.md").read_text(encoding="utf-8")
    assert "PSF License Agreement" in readme and f"Python {info['python']}" in readme


def test_code_corpus_load_refuses_unknown_names():
    with pytest.raises(ValueError):
        corpus.load("python", "train")
    with pytest.raises(ValueError):
        tokenization.load(CODE, "char")


# --------------------------------------------------------------------------------------- tokenizer
def test_code_tokenizer_round_trips_code_and_compresses_indentation():
    tok = tokenization.load(CODE, "bpe")
    assert len(tok) == tokenization.CODE_BPE_VOCAB
    sample = corpus.load(CODE, "valid")[:5000] + "\n\tdef naïve(x):  # 🙂\n        return x ** 2\n"
    assert tok.decode(tok(sample, add_special_tokens=False)["input_ids"]) == sample
    assert tokenization.unknown_count(tok, sample) == 0
    indented = tok("        return self", add_special_tokens=False)["input_ids"]
    assert len(indented) <= 3  # the indentation run, " return", " self": not one token per space
    held_out = corpus.load(CODE, "valid")[:30_000]
    assert tokenization.chars_per_token(tok, held_out) > 2.0


# ------------------------------------------------------------------------------------------- bigram
def test_char_bigram_matches_hand_counts_and_smooths_unseen():
    model = baseline.fit("abab", alpha=1.0)  # symbols a, b and one unseen; pairs ab ×2, ba ×1
    # p(a) = (2+1)/(4+3), p(b|a) = (2+1)/(2+3)
    assert baseline.nats_per_char(model, "ab") == pytest.approx(-(math.log(3 / 7) + math.log(3 / 5)) / 2)
    # p(a|b) = (1+1)/(1+3); "z" is unseen: p(z|a) = 1/5
    assert baseline.nats_per_char(model, "baz") == pytest.approx(
        -(math.log(3 / 7) + math.log(2 / 4) + math.log(1 / 5)) / 3)
    assert np.allclose(np.exp(model.log_probs).sum(1), 1.0)
    with pytest.raises(ValueError):
        baseline.fit("abab", alpha=0)
    with pytest.raises(ValueError):
        baseline.nats_per_char(model, "")


def test_char_bigram_learns_structure():
    train = "def f(x):\n    return x\n" * 50
    model = baseline.fit(train)
    assert baseline.nats_per_char(model, "def f(x):\n    return x\n") < baseline.nats_per_char(model, "zq!zq!zq!")


# -------------------------------------------------------------------------------------------- model
@pytest.fixture(scope="module")
def code_gpt():
    return text.TextModel.load("gpt_code")


def test_code_model_is_registered_shipped_small_and_measured(code_gpt):
    from models.registry import TRAINERS

    assert "gpt_code" in text.CODE_MODELS and "gpt_code" in TRAINERS
    assert "Python" in TRAINERS["gpt_code"].description
    checkpoints.verify("gpt_code")
    directory = checkpoints.checkpoint_dir("gpt_code")
    for name in ("config.json", "model.safetensors", "tokenizer.json", "metrics.json", "generation_config.json"):
        assert (directory / name).is_file(), name
    assert (directory / "model.safetensors").stat().st_size < 4.2e6
    assert code_gpt.config.lang == CODE and len(code_gpt.tokenizer) == tokenization.CODE_BPE_VOCAB
    metrics = checkpoints.load_metrics("gpt_code")
    assert 0 < metrics["valid_loss_per_char"] < metrics["valid_loss_per_token"]


def test_code_model_beats_the_character_bigram_on_held_out_code(code_gpt):
    held_out = corpus.load(CODE, "valid")[:8000]
    gpt = code_gpt.loss(held_out)["nats_per_char"]
    bigram = baseline.nats_per_char(baseline.fit(corpus.load(CODE, "train")), held_out)
    assert gpt < bigram - 0.5


def test_code_model_writes_python_like_tokens(code_gpt):
    after_import, _ = text.generate(code_gpt, "import os\nimport", text.Decoding(greedy=True), 6)
    assert isinstance(after_import, str) and re.match(r" [A-Za-z_][A-Za-z_0-9.]*", after_import), after_import
    body, _ = text.generate(code_gpt, text.DEFAULT_PROMPTS[CODE], text.Decoding(greedy=True), 30)
    assert body.startswith("    "), body  # the function body is indented
    keywords = {"return", "if", "for", "while", "def", "raise", "self", "import", "in", "not", "None"}
    sampled, _ = text.generate(code_gpt, "class Stack:\n    def push(self, item):\n", text.Decoding(0.8, 40, 0.95),
                               80, seed=3)
    assert keywords & set(re.findall(r"[A-Za-z_]+", sampled)), sampled
