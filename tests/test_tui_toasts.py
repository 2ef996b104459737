"""Toasts carry user data: they must show it literally, never as markup."""

from __future__ import annotations

import pytest
from tui_support import make_app, screen_text, settle

pytestmark = pytest.mark.anyio


async def test_toast_with_markup_like_data_is_shown_literally(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        app.screen.notify("1 unit of [SKU-1] is not on any slip; carrier [/x] [bold]Ann[/]")
        await settle(pilot)
        toasts = list(app._notifications)
        assert toasts and not toasts[-1].markup
        text = screen_text(app)
        assert "[SKU-1]" in text and "[/x]" in text and "[bold]Ann[/]" in text
