"""What the serving tests share: a store with two vendors, users with real ssh-keygen keys,
``dropship-tui serve`` as a real process, and OpenSSH's client in a pseudo-terminal of
the test's own (so a window resize is a real one)."""

from __future__ import annotations

import fcntl
import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import httpx

import factories as f
from dropship_tui import cli
from dropship_tui.store.sqlite.store import SqliteStore

SSH = shutil.which("ssh")
SSH_KEYGEN = shutil.which("ssh-keygen")
MINE_CUSTOMER = ("Annika", "Lindqvist")
THEIR_CUSTOMER = ("Olga", "Petrova")
_ANSI = re.compile(rb"\x1b(\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>])")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def plain(data: bytes) -> str:
    """The text a terminal output stream shows, escape sequences removed."""
    return _ANSI.sub(b"", data).decode("utf-8", "replace")


def make_store(db: Path) -> None:
    with SqliteStore(db) as store:
        store.add_vendor(f.vendor())
        store.add_location(f.location())
        store.add_vendor(f.vendor("OTHER"))
        store.add_location(f.location("OTHER-WH1", "OTHER"))
        store.import_orders([
            f.order(82, first_name=MINE_CUSTOMER[0], last_name=MINE_CUSTOMER[1]),
            f.order(90, vendor_code="OTHER", location_code="OTHER-WH1",
                    first_name=THEIR_CUSTOMER[0], last_name=THEIR_CUSTOMER[1]),
        ])


def keygen(path: Path) -> Path:
    subprocess.run([SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", str(path)], check=True)
    return path


def add_user(db: Path, name: str, vendor: str, key: Path | None = None, role: str = "admin") -> str:
    args = ["users", "add", name, "--vendor", vendor, "--role", role, "--db", str(db), "--json"]
    if key is not None:
        args += ["--ssh-key", str(key) + ".pub"]
    import contextlib
    import io
    import json

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(args) == 0
    return json.loads(out.getvalue())["token"]


class Server:
    """``dropship-tui serve`` with SSH (and web) ports, as its own process group."""

    def __init__(self, db: Path, *extra: str, web: bool = False) -> None:
        self.port, self.ssh_port = free_port(), free_port()
        self.web_port = free_port() if web else None
        self.log = db.parent / "serve.log"
        argv = [sys.executable, "-m", "dropship_tui", "serve", "--db", str(db), "--port", str(self.port),
                "--ssh-port", str(self.ssh_port), "--log-level", "info", *extra]
        if web:
            argv += ["--web-port", str(self.web_port)]
        env = dict(os.environ, TZ="UTC")
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{self.port}/openapi.json", timeout=1).raise_for_status()
                with socket.create_connection(("127.0.0.1", self.ssh_port), timeout=1):
                    pass
                if self.web_port is not None:
                    with socket.create_connection(("127.0.0.1", self.web_port), timeout=1):
                        pass
                break
            except (httpx.HTTPError, OSError):
                assert time.monotonic() < deadline and self.proc.poll() is None, self.log.read_text()
                time.sleep(0.1)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def app_pids(self) -> list[int]:
        """The apps this server started (its process group's ``dropship_tui --api``)."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmd = (entry / "cmdline").read_bytes().split(b"\0")
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if b"--api" in cmd and f"127.0.0.1:{self.port}".encode() in b" ".join(cmd) and stat[0] != "Z":
                pids.append(int(entry.name))
        return pids

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def ssh_argv(server: Server, key: Path | None, *extra: str) -> list[str]:
    argv = [SSH, "-p", str(server.ssh_port), "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
            "-o", "IdentitiesOnly=yes", "-F", "/dev/null"]
    if key is not None:
        argv += ["-i", str(key)]
    return argv + list(extra)


class SshTerminal:
    """The OpenSSH client in a pseudo-terminal of ours: what it shows, keys typed into it,
    and a real window resize (TIOCSWINSZ on its terminal, then SIGWINCH)."""

    def __init__(self, argv: list[str], cols: int = 100, rows: int = 30) -> None:
        self.master, slave = os.openpty()
        self._size(slave, cols, rows)
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                                     env=dict(os.environ, TERM="xterm-256color"))
        os.close(slave)
        self.output = bytearray()

    @staticmethod
    def _size(fd: int, cols: int, rows: int) -> None:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def read_until(self, predicate, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while not predicate(bytes(self.output)):
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            ready, _, _ = select.select([self.master], [], [], min(left, 0.5))
            if ready:
                try:
                    data = os.read(self.master, 65536)
                except OSError:
                    return predicate(bytes(self.output))
                if not data:
                    return predicate(bytes(self.output))
                self.output += data
        return True

    def text(self) -> str:
        return plain(bytes(self.output))

    def shows(self, *words: str, timeout: float = 30) -> bool:
        return self.read_until(lambda out: all(w in plain(out) for w in words), timeout)

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def resize(self, cols: int, rows: int) -> None:
        self._size(self.master, cols, rows)
        os.kill(self.proc.pid, signal.SIGWINCH)

    def wait(self, timeout: float = 20) -> int:
        self.read_until(lambda out: self.proc.poll() is not None, timeout)
        return self.proc.wait(timeout=5)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)
