"""One question record per page: what the class predicts first, the control that answers it, the
answer and why. Written once here (the numbers and settings) and in the i18n files (the words);
the try-this box, the lesson path and the class's live answers all read it.

Text keys, per page stem ``s`` (assets/i18n/<lang>/lesson.json):
``lesson.q.<s>.ask`` the question; ``lesson.q.<s>.choice.<i>`` each choice (``kind == "choice"``);
``lesson.q.<s>.why`` the answer explained; ``lesson.q.<s>.show`` what the instructor shows. Measured
numbers in ``ask`` and ``why`` are placeholders filled by :func:`dashboard.lesson.figures.figures`.
No Streamlit import.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Question:
    stem: str                       # the page (pages/<stem>.py), also its URL path
    kind: str                       # "choice" (pick one of ``choices``) or "number"
    answer: float                   # the right choice's index, or the right number
    choices: int = 0                # how many choices (kind == "choice")
    lo: float = 0.0                 # a number answer's allowed range (kind == "number")
    hi: float = 0.0
    tolerance: float = 0.0          # a number answer within this of ``answer`` counts as right
    settings: dict[str, str] = field(default_factory=dict)  # URL parameters that set up the answer
    minutes: int = 3                # this step's share of the lesson

    def is_right(self, value: float) -> bool:
        if self.kind == "choice":
            return int(value) == int(self.answer)
        return abs(float(value) - float(self.answer)) <= self.tolerance


#: Page stem -> its question (every page in :data:`dashboard.core.navigation.PAGES` has one, except the
#: lesson page itself), in the course's order. Answers are what the shipped models measure
#: (benchmarks/results/*.json, assets/checkpoints/*/metrics.json); tests/dashboard/test_lesson.py
#: recomputes each one it can from those files.
QUESTIONS: dict[str, Question] = {q.stem: q for q in (
    Question("overview", "choice", answer=2, choices=3, settings={"img": "0"}, minutes=5),
    Question("glossary", "choice", answer=1, choices=3, minutes=2),
    Question("probability", "choice", answer=1, choices=3, settings={"model": "1"}, minutes=5),
    Question("gan", "choice", answer=1, choices=2, settings={"cls": "0", "seed": "0"}, minutes=4),
    Question("autoencoder", "choice", answer=2, choices=3, settings={"img": "0", "beta": "2"}, minutes=4),
    Question("latent_map", "number", answer=64, lo=0, hi=64, settings={"model": "2"}, minutes=4),
    Question("interpolation", "choice", answer=1, choices=2, settings={"asrc": "0", "a": "0", "bsrc": "0", "b": "1"},
             minutes=3),
    Question("flow", "choice", answer=2, choices=3, settings={"img": "0"}, minutes=4),
    Question("diffusion", "choice", answer=2, choices=3, settings={"img": "0", "t": "999"}, minutes=5),
    Question("compare", "choice", answer=3, choices=4, settings={"seed": "0"}, minutes=4),
    Question("tokens", "choice", answer=2, choices=3, settings={"tok": "0"}, minutes=3),
    Question("next_token", "number", answer=1, lo=0, hi=200, settings={"top_k": "1"}, minutes=5),
    Question("own_text", "choice", answer=1, choices=3, minutes=4),
    Question("transformer_vs_rnn", "choice", answer=1, choices=3, minutes=3),
    Question("music", "choice", answer=2, choices=3, settings={"mode": "0"}, minutes=3),
    Question("lab_2d", "number", answer=4, lo=0, hi=8, tolerance=1, settings={"data": "0", "family": "0", "seed": "0"},
             minutes=6),
    Question("pipeline", "choice", answer=0, choices=2, settings={"fam": "0", "ep": "10"}, minutes=5),
    Question("own_images", "choice", answer=1, choices=3, minutes=3),
    Question("applications", "choice", answer=1, choices=2, settings={"app": "0", "asrc": "0", "a": "0", "seed": "0"},
             minutes=4),
    Question("augmentation", "choice", answer=3, choices=4, minutes=3),
    Question("landscape", "choice", answer=0, choices=3, minutes=2),
    Question("pros_cons", "choice", answer=2, choices=3, settings={"sec": "3", "bfam": "0"}, minutes=4),
)}


def text_keys(q: Question) -> list[str]:
    """The i18n keys a record's words live under (both languages must have each)."""
    keys = [f"lesson.q.{q.stem}.{part}" for part in ("ask", "why", "show")]
    return keys + [f"lesson.q.{q.stem}.choice.{i}" for i in range(q.choices if q.kind == "choice" else 0)]


def question(stem: str) -> Question | None:
    return QUESTIONS.get(stem)
