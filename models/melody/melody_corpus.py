"""Melodies of Bach's four-part chorales, as note lists on a 16th-note grid (the music page's data).

``python -m models melodies [--from DIR]`` rebuilds ``assets/music/chorales.json.gz`` from the
``music21`` wheel (its corpus bundles the chorales as MusicXML / Humdrum files). music21 is a
**build-time tool only**: when it is not importable, the command installs the wheel and its small
pure-Python dependencies into a temporary directory and runs the extraction there. The app and
training read only the shipped file (:func:`load`).

What is extracted, per chorale of ``music21.corpus.chorales.Iterator`` (Riemenschneider order,
each file once):

1. the soprano part (the tune), ties merged, chords (none expected) reduced to their top note;
2. only chorales entirely in 4/4, so that grid position ``i % 16`` is the place in the bar; a pickup
   is padded with a rest to a full bar, so step 0 is always a downbeat;
3. transposed so the key signature has no sharps or flats (C major / A minor); the mode comes
   from the final bass note (the tonic). A modal tune (its final bass note is neither C nor A after
   that, e.g. Dorian on D) takes its mode from music21's key analysis and is moved further so that
   it ends on C (major) or A (minor): every tune's tonic is C or A; then the whole tune moves by
   octaves so its average pitch is nearest B♭4 (all notes stay within G3–C6);
4. notes and rests as ``[midi_pitch, sixteenths]`` (pitch 0 = rest), onsets rounded to the grid.

Train and held-out melodies are split **by tune**: harmonisations of one hymn tune share a title
or an opening, and all of them go to the same side (a hash of the group's first name decides).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from models.core import integrity

ROOT = Path(__file__).resolve().parents[2]
ASSETS_MUSIC = ROOT / "assets" / "music"
FILE = "chorales.json.gz"
MUSIC21 = "music21==10.5.1"
#: music21's import-time dependencies that are pure Python and small (matplotlib is optional).
MUSIC21_DEPS = ("chardet", "joblib", "jsonpickle", "more-itertools", "webcolors")
STEPS_PER_QUARTER = 4
STEPS_PER_BAR = 16
VALID_SHARE = 0.12
MODES = ("major", "minor")
#: Notes a shipped melody may use (after transposition to C major / A minor).
LOWEST, HIGHEST = 55, 84  # G3 … C6
#: Average pitch a tune is moved towards by whole octaves (between A4 and B4).
CENTRE = 70
SPLITS = ("train", "valid")

SOURCE = {
    "what": "soprano lines of J. S. Bach's four-part chorales (371 Riemenschneider numbers, 4/4 only)",
    "from": f"PyPI wheel `{MUSIC21}`, music21/corpus/bach/*.mxl|*.krn|*.xml through music21.corpus.chorales",
    "licence": "the compositions are public domain (Bach, 1685-1750); music21 is BSD-3-Clause and its corpus "
               "encodings are distributed 'with the permission of the encoders' (music21/corpus/license.txt); "
               "the MusicXML encodings credit Margaret Greentree (jsbchorales.net)",
}


class MelodyError(RuntimeError):
    """The shipped melody file is missing or unreadable."""


@dataclass(frozen=True)
class Melody:
    name: str  # e.g. "bwv269"
    title: str
    mode: str  # "major" | "minor"
    split: str  # "train" | "valid"
    notes: tuple[tuple[int, int], ...]  # (midi pitch or 0 for a rest, duration in sixteenths)
    transposed_by: int = 0  # semitones added to the original

    @property
    def steps(self) -> int:
        return sum(d for _, d in self.notes)


# ------------------------------------------------------------------------------------ extraction
def _soprano(score):
    for part in score.parts:
        label = f"{part.id} {part.partName or ''}".lower()
        if "soprano" in label:
            return part
    return score.parts[0]


def _shift_for_fifths(fifths: int) -> int:
    """Semitones that move a key signature of ``fifths`` sharps (negative: flats) to none, in -6..5."""
    tonic = (7 * fifths) % 12  # pitch class of the major tonic
    return -tonic if tonic <= 6 else 12 - tonic


def extract(score, name: str, title: str) -> dict | None:
    """One chorale's tune as a dict (see :class:`Melody`), or None when it is not entirely in 4/4."""
    from music21 import key as m21key

    signatures = {ts.ratioString for ts in score.recurse().getElementsByClass("TimeSignature")}
    if signatures != {"4/4"}:
        return None
    part = _soprano(score).stripTies()
    key_sigs = list(score.parts[0].recurse().getElementsByClass("KeySignature"))
    fifths = key_sigs[0].sharps if key_sigs else 0
    shift = _shift_for_fifths(fifths)
    bass_notes = list(score.parts[-1].recurse().notes)
    final_pc = (bass_notes[-1].pitches[0].midi + shift) % 12 if bass_notes else 0
    if final_pc in (0, 9):
        mode = "major" if final_pc == 0 else "minor"
    else:  # a modal ending (e.g. Dorian on D): ask music21's key analysis, then move the final to C or A
        analysed = score.analyze("key")
        mode = analysed.mode if isinstance(analysed, m21key.Key) and analysed.mode in MODES else "major"
        extra = ((0 if mode == "major" else 9) - final_pc) % 12
        shift += extra if extra <= 6 else extra - 12
    measures = list(part.getElementsByClass("Measure"))
    pickup = float(measures[0].paddingLeft) if measures else 0.0
    events: list[tuple[int, int, int]] = []  # (onset step, pitch, duration)
    for element in part.flatten().notesAndRests:
        if element.duration.isGrace or element.quarterLength == 0:
            continue
        onset = round((float(element.offset) + pickup) * STEPS_PER_QUARTER)
        length = round(float(element.quarterLength) * STEPS_PER_QUARTER)
        pitch = 0 if element.isRest else max(p.midi for p in element.pitches) + shift
        events.append((onset, pitch, length))
    notes: list[list[int]] = []
    position = 0
    for onset, pitch, length in sorted(events):
        if onset > position:  # a gap (the pickup, a missing rest): silence
            notes.append([0, onset - position])
            position = onset
        end = onset + max(length, 1)
        if end <= position:
            continue
        notes.append([pitch, end - position])
        position = end
    while notes and notes[-1][0] == 0:  # trailing rests say nothing
        notes.pop()
    merged: list[list[int]] = []
    for pitch, length in notes:  # neighbouring rests become one
        if merged and pitch == 0 and merged[-1][0] == 0:
            merged[-1][1] += length
        else:
            merged.append([pitch, length])
    pitches = [p for p, _ in merged if p]
    if not pitches:
        return None
    # the octave that fits the shipped range and puts the tune's average nearest the usual soprano register
    octaves = [k for k in range(-2, 3) if LOWEST <= min(pitches) + 12 * k and max(pitches) + 12 * k <= HIGHEST]
    if not octaves:
        return None
    k = min(octaves, key=lambda k: abs(sum(pitches) / len(pitches) + 12 * k - CENTRE))
    merged = [[p + 12 * k if p else 0, d] for p, d in merged]
    return {"name": name, "title": title, "mode": mode, "transposed_by": shift + 12 * k, "notes": merged}


def is_valid(group: str, share: float = VALID_SHARE) -> bool:
    """Deterministic held-out choice by tune group (stable across machines and orderings)."""
    return int(hashlib.sha256(group.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < share


def tune_groups(melodies: list[dict], opening: int = 8) -> dict[str, str]:
    """Name → group: melodies sharing a title or their first ``opening`` pitches are one tune."""
    parent = {m["name"]: m["name"] for m in melodies}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    by_key: dict[tuple, str] = {}
    for m in melodies:
        keys = [("opening", tuple(p for p, _ in m["notes"] if p)[:opening])]
        if m["title"]:
            keys.append(("title", m["title"].strip().lower()))
        for k in keys:
            if k in by_key:
                parent[find(m["name"])] = find(by_key[k])
            else:
                by_key[k] = m["name"]
    return {m["name"]: find(m["name"]) for m in melodies}


def extract_all() -> dict:
    """Every 4/4 chorale tune from music21's corpus (needs music21 importable)."""
    import music21
    from music21 import corpus
    from music21.corpus import chorales

    titles = {f"bach/bwv{info['bwv']}": info["title"] for info in chorales.ChoraleListRKBWV().byBWV.values()}
    names = list(dict.fromkeys(chorales.Iterator(returnType="filename")))
    melodies, skipped = [], []
    for path in names:
        melody = extract(corpus.parse(path), path.removeprefix("bach/"), titles.get(path, ""))
        (melodies.append(melody) if melody else skipped.append(path))
    groups = tune_groups(melodies)
    for m in melodies:
        m["split"] = "valid" if is_valid(groups[m["name"]]) else "train"
    return {"source": SOURCE, "music21": music21.__version__, "steps_per_quarter": STEPS_PER_QUARTER,
            "range": [LOWEST, HIGHEST], "chorales_seen": len(names), "skipped_not_4_4": len(skipped),
            "melodies": melodies}


def write(payload: dict, out: Path = ASSETS_MUSIC) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / FILE
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with gzip.GzipFile(path, "wb", mtime=0) as fh:  # mtime=0: same bytes on every rebuild
        fh.write(raw)
    integrity.write_tree_manifest(out)
    return path


def build(source: Path | None = None, out: Path = ASSETS_MUSIC) -> dict:
    """Rebuild the shipped file; installs music21 into a temporary directory when it is missing.

    ``source``: a directory holding the music21 wheel and its dependencies' wheels (no download).
    """
    try:
        import music21  # noqa: F401
    except ImportError:
        return _build_in_temporary_install(source, out)
    payload = extract_all()
    write(payload, out)
    return summary(payload)


def _build_in_temporary_install(source: Path | None, out: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        where = ["--no-index", "--find-links", str(source)] if source else []
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", tmp, *where,
                        MUSIC21, *MUSIC21_DEPS], check=True)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([tmp, str(ROOT)])}
        code = (f"import json; from pathlib import Path; from models.melody import melody_corpus as m; "
                f"p = m.extract_all(); m.write(p, Path({str(out)!r})); print(json.dumps(m.summary(p)))")
        result = subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def summary(payload: dict) -> dict:
    melodies = payload["melodies"]
    return {"chorales_seen": payload["chorales_seen"], "skipped_not_4_4": payload["skipped_not_4_4"],
            **{f"{split}_melodies": sum(m["split"] == split for m in melodies) for split in SPLITS},
            **{f"{split}_steps": sum(d for m in melodies if m["split"] == split for _, d in m["notes"])
               for split in SPLITS},
            "minor": sum(m["mode"] == "minor" for m in melodies)}


# ----------------------------------------------------------------------------------------- loading
def load(split: str | None = None, root: Path = ASSETS_MUSIC) -> list[Melody]:
    """The shipped melodies (one split, or all when ``split`` is None)."""
    if split is not None and split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}")
    path = root / FILE
    try:
        integrity.verify_below(root, FILE)
    except integrity.ManifestProblem as problem:
        raise MelodyError(f"The music manifest {integrity.shown(root / integrity.MANIFEST)} {problem}; restore "
                          "it with `git checkout -- assets/music` or rebuild it with `python -m models melodies`"
                          ) from None
    try:
        with gzip.open(path, "rb") as fh:
            payload = json.loads(fh.read().decode("utf-8"))
        melodies = [Melody(m["name"], m["title"], m["mode"], m["split"], tuple((int(p), int(d)) for p, d in m["notes"]),
                           int(m.get("transposed_by", 0))) for m in payload["melodies"]]
    except (OSError, EOFError, ValueError, KeyError, TypeError, zlib.error) as exc:
        raise MelodyError(f"cannot read {integrity.shown(path)} ({integrity.scrub(str(exc))}); restore it with "
                          "`git checkout -- assets/music` or rebuild it with `python -m models melodies`") from None
    return [m for m in melodies if split is None or m.split == split]
