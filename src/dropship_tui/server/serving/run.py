"""``dropship-tui serve`` with ``--ssh-port`` and/or ``--web-port``: the HTTP API, the SSH
server and the web server in one process and one event loop, over one store. The served
sessions' apps connect back to this process's HTTP API (``session_api``); when uvicorn
stops (Ctrl-C, SIGTERM) every session is closed with a message and its app ended. Session
tokens left by a server that did not stop cleanly are deleted when it starts again, and
all of them when it stops."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from dropship_tui.server.serving.child import SessionSpec
from dropship_tui.server.serving.limits import SessionLimits
from dropship_tui.server.serving.sessions import SessionStore

log = logging.getLogger("dropship_tui.server.serve")


@dataclass(frozen=True)
class ServeOptions:
    host: str
    ssh_port: int | None
    web_port: int | None
    session_api: str
    """The URL the sessions' apps use for the API (this process's own, on loopback)."""
    data_dir: Path
    limits: SessionLimits
    web_certfile: str | None = None
    web_keyfile: str | None = None
    web_secure_cookie: bool = False
    """The login cookie is ``Secure`` although the web port is plain HTTP (TLS ends at a
    proxy in front)."""


async def serve(app: FastAPI, http: uvicorn.Config, options: ServeOptions) -> None:
    """Run until uvicorn stops, then close the sessions and the listeners."""
    from dropship_tui.server.serving.ssh import SshService

    server = uvicorn.Server(http)
    sessions = SessionStore(app.state.store)
    sessions.close_all_tokens()
    spec = SessionSpec(options.session_api, options.data_dir)
    closers = []
    if options.ssh_port is not None:
        ssh = SshService(sessions, spec, options.limits)
        acceptor = await ssh.start(options.host, options.ssh_port)
        closers.append((ssh.close_all, acceptor.close))
        log.info("ssh listening on %s:%d", options.host, options.ssh_port)
    if options.web_port is not None:
        from dropship_tui.server.serving.web import WebService

        web = WebService(sessions, spec, options.limits, certfile=options.web_certfile,
                         keyfile=options.web_keyfile, secure_cookie=options.web_secure_cookie)
        await web.start(options.host, options.web_port)
        closers.append((web.close_all, web.stop))
        log.info("web listening on %s:%d", options.host, options.web_port)
    try:
        await server.serve()
    finally:
        interrupted = False
        try:
            for close_sessions, _ in closers:
                close_sessions()
            try:
                await asyncio.sleep(0.2)  # the goodbye messages go out before the listeners close
            except asyncio.CancelledError:  # uvicorn passes its Ctrl-C on once it stopped:
                interrupted = True          # the goodbyes and the stops still happen
            for _, stop in closers:
                result = stop()
                if asyncio.iscoroutine(result):
                    await result
        finally:
            sessions.close_all_tokens()
        if interrupted:
            raise asyncio.CancelledError
