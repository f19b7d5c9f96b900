"""Bad uploads on real pages: a translated error, no exception, and the page keeps what the user had."""

import numpy as np
import pytest

from tests.inputs import corpus
from tests.pages.conftest import run_app

LAB, INTERP = "pages/lab_2d.py", "pages/interpolation.py"


def good_csv(n: int = 50) -> bytes:
    return ("x,y\n" + corpus.csv_rows(n)).encode()


@pytest.mark.parametrize(("lang", "name", "needle"), [
    ("en", "huge values", "values must lie between"),
    ("ko", "binary junk", "텍스트 파일이 아닙니다"),
    ("ko", "a single point", "적어도 10개"),
    ("en", "a Markdown link in a cell", "“\\[a\\]\\(http\\:\u200b//x\\.io\\)”"),  # quoted from the file, shown as text
])
def test_bad_csv_after_a_good_one_keeps_the_users_points(lang, name, needle):
    make = next(entry[1] for entry in corpus.BAD_CSVS if entry[0] == name)
    at = run_app(lang, LAB, query={"data": "4"})
    at.file_uploader(key="lab_csv").set_value(("mine.csv", good_csv(), "text/csv")).run()
    assert not at.exception and not at.error
    key = at.session_state["lab_run"].key
    at.file_uploader(key="lab_csv").set_value(("bad.csv", make(), "text/csv")).run()
    assert not at.exception
    assert len(at.error) == 1 and needle in at.error[0].value, [e.value for e in at.error]
    assert any("50" in i.value for i in at.info)  # "your previous 50 points are kept"
    run = at.session_state["lab_run"]
    assert run.key == key and run.data.shape == (50, 2)  # still training on the user's points


@pytest.mark.parametrize(("lang", "name", "needle"), [
    ("en", "iPhone HEIC", "HEIC"),
    ("ko", "animated GIF", "움직이는 그림"),
    ("en", "PNG claiming 30000 × 30000", "megapixels"),
    ("ko", "truncated JPEG", "손상"),
])
def test_bad_picture_after_a_good_one_keeps_the_picture(lang, name, needle):
    make = next(entry[1] for entry in corpus.BAD_IMAGES if entry[0] == name)
    at = run_app(lang, INTERP, query={"asrc": "1"})
    assert not at.exception
    at.file_uploader(key="upload_a").set_value(("shirt.png", corpus.phone_jpeg(800, 600), "image/jpeg")).run()
    assert not at.exception and not at.error
    chosen = at.session_state["picker_kept"]["a"].copy()
    at.file_uploader(key="upload_a").set_value(("bad.png", make(), "image/png")).run()
    assert not at.exception
    assert len(at.error) == 1 and needle in at.error[0].value, [e.value for e in at.error]
    assert np.array_equal(at.session_state["picker_kept"]["a"], chosen)
    captions = " ".join(c.value for c in at.caption)
    assert ("previous picture is kept" if lang == "en" else "앞서 올린 그림") in captions
    assert ("Until a picture is there" if lang == "en" else "그림이 준비될 때까지") not in captions  # no fallback
