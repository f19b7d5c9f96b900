"""Integrity fails closed page by page: a broken checkpoint or data file refuses only the pages that use it,
with the retrain (or restore) command, and never a traceback."""

import json
import shutil

import pytest
import streamlit as st

from models.core import checkpoints, data
from tests.conftest import ROOT
from tests.pages.conftest import run_app

SHIPPED = ROOT / "assets" / "checkpoints"


@pytest.fixture
def checkpoint_copy(tmp_path, monkeypatch):
    """The shipped checkpoints copied to a private root that the app loads from, with fresh caches."""
    root = tmp_path / "checkpoints"
    shutil.copytree(SHIPPED, root, ignore=shutil.ignore_patterns(".*"))
    monkeypatch.setenv(checkpoints.ENV_DIR, str(root))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield root
    st.cache_resource.clear()
    st.cache_data.clear()


def _corrupt_gan_weights(root):
    weights = root / "gan" / checkpoints.WEIGHTS
    raw = bytearray(weights.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    weights.write_bytes(bytes(raw))


def _drop_gan_entries(root):
    manifest = json.loads((root / checkpoints.MANIFEST).read_text())
    kept = {k: v for k, v in manifest.items() if not k.startswith("gan/")}
    (root / checkpoints.MANIFEST).write_text(json.dumps(kept))


def _refused(at, name):
    return [e.value for e in at.error if f"python -m models train {name}" in e.value]


@pytest.mark.parametrize("breaks", [_corrupt_gan_weights, _drop_gan_entries], ids=["sha mismatch", "no entries"])
def test_a_broken_model_refuses_only_its_own_pages(checkpoint_copy, breaks):
    breaks(checkpoint_copy)
    at = run_app("en", "pages/gan.py")
    assert not at.exception, [e.value for e in at.exception]
    refused = _refused(at, "gan")
    assert len(refused) == 1 and "$GENAI_LAB_CHECKPOINT_DIR/" in refused[0]
    assert str(checkpoint_copy) not in refused[0] and str(ROOT) not in refused[0]
    at = run_app("en", "pages/flow.py")  # another model: works
    assert not at.exception and not at.error and at.get("plotly_chart")


@pytest.mark.parametrize("manifest", [None, "{not json", "[]"], ids=["deleted", "malformed", "not an object"])
def test_a_broken_manifest_refuses_model_pages_with_a_message(checkpoint_copy, manifest):
    path = checkpoint_copy / checkpoints.MANIFEST
    if manifest is None:
        path.unlink()
    else:
        path.write_text(manifest)
    at = run_app("en", "pages/gan.py")
    assert not at.exception, [e.value for e in at.exception]
    refused = _refused(at, "gan")
    assert len(refused) == 1 and "$GENAI_LAB_CHECKPOINT_DIR/MANIFEST.json" in refused[0]
    at = run_app("en", "pages/glossary.py")  # a page without models still works
    assert not at.exception and not at.error


def test_corrupt_shipped_data_is_a_message_naming_the_restore_command(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(data.ASSETS_DATA, copy)
    images = copy / data.SHIPPED_FILES["test"][0]
    images.write_bytes(images.read_bytes()[:1000] + b"\0" * 64 + images.read_bytes()[1064:])
    monkeypatch.setattr(data, "ASSETS_DATA", copy)
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = run_app("en", "pages/flow.py")
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error if "git checkout -- assets/data" in e.value and images.name in e.value]
    assert not [e.value for e in at.error if str(tmp_path) in e.value]
