"""Settings of the optional hub language model, and offline mode for everything else.

Off by default. The hosted Space may set ``GENAI_LAB_HUB_LM`` to a causal LM id on the Hugging Face
hub (e.g. ``gpt2``) **and** ``GENAI_LAB_HUB_REVISION`` to the 40-hex commit id to load: a branch
such as ``main`` can change under the app, a commit cannot. Only safetensors weights are accepted.

Without ``GENAI_LAB_HUB_LM`` nothing needs the network, so :func:`configure_offline` (called once
at start-up by ``dashboard.core.widgets.setup_page``) sets ``HF_HUB_OFFLINE=1`` for the process: no
library call then waits on retries to an unreachable hub.
"""

from __future__ import annotations

import os
import re
import sys

MODEL_ENV = "GENAI_LAB_HUB_LM"
REVISION_ENV = "GENAI_LAB_HUB_REVISION"
OFFLINE_ENV = "HF_HUB_OFFLINE"
COMMIT = re.compile(r"[0-9a-f]{40}")

_configured: bool | None = None  # what configure_offline decided, once


def model_id() -> str:
    return os.environ.get(MODEL_ENV, "").strip()


def revision() -> str:
    return os.environ.get(REVISION_ENV, "").strip().lower()


def pinned(rev: str) -> bool:
    """A full commit id (40 hex digits): the only revision that cannot move."""
    return bool(COMMIT.fullmatch(rev))


def configure_offline() -> bool:
    """Once per process: ``HF_HUB_OFFLINE=1`` unless the hub model is configured (or the variable is
    already set). Returns whether the process is offline; later calls change nothing."""
    global _configured
    if _configured is None:
        if not model_id():
            os.environ.setdefault(OFFLINE_ENV, "1")
            constants = sys.modules.get("huggingface_hub.constants")  # imported already: it read the env
            if constants is not None and os.environ[OFFLINE_ENV] == "1":
                constants.HF_HUB_OFFLINE = True
        _configured = os.environ.get(OFFLINE_ENV, "").strip().upper() in {"1", "ON", "YES", "TRUE"}
    return _configured
