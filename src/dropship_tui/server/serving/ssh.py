"""``dropship-tui serve --ssh-port PORT``: ``ssh -t host`` lands in the app, no shell.

asyncssh authenticates the client's public key against ``api_ssh_keys`` (passwords and
keyboard-interactive are not offered); each session then runs its own app in a
pseudo-terminal (``child.PtyChild``) connected to the HTTP API with a session token of
that user, so scoping, roles and activity attribution are the user's token's. Anything
but the app is refused: an exec command or a session without a terminal is answered with
one line and exit status 1, subsystems (sftp), port forwarding, agent and X11 forwarding
are refused outright. Limits (``limits.SessionLimits``) and the idle timeout close with a
message. Connections not yet authenticated are capped, per address and in all
(``MAX_UNAUTHENTICATED*``), so a flood of idle handshakes cannot take every slot before
the login timeout. Every start, end and refusal is logged with the user, the peer and the key's
fingerprint, never a token.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import Counter
from pathlib import Path

import asyncssh

from dropship_tui.server.auth import Principal
from dropship_tui.server.serving import child
from dropship_tui.server.serving.keys import SESSION_TTL
from dropship_tui.server.serving.limits import SessionLimits
from dropship_tui.server.serving.sessions import SessionStore

log = logging.getLogger("dropship_tui.server.ssh")

HOST_KEY_FILE = "ssh_host_ed25519_key"
MAX_UNAUTHENTICATED_PER_ADDRESS = 10
MAX_UNAUTHENTICATED = 100
ONLY_THE_APP = ("This server runs only the dropship-tui app; connect with 'ssh -t HOST' "
                "and no command.")
NEEDS_TERMINAL = "The dropship-tui app needs a terminal; connect with 'ssh -t HOST'."
RESTORE_TERMINAL = b"\x1b[?1049l\x1b[?1000l\x1b[?1003l\x1b[?1006l\x1b[?25h\x1b[0m\r\n"
"""Leave the app's screen (alternate screen off, mouse off, cursor on) before a message."""


def host_key(data_dir: Path) -> asyncssh.SSHKey:
    """The server's host key: made once (ed25519), kept in the data dir, readable by the
    server's account only; the same key on every start, so clients' known_hosts hold."""
    path = data_dir / HOST_KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        key = asyncssh.generate_private_key("ssh-ed25519")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key.export_private_key())
        log.info("ssh host key created in %s (%s)", path, key.get_fingerprint("sha256"))
    return asyncssh.read_private_key(path)


class SshService:
    """What every connection shares: the store, the limits and where apps connect."""

    def __init__(self, sessions: SessionStore, spec: child.SessionSpec, limits: SessionLimits) -> None:
        self.sessions, self.spec, self.limits = sessions, spec, limits
        self.live: set[AppSession] = set()
        self.unauthenticated: Counter[str] = Counter()
        """Open connections that have not logged in yet, by client address."""
        self.max_unauthenticated = (MAX_UNAUTHENTICATED_PER_ADDRESS, MAX_UNAUTHENTICATED)

    def admit(self, address: str) -> bool:
        """Count a new connection from ``address``, or say no (it is closed at once)."""
        per_address, total = self.max_unauthenticated
        if self.unauthenticated[address] >= per_address or sum(self.unauthenticated.values()) >= total:
            return False
        self.unauthenticated[address] += 1
        return True

    def authenticated(self, address: str) -> None:
        self.unauthenticated[address] -= 1
        if self.unauthenticated[address] <= 0:
            del self.unauthenticated[address]

    async def start(self, host: str, port: int) -> asyncssh.SSHAcceptor:
        return await asyncssh.create_server(
            lambda: _Connection(self), host, port,
            server_host_keys=[host_key(self.spec.data_dir)], encoding=None,
            agent_forwarding=False, x11_forwarding=False, allow_pty=True, line_editor=False,
            keepalive_interval=60, keepalive_count_max=3, login_timeout=60,
        )

    def close_all(self) -> None:
        for session in list(self.live):
            session.end("The server is shutting down.")


class _Connection(asyncssh.SSHServer):
    def __init__(self, service: SshService) -> None:
        self.service = service
        self.principal: Principal | None = None
        self.fingerprint = ""
        self.peer = "?"
        self.address: str | None = None
        self.flooding = False
        """The client's address while this connection counts as not logged in yet."""

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        peer = conn.get_extra_info("peername") or ("?", 0)
        self.peer = f"{peer[0]}:{peer[1]}"
        if not self.service.admit(str(peer[0])):
            log.info("ssh refused peer=%s: too many connections not logged in", self.peer)
            self.flooding = True
            conn.close()
            return
        self.address = str(peer[0])

    def _logged_in_or_gone(self) -> None:
        if self.address is not None:
            self.service.authenticated(self.address)
            self.address = None

    def auth_completed(self) -> None:
        self._logged_in_or_gone()

    def connection_lost(self, exc: Exception | None) -> None:
        self._logged_in_or_gone()
        if self.principal is None and not self.flooding:
            log.info("ssh refused peer=%s: no registered key%s", self.peer,
                     f" (offered {self.fingerprint})" if self.fingerprint else "")

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        """The key alone says who the user is (the SSH login name is not used)."""
        fingerprint = key.get_fingerprint("sha256")
        principal = self.service.sessions.user_of_key(fingerprint)
        if principal is None:
            self.fingerprint = fingerprint
            return False
        self.principal, self.fingerprint = principal, fingerprint
        return True

    def session_requested(self) -> asyncssh.SSHServerSession | bool:
        if self.principal is None:
            return False
        return AppSession(self.service, self.principal, self.peer, self.fingerprint)

    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str, orig_port: int) -> bool:
        log.info("ssh refused port forwarding user=%s peer=%s", self.principal and self.principal.name, self.peer)
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        log.info("ssh refused remote forwarding user=%s peer=%s", self.principal and self.principal.name, self.peer)
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        return False


class AppSession(asyncssh.SSHServerSession):
    """One SSH session channel: the app, or one line saying why not."""

    def __init__(self, service: SshService, principal: Principal, peer: str, fingerprint: str) -> None:
        self.service, self.principal, self.peer, self.fingerprint = service, principal, peer, fingerprint
        self.chan: asyncssh.SSHServerChannel | None = None
        self.term: str | None = None
        self.size = (80, 24)
        self.command: str | None = None
        self.app: child.PtyChild | None = None
        self.token: str | None = None
        self.claimed = False
        self.started = 0.0
        self._timers: list[asyncio.TimerHandle] = []
        self._idle: asyncio.TimerHandle | None = None
        self._ended = False

    def _who(self) -> str:
        vendor = self.principal.vendor_code or "all vendors"
        return f"user={self.principal.name} ({self.principal.role.value}, {vendor}) peer={self.peer} key={self.fingerprint}"

    # --- what the client asks for ----------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], term_modes) -> bool:
        self.term = term_type
        if term_size[0] and term_size[1]:
            self.size = (term_size[0], term_size[1])
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self.command = command  # answered with a refusal once the session starts
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        log.info("ssh refused subsystem %r %s", subsystem[:40], self._who())
        return False

    def session_started(self) -> None:
        asyncio.get_running_loop().create_task(self._start())

    async def _start(self) -> None:
        refusal = None
        if self.command is not None:
            refusal = ONLY_THE_APP
        elif self.term is None:
            refusal = NEEDS_TERMINAL
        else:
            refusal = self.service.limits.claim(self.principal.name)
            self.claimed = refusal is None
        if refusal is not None:
            log.info("ssh refused session %s: %s", self._who(), refusal)
            self._refuse(refusal)
            return
        try:
            self.token = await self.service.sessions.open_token(self.principal.name, "ssh")
        except Exception:
            log.exception("ssh session could not start %s", self._who())
            self._refuse("The server could not start a session; try again.")
            return
        if self._ended:  # the client left while the token was being made
            await self._cleanup()
            return
        spec = self.service.spec
        config = child.user_config(spec.data_dir, self.principal.name)
        env_in = dict(self.chan.get_environment()) if self.chan is not None else {}
        env = child.app_environment(spec, self.principal.name, self.token, env_in, self.term)
        argv = child.app_argv(spec, low_bandwidth=child.wants_low_bandwidth(config))
        self.app = child.PtyChild(argv, env, *self.size, on_output=self._output, on_exit=self._app_exited,
                                  cwd=child.documents_folder(spec, self.principal.name),
                                  on_backlog=self._backlog)
        self.started = time.monotonic()
        self.service.live.add(self)
        log.info("ssh session start %s term=%s size=%dx%d", self._who(), self.term, *self.size)
        loop = asyncio.get_running_loop()
        self._timers.append(loop.call_later(
            SESSION_TTL.total_seconds(), self.end,
            f"The session reached its {SESSION_TTL.total_seconds() / 3600:g} h limit; connect again to go on."))
        self._touch()

    def _refuse(self, message: str) -> None:
        if self.chan is not None:
            self.chan.write(message.encode() + b"\r\n" if self.term else message.encode() + b"\n")
            self.chan.exit(1)

    def _touch(self) -> None:
        """A key press: the idle clock starts again."""
        seconds = self.service.limits.idle_seconds
        if seconds is None or self.app is None:
            return
        if self._idle is not None:
            self._idle.cancel()
        minutes = self.service.limits.idle_minutes
        self._idle = asyncio.get_running_loop().call_later(
            seconds, self.end, f"Closed after {minutes:g} min without a key press; connect again to go on.")

    def _backlog(self, full: bool) -> None:
        """The app is behind with its keys: stop reading the client until it catches up."""
        if self.chan is not None:
            if full:
                self.chan.pause_reading()
            else:
                self.chan.resume_reading()

    def data_received(self, data: bytes, datatype) -> None:
        if self.app is not None:
            self.app.write(data)
            self._touch()

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self.size = (width or self.size[0], height or self.size[1])
        if self.app is not None:
            self.app.resize(*self.size)

    def pause_writing(self) -> None:
        if self.app is not None:
            self.app.pause()

    def resume_writing(self) -> None:
        if self.app is not None:
            self.app.resume()

    def eof_received(self) -> bool:
        """The client sends no more keys (``ssh -tt < /dev/null``): the app keeps
        showing; quitting or closing the connection ends it."""
        return True

    # --- the app's side ----------------------------------------------------------------

    def _output(self, data: bytes) -> None:
        if self.chan is not None and not self._ended:
            try:
                self.chan.write(data)
            except BrokenPipeError:  # the channel closed under us: the client is gone
                self.connection_lost(None)

    def _app_exited(self, code: int) -> None:
        if not self._ended and self.chan is not None:
            self._ended = True
            self.chan.exit(code if 0 <= code < 256 else 1)
        asyncio.get_running_loop().create_task(self._cleanup(code))

    def end(self, message: str) -> None:
        """Close the session with ``message`` on the client's screen (a limit, shutdown)."""
        if self._ended:
            return
        self._ended = True
        log.info("ssh session closed %s: %s", self._who(), message)
        if self.chan is not None:
            self.chan.write(RESTORE_TERMINAL + message.encode() + b"\r\n")
            self.chan.exit(1)
        if self.app is not None:
            self.app.kill()

    def connection_lost(self, exc: Exception | None) -> None:
        """The client left (or was closed): the app goes too, with its whole group."""
        self._ended = True
        if self.app is not None:
            self.app.kill()
        else:
            asyncio.get_running_loop().create_task(self._cleanup())

    async def _cleanup(self, code: int | None = None) -> None:
        for timer in self._timers + ([self._idle] if self._idle else []):
            timer.cancel()
        self._timers, self._idle = [], None
        if self.claimed:
            self.claimed = False
            self.service.limits.release(self.principal.name)
        if self.token is not None:
            token, self.token = self.token, None
            await self.service.sessions.close_token(token)
        if self in self.service.live:
            self.service.live.discard(self)
            log.info("ssh session end %s after %.0f s%s", self._who(), time.monotonic() - self.started,
                     "" if code is None else f" (app exit {code})")
