"""The optional hub language model: pinned revision, safetensors only, offline unless configured."""

import pytest

from models.core import checkpoints
from models.language import hub
from models.language.text import TextModel

COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def fresh_hub(monkeypatch):
    """configure_offline as in a fresh process; the environment and huggingface_hub restored afterwards."""
    import huggingface_hub.constants as constants

    monkeypatch.setattr(hub, "_configured", None)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", constants.HF_HUB_OFFLINE)
    monkeypatch.delenv(hub.OFFLINE_ENV, raising=False)
    monkeypatch.delenv(hub.MODEL_ENV, raising=False)
    return constants


def test_offline_by_default_once_per_process(fresh_hub, monkeypatch):
    import os

    assert hub.configure_offline() is True
    assert os.environ[hub.OFFLINE_ENV] == "1" and fresh_hub.HF_HUB_OFFLINE is True
    monkeypatch.setenv(hub.MODEL_ENV, "gpt2")  # later changes do not flip it per call
    assert hub.configure_offline() is True


def test_configured_hub_model_stays_online(fresh_hub, monkeypatch):
    import os

    monkeypatch.setenv(hub.MODEL_ENV, "gpt2")
    assert hub.configure_offline() is False
    assert hub.OFFLINE_ENV not in os.environ


@pytest.mark.parametrize("revision", ["", "main", "v1.0", COMMIT[:12]])
def test_unpinned_revision_is_refused_before_any_download(revision, monkeypatch):
    import transformers

    def boom(*args, **kwargs):
        raise AssertionError("no download without a pinned revision")

    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", boom)
    with pytest.raises(checkpoints.HubModelError, match="GENAI_LAB_HUB_REVISION"):
        TextModel.from_hub("gpt2", revision)


def test_pinned_revision_and_safetensors_are_passed(monkeypatch):
    import transformers

    calls = []

    def record(name):
        def from_pretrained(model_id, **kwargs):
            calls.append((name, model_id, kwargs))
            raise OSError("offline")
        return from_pretrained

    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", record("tokenizer"))
    monkeypatch.setattr(transformers.AutoModelForCausalLM, "from_pretrained", record("model"))
    with pytest.raises(checkpoints.HubModelError, match="could not be loaded"):
        TextModel.from_hub("gpt2", COMMIT)
    assert calls[0] == ("tokenizer", "gpt2", {"revision": COMMIT})
    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", lambda *a, **k: object())
    with pytest.raises(checkpoints.HubModelError):
        TextModel.from_hub("gpt2", COMMIT)
    name, model_id, kwargs = calls[-1]
    assert name == "model" and kwargs["revision"] == COMMIT and kwargs["use_safetensors"] is True
