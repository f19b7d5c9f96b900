"""One Korean name per concept: find and rewrite the variants the glossary says to avoid.

The rules live in ``assets/i18n/glossary.json``. An entry may carry:

- ``avoid_ko``: variants to avoid, each a whole phrase (e.g. ``"노이즈"``, ``"정규 분포"``);
- ``use_ko``: the word that replaces them in running text when it differs from ``ko``
  (e.g. ``ko`` "학습 스텝" names the entry, ``use_ko`` "스텝" goes into ``"300단계"``);
- ``allow_ko``: phrases that contain a variant but are fine (``"흐름 매칭"`` is not a
  normalizing flow, ``"흐름을 잃"`` is "losing the thread");
- ``keys_ko``: ``fnmatch`` patterns of string keys the rule is limited to (``!pattern``
  excludes), for a word that
  means different things in different places (단계 is a training step on the 2-D lab, a
  denoising step on the diffusion page). Glossary definitions are keyed ``glossary.<id>``.

A variant matches only as a whole word: it may not be preceded by a Hangul syllable (or, for
a variant starting with a Latin letter, by a letter or digit), and what follows must be a
non-Hangul character or a particle/ending (은, 를, 으로, 입니다, …). Replacing fixes the
particle for the new word's final consonant (노이즈가 → 잡음이, 심판이 → 판정 분류기가).

    PYTHONPATH=. python -m scripts.terms            # list the offending strings (exit 1 if any)
    PYTHONPATH=. python -m scripts.terms --fix      # rewrite ko.json, ko/*.json, glossary def_ko

``--fix`` is idempotent: a second run changes nothing.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

I18N = Path(__file__).resolve().parents[1] / "assets" / "i18n"
GLOSSARY = I18N / "glossary.json"

_SYLLABLE = re.compile(r"[\uac00-\ud7a3]")
_HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]+")

# Particles and endings that may follow a noun directly (checked as a prefix of the Hangul run
# after the variant). Not in the list on purpose: 화 (정규 → 정규화), 값, 기 and other noun suffixes.
PARTICLES = sorted({
    "은", "는", "이", "가", "을", "를", "의", "에", "에서", "에게", "께", "로", "으로", "와", "과", "도", "만",
    "까지", "부터", "보다", "처럼", "만큼", "마다", "라고", "이라고", "라는", "이라는", "란", "이란", "나", "이나",
    "랑", "이랑", "야", "이야", "요", "입니다", "이다", "이며", "며", "이고", "고", "인", "일", "이지만", "지만",
    "이에요", "예요", "였", "이었", "이므로", "므로", "이라", "라", "씩", "들", "뿐", "조차", "밖에", "대로",
    "로서", "으로서", "로써", "으로써", "로부터", "으로부터", "끼리", "당", "별", "이든", "든", "이면", "면",
}, key=len, reverse=True)

# (after a consonant, after a vowel), longest first: 잡음이 ↔ 노이즈가
_PAIRS = [("이라고", "라고"), ("이라는", "라는"), ("이라서", "라서"), ("이에요", "예요"), ("이지만", "지만"),
          ("이므로", "므로"), ("으로부터", "로부터"), ("으로서", "로서"), ("으로써", "로써"), ("이었", "였"),
          ("이라", "라"), ("이든", "든"), ("이며", "며"), ("이면", "면"), ("이나", "나"), ("이랑", "랑"),
          ("이야", "야"), ("이다", "다"), ("이고", "고"), ("이란", "란"), ("으로", "로"), ("은", "는"),
          ("을", "를"), ("과", "와"), ("이", "가")]


def _final(ch: str) -> int | None:
    """The final-consonant index of a Hangul syllable (0: none, 8: ㄹ), None for anything else."""
    return (ord(ch) - 0xAC00) % 28 if _SYLLABLE.fullmatch(ch) else None


@dataclass
class Rule:
    concept: str
    use: str
    avoid: list[str]
    allow: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    def applies(self, key: str) -> bool:
        """No ``keys``: everywhere. Otherwise ``key`` matches a pattern and no ``!pattern``."""
        if not self.keys:
            return True
        keep = [p for p in self.keys if not p.startswith("!")]
        drop = [p[1:] for p in self.keys if p.startswith("!")]
        return (not keep or any(fnmatch.fnmatchcase(key, p) for p in keep)) and not any(
            fnmatch.fnmatchcase(key, p) for p in drop)


def rules(entries: list[dict] | None = None) -> list[Rule]:
    entries = entries if entries is not None else json.loads(GLOSSARY.read_text(encoding="utf-8"))
    out = []
    for e in entries:
        if e.get("avoid_ko"):
            use = e.get("use_ko", e["ko"])
            allow = [use, *e.get("allow_ko", [])]
            out.append(Rule(e["id"], use, list(e["avoid_ko"]), allow, list(e.get("keys_ko", []))))
    return out


def _starts_word(text: str, s: int, variant: str) -> bool:
    if s == 0:
        return True
    before = text[s - 1]
    if _SYLLABLE.fullmatch(before):
        return False
    return not (variant[0].isascii() and variant[0].isalnum() and before.isascii() and before.isalnum())


def _ends_word(text: str, e: int, variant: str) -> bool:
    if e == len(text):
        return True
    after = text[e]
    if not _SYLLABLE.fullmatch(after):
        return not (variant[-1].isascii() and variant[-1].isalnum() and after.isascii() and after.isalnum())
    if not _SYLLABLE.fullmatch(variant[-1]):
        return True  # a particle after a Latin word: nats의, nat입니다
    run = _HANGUL_RUN.match(text, e).group()
    return any(run.startswith(p) for p in PARTICLES)


def _spans(text: str, phrase: str):
    start = text.find(phrase)
    while start != -1:
        yield start, start + len(phrase)
        start = text.find(phrase, start + 1)


def find(text: str, key: str, rule_set: list[Rule]) -> list[tuple[int, int, Rule, str]]:
    """Every avoided variant in ``text`` as (start, end, rule, variant), longest variants first, no overlaps."""
    candidates = [(rule, v) for rule in rule_set if rule.applies(key) for v in rule.avoid]
    candidates.sort(key=lambda rv: -len(rv[1]))
    taken: list[tuple[int, int]] = []
    hits = []
    for rule, variant in candidates:
        allowed = [span for phrase in rule.allow for span in _spans(text, phrase)]
        for s, e in _spans(text, variant):
            if not (_starts_word(text, s, variant) and _ends_word(text, e, variant)):
                continue
            if any(a <= s and e <= b for a, b in allowed):
                continue
            if any(s < b and a < e for a, b in taken):
                continue
            taken.append((s, e))
            hits.append((s, e, rule, variant))
    return sorted(hits, key=lambda h: h[0])


def _fix_particle(word: str, rest: str) -> str:
    """``rest`` (the text after ``word``) with its leading particle agreeing with ``word``'s last syllable."""
    final = _final(word[-1])
    if final is None:
        return rest
    for after_consonant, after_vowel in _PAIRS:
        # 으로 follows a consonant except ㄹ (흐름으로, 내트로, 가능도로, 신경망로 ✗); the others any consonant
        vowel_form = final in (0, 8) if after_consonant.startswith("으") else final == 0
        if vowel_form and rest.startswith(after_consonant):
            return after_vowel + rest[len(after_consonant):]
        if not vowel_form and rest.startswith(after_vowel):
            return after_consonant + rest[len(after_vowel):]
    return rest


def fix(text: str, key: str, rule_set: list[Rule]) -> tuple[str, int]:
    hits = find(text, key, rule_set)
    for s, e, rule, _variant in reversed(hits):
        rest = text[e:]
        run = _HANGUL_RUN.match(rest)
        if run:  # only the particle right after the word agrees with it
            rest = _fix_particle(rule.use, rest)
        text = text[:s] + rule.use + rest
    return text, len(hits)


# ---------------------------------------------------------------- files


def korean_files() -> list[Path]:
    return [I18N / "ko.json", *sorted((I18N / "ko").glob("*.json"))]


def korean_strings() -> dict[str, str]:
    """Every Korean string the rules apply to: UI strings by key, glossary definitions as ``glossary.<id>``."""
    out: dict[str, str] = {}
    for path in korean_files():
        out.update(json.loads(path.read_text(encoding="utf-8")))
    for e in json.loads(GLOSSARY.read_text(encoding="utf-8")):
        out[f"glossary.{e['id']}"] = e["def_ko"]
        out[f"glossary.{e['id']}.name"] = e["ko"]
    return out


def violations() -> list[tuple[str, str, str]]:
    """(key, variant, context) for every avoided variant in a Korean string."""
    rule_set = rules()
    found = []
    for key, text in korean_strings().items():
        for s, e, rule, variant in find(text, key, rule_set):
            found.append((key, variant, f"{text[max(0, s - 12):e + 12]!r} → {rule.use}"))
    return found


def _write(path: Path, data, raw: str) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=1) + ("\n" if raw.endswith("\n") else "")
    if text != raw:
        path.write_text(text, encoding="utf-8")


def fix_files() -> dict[str, int]:
    """Rewrite every Korean string in place; the number of replacements per rule concept."""
    rule_set = rules()
    counts: dict[str, int] = {}

    def one(key: str, text: str) -> str:
        for _s, _e, rule, _v in find(text, key, rule_set):
            counts[rule.concept] = counts.get(rule.concept, 0) + 1
        return fix(text, key, rule_set)[0]

    for path in korean_files():
        raw = path.read_text(encoding="utf-8")
        data = json.loads(raw)
        _write(path, {k: one(k, v) for k, v in data.items()}, raw)
    raw = GLOSSARY.read_text(encoding="utf-8")
    entries = json.loads(raw)
    for e in entries:
        e["def_ko"] = one(f"glossary.{e['id']}", e["def_ko"])
    _write(GLOSSARY, entries, raw)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fix", action="store_true", help="rewrite the Korean strings in place")
    args = parser.parse_args(argv)
    if args.fix:
        counts = fix_files()
        for concept, n in sorted(counts.items()):
            print(f"{concept}: {n}")
        print(f"{sum(counts.values())} replacements")
    left = violations()
    for key, variant, context in left:
        print(f"{key}: {variant}  {context}")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
