"""Issue 15: ``serve --web-port`` in a real headless Chromium (Debian's, driven by
Playwright over CDP; no browser is downloaded): the page asks for the token, a wrong one
is refused, the right one opens the dashboard of the user's own vendor, and the
screenshot shows it. The token is never in a URL."""

from __future__ import annotations

import shutil

import pytest

from serve_support import MINE_CUSTOMER, THEIR_CUSTOMER, Server, add_user, make_store, plain

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (pip install -e '.[test]')")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (apt-get install chromium)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web")
    db = folder / "server.db"
    make_store(db)
    token = add_user(db, "ann", "MYSTIC")
    server = Server(db, web=True)
    yield server, token, folder
    server.stop()


def test_chromium_logs_in_and_the_screenshot_shows_the_dashboard(served):
    server, token, folder = served
    base = f"http://127.0.0.1:{server.web_port}"
    urls: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(  # a fresh --user-data-dir
            str(folder / "profile"), executable_path=CHROMIUM, args=FLAGS, viewport={"width": 1280, "height": 800})
        try:
            page = browser.new_page()
            page.on("request", lambda request: urls.append(request.url))
            # The terminal is drawn on a canvas (no DOM text): what it draws is the text the
            # page receives on its socket.
            frames = bytearray()
            page.on("websocket", lambda ws: ws.on(
                "framereceived", lambda data: frames.extend(data if isinstance(data, bytes) else data.encode())))
            page.goto(base + "/")
            assert page.url.endswith("/login")  # no cookie: the login page
            page.fill("#token", "not-a-token")
            page.click("button[type=submit]")
            assert "unknown or revoked" in page.inner_text("body")
            page.fill("#token", token)
            page.click("button[type=submit]")
            page.wait_for_selector("canvas", timeout=30_000)
            for _ in range(300):
                if MINE_CUSTOMER[0] in plain(bytes(frames)):
                    break
                page.wait_for_timeout(100)
            page.wait_for_timeout(1000)
            text = plain(bytes(frames))
            assert MINE_CUSTOMER[0] in text and "Dashboard" in text and "New" in text
            assert THEIR_CUSTOMER[0] not in text
            shot = folder / "dashboard.png"
            page.screenshot(path=str(shot))
        finally:
            browser.close()
    assert not any(token in url for url in urls)
    assert not any(token in line for line in server.log_text().splitlines())
    _assert_not_blank(shot)
    shutil.copy(shot, folder.parent / "web-dashboard.png")  # kept beside the test run, to look at
    assert "web session start user=ann" in server.log_text()


def _assert_not_blank(png) -> None:
    """A real picture: many distinct colours, not one flat background."""
    from PIL import Image

    with Image.open(png) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 20
    assert max(count for count, _ in colours) < 0.95 * sum(count for count, _ in colours)
