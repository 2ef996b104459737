"""Issue 15 review, items 4 and 12: keys the app's terminal cannot take yet wait in one
backlog, in order, the client paused above ``BACKLOG_PAUSE`` and resumed once drained;
the app's group is killed and reaped once (no SIGKILL timer left to fire later)."""

from __future__ import annotations

import asyncio
import hashlib
import sys

import pytest

from dropship_tui.server.serving import child

pytestmark = pytest.mark.anyio
READER = r"""
import hashlib, os, sys, time, tty
tty.setraw(0)
os.write(1, b"ready\n")
time.sleep(1.0)  # the terminal's buffer fills meanwhile
want, got = int(sys.argv[1]), b""
while len(got) < want:
    got += os.read(0, 65536)
os.write(1, ("sha=" + hashlib.sha256(got).hexdigest() + "\n").encode())
"""


async def test_keys_wait_in_order_and_the_client_is_paused_then_resumed(tmp_path):
    data = bytes(i % 251 for i in range(300_000)).replace(b"\x03", b"x")  # no ^C, raw anyway
    output, backlog, exits = bytearray(), [], []
    done = asyncio.get_running_loop().create_future()
    app = child.PtyChild([sys.executable, "-c", READER, str(len(data))], {"PATH": "/usr/bin:/bin"}, 80, 24,
                         on_output=output.extend, on_exit=lambda code: (exits.append(code), done.set_result(code)),
                         cwd=tmp_path, on_backlog=backlog.append)
    for _ in range(100):
        if b"ready" in output:
            break
        await asyncio.sleep(0.05)
    for start in range(0, len(data), 4096):  # as an SSH channel hands them on
        app.write(data[start:start + 4096])
    assert backlog == [True]
    assert await asyncio.wait_for(done, 20) == 0
    assert backlog == [True, False]
    assert f"sha={hashlib.sha256(data).hexdigest()}".encode() in output
    app.kill()  # after the end: nothing to signal, no timer
    await asyncio.sleep(0)
    assert exits == [0] and app._kill_timer is None


async def test_a_killed_app_is_reaped_once_and_its_timer_cancelled(tmp_path):
    exits = []
    done = asyncio.get_running_loop().create_future()
    app = child.PtyChild([sys.executable, "-c", "import time; time.sleep(60)"], {"PATH": "/usr/bin:/bin"}, 80, 24,
                         on_output=lambda data: None, on_exit=lambda code: (exits.append(code), done.set_result(code)),
                         cwd=tmp_path)
    app.kill()
    app.kill()
    assert await asyncio.wait_for(done, 10) < 0  # a signal ended it
    assert app._kill_timer is not None and app._kill_timer.cancelled()
    await asyncio.sleep(0.1)
    assert exits == [done.result()]
