"""Issue 15's limits over SSH with short settings: the idle timeout and the total session
cap each close or refuse with their message; connections that do not log in are capped
per address; the app runs in the user's documents folder; no session token outlives the
server (stale ones go at start, live ones at stop)."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import time

import pytest

from dropship_tui.server.serving import child
from serve_support import (
    MINE_CUSTOMER, SSH, SSH_KEYGEN, THEIR_CUSTOMER, Server, SshTerminal, add_user, keygen,
    make_store, ssh_argv,
)

pytestmark = pytest.mark.skipif(
    SSH is None or SSH_KEYGEN is None, reason="needs OpenSSH's ssh and ssh-keygen (apt-get install openssh-client)"
)


@pytest.fixture
def world(tmp_path):
    db = tmp_path / "server.db"
    make_store(db)
    keys = {name: keygen(tmp_path / f"{name}_key") for name in ("ann", "olga")}
    add_user(db, "ann", "MYSTIC", keys["ann"])
    add_user(db, "olga", "OTHER", keys["olga"])
    return db, keys


def session(server: Server, key) -> SshTerminal:
    return SshTerminal(ssh_argv(server, key, "-tt", "127.0.0.1"))


def wait_for(check, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def session_tokens(db) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM api_session_tokens").fetchone()[0]
    finally:
        conn.close()


def test_the_idle_timeout_closes_the_session_with_its_message(world):
    db, keys = world
    server = Server(db, "--idle-timeout", "0.05")  # 3 s
    try:
        term = session(server, keys["ann"])
        try:
            assert term.shows(MINE_CUSTOMER[0]), term.text()[-2000:]
            assert term.wait(timeout=20) == 1
            assert "Closed after 0.05 min without a key press; connect again to go on." in term.text()
        finally:
            term.close()
        assert wait_for(lambda: not server.app_pids())
        assert wait_for(lambda: "ssh session end user=ann" in server.log_text())
        assert "ssh session closed user=ann" in server.log_text()
    finally:
        server.stop()


def test_the_total_session_cap_refuses_with_its_message_and_frees_the_slot(world):
    db, keys = world
    server = Server(db, "--max-sessions", "2")
    try:
        terms = [session(server, keys["ann"]), session(server, keys["olga"])]
        try:
            assert terms[0].shows(MINE_CUSTOMER[0]) and terms[1].shows(THEIR_CUSTOMER[0])
            extra = session(server, keys["ann"])
            try:
                assert extra.wait() == 1
                assert "The server is full (2 sessions are open, its limit); try again in a few minutes." in extra.text()
                assert MINE_CUSTOMER[0] not in extra.text()
            finally:
                extra.close()
            terms[1].type("q")
            assert terms[1].wait() == 0
            assert wait_for(lambda: len(server.app_pids()) == 1)
            again = session(server, keys["olga"])  # the slot it left is free again
            try:
                assert again.shows(THEIR_CUSTOMER[0])
            finally:
                again.close()
        finally:
            for term in terms:
                term.close()
        assert wait_for(lambda: not server.app_pids())
    finally:
        server.stop()


def _closed_soon(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes ``sock`` within ``seconds`` (its banner read past)."""
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass
        return True
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def test_connections_that_do_not_log_in_are_capped_per_address(world):
    db, keys = world
    server = Server(db)
    held: list[socket.socket] = []
    try:  # the readiness probe's connection (serve_support.Server) is over first
        assert wait_for(lambda: "ssh refused peer=" in server.log_text())
        for _ in range(10):  # MAX_UNAUTHENTICATED_PER_ADDRESS handshakes left hanging
            held.append(socket.create_connection(("127.0.0.1", server.ssh_port)))
        assert not any(_closed_soon(sock, 0.3) for sock in held)
        with socket.create_connection(("127.0.0.1", server.ssh_port)) as extra:
            assert _closed_soon(extra, 5)
        assert "too many connections not logged in" in server.log_text()
        term = session(server, keys["ann"])  # still refused while the others hang
        try:
            assert term.wait() == 255
        finally:
            term.close()
        for sock in held:
            sock.close()
        held.clear()
        time.sleep(0.5)  # the server sees the closes
        term = session(server, keys["ann"])
        try:
            assert term.shows(MINE_CUSTOMER[0])
        finally:
            term.close()
    finally:
        for sock in held:
            sock.close()
        server.stop()


def test_the_app_runs_in_the_users_documents_folder_and_tokens_end_with_the_server(world):
    db, keys = world
    conn = sqlite3.connect(db, isolation_level=None)
    try:  # a token a crashed server left behind
        from dropship_tui.server.serving import keys as ssh_keys

        ssh_keys.open_session_token(conn, "ann", "ssh")
    finally:
        conn.close()
    assert session_tokens(db) == 1
    server = Server(db)
    stopped = False
    try:
        assert session_tokens(db) == 0
        term = session(server, keys["ann"])
        try:
            assert term.shows(MINE_CUSTOMER[0])
            assert wait_for(lambda: len(server.app_pids()) == 1)
            pid = server.app_pids()[0]
            folder = child.user_documents(db.parent, "ann")
            assert os.readlink(f"/proc/{pid}/cwd") == str(folder)
            assert b"-P" in open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
            assert session_tokens(db) == 1
            server.proc.send_signal(signal.SIGINT)  # as systemd's KillSignal=SIGINT
            assert term.wait() == 1 and "The server is shutting down." in term.text()
            server.proc.wait(timeout=15)
            stopped = True
            assert session_tokens(db) == 0
            assert not server.app_pids()
        finally:
            term.close()
    finally:
        if not stopped:
            server.stop()
