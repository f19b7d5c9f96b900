"""The applications page: each section runs in both languages, masks and descriptions are checked."""

import pytest

from dashboard.apps.apps_view import SECTIONS
from dashboard.core.i18n import strings
from tests.pages.conftest import run_app, ui_texts


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("section", range(5))
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
    assert at.query_params["app"] == "4"
