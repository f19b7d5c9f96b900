"""Serving a whole class from one process: shared results, one fair queue, bounded live training.

* :mod:`.gate` — a process-wide admission gate for heavy model work (first come, first served,
  a stated queue limit, and the position of every waiting request).
* :mod:`.results` — a bounded cache of results shared by every session: the same model, settings,
  seed and input give the same bytes, so they are computed once for everyone.
* :mod:`.slots` — at most K live training runs at once; the others wait in line.
* :mod:`.ui` — the Streamlit side: the translated "N ahead of you" notice, the ``shared`` decorator
  the loaders use, and the hosted caps.

``gate``, ``results`` and ``slots`` import no Streamlit: they are plain threads and locks, tested
with threads. Settings (environment variables) are read once, in :mod:`.settings`.
"""

from dashboard.serving.settings import SETTINGS
from dashboard.serving.ui import (
                                  cap,
                                  clear_idle,
                                  heavy_slot,
                                  idle_pause,
                                  in_background,
                                  release_training,
                                  shared,
                                  touch,
                                  train_until,
                                  training_turn,
                                  wait_for_training,
)

__all__ = ["SETTINGS", "cap", "clear_idle", "heavy_slot", "idle_pause", "in_background", "release_training", "shared",
           "touch", "train_until", "training_turn",
           "wait_for_training"]
