"""What an empty store shows on the dashboard instead of an empty grid."""

from __future__ import annotations

from rich.text import Text


def empty_store_text(db_option: str = "") -> Text:
    """What an empty store shows instead of an empty grid: how to get orders in.
    ``db_option`` (`` --db PATH``) names this store when it is not the default one."""
    text = Text()
    text.append("This store has no orders yet.\n\n", style="bold")
    for intro, command in (
        ("Load demo data into it (sample orders in every stage):", f"dropship-tui demo{db_option}"),
        ("Import purchase orders from a file:", f"dropship-tui import FILE.json{db_option}"),
        ("Or try everything on a throwaway store:", "dropship-tui --demo"),
    ):
        text.append(intro + "\n")
        text.append("    " + command + "\n\n", style="bold")
    text.append("Then press r here to refresh, or q to quit.", style="italic")
    return text
