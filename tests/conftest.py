import os
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# One torch thread unless the caller says otherwise: the test machine is shared, and on busy cores a
# two-thread team waits for the busy one, which made tiny models' steps many times slower. Set here,
# before any test runs a page: models.core.device.configure_threads() (every page calls it) reads it.
os.environ.setdefault("GENAI_LAB_TORCH_THREADS", "1")
# A page that reads a URL parameter missing from dashboard/url_state.PAGES fails (the fuzz test walks that table).
os.environ["GENAI_LAB_STRICT_URL"] = "1"

HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


@pytest.fixture
def tmp_checkpoints(tmp_path, monkeypatch):
    """A private checkpoint root so tests never touch the shipped weights."""
    root = tmp_path / "checkpoints"
    root.mkdir()
    monkeypatch.setenv("GENAI_LAB_CHECKPOINT_DIR", str(root))
    return root


@pytest.fixture(autouse=True)
def _fresh_training_slots():
    """Each test is a fresh server as far as live-training slots go (a test app's run never says goodbye)."""
    yield
    serving = sys.modules.get("dashboard.serving.ui")
    if serving is not None:
        serving.TRAINING.clear()


@pytest.fixture(scope="session", autouse=True)
def torch_threads():
    """Torch's thread count set once for the session, as the server sets it at start-up."""
    from models.core.device import configure_threads

    configure_threads()
