"""Text → image for models that only know ten classes: find the class words in a description.

Our image models are conditioned on a class id (0–9), not on free text. Real text-to-image
systems put a text encoder (CLIP, T5) in front of the generator and condition on its vectors;
here a small bilingual word list plays that part, and everything else the user wrote — colours,
patterns, other objects — is reported back as *ignored*, so the limit is visible, not hidden.
No Streamlit import.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from models.core import data

MAX_CHARS = 300
#: words (lower case) that name each class; Korean words match inside a longer word ("원피스를")
SYNONYMS: dict[int, tuple[str, ...]] = {
    0: ("t-shirt", "tshirt", "tee", "top", "tank top", "티셔츠", "반팔", "상의"),
    1: ("trouser", "trousers", "pants", "jeans", "slacks", "바지", "청바지", "슬랙스"),
    2: ("pullover", "sweater", "jumper", "hoodie", "sweatshirt", "풀오버", "스웨터", "니트", "후드", "맨투맨"),
    3: ("dress", "gown", "frock", "드레스", "원피스"),
    4: ("coat", "jacket", "parka", "coats", "코트", "재킷", "자켓", "외투", "점퍼", "패딩"),
    5: ("sandal", "sandals", "flip-flop", "flip-flops", "slipper", "slippers", "샌들", "슬리퍼"),
    6: ("shirt", "blouse", "button-down", "셔츠", "블라우스", "남방"),
    7: ("sneaker", "sneakers", "trainer", "trainers", "running shoe", "running shoes", "shoe", "shoes",
        "운동화", "스니커즈", "신발"),
    8: ("bag", "handbag", "purse", "backpack", "tote", "가방", "핸드백", "백팩", "지갑"),
    9: ("ankle boot", "ankle boots", "boot", "boots", "앵클부츠", "부츠", "워커"),
}
#: filler words that ask for a picture but say nothing about it
FILLER = {
    "a", "an", "the", "of", "with", "and", "in", "on", "for", "to", "me", "please", "draw", "make", "show",
    "generate", "create", "picture", "image", "photo", "some", "one", "i", "want", "like", "would", "can", "you",
    "그려줘", "그려", "그려주세요", "만들어줘", "만들어", "만들어주세요", "보여줘", "보여주세요", "주세요",
    "하나", "한", "개", "이미지", "그림", "사진", "좀",
    # particles left over when a class word is cut out of a longer Korean word ("원피스를", "운동화랑")
    "를", "을", "이", "가", "은", "는", "랑", "이랑", "와", "과", "도", "의", "에", "하고", "처럼",
}
HANGUL = re.compile(r"[\uac00-\ud7a3]")
WORD = re.compile(r"[\w\-']+", re.UNICODE)


class PromptError(ValueError):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


@dataclass
class Parsed:
    """Which classes a description names (in the order written), the words that named them, the rest."""

    labels: list[int] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", str(text))
    return "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text).lower().strip()


def parse(text: str) -> Parsed:
    """Find class words; raise :class:`PromptError` for an empty, too long or class-less description."""
    text = _normalise(text)
    if not text:
        raise PromptError("empty")
    if len(text) > MAX_CHARS:
        raise PromptError("too_long", n=len(text), limit=MAX_CHARS)
    hits: list[tuple[int, int, str]] = []  # (position in the text, class, word)
    used: set[int] = set()
    # longest synonyms first, so "ankle boots" wins over "boots" and "t-shirt" over "shirt"
    for label, word in sorted(((k, w) for k, ws in SYNONYMS.items() for w in ws), key=lambda kw: -len(kw[1])):
        pattern = re.escape(word) if HANGUL.search(word) else rf"(?<![\w\-]){re.escape(word)}(?![\w\-])"
        for match in re.finditer(pattern, text):
            span = set(range(match.start(), match.end()))
            if span & used:
                continue
            used |= span
            hits.append((match.start(), label, word))
    hits.sort()
    labels = list(dict.fromkeys(label for _, label, _ in hits))
    if not labels:
        raise PromptError("no_class", words=", ".join(WORD.findall(text)[:8]))
    rest = "".join(" " if i in used else ch for i, ch in enumerate(text))
    ignored = [w for w in WORD.findall(rest) if w not in FILLER and w.strip("-'")]
    return Parsed(labels, [w for _, _, w in hits], list(dict.fromkeys(ignored)))


def class_words(label: int, lang: str = "en") -> list[str]:
    """The words that pick ``label`` in one language (for the page's list of what the model knows)."""
    korean = lang == "ko"
    return [w for w in SYNONYMS[int(label)] if bool(HANGUL.search(w)) == korean] or [data.class_name(label, lang)]
