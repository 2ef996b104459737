"""``dropship-tui`` with no command: the full-screen app.

* ``dropship-tui`` opens the default store (``--db``, else ``$DROPSHIP_TUI_DB``, else the
  config's ``default_store``, else the user data directory);
* ``dropship-tui --db PATH`` opens another;
* ``dropship-tui --demo`` builds a demo store (2,000 orders, fixed seed) in a fresh
  temporary folder, opens it, and deletes it on exit: it never touches a real store;
* ``--low-bandwidth`` (or ``low_bandwidth = true`` in the config) for slow links: no
  animations, no mouse tracking, no blinking cursor, no spinners, 256 colours.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
from pathlib import Path

from dropship_tui.cli.common import acting_user

DEMO_ORDERS = 2_000
DEMO_SEED = 7


def store_path(args: argparse.Namespace, config) -> Path:
    from dropship_tui.store.paths import ENV_VAR, resolve_db_path

    explicit = getattr(args, "db", None)
    if not explicit and not os.environ.get(ENV_VAR, "").strip():
        explicit = getattr(config, "default_store", None)
    return resolve_db_path(explicit)


def build_demo_store(folder: Path, user: str, orders: int = DEMO_ORDERS, seed: int = DEMO_SEED):
    from dropship_tui.store.demo import builder as demo
    from dropship_tui.store.sqlite.store import SqliteStore

    store = SqliteStore(folder / "demo.db", user=user)
    try:
        demo.build_demo(store, orders=orders, seed=seed, fast=True)
    except BaseException:
        store.close()
        raise
    return store


def run(args: argparse.Namespace) -> int:
    from dropship_tui.config import load_config

    config = load_config()
    low_bandwidth = bool(getattr(args, "low_bandwidth", False) or config.low_bandwidth)
    if low_bandwidth:
        # 256 colours: a quarter fewer bytes per frame than 24-bit colour codes, and the
        # themes still read well. Textual reads this once, when it is first imported;
        # an explicit TEXTUAL_COLOR_SYSTEM (or NO_COLOR) from the user wins.
        os.environ.setdefault("TEXTUAL_COLOR_SYSTEM", "256")
    from dropship_tui.tui.app import DropshipApp
    from dropship_tui.store.paths import resolve_store_address
    from dropship_tui.store.sqlite.store import SqliteStore

    user = acting_user(args)
    temp: tempfile.TemporaryDirectory | None = None
    if getattr(args, "api", None) and not getattr(args, "demo", False):
        from dropship_tui.store.remote.client import RemoteStore  # remote mode: the token's user acts

        store = RemoteStore.open(args.api)
        label = store.url
    elif getattr(args, "demo", False):
        temp = tempfile.TemporaryDirectory(prefix="dropship-tui-demo-")
        print(f"Building a demo store ({DEMO_ORDERS:,} orders) in {temp.name} …", file=sys.stderr)
        store = build_demo_store(Path(temp.name), user)
        label = "demo store (deleted on exit)"
        from dropship_tui.documents.delivery import DOCUMENTS_ENV, default_dir

        os.environ.setdefault(DOCUMENTS_ENV, str(default_dir() / "demo"))
    elif isinstance(address := resolve_store_address(getattr(args, "db", None)), str):
        from dropship_tui.store.opening import open_store_address  # PostgreSQL (issue 11)
        from dropship_tui.store.postgres.address import describe

        store = open_store_address(address, user=user)
        label = describe(address)
    else:
        path = store_path(args, config)
        path.parent.mkdir(parents=True, exist_ok=True)
        store = SqliteStore(path, user=user)
        label = str(path)
    db_option = f" --db {shlex.quote(str(args.db))}" if getattr(args, "db", None) and temp is None else ""
    try:
        app = DropshipApp(store, config, store_label=label, db_option=db_option, low_bandwidth=low_bandwidth)
        app.run(mouse=not low_bandwidth)
        return int(app.return_code or 0)
    finally:
        store.close()
        if temp is not None:
            temp.cleanup()
