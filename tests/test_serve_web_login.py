"""Issue 15 review, items 5 and 8: the web login page takes API tokens only (a session
token seen in an app's environment opens nothing), a POST or a ``/ws`` from another site's
page (its ``Origin``) is refused, ``--web-secure-cookie`` marks the cookie Secure behind a
TLS proxy, a user keeps at most ``MAX_LOGINS_PER_USER`` logins, a revoked user's next
page is refused, and a login ends (its session token deleted) after its lifetime."""

from __future__ import annotations

import sqlite3

import httpx
import pytest

from dropship_tui import cli
from dropship_tui.server.serving import keys, web
from serve_support import Server, add_user, make_store


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("weblogin")
    db = folder / "server.db"
    make_store(db)
    tokens = {"ann": add_user(db, "ann", "MYSTIC"), "bob": add_user(db, "bob", "MYSTIC")}
    server = Server(db, "--web-secure-cookie", web=True)
    yield server, tokens, db
    server.stop()


def client(server: Server) -> httpx.Client:
    return httpx.Client(base_url=f"http://127.0.0.1:{server.web_port}", follow_redirects=False, timeout=10)


def log_in(http: httpx.Client, token: str, **headers: str) -> httpx.Response:
    return http.post("/login", data={"token": token}, headers=headers)


def with_cookie(answer: httpx.Response) -> dict[str, str]:
    """The login's cookie as a header (each request says which login it is)."""
    return {"Cookie": f"{web.COOKIE}={answer.cookies[web.COOKIE]}"}


def session_tokens(db, user: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM api_session_tokens WHERE user_name = ?", (user,)).fetchone()[0]
    finally:
        conn.close()


def test_a_session_token_is_no_login_though_the_api_takes_it(served):
    server, _, db = served
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        session_token = keys.open_session_token(conn, "ann", "ssh")
    finally:
        conn.close()
    api = httpx.get(f"http://127.0.0.1:{server.port}/me", headers={"Authorization": f"Bearer {session_token}"})
    assert api.status_code == 200
    with client(server) as http:
        refused = log_in(http, session_token)
        assert refused.status_code == 401 and "unknown or revoked" in refused.text
        assert web.COOKIE not in refused.cookies


def test_another_sites_origin_is_refused_and_the_cookie_is_secure(served):
    server, tokens, _ = served
    with client(server) as http:
        for origin in ("https://evil.example", "null"):
            refused = log_in(http, tokens["ann"], Origin=origin)
            assert refused.status_code == 403 and "another site" in refused.text
            assert web.COOKIE not in refused.cookies
        ours = f"http://127.0.0.1:{server.web_port}"
        good = log_in(http, tokens["ann"], Origin=ours)
        assert good.status_code == 303 and good.headers["location"] == "/"
        cookie = good.headers["set-cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
        http.cookies.clear()
        jar = with_cookie(good)
        assert http.get("/", headers=jar).status_code == 200
        socket = http.get("/ws", headers={**jar, "Origin": "https://evil.example"})
        assert socket.status_code == 403
    assert "web refused GET /ws" in server.log_text() and "web refused POST /login" in server.log_text()


def test_logins_per_user_are_capped_and_a_revoked_user_is_refused(served):
    server, tokens, db = served
    with client(server) as http:
        jars = []
        for _ in range(web.MAX_LOGINS_PER_USER + 1):
            answer = log_in(http, tokens["bob"])
            assert answer.status_code == 303
            jars.append(with_cookie(answer))
        http.cookies.clear()
        assert http.get("/", headers=jars[0]).status_code == 303  # the oldest ended
        assert http.get("/", headers=jars[-1]).status_code == 200
        assert session_tokens(db, "bob") == web.MAX_LOGINS_PER_USER
        assert cli.main(["users", "revoke", "bob", "--db", str(db)]) == 0
        refused = http.get("/ws", headers=jars[-1])
        assert refused.status_code == 401
        assert http.get("/", headers=jars[-1]).status_code == 303  # that login is gone
    assert "web login ended user=bob: revoked" in server.log_text()


@pytest.mark.anyio
async def test_a_login_ends_after_its_lifetime(tmp_path):
    import asyncio

    import aiohttp

    from dropship_tui.server.backend import ServerStore
    from dropship_tui.server.serving.child import SessionSpec
    from dropship_tui.server.serving.limits import SessionLimits
    from dropship_tui.server.serving.sessions import SessionStore
    from serve_support import free_port

    db = tmp_path / "server.db"
    make_store(db)
    token = add_user(db, "ann", "MYSTIC")
    store = ServerStore(db, user="server")
    service = web.WebService(SessionStore(store), SessionSpec("http://127.0.0.1:9", tmp_path), SessionLimits())
    service.login_ttl = 1.0
    port = free_port()
    await service.start("127.0.0.1", port)
    try:
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}", cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            async with http.post("/login", data={"token": token}, allow_redirects=False) as answer:
                assert answer.status == 303
            async with http.get("/", allow_redirects=False) as page:
                assert page.status == 200
            assert session_tokens(db, "ann") == 1
            await asyncio.sleep(1.2)
            async with http.get("/", allow_redirects=False) as page:
                assert page.status == 303 and page.headers["Location"] == "/login"
            assert session_tokens(db, "ann") == 0 and not service.logins
    finally:
        await service.stop()
        store.close()
