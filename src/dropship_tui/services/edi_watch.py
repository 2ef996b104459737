"""``edi watch``: import the X12 files put in an inbox, archive them, and deliver the
documents that come due into an outbox, pass after pass.

When a file is read: only regular files whose name does not start with "." nor end with
".part" or ".tmp", and only once they have stopped changing: the size and modification
time seen at one look are the same ``settle`` seconds later. A producer that writes in
place is therefore read only after it stops writing; one that writes under a temporary
name and renames into the inbox (atomic) is read at once after the settle time.

Restart-safe: a file is moved to the archive after its import committed; a crash in
between imports it again on restart, which is a no-op (the interchange's ISA13 from that
partner was received already; each 850 is unique per vendor and BEG03). Delivery is
exactly-once (``edi_outbox``).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from dropship_tui.services.edi_import import import_edi
from dropship_tui.services.edi_outbox import deliver
from dropship_tui.store.sqlite.store import SqliteStore

SETTLE = 2.0


def _candidates(inbox: Path) -> dict[Path, tuple[int, int]]:
    out = {}
    for path in sorted(inbox.iterdir()):
        name = path.name
        if name.startswith(".") or name.endswith((".part", ".tmp")) or not path.is_file():
            continue
        st = path.stat()
        out[path] = (st.st_size, st.st_mtime_ns)
    return out


def settled(inbox: Path, settle: float) -> list[Path]:
    """The files that kept their size and modification time for ``settle`` seconds."""
    first = _candidates(inbox)
    if settle > 0 and first:
        time.sleep(settle)
    now = _candidates(inbox)
    return [p for p, seen in first.items() if now.get(p) == seen]


@dataclass
class Pass:
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _archive_path(archive: Path, name: str) -> Path:
    target, n = archive / name, 1
    while target.exists():
        n += 1
        target = archive / f"{Path(name).stem}.{n}{Path(name).suffix}"
    return target


def one_pass(store: SqliteStore, inbox: Path, outbox: Path, archive: Path, settle: float = SETTLE) -> Pass:
    """Import the settled files, archive them, deliver what is due."""
    result = Pass()
    archive.mkdir(parents=True, exist_ok=True)
    for path in settled(inbox, settle):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            result.problems.append(f"{path.name}: cannot read it ({exc}); left in the inbox")
            continue
        report = import_edi(store, text, path.name)
        (result.problems if report.refused else result.lines).append(f"{path.name}: {report.message}")
        os.replace(path, _archive_path(archive, path.name))
    delivery = deliver(store, outbox)
    result.lines += [f"sent {p.name}" for p in delivery.written]
    result.problems += delivery.problems
    return result
