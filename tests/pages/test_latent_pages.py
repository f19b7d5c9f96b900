"""Interactions on the latent-space pages: model and β switches, URL state, image sources."""

from tests.pages.conftest import picture, pictures, run_app


def test_latent_map_follows_the_sliders_and_every_model():
    at = run_app("en", "pages/latent_map.py", query={"p0": "10", "p1": "90"})
    assert not at.exception
    first = picture(at, "Decoded at")
    at.slider(key="_url_p0").set_value(90).run()
    assert not at.exception and at.query_params["p0"] == "90"
    assert picture(at, "Decoded at") != first  # another point, another picture
    for model in (0, 2):
        at.radio(key="_url_model").set_value(model).run()
        assert not at.exception and at.query_params["model"] == str(model)
    assert any("codebook entries are used" in m.value for m in at.markdown)


def test_latent_map_clamps_bad_url_values():
    at = run_app("en", "pages/latent_map.py", query={"p0": "250", "model": "7"})
    assert not at.exception
    assert at.slider(key="_url_p0").value == 100 and at.radio(key="_url_model").value == 2
    assert len(at.toast) == 2


def test_beta_switch_changes_the_encoder():
    at = run_app("en", "pages/autoencoder.py", query={"img": "5"})
    assert not at.exception
    kl = {m.label: m.value for m in at.metric}["KL term (nats)"]
    at.select_slider(key="_url_beta").set_value(2).run()  # β = 4 squeezes information out of the code
    assert not at.exception
    assert float({m.label: m.value for m in at.metric}["KL term (nats)"]) < float(kl)
    assert at.query_params["beta"] == "2"


def test_interpolation_page_walks_and_does_arithmetic():
    at = run_app("ko", "pages/interpolation.py", query={"a": "3", "b": "9", "frames": "6"})
    assert not at.exception
    shown = pictures(at)
    assert picture(at, "VAE 잠재 공간에서 A부터 B까지 걷기 (6프레임)") and picture(at, "픽셀 공간에서")  # both walks
    assert len(shown) == 2 + 4  # the two pickers, the two walks, the GAN's walk, the arithmetic
    at.selectbox(key="_url_plus").set_value(9).run()
    assert not at.exception
    assert len(at.get("download_button")) >= 3


def test_upload_source_without_a_file_falls_back_to_the_test_image():
    at = run_app("en", "pages/interpolation.py", query={"asrc": "1", "bsrc": "2"})
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Until a picture is there" in captions
