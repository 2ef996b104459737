"""Issue 16 item 4: the batch review's table takes all its rows at once
(``ReviewTable.add_rows_at_once``) and is then the table ``add_row`` one at a time
makes: the same rows, keys, cursor and lines on screen. The real widget in a real app."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable
from textual.widgets.data_table import DuplicateKey

from factories import HOSTILE_NAMES
from dropship_tui.tui.screens.batch_ack import BLANK, Cell, ReviewTable

pytestmark = pytest.mark.anyio

ROWS = [
    ([Cell(str(po), style="bold") if i == 0 else BLANK, Cell(name if i == 0 else ""), Cell(f"{i}", justify="right")],
     f"{po}:{i}")
    for po, name in zip(range(1001, 1031), HOSTILE_NAMES * 6) for i in range(2)
]


class TwoTables(App):
    def compose(self) -> ComposeResult:
        yield ReviewTable(id="at-once", cursor_type="row")
        yield DataTable(id="one-by-one", cursor_type="row")

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            table.styles.height = 12
            for key, width in (("po", 6), ("customer", 18), ("n", 4)):
                table.add_column(key, key=key, width=width)


def lines(table: DataTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_rows_added_at_once_are_the_rows_added_one_by_one():
    app = TwoTables()
    async with app.run_test(size=(80, 30)) as pilot:
        at_once, one_by_one = app.query_one("#at-once", ReviewTable), app.query_one("#one-by-one", DataTable)
        at_once.add_rows_at_once(ROWS)
        for cells, key in ROWS:
            one_by_one.add_row(*cells, key=key)
        await pilot.pause()
        assert at_once.row_count == one_by_one.row_count == 60
        assert [r.key.value for r in at_once.ordered_rows] == [r.key.value for r in one_by_one.ordered_rows]
        assert lines(at_once) == lines(one_by_one)
        assert "[bold]Ann[/]" in "".join(lines(at_once))  # a name, not markup
        for table in (at_once, one_by_one):
            table.focus()
            await pilot.press("down", "down", "pagedown")
            await pilot.pause()
        assert at_once.cursor_row == one_by_one.cursor_row > 2
        assert lines(at_once) == lines(one_by_one)
        with pytest.raises(DuplicateKey):
            at_once.add_rows_at_once([([Text("x"), Text("y"), Text("z")], "new:1"), ([Text("x"), Text("y"), Text("z")], "1001:0")])
        at_once.add_rows_at_once([])
        assert at_once.row_count == 60 and "new:1" not in at_once.rows  # nothing of a refused batch
