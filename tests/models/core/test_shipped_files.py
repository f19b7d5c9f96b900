"""The shipped text corpora, tokenizers and melodies are checked against their manifests and fail closed."""

import json
import shutil

import pytest

from models.core import integrity
from models.language import corpus, tokenization
from models.melody import melody_corpus
from tests.conftest import ROOT


@pytest.fixture
def text_copy(tmp_path):
    root = tmp_path / "text"
    shutil.copytree(ROOT / "assets" / "text", root)
    return root


@pytest.fixture
def music_copy(tmp_path):
    root = tmp_path / "music"
    shutil.copytree(ROOT / "assets" / "music", root)
    return root


def flip_a_byte(path):
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))


def test_shipped_manifests_vouch_for_every_file_as_it_is():
    for folder in ("text", "music", "data"):
        root = ROOT / "assets" / folder
        assert integrity.read_manifest(root / integrity.MANIFEST) == integrity.tree_entries(root), folder


@pytest.mark.parametrize("damage", ["flip", "no_manifest", "bad_json", "no_entry", "bad_entry", "unlisted"])
def test_a_damaged_corpus_is_refused_with_its_restore_command(text_copy, damage):
    assert corpus.load("en", "valid", root=text_copy)  # intact: loads
    manifest = text_copy / integrity.MANIFEST
    entries = json.loads(manifest.read_text())
    if damage == "flip":
        flip_a_byte(text_copy / "en" / "valid.txt.gz")
    elif damage == "no_manifest":
        manifest.unlink()
    elif damage == "bad_json":
        manifest.write_text("{not json")
    elif damage == "no_entry":
        manifest.write_text(json.dumps({k: v for k, v in entries.items() if k != "en/valid.txt.gz"}))
    elif damage == "bad_entry":
        manifest.write_text(json.dumps({**entries, "en/valid.txt.gz": "0" * 12}))
    with pytest.raises(corpus.CorpusError, match="git checkout -- assets/text") as caught:
        if damage == "unlisted":
            (text_copy / "tokenizers" / "en_bpe" / "extra.json").write_text("{}")
            tokenization.load("en", "bpe", root=text_copy / "tokenizers")
        else:
            corpus.load("en", "valid", root=text_copy)
    assert str(ROOT) not in str(caught.value) and str(text_copy) not in str(caught.value)


def test_an_edited_tokenizer_is_refused(text_copy):
    assert tokenization.load("ko", "char", root=text_copy / "tokenizers")
    vocab = text_copy / "tokenizers" / "ko_char" / "tokenizer.json"
    vocab.write_text(vocab.read_text().replace('"<unk>"', '"<UNK>"', 1))
    with pytest.raises(corpus.CorpusError, match="sha256 differs"):
        tokenization.load("ko", "char", root=text_copy / "tokenizers")


@pytest.mark.parametrize("damage", ["flip", "no_manifest"])
def test_damaged_melodies_are_refused_with_their_restore_command(music_copy, damage):
    assert melody_corpus.load(root=music_copy)
    if damage == "flip":
        flip_a_byte(music_copy / melody_corpus.FILE)
    else:
        (music_copy / integrity.MANIFEST).unlink()
    with pytest.raises(melody_corpus.MelodyError, match="git checkout -- assets/music"):
        melody_corpus.load(root=music_copy)
