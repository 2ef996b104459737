"""The one progress bar: ``█`` for the part done, ``░`` for the rest (the dashboard's rows
and the order detail show it, each with its percentage)."""

from __future__ import annotations


def progress_bar(percent: int, cells: int) -> tuple[str, str]:
    """(the filled cells, the empty cells) of a bar ``cells`` wide at ``percent``."""
    percent = max(0, min(100, percent))
    full = round(percent * cells / 100)
    return "█" * full, "░" * (cells - full)
