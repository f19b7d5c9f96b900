"""The melody data, tokens, baselines, the shipped GPT, sampling and the WAV renderer."""

import dataclasses
import io
import shutil
import wave

import numpy as np
import pytest

from models.core import checkpoints
from models.melody import melody_corpus, music
from tests.conftest import ROOT

SCALE = (0, 2, 4, 5, 7, 9, 11)


@pytest.fixture(scope="module")
def shipped():
    return {split: melody_corpus.load(split) for split in melody_corpus.SPLITS}


@pytest.fixture(scope="module")
def gpt():
    return music.MelodyModel.load(root=ROOT / "assets" / "checkpoints")


# ----------------------------------------------------------------------------------------- data
def test_shipped_melodies_are_valid_and_split_by_tune(shipped):
    train, valid = shipped["train"], shipped["valid"]
    assert len(train) >= 200 and len(valid) >= 20
    assert not {m.name for m in train} & {m.name for m in valid}
    everything = train + valid
    for m in everything:
        assert m.mode in melody_corpus.MODES and m.split in melody_corpus.SPLITS
        assert m.notes and all(d >= 1 for _, d in m.notes)
        assert all(p == 0 or melody_corpus.LOWEST <= p <= melody_corpus.HIGHEST for p, _ in m.notes)
        assert m.notes[-1][0] != 0  # trailing rests are dropped
    groups = melody_corpus.tune_groups([{"name": m.name, "title": m.title, "notes": m.notes} for m in everything])
    split_of = {m.name: m.split for m in everything}
    for group in set(groups.values()):
        assert len({split_of[n] for n, g in groups.items() if g == group}) == 1, group


def test_melodies_are_in_c_major_or_a_minor(shipped):
    melodies = shipped["train"] + shipped["valid"]
    pitches = np.array([p % 12 for m in melodies for p, _ in m.notes if p])
    assert np.isin(pitches, SCALE).mean() > 0.9  # a wrong transposition would scatter accidentals
    for mode, tonic in (("major", 0), ("minor", 9)):
        finals = [[p for p, _ in m.notes if p][-1] % 12 for m in melodies if m.mode == mode]
        assert len(finals) > 50 and np.mean(np.equal(finals, tonic)) > 0.85  # a chorale tune ends on its tonic


def test_missing_melody_file_names_the_rebuild_command(tmp_path):
    with pytest.raises(melody_corpus.MelodyError, match="python -m models melodies"):
        melody_corpus.load(root=tmp_path)
    (tmp_path / melody_corpus.FILE).write_bytes(b"not gzip")
    with pytest.raises(melody_corpus.MelodyError):
        melody_corpus.load(root=tmp_path)
    with pytest.raises(ValueError):
        melody_corpus.load("test")


@pytest.mark.parametrize(("fifths", "shift"), [(0, 0), (1, 5), (-1, -5), (3, 3), (-3, -3), (2, -2), (-6, -6)])
def test_key_signature_shift(fifths, shift):
    """G major (1 sharp) goes up a fourth to C, F major (1 flat) down a fourth: the smallest move."""
    assert melody_corpus._shift_for_fifths(fifths) == shift
    assert (7 * fifths + shift) % 12 == 0


# --------------------------------------------------------------------------------------- tokens
def test_tokens_round_trip_every_shipped_melody(shipped):
    for m in shipped["train"] + shipped["valid"]:
        tokens = music.melody_tokens(m)
        assert tokens[0] == melody_corpus.MODES.index(m.mode) and tokens[-1] == music.END
        assert len(tokens) == m.steps + 2
        assert music.decode(tokens) == list(m.notes)


def test_windows_predict_every_token_once_from_bar_lines(shipped):
    tune = max(shipped["train"], key=lambda m: m.steps)
    tokens = music.melody_tokens(tune)
    assert len(tokens) > 300
    pieces = music.windows(tokens, 64)
    assert all(p[0] == tokens[0] and len(p) <= 65 for p in pieces)
    assert [t for p in pieces for t in p[1:]] == tokens[1:]


def test_start_notes_are_parsed_and_bad_input_is_explained_not_fatal():
    good = music.parse_start("E5 D5:2 C5:2 r:4 F#4:8 Bb4")
    assert good.notes == [(76, 4), (74, 2), (72, 2), (0, 4), (66, 8), (70, 4)] and good.problems == []
    bad = music.parse_start("C5 hello C9 C5:40 x#3")
    assert bad.notes == [(72, 4), (84, 4), (72, 16)]
    assert [code for code, _ in bad.problems] == ["unreadable", "range", "length", "unreadable"]
    long = music.parse_start("C5:16 " * 10)
    assert sum(d for _, d in long.notes) == music.MAX_START_STEPS and long.problems[-1][0] == "too_long"
    assert music.parse_start("").notes == [] and music.parse_start(None).notes == []
    with pytest.raises(ValueError):
        music.pitch_token(20)


# ------------------------------------------------------------------------------------- baselines
def test_bigram_beats_unigram_and_both_are_distributions(shipped):
    train = [music.melody_tokens(m) for m in shipped["train"]]
    valid = [music.melody_tokens(m) for m in shipped["valid"]]
    uni, bi = music.NGram.fit(train, 1), music.NGram.fit(train, 2)
    np.testing.assert_allclose(uni.probs.sum(), 1.0)
    np.testing.assert_allclose(bi.probs.sum(-1), 1.0)
    assert uni.probs[music.MAJOR] == 0 and uni.probs[music.MINOR] == 0
    u, b = uni.nll(valid), bi.nll(valid)
    assert b["nats_per_token"] < u["nats_per_token"] < np.log(music.VOCAB_SIZE - 2)
    sample = uni.sample("minor", 64, seed=1)
    assert len(sample) == 65 and sample[0] == music.MINOR and music.END not in sample
    assert sample == uni.sample("minor", 64, seed=1) and sample != uni.sample("minor", 64, seed=2)


# ----------------------------------------------------------------------------------------- model
def test_shipped_model_loads_offline_with_transformers(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from transformers import GPT2LMHeadModel

    directory = ROOT / "assets" / "checkpoints" / music.NAME
    checkpoints.verify(music.NAME, directory.parent)
    assert (directory / "model.safetensors").exists() and (directory / "config.json").exists()
    model = GPT2LMHeadModel.from_pretrained(directory, use_safetensors=True)
    assert model.config.vocab_size == music.VOCAB_SIZE
    metrics = checkpoints.load_metrics(music.NAME, directory.parent)
    assert metrics["parameters"] == music.parameter_count(model)


def test_shipped_model_beats_the_bigram_table_on_held_out_tunes(gpt, shipped):
    train = [music.melody_tokens(m) for m in shipped["train"]]
    valid = [music.melody_tokens(m) for m in shipped["valid"]][:12]
    windows = [w for s in valid for w in music.windows(s, gpt.config.context)]
    ours, bigram = gpt.nll(valid), music.NGram.fit(train, 2).nll(windows)
    assert ours["tokens"] == bigram["tokens"]
    assert ours["nats_per_token"] < bigram["nats_per_token"]
    assert ours["nats_per_onset"] < bigram["nats_per_onset"] - 0.3


def test_sampling_is_deterministic_for_a_seed_and_keeps_the_start(gpt):
    start = [(76, 4), (74, 2), (72, 2)]
    a = gpt.sample("major", bars=4, temperature=1.0, seed=7, start=start)
    assert a == gpt.sample("major", bars=4, temperature=1.0, seed=7, start=start)
    assert a != gpt.sample("major", bars=4, temperature=1.0, seed=8, start=start)
    assert len(a) == 4 * 16 + 1 and a[0] == music.MAJOR
    assert a[1:9] == music.encode(start, None, end=False)
    assert music.END not in a and music.MINOR not in a[1:]
    for previous, token in zip(a[:-1], a[1:], strict=True):
        assert not (token == music.HOLD and previous in (music.MAJOR, music.MINOR, music.REST))
    notes = music.decode(a)
    assert sum(d for _, d in notes) == 64 and notes[:3] == start


def test_bad_sampling_arguments(gpt):
    with pytest.raises(ValueError):
        gpt.sample("dorian")
    assert len(gpt.sample("minor", bars=0, seed=1)) == 17  # clamped to one bar
    assert len(gpt.sample("minor", bars=99, temperature=1e-9, seed=1)) == music.MAX_BARS * 16 + 1
    full = music.encode([(72, 16)], "major", end=False)
    assert gpt.sample("major", bars=1, start=[(72, 16)]) == full  # the start already fills the bar


def test_corrupt_checkpoint_is_refused(tmp_checkpoints):
    shutil.copytree(ROOT / "assets" / "checkpoints" / music.NAME, tmp_checkpoints / music.NAME)
    checkpoints.write_manifest(tmp_checkpoints)
    music.MelodyModel.load()  # the copy loads
    (tmp_checkpoints / music.NAME / "config.json").write_text("{}")
    with pytest.raises(checkpoints.CheckpointError, match="python -m models train melody_gpt"):
        music.MelodyModel.load()


def test_a_short_training_run_learns_and_saves_a_loadable_checkpoint(tmp_checkpoints):
    from models.melody import train_music

    config = dataclasses.replace(music.MusicConfig(), context=64, n_embd=32, n_layer=1, n_head=2, batch_size=8,
                                 warmup_steps=5, eval_every=30, lr=1e-2)
    with checkpoints.staging(music.NAME) as out:
        metrics = train_music.train(out, steps=30, progress=False, config=config)
    assert metrics["valid_nats_per_token"] < metrics["uniform_nats_per_token"] - 1.0
    assert metrics["loss_curve"][-1] < metrics["loss_curve"][0]
    assert metrics["baselines"]["bigram"]["tokens"] == metrics["valid_tokens"]
    model = music.MelodyModel.load()
    assert model.config.context == 64 and len(model.sample("major", bars=2, seed=0)) == 33


# ----------------------------------------------------------------------------------------- audio
def read_wav(data: bytes):
    with wave.open(io.BytesIO(data)) as fh:
        params = fh.getparams()
        frames = np.frombuffer(fh.readframes(fh.getnframes()), dtype="<i2")
    return params, frames


def test_wav_is_valid_and_as_long_as_the_notes():
    notes = [(72, 4), (0, 4), (76, 8), (79, 2)]
    params, frames = read_wav(music.render_wav(notes, bpm=120))
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, music.SAMPLE_RATE)
    seconds = 18 * 60 / 120 / 4
    assert abs(len(frames) - seconds * music.SAMPLE_RATE) <= 2
    assert abs(music.duration_seconds(notes, 120) - seconds) < 1e-9
    step = int(60 / 120 / 4 * music.SAMPLE_RATE)
    assert np.abs(frames[4 * step + 10: 8 * step - 10]).max() == 0  # the rest is silent
    assert np.abs(frames[:4 * step]).max() > 10_000  # a note is loud (normalised to 0.8)
    assert np.abs(frames).max() <= 32767 * 0.8 + 1


def test_wav_pitch_is_right():
    params, frames = read_wav(music.render_wav([(69, 16)], bpm=60))  # A4 = 440 Hz for one second
    spectrum = np.abs(np.fft.rfft(frames.astype(float)))
    assert abs(np.fft.rfftfreq(len(frames), 1 / params.framerate)[spectrum.argmax()] - 440) < 2


def test_silence_and_envelope_edges():
    params, frames = read_wav(music.render_wav([(0, 8)]))
    assert len(frames) > 0 and not frames.any()
    env = music.adsr(1000)
    assert env[0] == 0 and abs(env[-1]) < 1e-9 and env.max() <= 1 and len(music.adsr(3)) == 3


def test_piano_roll_marks_onsets_and_given_notes():
    notes = [(72, 4), (72, 4), (0, 2), (74, 6)]
    roll = music.piano_roll(notes, given_steps=4)
    assert roll.shape == (music.HIGHEST - music.LOWEST + 1, 16)
    row = roll[72 - music.LOWEST]
    assert row.tolist()[:8] == [4, 2, 2, 2, 3, 1, 1, 1]  # given onset, given, then a model onset
    assert (roll[:, 8:10] == 0).all() and (roll > 0).sum() == 14
