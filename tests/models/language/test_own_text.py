"""Your own text (issue 22), the models side: every bad text and model file is refused with its code,
the baseline is a real bigram table, training is seeded without the global RNG and drops the
optimiser when it ends, and a saved model loaded again writes the same text for the same seed."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest
import torch

from models.language import corpus, own_text, text, tokenization
from tests.inputs import corpus as inputs

TINY = own_text.OwnConfig(context=16, n_embd=16, n_layer=1, n_head=2, batch_size=4, eval_every_s=0.0,
                          sample_every_s=0.0, sample_chars=20)


def english(n: int = 3000) -> str:
    return corpus.load("en", "valid")[:n]


def korean(n: int = 3000) -> str:
    return corpus.load("ko", "valid")[:n]


@pytest.fixture(scope="module")
def run() -> own_text.OwnRun:
    r = own_text.OwnRun.create(own_text.check_text(korean(4000) + english(2000)), TINY)
    r.train_for(60, max_steps=3)
    return r


# --- bad input: every kind has its code ------------------------------------------------------------
BAD_UPLOADS = {
    "empty": (b"", "empty"),
    "only spaces": (b"   \n\n  \t ", "empty"),
    "too short": ("짧은 글입니다. ".encode() * 20, "too_short"),
    "too long": (("a" * (own_text.MAX_CHARS + 1)).encode(), "too_long"),
    "too many bytes": (b"a" * (own_text.MAX_UPLOAD_BYTES + 1), "too_long"),
    "binary (NUL bytes)": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20, "binary"),
    "binary (control bytes)": (bytes([1, 2, 3, 4, 5, 6, 7, 8, 65]) * 500, "binary"),
    "not UTF-8 (CP949 Korean)": (korean().encode("cp949", errors="ignore"), "not_utf8"),
    "not UTF-8 (Latin-1)": (("café naïve " * 400).encode("latin-1"), "not_utf8"),
    "too many characters": ("".join(chr(0x4E00 + i) for i in range(own_text.MAX_VOCAB + 1)).encode(), "vocab"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_bad_uploads_are_refused_with_their_code(case):
    data, code = BAD_UPLOADS[case]
    with pytest.raises(own_text.OwnTextError) as caught:
        own_text.read_upload(data)
    assert caught.value.code == code


@pytest.mark.parametrize(("raw", "code"), [(None, "empty"), ("", "empty"), ("\n \n", "empty"),
                                           ("abc" * 100, "too_short"),
                                           ("x" * (own_text.MAX_CHARS + 1), "too_long"),
                                           ("x" * (3 * own_text.MAX_CHARS), "too_long"),
                                           ("\x00" * 3000, "binary")])
def test_bad_pasted_text_is_refused(raw, code):
    with pytest.raises(own_text.OwnTextError) as caught:
        own_text.check_text(raw)
    assert caught.value.code == code


def test_good_text_is_cleaned_not_refused():
    raw = "\ufeff" + ("첫 줄\r\n둘째\t줄\u200b " * 300)
    cleaned = own_text.read_upload(raw.encode("utf-8"))
    assert "\r" not in cleaned and "\t" not in cleaned and "\u200b" not in cleaned and "\ufeff" not in cleaned
    assert cleaned.startswith("첫 줄\n둘째 줄")
    assert own_text.read_upload(korean().encode("utf-8-sig")) == own_text.check_text(korean())
    assert own_text.language_of(korean()) == "ko" and own_text.language_of(english()) == "en"
    assert own_text.language_of(korean(1000) + english(1500)) == "mixed"


# --- the vocabulary and the baseline ------------------------------------------------------------------
def test_character_vocabulary_round_trips_korean_and_english():
    sample = korean(500) + english(500)
    chars = tokenization.char_vocabulary(sample)
    tokenizer = tokenization.char_tokenizer(chars)
    ids = tokenizer(sample, add_special_tokens=False)["input_ids"]
    assert ids == own_text.encode(sample, chars).tolist() and tokenizer.decode(ids) == sample
    assert len(tokenizer) == len(chars) + own_text.SPECIAL and 1 not in ids  # no <unk> in its own text


def test_bigram_baseline_is_a_bigram_table():
    train = np.array([2, 3] * 500, dtype=np.int64)  # "abab…": after a always b
    targets, previous = np.array([3, 2, 3]), np.array([2, 3, 2])
    b = own_text.bigram_baseline(train, targets, previous, vocab=4)
    assert b["bigram"] < 0.05 < np.log(2) - 0.05 < b["unigram"]
    # brute force on random data: the same formula, the same number
    rng = np.random.default_rng(0)
    train, valid = rng.integers(0, 6, 2000), rng.integers(0, 6, 300)
    b = own_text.bigram_baseline(train, valid[1:], valid[:-1], vocab=6)
    k = b["smoothing"]
    uni = (np.bincount(train, minlength=6) + 1) / (len(train) + 6)
    pair = np.zeros((6, 6))
    np.add.at(pair, (train[:-1], train[1:]), 1)
    p = (pair[valid[:-1], valid[1:]] + k * uni[valid[1:]]) / (pair.sum(1)[valid[:-1]] + k)
    assert b["bigram"] == pytest.approx(-np.log(p).mean())


# --- training --------------------------------------------------------------------------------------
def test_training_is_seeded_without_the_global_rng_and_keeps_threads():
    state, threads = torch.random.get_rng_state(), torch.get_num_threads()
    text_ = own_text.check_text(english())
    a = own_text.OwnRun.create(text_, TINY)
    b = own_text.OwnRun.create(text_, TINY)
    a.train_for(60, max_steps=2, sample=False)
    b.train_for(60, max_steps=2, sample=False)
    assert torch.equal(torch.random.get_rng_state(), state) and torch.get_num_threads() == threads
    for (name, x), (_, y) in zip(a.tm.model.named_parameters(), b.tm.model.named_parameters(), strict=True):
        assert torch.equal(x, y), name
    c = own_text.OwnRun.create(text_, own_text.OwnConfig(**{**TINY.__dict__, "seed": 1}))
    d = own_text.OwnRun.create(text_, TINY)
    assert not torch.equal(c.tm.model.transformer.wte.weight, d.tm.model.transformer.wte.weight)


def test_training_records_held_out_loss_samples_and_drops_the_optimiser(run):
    assert run.step == 3 and run.curve[0][0] == 0 and run.curve[-1][0] == 3
    assert all(np.isfinite(p[2]) for p in run.curve) and run.samples and 0 < len(run.samples[-1][1]) <= 20
    assert run.optimizer is not None
    run.finish()
    assert run.optimizer is None
    before = run.tm.model.transformer.wte.weight.clone()
    run.train_for(60, max_steps=1)  # Train again goes on from the weights (a fresh optimiser)
    assert run.step == 4 and not torch.equal(before, run.tm.model.transformer.wte.weight)
    run.finish()


def test_the_model_works_in_the_next_token_lab_code(run):
    ids, _ = run.tm.encode(run.prompt)
    view = text.candidates(run.tm, ids, text.Decoding(0.8, 5, 0.9))
    assert view["kept"] <= 5 and len(view["ids"]) == 12
    assert run.tm.attentions(ids).shape == (1, 2, len(ids), len(ids))
    steps = list(text.stream(run.tm, ids, text.Decoding(), 30, seed=3, stop_at_eos=False))
    assert len(steps) == 30


# --- keep it: export, import, and every bad model file ---------------------------------------------
def test_a_saved_model_loaded_again_writes_the_same_text(run):
    data = own_text.export_zip(run)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == sorted(own_text.FILES)
    loaded = own_text.import_zip(data)
    assert not loaded.trainable and loaded.step == run.step and loaded.curve == run.curve
    for seed in (0, 7):
        assert loaded.sample(60, seed=seed) == run.sample(60, seed=seed)
    ids, _ = run.tm.encode(run.prompt)
    assert torch.equal(loaded.tm.next_logits(ids), run.tm.next_logits(ids))
    with pytest.raises(own_text.OwnTextError) as caught:
        next(loaded.steps())
    assert caught.value.code == "no_text"


_zip = inputs.zip_of


def _files(run) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(own_text.export_zip(run))) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def _without(run, name: str) -> dict[str, bytes]:
    return {k: v for k, v in _files(run).items() if k != name}


def _with_config(run, change) -> bytes:
    files = _files(run)
    config = json.loads(files["config.json"])
    change(config)
    return _zip({**files, "config.json": json.dumps(config).encode()})


def _raw_name(run, name: bytes) -> bytes:
    """A zip whose vocab.json is named by raw bytes without the UTF-8 flag (as old Korean Windows tools write)."""
    placeholder = b"X" * (len(name) - len(b".json")) + b".json"
    data = _zip({**{k: v for k, v in _files(run).items() if k != "vocab.json"},
                 placeholder.decode(): _files(run)["vocab.json"]})
    return data.replace(placeholder, name)


_flag_encrypted = inputs.flag_encrypted


def _pickled() -> bytes:
    import pickle

    return pickle.dumps({"transformer.wte.weight": np.zeros((3, 3))})


BAD_ZIPS = {
    "empty": (lambda r: b"", "zip_empty"),
    "not a zip": (lambda r: b"PK but not really a zip" * 10, "not_zip"),
    "a text file": (lambda r: english().encode(), "not_zip"),
    "too large": (lambda r: b"PK" + b"\0" * (own_text.MAX_ZIP_BYTES + 1), "zip_size"),
    "missing file": (lambda r: _zip({k: v for k, v in _files(r).items() if k != "vocab.json"}), "zip_files"),
    "extra file": (lambda r: _zip({**_files(r), "README.txt": b"hi"}), "zip_files"),
    "pickle instead of safetensors": (lambda r: _zip({**_without(r, "model.safetensors"),
                                                      "pytorch_model.bin": _pickled()}), "zip_files"),
    "pickle named safetensors": (lambda r: _zip({**_files(r), "model.safetensors": _pickled()}), "bad_weights"),
    "path traversal": (lambda r: _zip({**{k: v for k, v in _files(r).items() if k != "config.json"},
                                       "../config.json": _files(r)["config.json"]}), "zip_name"),
    "folder": (lambda r: _zip({f"model/{k}": v for k, v in _files(r).items()}), "zip_name"),
    "absolute path": (lambda r: _zip({**_files(r), "/etc/passwd": b"x"}), "zip_name"),
    "CP949 file name": (lambda r: _raw_name(r, "한글.json".encode("cp949")), "zip_name"),
    "duplicate names": (lambda r: _zip([*_files(r).items(), ("vocab.json", b"{}")]), "zip_files"),
    "zip bomb (ratio)": (lambda r: _zip({**_files(r), "config.json": b" " * 900_000}), "zip_bomb"),
    "zip bomb (size)": (lambda r: _zip({**_files(r), "model.safetensors": bytes(61 * 2**20)}), "zip_bomb"),
    "encrypted": (lambda r: _flag_encrypted(own_text.export_zip(r)), "zip_encrypted"),
    "config not JSON": (lambda r: _zip({**_files(r), "config.json": b"{not json"}), "bad_json"),
    "other format": (lambda r: _with_config(r, lambda c: c.update(format="transformers")), "bad_format"),
    "remote code asked for": (lambda r: _with_config(r, lambda c: c["model"].update(trust_remote_code=True)),
                              "bad_config"),
    "too many layers": (lambda r: _with_config(r, lambda c: c["model"].update(n_layer=99)), "bad_config"),
    "context 0": (lambda r: _with_config(r, lambda c: c["model"].update(context=0)), "bad_config"),
    "width not a multiple of heads": (lambda r: _with_config(r, lambda c: c["model"].update(n_head=3)), "bad_config"),
    "float layers": (lambda r: _with_config(r, lambda c: c["model"].update(n_layer=1.5)), "bad_config"),
    "NaN in the curve": (lambda r: _with_config(r, lambda c: c["training"].update(curve=[[0, 0, float("nan")]])),
                         "bad_config"),
    "vocabulary too short": (lambda r: _zip({**_files(r), "vocab.json": json.dumps({"chars": ["a"]}).encode()}),
                             "bad_vocab"),
    "vocabulary of words": (lambda r: _zip({**_files(r), "vocab.json": json.dumps(
        {"chars": ["ab"] * (len(r.chars))}).encode()}), "bad_vocab"),
    "wider model than its weights": (lambda r: _with_config(r, lambda c: c["model"].update(n_embd=32)),
                                     "bad_weights"),
}


@pytest.mark.parametrize("case", list(BAD_ZIPS))
def test_bad_model_files_are_refused_with_their_code(run, case):
    make, code = BAD_ZIPS[case]
    with pytest.raises(own_text.OwnTextError) as caught:
        own_text.import_zip(make(run))
    assert caught.value.code == code, str(caught.value)


def test_weights_with_nan_or_other_shapes_are_refused(run):
    from safetensors.torch import load, save

    files = _files(run)
    tensors = load(files["model.safetensors"])
    for change in (lambda t: t["transformer.wte.weight"].fill_(float("nan")),
                   lambda t: t.update({"transformer.wpe.weight": torch.zeros(3, 3)}),
                   lambda t: t.update({"extra": torch.zeros(1)}),
                   lambda t: t.update({"transformer.ln_f.bias": t["transformer.ln_f.bias"].double()})):
        changed = {k: v.clone() for k, v in tensors.items()}
        change(changed)
        with pytest.raises(own_text.OwnTextError) as caught:
            own_text.import_zip(_zip({**files, "model.safetensors": save(changed)}))
        assert caught.value.code == "bad_weights"


def test_the_store_holds_at_most_n_models_and_drops_the_oldest(run):
    store = own_text.ModelStore(2)
    store.put("a", run)
    store.put("b", run)
    assert store.get("a") is run  # a is now the most recently used
    store.put("c", run)
    assert len(store) == 2 and store.get("b") is None and store.get("a") is run and store.get("c") is run
    store.drop("a")
    assert store.get("a") is None and store.get(None) is None
