"""One question record per page: what the class predicts first, the control that answers it, the
answer and why. Written once here (the numbers and settings) and in the i18n files (the words);
the try-this box, the lesson path and the class's live answers all read it.

Text keys, per page stem ``s`` (assets/i18n/<lang>/lesson.json):
``lesson.q.<s>.ask`` the question; ``lesson.q.<s>.choice.<i>`` each choice (``kind == "choice"``);
``lesson.q.<s>.why`` the answer explained; ``lesson.q.<s>.show`` what the instructor shows.
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


#: Page stem -> its question (every page in :data:`dashboard.core.navigation.PAGES` has one).
QUESTIONS: dict[str, Question] = {
    "diffusion": Question("diffusion", "choice", answer=2, choices=3, settings={"t": "999"}, minutes=5),
}


def question(stem: str) -> Question | None:
    return QUESTIONS.get(stem)
