"""The applications page: each section runs in both languages, masks and descriptions are checked."""

import pytest

from dashboard.apps.apps_view import SECTIONS
from dashboard.core.i18n import strings
from tests.pages.conftest import pictures, run_app, ui_texts


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("section", range(len(SECTIONS)))
def test_every_section_renders(lang, section):
    at = run_app(lang, "pages/applications.py", query={"app": str(section)})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.query_params["app"] == str(section)
    assert at.header[0].value == strings(lang)[f"apps.section.{SECTIONS[section]}"]  # the chosen section ran
    assert ui_texts(at)


def test_inpainting_keeps_the_known_pixels_and_measures_both_models():
    at = run_app("en", "pages/applications.py", query={"app": "0"})
    assert not at.exception
    table = next(m.value for m in at.markdown if m.value.startswith("| method"))
    assert "diffusion" in table and "VAE" in table and "dB" in table
    at.slider(key="apps_rows").set_value((0, 28)).run()
    at.slider(key="apps_cols").set_value((0, 28)).run()  # everything hidden: refused with a message
    assert not at.exception and any("nearly everything" in e.value for e in at.error)
    at.slider(key="apps_cols").set_value((5, 5)).run()  # an empty rectangle: nothing to fill
    assert not at.exception and any("Nothing is hidden" in e.value for e in at.error)


def test_text_to_image_reports_ignored_words_and_refuses_unknown_things():
    at = run_app("en", "pages/applications.py", query={"app": "3"})
    assert not at.exception
    texts = " ".join(ui_texts(at))
    assert "Dress" in texts and "`red`" in texts and "`striped`" in texts
    box = next(w for w in at.text_input if w.key.startswith("apps_text_"))
    box.set_value("a cat on a sofa").run()
    assert not at.exception and any("cat" in e.value for e in at.error)
    box = next(w for w in at.text_input if w.key.startswith("apps_text_"))
    box.set_value("운동화랑 가방").run()
    assert not at.exception and not at.error
    texts = " ".join(ui_texts(at))
    assert "Sneaker" in texts and "Bag" in texts


def test_bad_url_values_are_clamped():
    at = run_app("en", "pages/applications.py", query={"app": "99", "factor": "-3"})
    assert not at.exception
    assert at.query_params["app"] == str(len(SECTIONS) - 1)


STYLE = str(SECTIONS.index("style"))


def _style_rows(at, lang: str) -> dict[str, tuple[str, str]]:
    """The style section's measured table: method name → (P(target), SSIM) as shown."""
    texts = strings(lang)
    head = texts["apps.style.table_head"].split("{name}")[0]
    table = next(m.value for m in at.markdown if m.value.startswith(head))
    rows = [r.strip("| ").split(" | ") for r in table.splitlines()[2:]]
    return {r[0]: (r[1], r[2]) for r in rows}


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_style_transfer_is_explained_labelled_and_measured(lang):
    at = run_app(lang, "pages/applications.py", query={"app": STYLE})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    texts = strings(lang)
    shown = ui_texts(at)
    assert texts["apps.style.body"] in shown and "Gatys" in texts["apps.style.body"]
    assert any(i.value == texts["apps.style.ours"] for i in at.info)  # the honest label, in its own box
    rows = _style_rows(at, lang)
    assert set(rows) == {texts["apps.style.method.sdedit"], texts["apps.style.method.vae"]}
    for p_target, ssim in rows.values():
        assert p_target.endswith("%") and 0 <= float(ssim) <= 1
    tail = texts["apps.style.alt"].split("{strength}")[1]  # the four pictures: input, two results, a real one
    assert any(c.endswith(tail) and "60%" in c for c in pictures(at)), list(pictures(at))
    assert at.slider(key=next(s.key for s in at.slider if s.label == texts["apps.style.strength"])).value == 0.6


def test_style_strength_changes_the_result_and_zero_keeps_the_picture():
    at = run_app("en", "pages/applications.py", query={"app": STYLE, "strength": "0.8", "sto": "5"})
    assert not at.exception, [e.value for e in at.exception]
    strong = _style_rows(at, "en")
    assert at.query_params["strength"] == "0.8" and at.query_params["sto"] == "5"
    at = run_app("en", "pages/applications.py", query={"app": STYLE, "strength": "0", "sto": "5"})
    assert not at.exception, [e.value for e in at.exception]
    zero = _style_rows(at, "en")
    assert zero["SDEdit (diffusion)"][1] == "1.000"  # strength 0: SDEdit returns the picture itself
    assert float(zero["VAE direction"][1]) < 1  # the VAE redraws it (its reconstruction)
    assert float(strong["SDEdit (diffusion)"][1]) < 1
    assert strong != zero
