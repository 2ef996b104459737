"""The password of a PostgreSQL store address, handed to the processes ``serve --workers
N`` starts without putting it where other local users or tools read it: not in their
environment (``/proc/PID/environ``, crash reports, ``ps e``) nor their command line.

The workers get the address without its password plus ``passfile=…``: a libpq password
file (``hostname:port:database:username:password``, here ``*`` for each of the four,
since the file serves this one address) in a folder of its own that only our user may
enter (``mkdtemp``: 0700), the file itself 0600 (libpq ignores a passfile others may
read). libpq reads it at every new connection, so it lives as long as the server and is
removed when ``serve`` ends (a ``serve`` killed with SIGKILL leaves it, still 0600, in
the temporary folder). ``PGPASSWORD`` is moved into the file the same way (libpq would
prefer it over a passfile), and ``$DROPSHIP_TUI_DB`` is passed on without its password.
An address without a password (``~/.pgpass``, a certificate, peer authentication) and a
SQLite file are passed on unchanged.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from urllib.parse import quote

from dropship_tui.store.paths import ENV_VAR
from dropship_tui.store.postgres.address import is_postgres, split_password

PASSWORD_ENV = "PGPASSWORD"


def passfile_line(password: str) -> str:
    """One line of a libpq password file matching any host, port, database and user."""
    return "*:*:*:*:" + password.replace("\\", "\\\\").replace(":", "\\:") + "\n"


def with_passfile(address: str, path: str) -> str:
    """``address`` naming ``path`` as its ``passfile`` (one it named before is dropped)."""
    head, question, query = address.partition("?")
    kept = [p for p in query.split("&") if p and p.partition("=")[0].lower() != "passfile"] if question else []
    return head + "?" + "&".join(kept + ["passfile=" + quote(path, safe="/")])


@contextmanager
def handed_over(address: str, environ: MutableMapping[str, str] = os.environ) -> Iterator[str]:
    """The address to give the workers, and ``environ`` (which they inherit) rid of the
    password, while the block runs; afterwards the passfile is gone and ``environ`` is
    as it was."""
    if not is_postgres(address):
        yield address
        return
    bare, secret = split_password(address)
    if secret is None:
        secret = environ.get(PASSWORD_ENV) or None  # empty: none, as libpq takes it
    if secret is None:
        yield address
        return
    saved = {k: environ[k] for k in (PASSWORD_ENV, ENV_VAR) if k in environ}
    folder = tempfile.mkdtemp(prefix="dropship-serve-")
    try:
        path = os.path.join(folder, "pgpass")
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
            file.write(passfile_line(secret))
        environ.pop(PASSWORD_ENV, None)
        if is_postgres(saved.get(ENV_VAR)):
            environ[ENV_VAR] = split_password(saved[ENV_VAR])[0]
        yield with_passfile(bare, path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        environ.update(saved)
