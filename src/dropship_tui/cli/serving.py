"""The parts of ``serve`` and ``users`` that serve the app itself (issue 15): ``serve
--ssh-port/--web-port`` and users' SSH keys. Imported only when one of them runs (the key
parser needs asyncssh)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from dropship_tui.cli import json_output
from dropship_tui.domain.errors import InvalidInputError

MAX_KEY_FILE = 16_384


def read_key_file(name: str) -> str:
    """The text of a public key file, or a refusal naming it."""
    path = Path(name)
    try:
        if path.stat().st_size > MAX_KEY_FILE:
            raise InvalidInputError(f"--ssh-key: {name} is too big for a public key file")
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"--ssh-key: cannot read {name} ({getattr(exc, 'strerror', None) or exc})") from None


def check_new_key(conn, key_text: str) -> None:
    """Refuse a key that is malformed or registered already, before anything is written."""
    from dropship_tui.server.serving import keys

    fingerprint, _, _ = keys.parse_public_key(key_text)
    if conn.execute("SELECT 1 FROM api_ssh_keys WHERE fingerprint = ?", (fingerprint,)).fetchone():
        raise InvalidInputError(f"The key {fingerprint} is already registered (a key can belong to one user only)")


def keys_add(args: argparse.Namespace, store) -> int:
    from dropship_tui.server.serving import keys

    key_text = read_key_file(args.key_file)
    try:
        with store.admin_connection() as conn:
            fingerprint = keys.add_key(conn, args.name, key_text)
    finally:
        store.close()
    if getattr(args, "json", False):
        json_output.print_json({"name": args.name.strip(), "fingerprint": fingerprint})
    else:
        print(f"Key {fingerprint} added to {args.name.strip()}: 'ssh -t HOST -p PORT' logs in as them.")
    return 0


def keys_list(args: argparse.Namespace, store) -> int:
    from dropship_tui.server.serving import keys

    try:
        with store.admin_connection() as conn:
            listed = keys.list_keys(conn, args.name)
    finally:
        store.close()
    if getattr(args, "json", False):
        json_output.print_json(listed)
        return 0
    from dropship_tui.cli import output

    table = output.table("Fingerprint", "Type", "Comment", "Added")
    for key in listed:
        table.add_row(key["fingerprint"], key["public_key"].split()[0], key["comment"], key["added_at"])
    output.console().print(table)
    return 0


def keys_remove(args: argparse.Namespace, store) -> int:
    from dropship_tui.server.serving import keys

    try:
        with store.admin_connection() as conn:
            keys.remove_key(conn, args.name, args.fingerprint)
    finally:
        store.close()
    print(f"Key {args.fingerprint.strip()} removed from {args.name.strip()}: new logins with it are refused.")
    return 0


def _port(option: str, value: int | None) -> None:
    if value is not None and not 0 < value < 65536:
        raise InvalidInputError(f"{option} must be from 1 to 65535, not {value}")


def session_api(args: argparse.Namespace) -> str:
    """Where the sessions' apps reach this server's API: loopback unless it listens on one
    address only."""
    if args.session_api:
        return args.session_api
    if args.ssl_certfile:
        raise InvalidInputError("With --ssl-certfile, give --session-api URL (a name the certificate covers)")
    host = args.host if args.host not in ("", "0.0.0.0", "::") else "127.0.0.1"
    return f"http://{'[' + host + ']' if ':' in host else host}:{args.port}"


def data_dir(args: argparse.Namespace, address: Path | str) -> Path:
    """Where the SSH host key and the sessions' settings and documents live: ``--data-dir``,
    else the store file's folder; a PostgreSQL store has none, so the user data folder
    the default store file would be in."""
    if args.data_dir:
        return Path(args.data_dir)
    if isinstance(address, Path):
        return address.parent
    from dropship_tui.store.paths import default_db_path

    return default_db_path().parent


def run_serving(args: argparse.Namespace, path: Path | str) -> int:
    import uvicorn

    from dropship_tui.server.app import create_app
    from dropship_tui.server.serving.limits import SessionLimits
    from dropship_tui.server.serving.run import ServeOptions, serve

    _port("--ssh-port", args.ssh_port)
    _port("--web-port", args.web_port)
    for option, value in (("--max-sessions-per-user", args.max_sessions_per_user),
                          ("--max-sessions", args.max_sessions)):
        if value < 1:
            raise InvalidInputError(f"{option} must be at least 1, not {value}")
    if args.idle_timeout < 0:
        raise InvalidInputError(f"--idle-timeout must be 0 (never) or more minutes, not {args.idle_timeout:g}")
    if bool(args.web_certfile) != bool(args.web_keyfile):
        raise InvalidInputError("--web-certfile and --web-keyfile go together")
    options = ServeOptions(
        host=args.host, ssh_port=args.ssh_port, web_port=args.web_port, session_api=session_api(args),
        data_dir=data_dir(args, path),
        limits=SessionLimits(args.max_sessions_per_user, args.max_sessions, args.idle_timeout),
        web_certfile=args.web_certfile, web_keyfile=args.web_keyfile,
        web_secure_cookie=args.web_secure_cookie,
    )
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("asyncssh").setLevel(logging.WARNING)
    app = create_app(path)
    http = uvicorn.Config(app, host=args.host, port=args.port, log_level=args.log_level,
                          ssl_certfile=args.ssl_certfile, ssl_keyfile=args.ssl_keyfile, proxy_headers=False)
    where = [f"API on {args.host}:{args.port}"]
    where += [f"SSH on {args.host}:{args.ssh_port}"] if args.ssh_port else []
    where += [f"web on {args.host}:{args.web_port}"] if args.web_port else []
    print(f"Serving {app.state.store.path}: {', '.join(where)} (Ctrl-C stops)", file=sys.stderr)
    try:
        asyncio.run(serve(app, http, options))
    finally:
        app.state.store.close()
    return 0
