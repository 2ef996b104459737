"""Dependencies point one way: screens -> store -> domain. The domain does no I/O."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "src" / "dropship_tui"
FORBIDDEN_IN_DOMAIN = {"textual", "sqlite3", "httpx", "rich", "reportlab", "socket", "urllib.request", "requests"}


def imported_modules(path: Path, source: str | None = None) -> set[str]:
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the file's package
                base = path.parent.relative_to(PACKAGE.parent).parts
                base = base[: len(base) - node.level + 1]
                names.add(".".join([*base, node.module or ""]).rstrip("."))
            elif node.module:
                names.add(node.module)
    return names


def modules_under(folder: str):
    return sorted((PACKAGE / folder).rglob("*.py"))


def test_domain_imports_no_ui_database_or_network():
    files = modules_under("domain")
    assert files, "domain package missing"
    for path in files:
        for name in imported_modules(path):
            top = name.split(".")[0]
            assert top not in FORBIDDEN_IN_DOMAIN and name not in FORBIDDEN_IN_DOMAIN, f"{path.name} imports {name}"
            if name.startswith("dropship_tui."):
                assert name.startswith("dropship_tui.domain"), f"{path.name} imports {name}"


def test_store_never_imports_screens_widgets_or_textual():
    for path in modules_under("store"):
        for name in imported_modules(path):
            assert name.split(".")[0] != "textual", f"{path.name} imports {name}"
            assert not name.startswith(("dropship_tui.screens", "dropship_tui.widgets", "dropship_tui.tui.app")), f"{path.name} imports {name}"


def test_the_check_itself_can_fail():
    probe = PACKAGE / "domain" / "probe.py"  # never written: only its place is used
    names = imported_modules(probe, "import sqlite3\nfrom ..store import base\n")
    assert "sqlite3" in names and "dropship_tui.store" in names
