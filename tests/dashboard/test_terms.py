"""One Korean name per concept: no Korean string uses a variant the glossary says to avoid.

The rules (``avoid_ko``, ``allow_ko``, ``use_ko``, ``keys_ko`` on glossary entries) and the fixer
live in ``scripts/terms.py``; ``PYTHONPATH=. python -m scripts.terms --fix`` rewrites the strings.
"""

import pytest

from scripts import terms
from tests.conftest import HANGUL

RULES = terms.rules()
BY_CONCEPT = {r.concept: r for r in RULES}


def test_no_korean_string_uses_an_avoided_variant():
    assert [f"{key}: {variant} {context}" for key, variant, context in terms.violations()] == []


def test_every_concept_of_the_issue_has_a_rule():
    for concept in ("normalizing_flow", "noise", "nat", "confidence", "judge_classifier", "training",
                    "gaussian_distribution", "bits_per_dim", "latent_variable", "training_step",
                    "denoising_step", "pipeline_stage"):
        assert concept in BY_CONCEPT, concept


def test_rules_are_well_formed():
    names = {e["ko"] for e in terms.json.loads(terms.GLOSSARY.read_text(encoding="utf-8"))}
    for rule in RULES:
        assert HANGUL.search(rule.use) and rule.avoid, rule.concept
        assert rule.use not in rule.avoid, rule.concept
        # the chosen word itself passes its own rule (so --fix cannot loop)
        assert terms.find(rule.use, "glossary.x", [rule]) == [], rule.concept
    assert names >= {"잡음", "내트", "확신도", "판정 분류기", "학습", "가우스 분포", "차원당 비트", "잠재 변수"}


def _one(text, key="any.key"):
    return terms.fix(text, key, RULES)[0]


@pytest.mark.parametrize(("before", "after"), [
    ("노이즈가 적으면", "잡음이 적으면"),
    ("노이즈를 더하고 노이즈로 바꾸고 노이즈는 노이즈와", "잡음을 더하고 잡음으로 바꾸고 잡음은 잡음과"),
    ("순수한 노이즈입니다. 노이즈(잡음)", "순수한 잡음입니다. 잡음(잡음)"),
    ("노이즈라고 부르는", "잡음이라고 부르는"),
    ("심판이 알아본 비율, 심판의 확신도", "판정 분류기가 알아본 비율, 판정 분류기의 확신도"),
    ("심판을 믿고 심판은", "판정 분류기를 믿고 판정 분류기는"),
    ("심판 분류기 (FID용)", "판정 분류기 (FID용)"),
    ("흐름 모델은 흐름으로", "정규화 흐름은 정규화 흐름으로"),
    ("정규화 흐름 모델과 흐름", "정규화 흐름과 정규화 흐름"),
    ("평균 자신감은 {conf}", "평균 확신도는 {conf}"),
    ("토큰당 {loss} nats(퍼플렉서티), 토큰당 nat", "토큰당 {loss} 내트(퍼플렉서티), 토큰당 내트"),
    ("{bpd} 비트/차원, 픽셀당 비트로", "{bpd} 차원당 비트, 차원당 비트로"),
    ("표준 정규 분포를 따르는", "표준 가우스 분포를 따르는"),
    ("훈련 이미지와 훈련 세트", "학습 이미지와 학습 세트"),
    ("잠재 숫자 16개, 노이즈 숫자 32개", "잠재 변수 16개, 잠재 변수 32개"),
])
def test_fix_rewrites_whole_words_and_their_particles(before, after):
    assert _one(before) == after
    assert _one(after) == after  # idempotent


@pytest.mark.parametrize("text", [
    "정규화 흐름은 가역 함수입니다",      # the chosen name contains 흐름
    "흐름 매칭(flow matching)",         # another concept
    "흐름 기반 모델",                     # the landscape's family of flows
    "스펙트럼 정규화와 정규화 흐름",        # 정규 is not 정규 분포
    "가우스 분포, 정규 분포라고도 한다",   # the glossary may name the synonym
    "잡음 제거 단계",                     # 단계 is the denoising step outside the training keys
    "국가대표 심판관",                     # 심판 inside a longer word (not followed by a particle)
    "노이즈캔슬링",                        # a different word that starts with the variant
    "내트(nat)입니다",                     # the first-use gloss
    "signature natural nations",         # Latin words that start with nat
    "머신러닝, 학습률, 학습 스텝",          # 학습 is also "learning"
    "확신에 찬 채로, 자신 있게",            # not the noun 확신도/자신감
])
def test_allowed_text_is_left_alone(text):
    assert terms.find(text, "any.key", RULES) == []
    assert _one(text) == text


def test_step_words_depend_on_the_key():
    # a training step on the 2-D lab, a denoising step on the diffusion page, a stage of the pipeline
    assert _one("첫 단계가 지나면 {n}단계씩", "lab.no_losses") == "첫 스텝이 지나면 {n}스텝씩"
    assert _one("{steps}스텝", "diffusion.reverse.latency") == "{steps}단계"
    assert _one("최적화 {steps}단계", "diffusion.card.training") == "최적화 {steps}스텝"
    assert _one("다섯 단계로, 단계마다", "pipeline.intro") == "다섯 공정으로, 공정마다"
    assert _one("잡음 제거 단계 수", "diffusion.reverse.steps") == "잡음 제거 단계 수"
    assert _one("학습 스텝과 잡음 제거 단계", "glossary.denoising_step") == "학습 스텝과 잡음 제거 단계"
    for key in ("lab.steps", "diffusion.quality.body", "pipeline.hint", "next.intro"):
        once = _one("단계 스텝 단계가 스텝이", key)
        assert _one(once, key) == once, key


def test_a_planted_variant_fails_the_check(monkeypatch):
    planted = dict(terms.korean_strings())
    planted["diffusion.intro"] += " 노이즈를 더합니다."
    monkeypatch.setattr(terms, "korean_strings", lambda: planted)
    found = terms.violations()
    assert [(k, v) for k, v, _ in found] == [("diffusion.intro", "노이즈")]


def test_fix_is_idempotent_on_every_string_with_every_variant_planted():
    plant = " ".join(f"{v}는 {v}를" for r in RULES for v in r.avoid)
    for key, text in terms.korean_strings().items():
        once = terms.fix(text + " " + plant, key, RULES)[0]
        assert terms.fix(once, key, RULES) == (once, 0), key
        assert terms.fix(text, key, RULES) == (text, 0), key
