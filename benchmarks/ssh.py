"""Bytes on the wire of an SSH session (issue 15): what ``dropship-tui serve --ssh-port``
sends an OpenSSH client with compression on (``ssh -C``), counted on the TCP connection
itself by a loopback relay between the two, for

* a cursor move (down) on the dashboard, each of 20 counted on its own (target: < 1 KB);
* opening the order under the cursor (enter) (target: < 16 KB).

    python benchmarks/ssh.py                 # a 2,000-order demo store, 120x36

Needs ``ssh`` and ``ssh-keygen`` (openssh-client). Runs on loopback only and stops by
itself. Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

TARGET_MOVE, TARGET_OPEN = 1024, 16 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Relay(threading.Thread):
    """One TCP connection relayed to the SSH port, counting the server's bytes."""

    def __init__(self, target: int) -> None:
        super().__init__(daemon=True)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port, self.target, self.down = self.listener.getsockname()[1], target, 0

    def run(self) -> None:
        client, _ = self.listener.accept()
        server = socket.create_connection(("127.0.0.1", self.target))
        while True:
            ready, _, _ = select.select([client, server], [], [], 60)
            if not ready:
                return
            for sock in ready:
                data = sock.recv(65536)
                if not data:
                    return
                if sock is server:
                    self.down += len(data)
                    client.sendall(data)
                else:
                    server.sendall(data)


def quiet_total(relay: Relay, quiet: float = 0.6, limit: float = 20.0) -> int:
    """The server's bytes from now until the session goes quiet."""
    start = last = relay.down
    changed, began = time.monotonic(), time.monotonic()
    while time.monotonic() - began < limit:
        time.sleep(0.05)
        if relay.down != last:
            last, changed = relay.down, time.monotonic()
        elif time.monotonic() - changed > quiet and last > start:
            break
    return last - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=2000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="dropship-ssh-bench-"))
    db = folder / "store.db"
    run = [sys.executable, "-m", "dropship_tui"]
    subprocess.run(run + ["demo", "--orders", str(args.orders), "--db", str(db)], check=True, capture_output=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / "key")], check=True)
    vendor = subprocess.run(run + ["orders", "--db", str(db), "--json"], check=True, capture_output=True, text=True)
    code = json.loads(vendor.stdout)[0]["vendor_code"]
    subprocess.run(run + ["users", "add", "bench", "--vendor", code, "--ssh-key", str(folder / "key.pub"),
                          "--db", str(db)], check=True, capture_output=True)
    port, ssh_port = free_port(), free_port()
    server = subprocess.Popen(run + ["serve", "--db", str(db), "--port", str(port), "--ssh-port", str(ssh_port),
                                     "--log-level", "warning"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", ssh_port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    relay = Relay(ssh_port)
    relay.start()
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    client = subprocess.Popen(
        ["ssh", "-C", "-tt", "-p", str(relay.port), "-i", str(folder / "key"), "-F", "/dev/null",
         "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
         "-o", "IdentitiesOnly=yes", "127.0.0.1"],
        stdin=slave, stdout=slave, stderr=slave, start_new_session=True, env=dict(os.environ, TERM="xterm-256color"))
    os.close(slave)
    drain = threading.Thread(target=lambda: _drain(master), daemon=True)
    drain.start()
    failed = False
    try:
        first = quiet_total(relay, quiet=1.5, limit=60)
        print(f"login + first paint of the dashboard: {first:,} bytes on the wire")
        moves = []
        for _ in range(20):
            os.write(master, b"\x1b[B")
            moves.append(quiet_total(relay, quiet=0.4))
        worst = max(moves)
        print(f"cursor move (down), 20 moves: median {sorted(moves)[10]:,} B, worst {worst:,} B "
              f"(target < {TARGET_MOVE:,} B)")
        os.write(master, b"\r")
        opened = quiet_total(relay, quiet=0.8)
        print(f"opening an order (enter): {opened:,} B (target < {TARGET_OPEN:,} B)")
        failed = worst >= TARGET_MOVE or opened >= TARGET_OPEN
    finally:
        client.kill()
        server.send_signal(signal.SIGINT)
        server.wait(timeout=20)
    return 1 if failed else 0


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        pass


if __name__ == "__main__":
    raise SystemExit(main())
