"""One session's app: ``dropship-tui --api URL`` as a child process, with its environment
built from what the client says (TERM, colour depth, language) and the session token, never
the server's own environment; over SSH in a pseudo-terminal of its own (``PtyChild``).

The child leads a process group of its own, so ending a session (the client gone, an idle
timeout) ends everything it started: SIGHUP to the group, then SIGKILL after a grace
period; the last SIGKILL goes to the group while its leader is still an unreaped zombie,
so the group id cannot have been reused by another session. Nothing confirmed is lost: each action the app confirmed was already one committed
server transaction.
"""

from __future__ import annotations

import asyncio
import errno
import fcntl
import hashlib
import os
import re
import signal
import struct
import subprocess
import sys
import termios
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dropship_tui.services.served_files import SERVED_ENV

KILL_GRACE = 2.0
"""Seconds between SIGHUP and SIGKILL when a session ends."""
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_HASHED = "u-"
"""Folder names of users whose name is not safe as one: ``u-`` + the name's full sha256;
a safe name starting ``u-`` is hashed too, so the two kinds never meet."""
BACKLOG_PAUSE = 65536
"""Keys waiting for the app's terminal above which the client's channel stops being read."""
_COLOUR_TERMS = {"truecolor", "24bit"}


@dataclass(frozen=True)
class SessionSpec:
    """Where a session's app connects and where its per-user files live."""

    api_url: str
    data_dir: Path


def user_folder_name(name: str) -> str:
    """A served user's file and folder name: the name itself when it is safe as one (no
    leading dot, nothing but letters, digits, ``.``, ``_`` and ``-``), else ``u-`` + its
    sha256, so two users never share one."""
    if _SAFE_NAME.fullmatch(name) and not name.startswith(_HASHED):
        return name
    return _HASHED + hashlib.sha256(name.encode("utf-8")).hexdigest()


def user_config(data_dir: Path, name: str) -> Path:
    """The settings file of a served user (``DATA_DIR/serve-config/NAME.toml``): each user
    has their own, never the server account's."""
    return data_dir / "serve-config" / f"{user_folder_name(name)}.toml"


def user_documents(data_dir: Path, name: str) -> Path:
    """A served user's documents folder (``DATA_DIR/documents/NAME``): its PDFs, the only
    files its app may read (``services.served_files``), and its app's working folder."""
    return data_dir / "documents" / user_folder_name(name)


def documents_folder(spec: SessionSpec, name: str) -> Path:
    """``user_documents``, made (readable by the server's account only) when missing."""
    folder = user_documents(spec.data_dir, name)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def wants_low_bandwidth(config: Path) -> bool:
    """SSH sessions run ``--low-bandwidth`` unless the user's config says
    ``low_bandwidth = false`` (a config the app cannot read is the app's to report)."""
    try:
        with config.open("rb") as fh:
            return tomllib.load(fh).get("low_bandwidth", True) is not False
    except (OSError, tomllib.TOMLDecodeError):
        return True


def app_argv(spec: SessionSpec, *, low_bandwidth: bool) -> list[str]:
    """``-P``: the working folder (the user's documents) is not put on ``sys.path``."""
    return [sys.executable, "-P", "-m", "dropship_tui", "--api", spec.api_url] + (
        ["--low-bandwidth"] if low_bandwidth else []
    )


def app_environment(spec: SessionSpec, name: str, token: str, client_env: dict[str, str],
                    term: str | None) -> dict[str, str]:
    """The child's whole environment. From the client only TERM, COLORTERM (truecolor or
    24bit) and a UTF-8 LANG; from the server PATH, PYTHONPATH and TZ."""
    env = {key: os.environ[key] for key in ("PATH", "PYTHONPATH", "TZ", "HOME") if key in os.environ}
    lang = client_env.get("LANG", "")
    env["LANG"] = lang if re.fullmatch(r"[A-Za-z_]{1,16}\.(UTF-8|utf8)", lang) else "C.UTF-8"
    env["TERM"] = term if term and re.fullmatch(r"[A-Za-z0-9.+_-]{1,64}", term) else "xterm-256color"
    if client_env.get("COLORTERM", "").lower() in _COLOUR_TERMS:
        env["COLORTERM"] = client_env["COLORTERM"].lower()
    env["DROPSHIP_TUI_TOKEN"] = token
    env["DROPSHIP_TUI_CONFIG"] = str(user_config(spec.data_dir, name))
    env["DROPSHIP_TUI_DOCUMENTS"] = str(user_documents(spec.data_dir, name))
    env[SERVED_ENV] = "1"
    return env


def _take_terminal() -> None:  # runs in the child, after setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _winsize(cols: int, rows: int) -> bytes:
    return struct.pack("HHHH", max(1, min(rows, 1000)), max(1, min(cols, 1000)), 0, 0)


class PtyChild:
    """The app in a pseudo-terminal whose size follows the client's window.

    ``on_output(bytes)`` gets what the app writes; ``on_exit(code)`` runs once, when the
    app has exited (by itself or killed); ``on_backlog(True)`` when more than
    ``BACKLOG_PAUSE`` bytes of keys wait for the app (stop reading the client), and
    ``on_backlog(False)`` once they are all written."""

    def __init__(self, argv: list[str], env: dict[str, str], cols: int, rows: int,
                 on_output: Callable[[bytes], None], on_exit: Callable[[int], None],
                 *, cwd: Path, on_backlog: Callable[[bool], None] = lambda full: None) -> None:
        self._loop = asyncio.get_running_loop()
        self._on_output, self._on_exit, self._on_backlog = on_output, on_exit, on_backlog
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, _winsize(cols, rows))
        try:
            self.process = subprocess.Popen(
                argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
                start_new_session=True, preexec_fn=_take_terminal, close_fds=True,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        self._master: int | None = master
        os.set_blocking(master, False)
        self._reading = False
        self._backlog = bytearray()
        self._paused_client = False
        self._kill_timer: asyncio.TimerHandle | None = None
        self._reaping: asyncio.Task[None] | None = None
        self._reaped = False
        self.resume()

    @property
    def pid(self) -> int:
        return self.process.pid

    def pause(self) -> None:
        if self._reading and self._master is not None:
            self._loop.remove_reader(self._master)
            self._reading = False

    def resume(self) -> None:
        if not self._reading and self._master is not None:
            self._loop.add_reader(self._master, self._readable)
            self._reading = True

    def _readable(self) -> None:
        try:
            data = os.read(self._master, 65536)
        except BlockingIOError:
            return
        except OSError as exc:  # EIO: every copy of the terminal's other end is closed
            if exc.errno != errno.EIO:
                raise
            data = b""
        if data:
            self._on_output(data)
        else:
            self._close_master()
            self._reap_soon()

    def write(self, data: bytes) -> None:
        """Keys from the client, in order: what the terminal cannot take yet waits in one
        backlog, written when the terminal is writable again."""
        if self._master is None:
            return
        if self._backlog:
            self._backlog += data
        else:
            self._backlog = bytearray(data)
            self._flush()
            if self._backlog and self._master is not None:
                self._loop.add_writer(self._master, self._flush)
        if len(self._backlog) > BACKLOG_PAUSE and not self._paused_client:
            self._paused_client = True
            self._on_backlog(True)

    def _flush(self) -> None:
        while self._backlog and self._master is not None:
            try:
                written = os.write(self._master, self._backlog)
            except BlockingIOError:
                return
            except OSError:  # the app is gone: nobody will read these keys
                self._backlog.clear()
                break
            del self._backlog[:written]
        if self._master is not None:
            self._loop.remove_writer(self._master)
        if self._paused_client:
            self._paused_client = False
            self._on_backlog(False)

    def resize(self, cols: int, rows: int) -> None:
        """The kernel sends SIGWINCH to the app, which repaints at the new size."""
        if self._master is not None:
            fcntl.ioctl(self._master, termios.TIOCSWINSZ, _winsize(cols, rows))

    def _close_master(self) -> None:
        if self._master is not None:
            self.pause()
            self._loop.remove_writer(self._master)
            self._backlog.clear()
            os.close(self._master)
            self._master = None

    def kill(self) -> None:
        """End the app and everything it started (its process group)."""
        self._signal(signal.SIGHUP)
        if self._kill_timer is None and not self._reaped:
            self._kill_timer = self._loop.call_later(KILL_GRACE, self._signal, signal.SIGKILL)
        self._close_master()
        self._reap_soon()

    def _signal(self, sig: int) -> None:
        """Only while the group leader is not reaped: its pid, the group's id, is ours."""
        if self._reaped:
            return
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            pass

    def _reap_soon(self) -> None:
        if self._reaping is None:
            self._reaping = self._loop.create_task(self._reap())

    async def _reap(self) -> None:
        pid = self.process.pid
        try:
            await asyncio.to_thread(os.waitid, os.P_PID, pid, os.WEXITED | os.WNOWAIT)
        except ChildProcessError:  # reaped already (cannot happen unless someone else waits)
            pass
        self._signal(signal.SIGKILL)  # anything the app left behind, the leader a zombie still
        if self._kill_timer is not None:
            self._kill_timer.cancel()
        self._reaped = True
        code = await asyncio.to_thread(self.process.wait)
        self._on_exit(code)
