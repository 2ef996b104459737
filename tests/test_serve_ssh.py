"""Issue 15: ``serve --ssh-port`` with the real OpenSSH client, in a pseudo-terminal of
the test's own: a key logs in to the app of its own vendor only, a password or an unknown
key is refused, anything but the app is refused, a resize repaints at the new size, and a
killed connection leaves no process and loses no confirmed action."""

from __future__ import annotations

import sqlite3
import time

import pytest

from dropship_tui.domain.models import Stage
from dropship_tui.store.sqlite.store import SqliteStore
from serve_support import (
    MINE_CUSTOMER, SSH, SSH_KEYGEN, THEIR_CUSTOMER, Server, SshTerminal, add_user, keygen,
    make_store, ssh_argv,
)

pytestmark = pytest.mark.skipif(
    SSH is None or SSH_KEYGEN is None, reason="needs OpenSSH's ssh and ssh-keygen (apt-get install openssh-client)"
)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ssh")
    db = folder / "server.db"
    make_store(db)
    keys = {name: keygen(folder / f"{name}_key") for name in ("ann", "olga", "stranger")}
    tokens = {"ann": add_user(db, "ann", "MYSTIC", keys["ann"]), "olga": add_user(db, "olga", "OTHER", keys["olga"])}
    server = Server(db, "--idle-timeout", "5")
    yield server, keys, tokens, db
    server.stop()


def session(server: Server, key, *extra: str, cols: int = 100, rows: int = 30) -> SshTerminal:
    return SshTerminal(ssh_argv(server, key, "-tt", *extra, "127.0.0.1"), cols, rows)


def wait_for(check, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_a_key_logs_in_to_its_own_vendors_dashboard_only(served):
    server, keys, tokens, _ = served
    for who, mine, theirs in (("ann", MINE_CUSTOMER, THEIR_CUSTOMER), ("olga", THEIR_CUSTOMER, MINE_CUSTOMER)):
        term = session(server, keys[who])
        try:
            assert term.shows(mine[0], "New"), term.text()[-2000:]
            term.read_until(lambda out: False, timeout=1)  # the rest of the first frames
            assert theirs[0] not in term.text() and theirs[1] not in term.text()
            term.type("q")
            assert term.wait() == 0
        finally:
            term.close()
    assert wait_for(lambda: "ssh session end user=olga" in server.log_text())
    log = server.log_text()
    assert "ssh session start user=ann (admin, MYSTIC)" in log
    assert not any(token in log for token in tokens.values())


def test_a_password_login_and_an_unknown_key_are_refused(served):
    server, keys, _, _ = served
    for argv in (
        ssh_argv(server, None, "-o", "PreferredAuthentications=password,keyboard-interactive", "127.0.0.1"),
        ssh_argv(server, keys["stranger"], "-tt", "127.0.0.1"),
    ):
        term = SshTerminal(argv)
        try:
            assert term.wait() == 255
            assert "Permission denied (publickey)" in term.text()
            assert "Order" not in term.text()
        finally:
            term.close()
    assert "ssh refused peer=" in server.log_text()


def test_a_command_a_shell_without_terminal_sftp_and_forwarding_get_a_refusal_never_a_shell(served):
    server, keys, _, _ = served
    term = SshTerminal(ssh_argv(server, keys["ann"], "-tt", "127.0.0.1", "echo", "SHELL-$((6*7))"))
    try:
        assert term.wait() == 1
        assert "runs only the dropship-tui app" in term.text() and "SHELL-42" not in term.text()
    finally:
        term.close()
    term = SshTerminal(ssh_argv(server, keys["ann"], "-T", "127.0.0.1"))
    try:
        assert term.wait() == 1 and "needs a terminal" in term.text()
    finally:
        term.close()
    term = SshTerminal(ssh_argv(server, keys["ann"], "-s", "127.0.0.1", "sftp"))
    try:
        assert term.wait() != 0 and "subsystem request failed" in term.text()
    finally:
        term.close()
    term = SshTerminal(ssh_argv(server, keys["ann"], "-tt", "-o", "ExitOnForwardFailure=yes",
                                "-R", "0:127.0.0.1:9", "127.0.0.1"))
    try:
        assert term.wait() == 255 and "forwarding failed" in term.text()
    finally:
        term.close()
    term = SshTerminal(ssh_argv(server, keys["ann"], "-tt", "-A", "127.0.0.1"))
    try:  # asking for the agent is ignored: the app runs, with no agent socket to reach
        assert term.shows(MINE_CUSTOMER[0])
    finally:
        term.close()
    log = server.log_text()
    assert "refused session user=ann" in log and "refused subsystem 'sftp'" in log
    assert "refused remote forwarding user=ann" in log


def test_a_resize_repaints_at_the_new_size(served):
    server, keys, _, _ = served
    term = session(server, keys["ann"], cols=90, rows=24)
    try:
        assert term.shows(MINE_CUSTOMER[0])
        term.read_until(lambda out: False, timeout=1)
        assert b"\x1b[40;" not in term.output  # nothing drawn below row 24 yet
        before = len(term.output)
        term.resize(140, 40)
        # The footer (the last row) is drawn on row 40 of the new window.
        assert term.read_until(lambda out: b"\x1b[40;1H" in out[before:]), term.output[before:][-500:]
    finally:
        term.close()


def test_a_killed_connection_leaves_no_process_and_loses_no_confirmed_action(served):
    server, keys, _, db = served
    term = session(server, keys["ann"])
    try:
        assert term.shows(MINE_CUSTOMER[0])
        assert wait_for(lambda: len(server.app_pids()) == 1)
        term.type("f")  # fulfil the selected order (PO 82): the acknowledgement, prefilled in full
        assert term.shows("Order acknowledgement")
        term.type("\x13")  # ctrl+s: acknowledge
        with SqliteStore(db) as store:
            assert wait_for(lambda: store.get_order(82).stage is Stage.IN_PROGRESS)
        term.proc.kill()  # the client dies without a goodbye
        assert wait_for(lambda: not server.app_pids()), server.app_pids()
    finally:
        term.close()
    with SqliteStore(db) as store:
        order = store.get_order(82)
        assert order.stage is Stage.IN_PROGRESS
        assert any(entry.user == "ann" for entry in store.activity(82))
    conn = sqlite3.connect(db)
    try:
        assert wait_for(lambda: conn.execute("SELECT count(*) FROM api_session_tokens").fetchone()[0] == 0)
    finally:
        conn.close()
    assert wait_for(lambda: "ssh session end user=ann" in server.log_text())


def test_the_per_user_session_limit_refuses_with_a_message(served):
    server, keys, _, _ = served
    terms = [session(server, keys["olga"]) for _ in range(3)]
    try:
        for term in terms:
            assert term.shows(THEIR_CUSTOMER[0])
        extra = session(server, keys["olga"])
        try:
            assert extra.wait() == 1
            assert "olga already has 3 sessions open (the limit is 3)" in extra.text()
        finally:
            extra.close()
    finally:
        for term in terms:
            term.close()
    assert wait_for(lambda: not server.app_pids())
