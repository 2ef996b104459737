"""Remote mode: ``serve`` (the HTTP API over a store file), ``users`` (API users and their
tokens, on the server's file), ``login URL`` / ``logout URL`` (the token in the system
keyring, never in a file)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from dropship_tui.cli import json_output
from dropship_tui.cli.common import add_action, add_command
from dropship_tui.cli.registry import COMMANDS
from dropship_tui.domain.errors import InvalidInputError

MAX_WORKERS = 64


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "serve",
        description="Serve the store (--db) as the HTTP API that 'dropship-tui --api URL' "
        "uses; OpenAPI at /openapi.json. Create users with 'dropship-tui users add'. Plain "
        "HTTP unless --ssl-certfile/--ssl-keyfile are given: put a TLS proxy in front of it "
        "for anything but localhost.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    p.add_argument("--ssl-certfile", metavar="PEM", default=None, help="serve HTTPS with this certificate")
    p.add_argument("--ssl-keyfile", metavar="PEM", default=None, help="the certificate's private key")
    p.add_argument("--log-level", choices=["debug", "info", "warning", "error"], default="info",
                   help="server log level (info logs every request; never a token)")
    p.add_argument("--workers", type=int, metavar="N", default=1,
                   help="serve the API from N processes on the one port (default 1; docs/deploy.md)")
    served = p.add_argument_group("serving the app itself (docs/serve.md)")
    served.add_argument("--ssh-port", type=int, metavar="PORT", default=None,
                        help="also serve the app over SSH: users log in with their key (users keys add)")
    served.add_argument("--web-port", type=int, metavar="PORT", default=None,
                        help="also serve the app in a browser, behind a token login page")
    served.add_argument("--web-certfile", metavar="PEM", default=None, help="serve the web port over HTTPS")
    served.add_argument("--web-keyfile", metavar="PEM", default=None, help="the web certificate's private key")
    served.add_argument("--web-secure-cookie", action="store_true",
                        help="mark the login cookie Secure on a plain-HTTP web port (TLS ends at a proxy)")
    served.add_argument("--max-sessions-per-user", type=int, metavar="N", default=3,
                        help="open sessions (SSH and web) one user may have (default 3)")
    served.add_argument("--max-sessions", type=int, metavar="N", default=50,
                        help="open sessions in all (default 50)")
    served.add_argument("--idle-timeout", type=float, metavar="MINUTES", default=30.0,
                        help="close a session after this long without a key press (default 30; 0: never)")
    served.add_argument("--data-dir", metavar="DIR", default=None,
                        help="the SSH host key, users' settings and documents (default: the store's folder)")
    served.add_argument("--session-api", metavar="URL", default=None,
                        help="the API URL the sessions' apps use (default: this server's, on loopback)")
    p.set_defaults(func=run_serve)

    users = subparsers.add_parser(
        "users", help=COMMANDS["users"].help,
        description="API users of 'dropship-tui serve'. A new user's token is printed once; "
        "only its hash is kept.",
    )
    sub = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = add_action(sub, "add", "add a user and print its API token (once)")
    add.add_argument("name", metavar="NAME")
    who = add.add_mutually_exclusive_group(required=True)
    who.add_argument("--vendor", metavar="CODE", help="the vendor whose orders the user works")
    who.add_argument("--operator", action="store_true", help="read every vendor's orders (read-only)")
    add.add_argument("--role", choices=["admin", "staff"], default="staff",
                     help="vendor users: admin may cancel and import; staff may not (default staff)")
    add.add_argument("--ssh-key", metavar="FILE.pub", default=None,
                     help="the user's SSH public key, for 'serve --ssh-port' (more: users keys add)")
    add.set_defaults(func=run_users_add)
    ssh_keys = add_action(sub, "keys", "a user's SSH public keys: add, list, remove")
    keys_sub = ssh_keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    key_add = add_action(keys_sub, "add", "give a user an SSH public key")
    key_add.add_argument("name", metavar="NAME")
    key_add.add_argument("key_file", metavar="FILE.pub")
    key_add.set_defaults(func=run_keys_add)
    key_list = add_action(keys_sub, "list", "list a user's SSH keys (fingerprints)")
    key_list.add_argument("name", metavar="NAME")
    key_list.set_defaults(func=run_keys_list)
    key_remove = add_action(keys_sub, "remove", "remove one of a user's SSH keys (new logins refused)")
    key_remove.add_argument("name", metavar="NAME")
    key_remove.add_argument("fingerprint", metavar="SHA256:…")
    key_remove.set_defaults(func=run_keys_remove)
    revoke = add_action(sub, "revoke", "revoke a user's token (its requests get 401)")
    revoke.add_argument("name", metavar="NAME")
    revoke.set_defaults(func=run_users_revoke)
    listing = add_action(sub, "list", "list API users (never their tokens)")
    listing.set_defaults(func=run_users_list)

    p = add_command(
        subparsers, "login",
        description="Ask for the API token of URL (not echoed), check it with the server and "
        "keep it in the system keyring for 'dropship-tui --api URL'.",
    )
    p.add_argument("url", metavar="URL")
    p.set_defaults(func=run_login)
    p = add_command(subparsers, "logout")
    p.add_argument("url", metavar="URL")
    p.set_defaults(func=run_logout)


def _address(args: argparse.Namespace) -> Path | str:
    """The store to serve: a SQLite file (its folder made) or a PostgreSQL address."""
    from dropship_tui.store.paths import resolve_store_address

    address = resolve_store_address(getattr(args, "db", None))
    if isinstance(address, Path):
        address.parent.mkdir(parents=True, exist_ok=True)
    return address


def _server_store(args: argparse.Namespace):
    from dropship_tui.server.backend import open_server_store

    return open_server_store(_address(args), user="server")


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from dropship_tui.server.app import create_app

    if not 0 < args.port < 65536:
        raise InvalidInputError(f"--port must be from 1 to 65535, not {args.port}")
    if not 0 < args.workers <= MAX_WORKERS:
        raise InvalidInputError(f"--workers must be from 1 to {MAX_WORKERS}, not {args.workers}")
    path = _address(args)
    if args.ssh_port is not None or args.web_port is not None:
        if args.workers > 1:
            raise InvalidInputError(
                "--workers serves the API only: the SSH and web sessions (--ssh-port, "
                "--web-port) live in one process; run them from a 'serve' of their own"
            )
        from dropship_tui.cli.serving import run_serving

        return run_serving(args, path)
    if args.workers > 1:
        return _serve_workers(args, path)
    app = create_app(path)
    scheme = "https" if args.ssl_certfile else "http"
    print(f"Serving {app.state.store.path} on {scheme}://{args.host}:{args.port} (Ctrl-C stops)", file=sys.stderr)
    try:
        uvicorn.run(
            app, host=args.host, port=args.port, log_level=args.log_level,
            ssl_certfile=args.ssl_certfile, ssl_keyfile=args.ssl_keyfile,
            proxy_headers=False,
        )
    finally:
        app.state.store.close()
    return 0


def _serve_workers(args: argparse.Namespace, path: Path | str) -> int:
    """N uvicorn worker processes on one socket, each with the app of ``worker_app``: the
    store is opened (and migrated) once here first, so the workers only open it."""
    import uvicorn

    from dropship_tui.server.app import WORKER_STORE_ENV
    from dropship_tui.server.backend import open_server_store
    from dropship_tui.store.postgres.passfile import handed_over

    store = open_server_store(path, user="server")
    where = store.path
    store.close()
    scheme = "https" if args.ssl_certfile else "http"
    print(f"Serving {where} on {scheme}://{args.host}:{args.port} with {args.workers} workers "
          "(Ctrl-C stops)", file=sys.stderr)
    # The workers inherit the environment: a password goes to them in a passfile instead.
    with handed_over(str(path)) as address:
        os.environ[WORKER_STORE_ENV] = address
        uvicorn.run(
            "dropship_tui.server.app:worker_app", factory=True, workers=args.workers,
            host=args.host, port=args.port, log_level=args.log_level,
            ssl_certfile=args.ssl_certfile, ssl_keyfile=args.ssl_keyfile, proxy_headers=False,
        )
    return 0


def run_users_add(args: argparse.Namespace) -> int:
    from dropship_tui.server import auth

    role = auth.Role.OPERATOR if args.operator else auth.Role(args.role)
    key_text = None
    if args.ssh_key is not None:
        from dropship_tui.cli.serving import read_key_file

        key_text = read_key_file(args.ssh_key)
    store = _server_store(args)
    try:
        with store.admin_connection() as conn:
            if key_text is not None:
                from dropship_tui.cli.serving import check_new_key

                check_new_key(conn, key_text)  # refused before the user is made
            token = auth.add_user(conn, args.name, role=role, vendor_code=args.vendor)
            if key_text is not None:
                from dropship_tui.server.serving import keys

                keys.add_key(conn, args.name, key_text)
    finally:
        store.close()
    if getattr(args, "json", False):
        json_output.print_json({"name": args.name.strip(), "role": role.value, "vendor_code": args.vendor, "token": token})
    else:
        print(f"User {args.name.strip()} ({role.value}{', ' + args.vendor if args.vendor else ''}) added.")
        print("API token (shown once; give it to the user for 'dropship-tui login URL'):")
        print(token)
    return 0


def run_users_revoke(args: argparse.Namespace) -> int:
    from dropship_tui.server import auth

    store = _server_store(args)
    try:
        with store.admin_connection() as conn:
            auth.revoke_user(conn, args.name)
    finally:
        store.close()
    print(f"User {args.name.strip()} revoked: its token no longer works.")
    return 0


def run_users_list(args: argparse.Namespace) -> int:
    from dropship_tui.server import auth

    store = _server_store(args)
    try:
        with store.admin_connection() as conn:
            users = auth.list_users(conn)
    finally:
        store.close()
    if getattr(args, "json", False):
        json_output.print_json(users)
        return 0
    from dropship_tui.cli import output

    table = output.table("Name", "Role", "Vendor", "Created", "Revoked")
    for u in users:
        table.add_row(u["name"], u["role"], u["vendor_code"] or "—", u["created_at"] or "", u["revoked_at"] or "")
    output.console().print(table)
    return 0


def run_login(args: argparse.Namespace) -> int:
    from dropship_tui.store.remote import tokens
    from dropship_tui.store.remote.client import RemoteStore
    from dropship_tui.store.remote.http import normalize_url

    url = normalize_url(args.url)
    token = getpass.getpass(f"API token for {url}: ").strip()
    if not token:
        raise InvalidInputError("No token given; nothing was saved")
    store = RemoteStore(url, token)  # checks the token with the server
    try:
        who = f"{store.user} ({store.role}{', ' + store.vendor_code if store.vendor_code else ''})"
    finally:
        store.close()
    to_file = not tokens.keyring_available()
    if to_file:
        path = tokens.token_file()
        question = (f"No system keyring is available here. Keep the token in {path}, "
                    "readable by you only? [y/N] ")
        if not sys.stdin.isatty() or input(question).strip().lower() not in ("y", "yes"):
            raise InvalidInputError(
                f"No system keyring is available, so the token was not saved; set "
                f"{tokens.TOKEN_ENV} instead, or run 'dropship-tui login {url}' in a terminal "
                "and keep it in a file"
            )
    where = tokens.save_token(url, token, to_file=to_file)
    print(f"Logged in to {url} as {who}; the token is {where}.")
    return 0


def run_logout(args: argparse.Namespace) -> int:
    from dropship_tui.store.remote import tokens
    from dropship_tui.store.remote.http import normalize_url

    url = normalize_url(args.url)
    if tokens.forget_token(url):
        print(f"Logged out of {url}: the token was removed.")
    else:
        print(f"No token was kept for {url}.")
    return 0


def run_keys_add(args: argparse.Namespace) -> int:
    from dropship_tui.cli.serving import keys_add

    return keys_add(args, _server_store(args))


def run_keys_list(args: argparse.Namespace) -> int:
    from dropship_tui.cli.serving import keys_list

    return keys_list(args, _server_store(args))


def run_keys_remove(args: argparse.Namespace) -> int:
    from dropship_tui.cli.serving import keys_remove

    return keys_remove(args, _server_store(args))
