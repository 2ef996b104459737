"""Which files a user may name when the app is served (``dropship-tui serve --ssh-port /
--web-port``): the app then runs on the server, as the server's account, so a path typed
into it must not reach the server's own files. Served, a typed path is taken inside the
user's documents folder (``$DROPSHIP_TUI_DOCUMENTS``) and anything that resolves outside
it (``..``, an absolute path, a symbolic link out) is refused with one message that does
not say whether such a file exists. Run locally, a path is the user's own business.

The serving code (``server.serving.child``) sets ``SERVED_ENV`` in the app's environment.
"""

from __future__ import annotations

import os
from pathlib import Path

from dropship_tui.documents.delivery import DOCUMENTS_ENV
from dropship_tui.domain.errors import InvalidInputError

SERVED_ENV = "DROPSHIP_TUI_SERVED"
OUTSIDE = ("In a served session only files in your documents folder can be read: give the "
           "name of a file there (e.g. tracking.csv).")


def served_folder() -> Path | None:
    """The only folder a served session reads files from; None when not served."""
    if os.environ.get(SERVED_ENV) != "1":
        return None
    return Path(os.environ.get(DOCUMENTS_ENV) or "/nonexistent").resolve()


def typed_path(raw: str) -> Path:
    """The file a user typed: served, inside its documents folder or ``InvalidInputError``
    (``OUTSIDE``); else as typed, ``~`` expanded."""
    folder = served_folder()
    if folder is None:
        return Path(raw).expanduser()
    try:
        path = (folder / raw).resolve()
    except (OSError, RuntimeError, ValueError):  # a link loop, a NUL byte
        raise InvalidInputError(OUTSIDE) from None
    if not path.is_relative_to(folder):
        raise InvalidInputError(OUTSIDE)
    return path
