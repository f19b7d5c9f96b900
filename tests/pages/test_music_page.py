"""The music page: a melody in both languages with audio, start notes validated, URL state clamped."""

from tests.conftest import HANGUL
from tests.pages.conftest import run_app


def audio_elements(at):
    return at.get("audio")


def generated_tokens(at) -> str:
    """The token boxes of the generated melody (inside the expander; the first boxes are the example)."""
    return [m.value for m in at.markdown if "display:inline-block" in m.value][-1]


def test_music_page_plays_a_melody_in_both_languages(lang):
    at = run_app(lang, "pages/music.py")
    assert not at.exception, [e.value for e in at.exception]
    assert len(audio_elements(at)) == 4  # the generated melody, then real / generated / unigram
    assert len(at.get("plotly_chart")) == 4
    assert len(at.get("download_button")) == 5  # four WAVs and the measured table's CSV
    assert at.dataframe  # the measured held-out losses
    heading = at.header[0].value
    assert bool(HANGUL.search(heading)) == (lang == "ko")


def test_same_seed_same_melody_and_a_new_seed_changes_it():
    at = run_app("en", "pages/music.py")
    at.number_input(key="_url_seed").set_value(5).run()
    first = generated_tokens(at)
    at.number_input(key="_url_seed").set_value(6).run()
    assert not at.exception and generated_tokens(at) != first
    at.number_input(key="_url_seed").set_value(5).run()
    assert generated_tokens(at) == first


def test_bad_start_notes_are_explained_and_skipped():
    at = run_app("en", "pages/music.py")
    at.text_input(key="_url_start").input("C5 banana C9 D5:99").run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "banana" in warnings and "C9" in warnings and r"D5\:99" in warnings  # user text, Markdown-escaped
    assert any("Read as: C5 C6 D5:16" in c.value for c in at.caption)
    at.text_input(key="_url_start").input("C5:16 " * 8).run()
    assert not at.exception and any("only the first 64 steps" in w.value for w in at.warning)
    assert any("fill all 4 bars" in i.value for i in at.info) is False  # 8 bars by default: room is left
    at.slider(key="_url_bars").set_value(4).run()
    assert any("fill all 4 bars" in i.value for i in at.info)
    at.text_input(key="_url_start").input("").run()
    assert not at.exception and not at.warning


def test_url_values_are_clamped_with_a_notice():
    at = run_app("en", "pages/music.py", query={"bars": "99", "temp": "nan", "bpm": "5", "mode": "7",
                                                "start": "E5 D5 C5"})
    assert not at.exception
    assert at.slider(key="_url_bars").value == 16 and at.slider(key="_url_temp").value == 1.0
    assert at.slider(key="_url_bpm").value == 50 and at.radio(key="_url_mode").value == 1
    assert len(at.toast) == 4
    assert at.text_input(key="_url_start").value == "E5 D5 C5"
    assert at.query_params["bars"] == "16"


def test_audio_is_wav_and_follows_the_seed():
    """Streamlit names media by a hash of the bytes: same URL ⇔ same WAV."""
    at = run_app("en", "pages/music.py", query={"bars": "2"})
    at.number_input(key="_url_seed").set_value(1).run()
    urls = [a.proto.url for a in audio_elements(at)]
    assert all(url.endswith(".wav") for url in urls)
    assert urls[0] == urls[2]  # the comparison replays the same generated melody
    assert len(set(urls)) == 3  # real, generated and unigram differ
    at.number_input(key="_url_seed").set_value(2).run()
    assert audio_elements(at)[0].proto.url != urls[0]
    at.number_input(key="_url_seed").set_value(1).run()
    assert audio_elements(at)[0].proto.url == urls[0]
