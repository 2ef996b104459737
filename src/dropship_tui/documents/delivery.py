"""Where documents go once rendered: the default folder and the system printer."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from dataclasses import dataclass
import os
from pathlib import Path

import platformdirs


APP_DIR = "dropship-tui"


DOCUMENTS_ENV = "DROPSHIP_TUI_DOCUMENTS"


def default_dir() -> Path:
    """``$DROPSHIP_TUI_DOCUMENTS``, else ``<Documents>/dropship-tui`` (created when a file
    is written there). ``--demo`` points it at a ``demo`` subfolder so a demo invoice
    never overwrites a real PO's PDF of the same number."""
    override = os.environ.get(DOCUMENTS_ENV)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_documents_path() / APP_DIR


def slips_filename(po_number: int) -> str:
    return f"PO-{po_number}-packing-slips.pdf"


def invoice_filename(po_number: int) -> str:
    return f"PO-{po_number}-invoice.pdf"


def output_path(explicit: str | Path | None, default_name: str) -> Path:
    """An explicit path as given (``~`` expanded; an existing folder gets the default
    name inside it), else the default folder + name."""
    if explicit is not None and str(explicit).strip():
        path = Path(explicit).expanduser()
        return path / default_name if path.is_dir() else path
    return default_dir() / default_name


@dataclass(frozen=True)
class PrintResult:
    ok: bool
    message: str


def print_command(configured: str | None = None) -> list[str] | None:
    """The command that prints a PDF (the file is appended): the configured
    ``print_command``, else CUPS ``lp`` when installed, else None."""
    if configured and configured.strip():
        return shlex.split(configured)
    lp = shutil.which("lp")
    return [lp] if lp else None


def print_pdf(path: Path, configured: str | None = None, timeout: float = 60) -> PrintResult:
    """Send ``path`` to the printer (``configured``: the config's ``print_command``).
    Never raises for a missing or failing printer: the result says what happened, in
    words for the person at the keyboard."""
    command = print_command(configured)
    if command is None:
        return PrintResult(
            False,
            f"not printed: no printing system found (CUPS 'lp' is not installed and no "
            f"print_command is configured); the PDF is at {path}",
        )
    try:
        done = subprocess.run(
            [*command, str(path)], capture_output=True, text=True, timeout=timeout, check=False
        )
    except FileNotFoundError:
        return PrintResult(False, f"not printed: {command[0]} not found; the PDF is at {path}")
    except subprocess.TimeoutExpired:
        return PrintResult(False, f"not printed: {command[0]} did not answer in {timeout:g} s; the PDF is at {path}")
    if done.returncode != 0:
        why = " ".join((done.stderr or done.stdout or "").split()) or f"exit status {done.returncode}"
        return PrintResult(False, f"not printed: {command[0]} failed: {why}; the PDF is at {path}")
    said = " ".join((done.stdout or "").split())
    return PrintResult(True, f"sent to the printer{': ' + said if said else ''}")
