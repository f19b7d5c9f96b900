"""Interactions on the latent-space pages: model and β switches, URL state, image sources."""

import base64
import json

import numpy as np

from tests.pages.conftest import run_app


def charts(at):
    return {c.proto.id: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


def titled(at, prefix: str) -> dict:
    for spec in charts(at).values():
        if spec["layout"].get("title", {}).get("text", "").startswith(prefix):
            return spec
    raise AssertionError(f"no chart titled {prefix!r}")


def image_of(spec: dict) -> np.ndarray:
    """The pixels of a go.Image figure (plotly sends arrays base64-encoded with dtype and shape)."""
    z = spec["data"][0]["z"]
    if isinstance(z, dict):
        shape = [int(n) for n in str(z["shape"]).split(",")]
        return np.frombuffer(base64.b64decode(z["bdata"]), dtype=np.dtype(z["dtype"])).reshape(shape)
    return np.asarray(z)


def test_latent_map_follows_the_sliders_and_every_model():
    at = run_app("en", "pages/latent_map.py", query={"p0": "10", "p1": "90"})
    assert not at.exception
    first = image_of(titled(at, "Decoded at"))
    at.slider(key="_url_p0").set_value(90).run()
    assert not at.exception and at.query_params["p0"] == "90"
    assert not np.array_equal(first, image_of(titled(at, "Decoded at")))  # another point, another picture
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
    walk = titled(at, "위: VAE")
    assert image_of(walk).shape[1] == 6 * 28 + 5 * 2  # six frames side by side
    at.selectbox(key="_url_plus").set_value(9).run()
    assert not at.exception
    assert len(at.get("download_button")) >= 3


def test_upload_source_without_a_file_falls_back_to_the_test_image():
    at = run_app("en", "pages/interpolation.py", query={"asrc": "1", "bsrc": "2"})
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Until a picture is there" in captions
