"""Where an API token is kept, as gh does it:

1. ``DROPSHIP_TUI_TOKEN``, when set, is the token (for scripts, CI and SSH sessions);
2. else the system keyring (``keyring``), the usual place on a desktop;
3. else, where no keyring backend exists (a server over SSH usually has none), a file in
   the user config dir, ``tokens.json``, readable by its owner only (mode 0600), which
   ``login`` offers and says so.

A token is never printed, logged, or put in a URL or an error message.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from dropship_tui.store.remote.http import NotAuthorizedError, normalize_url

KEYRING_SERVICE = "dropship-tui"
TOKEN_ENV = "DROPSHIP_TUI_TOKEN"
TOKEN_FILE = "tokens.json"


def token_file() -> Path:
    """``tokens.json`` beside the config file (``$DROPSHIP_TUI_CONFIG``'s folder, else
    the user config dir)."""
    override = os.environ.get("DROPSHIP_TUI_CONFIG")
    if override:
        return Path(override).expanduser().parent / TOKEN_FILE
    import platformdirs

    return platformdirs.user_config_path("dropship-tui") / TOKEN_FILE


def keyring_available() -> bool:
    """Whether a real keyring backend is there (not the 'fail' or 'null' stand-ins)."""
    import keyring
    from keyring.backends import fail, null

    return not isinstance(keyring.get_keyring(), (fail.Keyring, null.Keyring))


def _read_file() -> dict[str, str]:
    path = token_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_file(tokens: dict[str, str]) -> Path:
    path = token_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not tokens:
        path.unlink(missing_ok=True)
        return path
    # Created 0600 (never readable by others, not even for a moment), then replaced whole.
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(tokens, out, indent=2)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path


def load_token(url: str) -> str | None:
    """The token for ``url``: the environment's, else the keyring's, else the file's."""
    env = os.environ.get(TOKEN_ENV, "").strip()
    if env:
        return env
    key = normalize_url(url)
    if keyring_available():
        import keyring
        from keyring.errors import KeyringError

        try:
            found = keyring.get_password(KEYRING_SERVICE, key)
        except KeyringError:
            found = None
        if found:
            return found
    return _read_file().get(key)


def save_token(url: str, token: str, *, to_file: bool = False) -> str:
    """Keep the token: in the keyring, or in the 0600 file with ``to_file`` (for a
    machine without a keyring). Returns where, in words."""
    key = normalize_url(url)
    if to_file:
        path = _write_file({**_read_file(), key: token})
        return f"in {path} (readable by you only)"
    if not keyring_available():
        raise NotAuthorizedError("No system keyring is available; nothing was saved")
    import keyring

    keyring.set_password(KEYRING_SERVICE, key, token)
    return "in the system keyring"


def forget_token(url: str) -> bool:
    """Remove the token for ``url`` from the keyring and the file; whether one was kept."""
    key = normalize_url(url)
    found = False
    if keyring_available():
        import keyring
        from keyring.errors import KeyringError, PasswordDeleteError

        try:
            keyring.delete_password(KEYRING_SERVICE, key)
            found = True
        except (PasswordDeleteError, KeyringError):
            pass
    tokens = _read_file()
    if key in tokens:
        del tokens[key]
        _write_file(tokens)
        found = True
    return found
