"""``dropship-tui serve --web-port PORT``: the app in a browser (textual-serve), behind the
same token login as the API.

``/login`` is a form: the user's API token (never a session token) is posted in the body,
never put in a URL. A good one opens a web login: a random cookie (HttpOnly,
SameSite=Strict, Secure over HTTPS or with ``--web-secure-cookie``) that the server maps to
a session token (the API token itself is not kept). A login lasts ``SESSION_TTL`` (its
pages are closed then), a user keeps at most ``MAX_LOGINS_PER_USER`` (a new one ends the
oldest), and a revoked user's next page is refused. A POST or a ``/ws`` socket whose
``Origin`` names another host is refused (403), so another site cannot drive the app with
the user's cookie. ``/``, ``/ws`` (one app per page, with the session token in its
environment) and ``/download/…`` (PDFs the app delivers, ``App.deliver_binary``) need the
cookie; without it they go to the login page or answer 401. ``/logout`` ends it. The
session limits and the idle timeout are those of SSH. An app that does not stop within
``STOP_GRACE`` of its page closing is killed with its process group.
"""

from __future__ import annotations

import asyncio
import html
import logging
import os
import secrets
import signal
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web
from yarl import URL
from textual_serve.app_service import AppService
from textual_serve.server import Server

from dropship_tui.domain.errors import DomainError
from dropship_tui.server.auth import Principal
from dropship_tui.server.serving import child
from dropship_tui.server.serving.keys import SESSION_TTL
from dropship_tui.server.serving.limits import SessionLimits
from dropship_tui.server.serving.sessions import SessionStore

log = logging.getLogger("dropship_tui.server.web")

COOKIE = "dropship_session"
MAX_TOKEN = 200
MAX_LOGINS_PER_USER = 10
STOP_GRACE = 5.0
"""Seconds an app gets to quit once its page is closed."""
LOGIN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>dropship-tui: log in</title>
<style>body{{font-family:sans-serif;background:#0c181f;color:#eee;display:flex;justify-content:center;
margin-top:15vh}}form{{background:#12232d;padding:2em;border-radius:6px}}input{{width:28em;padding:.5em}}
button{{margin-top:1em;padding:.5em 2em}}.error{{color:#ff8a80}}</style></head>
<body><form method="post" action="/login" autocomplete="off">
<h1>dropship-tui</h1>
<label for="token">API token (from your admin: dropship-tui users add)</label><br>
<input id="token" name="token" type="password" required maxlength="{max_token}" autofocus><br>
<p class="error" role="alert">{error}</p>
<button type="submit">Log in</button></form></body></html>"""


@dataclass
class WebLogin:
    principal: Principal
    token: str
    """The session token its apps act with."""
    created: float
    """``time.monotonic()`` at login."""


class _AppService(AppService):
    """textual-serve's app process, started from an argument list (no shell) with an
    environment of the session's own."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path, **kwargs: Any) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv, self.env, self.cwd = argv, env, cwd

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = dict(self.env)
        env.update(TEXTUAL_DRIVER="textual.drivers.web_driver:WebDriver", TEXTUAL_FPS="60",
                   TEXTUAL_COLOR_SYSTEM="truecolor", TERM_PROGRAM="textual",
                   COLUMNS=str(width), ROWS=str(height))
        return env

    async def _open_app_process(self, width: int = 80, height: int = 24):
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=self._build_environment(width, height),
            start_new_session=True, cwd=self.cwd,
        )
        self._stdin = process.stdin
        return process

    def kill_group(self) -> None:
        """SIGKILL to the app's process group, while the app is not reaped (its pid, the
        group's id, cannot have been reused)."""
        process = self._process
        if process is not None and process.returncode is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


class WebService(Server):
    def __init__(self, sessions: SessionStore, spec: child.SessionSpec, limits: SessionLimits,
                 *, certfile: str | None = None, keyfile: str | None = None,
                 secure_cookie: bool = False) -> None:
        super().__init__("dropship-tui", title="dropship-tui")
        self.sessions, self.spec, self.limits = sessions, spec, limits
        self.certfile, self.keyfile = certfile, keyfile
        self.secure_cookie = secure_cookie or bool(certfile)
        self.login_ttl = SESSION_TTL.total_seconds()
        self.logins: dict[str, WebLogin] = {}
        self.services: set[AppService] = set()
        self._runner: web.AppRunner | None = None

    async def start(self, host: str, port: int) -> None:
        app = await self._make_app()
        app.router.add_get("/login", self.login_page)
        app.router.add_post("/login", self.login)
        app.router.add_post("/logout", self.logout)
        app.middlewares.append(self._require_login)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        context = None
        if self.certfile:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.certfile, self.keyfile)
        await web.TCPSite(self._runner, host, port, ssl_context=context).start()

    async def on_startup(self, app: web.Application) -> None:
        """(textual-serve prints a banner here; the server log says it instead.)"""

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        for login in list(self.logins.values()):
            await self.sessions.close_token(login.token)
        self.logins.clear()

    def close_all(self) -> None:
        for service in list(self.services):
            asyncio.get_running_loop().create_task(self._end(service))

    async def _end(self, service: _AppService) -> None:
        """Ask the app to quit; kill its group if it has not within ``STOP_GRACE`` (or if
        this is cancelled)."""

        async def stopping() -> None:
            await service.stop()
            if service._process is not None:
                await service._process.wait()

        try:
            await asyncio.wait_for(stopping(), STOP_GRACE)
        except TimeoutError:
            log.warning("web app did not quit within %g s; killed", STOP_GRACE)
        finally:
            service.kill_group()

    # --- login ---------------------------------------------------------------------------

    async def _login_of(self, request: web.Request) -> WebLogin | None:
        """The request's login while it lasts (an expired one is dropped here)."""
        cookie = request.cookies.get(COOKIE, "")
        login = self.logins.get(cookie)
        if login is not None and self._expired(login):
            await self._drop(cookie, "expired")
            return None
        return login

    def _expired(self, login: WebLogin) -> bool:
        return time.monotonic() - login.created >= self.login_ttl

    async def _drop(self, cookie: str, why: str) -> None:
        login = self.logins.pop(cookie, None)
        if login is not None:
            log.info("web login ended user=%s: %s", login.principal.name, why)
            await self.sessions.close_token(login.token)

    @web.middleware
    async def _require_login(self, request: web.Request, handler):
        if (request.method == "POST" or request.path == "/ws") and _foreign_origin(request):
            log.info("web refused %s %s peer=%s: Origin %r is another site", request.method,
                     request.path, request.remote, request.headers.get("Origin", "")[:100])
            raise web.HTTPForbidden(text="Refused: this request came from another site.")
        if request.path in ("/login", "/logout") or request.path.startswith("/static/"):
            return await handler(request)
        if await self._login_of(request) is None:
            if request.path == "/":
                raise web.HTTPSeeOther("/login")
            raise web.HTTPUnauthorized(text="Log in first: /login")
        return await handler(request)

    async def login_page(self, request: web.Request, error: str = "", status: int = 200) -> web.Response:
        body = LOGIN_PAGE.format(max_token=MAX_TOKEN, error=html.escape(error))
        return web.Response(text=body, content_type="text/html", status=status,
                            headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"})

    async def login(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        token = str(form.get("token", "")).strip()[:MAX_TOKEN]
        peer = request.remote
        try:
            principal = self.sessions.user_of_token(token)
        except DomainError:
            log.info("web login refused peer=%s: unknown or revoked token", peer)
            return await self.login_page(request, "That token is unknown or revoked; ask your admin.", 401)
        for cookie in [cookie for cookie, login in self.logins.items() if self._expired(login)]:
            await self._drop(cookie, "expired")
        mine = sorted((login.created, cookie) for cookie, login in self.logins.items()
                      if login.principal.name == principal.name)
        for _, cookie in mine[:max(0, len(mine) - MAX_LOGINS_PER_USER + 1)]:
            await self._drop(cookie, f"more than {MAX_LOGINS_PER_USER} logins, the oldest ends")
        session_token = await self.sessions.open_token(principal.name, "web")
        cookie = secrets.token_urlsafe(32)
        self.logins[cookie] = WebLogin(principal, session_token, time.monotonic())
        log.info("web login user=%s (%s, %s) peer=%s", principal.name, principal.role.value,
                 principal.vendor_code or "all vendors", peer)
        response = web.HTTPSeeOther("/")
        response.set_cookie(COOKIE, cookie, httponly=True, samesite="Strict", secure=self.secure_cookie, path="/")
        raise response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        await self._drop(request.cookies.get(COOKIE, ""), "logged out")
        response = web.HTTPSeeOther("/login")
        response.del_cookie(COOKIE, path="/")
        raise response

    # --- the page and its app -----------------------------------------------------------

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        self.public_url = f"{request.scheme}://{request.host}"  # the address the browser used
        return await super().handle_index(request)

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        login = await self._login_of(request)
        assert login is not None  # the middleware saw to it
        name = login.principal.name
        try:
            self.sessions.user_of_session(login.token)
        except DomainError:
            await self._drop(request.cookies.get(COOKIE, ""), "revoked")
            raise web.HTTPUnauthorized(text="Log in first: /login") from None
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        refusal = self.limits.claim(name)
        if refusal is not None:
            log.info("web refused session user=%s: %s", name, refusal)
            await websocket.send_bytes(("\r\n  " + refusal + "\r\n").encode())
            await websocket.close()
            return websocket
        width = _int(request.query.get("width"), 80)
        height = _int(request.query.get("height"), 24)
        env = child.app_environment(self.spec, name, login.token, {}, "xterm-256color")
        service = _AppService(
            child.app_argv(self.spec, low_bandwidth=False), env, child.documents_folder(self.spec, name),
            write_bytes=websocket.send_bytes, write_str=websocket.send_str, close=websocket.close,
            download_manager=self.download_manager,
        )
        started = time.monotonic()
        log.info("web session start user=%s peer=%s size=%dx%d", name, request.remote, width, height)
        self.services.add(service)
        idle = _Idle(self.limits, websocket)
        left = self.login_ttl - (time.monotonic() - login.created)
        expiry = asyncio.get_running_loop().call_later(max(0.0, left), lambda: asyncio.ensure_future(websocket.close()))
        try:
            await service.start(width, height)
            await self._process_messages(_Watched(websocket, idle), service)
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("web session failed user=%s", name)
        finally:
            idle.cancel()
            expiry.cancel()
            try:
                await self._end(service)
            finally:
                self.services.discard(service)
                self.limits.release(name)
                log.info("web session end user=%s after %.0f s", name, time.monotonic() - started)
        return websocket


def _foreign_origin(request: web.Request) -> bool:
    """An ``Origin`` header naming another host than the one the request was sent to (no
    header, as from a non-browser client, is not foreign; ``null`` is)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    try:
        theirs = URL(origin).host
    except ValueError:
        return True
    ours = request.url.host
    return not theirs or not ours or theirs.lower() != ours.lower()


def _int(value: str | None, default: int) -> int:
    try:
        return max(10, min(int(value or default), 1000))
    except ValueError:
        return default


class _Idle:
    """Closes the page's socket after the idle timeout without a key press."""

    def __init__(self, limits: SessionLimits, websocket: web.WebSocketResponse) -> None:
        self.seconds, self.websocket = limits.idle_seconds, websocket
        self.handle: asyncio.TimerHandle | None = None
        self.touch()

    def touch(self) -> None:
        self.cancel()
        if self.seconds is not None:
            self.handle = asyncio.get_running_loop().call_later(
                self.seconds, lambda: asyncio.ensure_future(self.websocket.close()))

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()


class _Watched:
    """The page's messages, each key press ('stdin') restarting the idle clock."""

    def __init__(self, websocket: web.WebSocketResponse, idle: _Idle) -> None:
        self.websocket, self.idle = websocket, idle

    def __aiter__(self):
        return self._messages()

    def __getattr__(self, name: str) -> Any:  # send_json (pong) and the rest: the socket's
        return getattr(self.websocket, name)

    async def _messages(self):
        async for message in self.websocket:
            if message.type == web.WSMsgType.TEXT and message.data.startswith('["stdin"'):
                self.idle.touch()
            yield message
