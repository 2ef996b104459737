"""User settings, read from a TOML file.

The file lives at ``platformdirs.user_config_path("dropship-tui") / "config.toml"``;
the ``DROPSHIP_TUI_CONFIG`` environment variable names another file (tests use it).
A missing file means every default. A file that cannot be read, is not TOML, has a key
this version does not know (usually a typo) or a value of the wrong kind is refused with
an ``InvalidInputError`` naming the file and the key, so a mistake is never silently
ignored.

Example::

    paper_size = "letter"        # "letter", "a4", or "auto" / left out: from the locale
    theme = "textual-dark"
    low_bandwidth = false
    default_store = "~/orders.db"
    print_command = "lp -d warehouse"
    bill_to_name = "Acme Retail Inc."   # the retailer billed on invoices
    bell = false                 # ring the terminal bell when new orders arrive
    live_seconds = 2             # how often the dashboard looks for changes; 0: never

    [keymap]
    acknowledge = "a"
"""

from __future__ import annotations

import locale
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Mapping

import platformdirs

from dropship_tui.domain.billing import DEFAULT_BILL_TO
from dropship_tui.domain.errors import InvalidInputError

APP_NAME = "dropship-tui"
CONFIG_ENV = "DROPSHIP_TUI_CONFIG"

PaperSize = Literal["letter", "a4"]
PAPER_SIZES: tuple[PaperSize, ...] = ("letter", "a4")

LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "PR"})
"""Countries whose glibc LC_PAPER is Letter (the issue names US and CA; the others use it
too). Every other country, and a locale without a country (C, POSIX), gets A4."""


@dataclass(frozen=True)
class Config:
    paper_size: PaperSize | None = None
    """None: from the locale (``resolve_paper_size``)."""
    theme: str = "textual-dark"
    low_bandwidth: bool = False
    default_store: str | None = None
    print_command: str | None = None
    """A command that prints a PDF given as its last argument; None: ``lp`` if present."""
    bill_to_name: str = DEFAULT_BILL_TO
    keymap: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    bell: bool = False
    """Ring the terminal bell when the live dashboard announces new orders."""
    live_seconds: float = 2.0
    """Seconds between the live dashboard's looks at the store (issue 13); 0: never."""


def config_path() -> Path:
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def load_config(path: Path | str | None = None) -> Config:
    """The settings from ``path`` (default ``config_path()``); defaults when missing."""
    path = Path(path) if path is not None else config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        raise InvalidInputError(f"Config file {path} cannot be read: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidInputError(f"Config file {path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInputError(f"Config file {path} is not valid TOML: {exc}") from None
    return config_from_mapping(data, source=str(path))


def config_from_mapping(data: Mapping[str, Any], source: str = "config") -> Config:
    known = {f.name for f in fields(Config)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidInputError(
            f"{source}: unknown key {', '.join(repr(k) for k in unknown)} "
            f"(known keys: {', '.join(sorted(known))})"
        )
    values: dict[str, Any] = {}

    def bad(key: str, expected: str) -> InvalidInputError:
        return InvalidInputError(
            f"{source}: {key} must be {expected}, not {data[key]!r}"
        )

    if "paper_size" in data:
        value = data["paper_size"]
        if not isinstance(value, str) or value.strip().lower() not in (*PAPER_SIZES, "auto", ""):
            raise bad("paper_size", '"letter", "a4" or "auto"')
        norm = value.strip().lower()
        values["paper_size"] = norm if norm in PAPER_SIZES else None
    for key in ("theme", "bill_to_name"):
        if key in data:
            if not isinstance(data[key], str) or not data[key].strip():
                raise bad(key, "a non-empty string")
            values[key] = data[key].strip()
    for key in ("default_store", "print_command"):
        if key in data:
            if not isinstance(data[key], str):
                raise bad(key, "a string")
            values[key] = data[key].strip() or None
    if "low_bandwidth" in data:
        if not isinstance(data["low_bandwidth"], bool):
            raise bad("low_bandwidth", "true or false")
        values["low_bandwidth"] = data["low_bandwidth"]
    if "bell" in data:
        if not isinstance(data["bell"], bool):
            raise bad("bell", "true or false")
        values["bell"] = data["bell"]
    if "live_seconds" in data:
        seconds = data["live_seconds"]
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds <= 3600:
            raise bad("live_seconds", "a number of seconds from 0 to 3600")
        values["live_seconds"] = float(seconds)
    if "keymap" in data:
        keymap = data["keymap"]
        if not isinstance(keymap, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in keymap.items()
        ):
            raise bad("keymap", 'a table of action = "key" strings')
        values["keymap"] = MappingProxyType(dict(keymap))
    return Config(**values)


def locale_country(environ: Mapping[str, str] | None = None) -> str | None:
    """The country part of the paper locale: LC_ALL, then LC_PAPER, then LANG (POSIX
    precedence), then what Python's ``locale`` reports. ``en_US.UTF-8`` -> ``US``."""
    env = os.environ if environ is None else environ
    candidates = [env.get("LC_ALL"), env.get("LC_PAPER"), env.get("LANG")]
    if environ is None:
        try:
            candidates.append(locale.getlocale()[0])
        except ValueError:
            pass
    for value in candidates:
        if not value:
            continue
        name = value.split(".", 1)[0].split("@", 1)[0]
        if name in ("C", "POSIX"):
            return None
        if "_" in name:
            country = name.split("_", 1)[1].upper()
            if country.isalpha() and len(country) == 2:
                return country
    return None


def resolve_paper_size(config: Config | None = None, environ: Mapping[str, str] | None = None) -> PaperSize:
    """The configured paper size, else Letter in Letter countries, else A4."""
    if config is not None and config.paper_size:
        return config.paper_size
    return "letter" if locale_country(environ) in LETTER_COUNTRIES else "a4"
