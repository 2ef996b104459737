"""Start-up tuning of the app process, done once the first rows are on screen."""

from __future__ import annotations

import gc

_FROZEN = False


def freeze_startup_heap() -> None:
    """Move every object alive so far (modules, Textual's widgets and styles, the store)
    out of the garbage collector's sight (``gc.freeze``): a full collection then walks
    only what was made since, instead of pausing a keystroke for 50-75 ms every so often
    (seen on the search benchmark). Only the first call does anything."""
    global _FROZEN
    if not _FROZEN:
        _FROZEN = True
        gc.collect()
        gc.freeze()
