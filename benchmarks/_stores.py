"""The demo store a benchmark measures: built once with the fast path, then reused."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path


def ensure_store(orders: int, cache: Path, now: datetime) -> Path:
    """``cache/<orders>.db``, built on first use (into a temporary name, renamed when
    complete, so an interrupted build is never mistaken for a finished one)."""
    path = cache / f"{orders}.db"
    if path.exists():
        return path
    from dropship_tui.store.demo import build_demo

    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    if tmp.exists():
        tmp.unlink()
    print(f"building a demo store of {orders:,} orders in {path} (once) …", flush=True)
    t0 = time.perf_counter()
    build_demo(tmp, orders=orders, seed=1, now=now, fast=True)
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    tmp.rename(path)
    print(f"  built in {time.perf_counter() - t0:.1f} s", flush=True)
    return path
