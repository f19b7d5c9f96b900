"""CSV downloads for every table: UTF-8 with BOM (Excel reads Korean), settings in the file name."""

import io
import re
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from dashboard.core import exports
from tests.conftest import ROOT


def test_csv_has_a_bom_and_round_trips_korean():
    rows = [{"용어": "생성 모델", "값": 0.5}, {"용어": "확산, \"노이즈\"", "값": 2}]
    raw = exports.csv_bytes(rows)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\xef\xbb\xbf") == 1
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert list(back.columns) == ["용어", "값"]
    assert back["용어"].tolist() == ["생성 모델", "확산, \"노이즈\""]
    assert back["값"].tolist() == [0.5, 2.0]


def test_csv_accepts_frames_and_has_no_index():
    frame = pd.DataFrame({"a": [1, 2]}, index=[7, 9])
    assert exports.csv_bytes(frame).decode("utf-8-sig").splitlines() == ["a", "1", "2"]
    assert exports.csv_bytes({"a": [1], "b": ["x"]}).decode("utf-8-sig").splitlines() == ["a,b", "1,x"]


def test_file_name_carries_settings_safely():
    assert exports.file_name("compare", "csv", lang="ko", seed=3) == "genai-lab-compare_lang-ko_seed-3.csv"
    assert exports.file_name("glossary", "csv", topic="all", search="") == "genai-lab-glossary_topic-all.csv"
    hostile = exports.file_name("x", "csv", search="../../etc/passwd 생성\x00<>")
    assert re.fullmatch(r"[0-9A-Za-z._-]+", hostile) and "/" not in hostile and ".." not in hostile
    assert hostile.endswith(".csv")


def test_every_table_in_the_app_goes_through_the_helper():
    """No page or dashboard module draws st.table / st.dataframe itself (widgets.table adds the CSV)."""
    direct = re.compile(r"\b(?:st|container|[a-z_]+)\.(?:table|dataframe|data_editor)\(")
    found = []
    for path in [*Path(ROOT, "pages").glob("*.py"), *Path(ROOT, "dashboard").rglob("*.py")]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if direct.search(line) and "widgets.table(" not in line and path.name != "widgets.py":
                found.append(f"{path.relative_to(ROOT)}:{n}")
    assert found == []


def test_a_page_offers_its_table_as_csv():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "ko"
    at.switch_page("pages/glossary.py")
    at.run()
    assert not at.exception
    buttons = [b for b in at.get("download_button") if b.proto.label == "표 내려받기 (CSV)"]
    assert len(at.table) == 1 and len(buttons) == 1
