"""docs/tui.md lists every binding id the app declares (the keymap's error message sends
users there): a new binding without its row in the table fails here. The table is
printed by ``python tests/tui_support.py``."""

from __future__ import annotations

from pathlib import Path

from tui_support import declared_bindings, key_text

DOC = Path(__file__).resolve().parent.parent / "docs" / "tui.md"


def test_docs_list_every_binding_id_with_its_default_key():
    text = DOC.read_text(encoding="utf-8")
    rows = {line.split("|")[2].strip(): line for line in text.splitlines() if line.startswith("| `")}
    declared = declared_bindings()
    missing = sorted(ident for ident in declared if f"`{ident}`" not in rows)
    assert not missing, f"binding ids missing from docs/tui.md (python tests/tui_support.py prints the table): {missing}"
    for ident, binding in declared.items():
        assert rows[f"`{ident}`"].startswith(f"| {key_text(binding.key)} |"), ident
