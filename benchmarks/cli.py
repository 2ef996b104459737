"""CLI start-up: the whole process of ``dropship-tui orders --limit 50 --json`` on a small
store, next to a bare ``python -c pass``, and where the import time goes.

    python benchmarks/cli.py               # 10 runs of each
    python benchmarks/cli.py --runs 30     # steadier medians on a busy machine

The store (200 orders) is built once with the demo fast path into ``--cache`` (default
``$TMPDIR/dropship-tui-bench/``). Every run is a fresh process, as a shell starts it; the
command is the installed ``dropship-tui`` script when there is one next to this Python,
else ``python -m dropship_tui``. The bytecode is compiled once into the cache (as
installing a package does) and reused: ``PYTHONDONTWRITEBYTECODE`` is dropped for the
runs, so they measure loading the code, not compiling it.

Wall time on a shared box includes waiting for the CPU, so each figure also gives the CPU
time the processes used, and the load average is printed. Exit status 1 if the target
(150 ms, median whole process) is missed.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import _stores  # benchmarks/ is on sys.path when a script runs

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=timezone.utc)
ORDERS = 200
TARGET_MS = 150.0
TOP = 10


def command() -> list[str]:
    script = Path(sys.executable).with_name("dropship-tui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "dropship_tui"]


def environment(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache / "pycache")
    return env


def timed(argv: list[str], env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of ``runs`` fresh processes of ``argv``."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
        walls.append((time.perf_counter() - started) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        cpus.append(cpu * 1000)
    return walls, cpus


def import_times(argv: list[str], env: dict[str, str]) -> list[tuple[str, int, int]]:
    """(module, self µs, cumulative µs) from ``python -X importtime``, one line per module."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "dropship_tui", *argv],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True,
    )
    rows = []
    for line in result.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|\s*(\S+)", line)
        if m:
            rows.append((m[3], int(m[1]), int(m[2])))
    return rows


def line(label: str, walls: list[float], cpus: list[float]) -> None:
    print(
        f"  {label:<52} median {statistics.median(walls):6.0f} ms   best {min(walls):6.0f} ms"
        f"   cpu {statistics.median(cpus):6.0f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "dropship-tui-bench")
    args = parser.parse_args()

    db = _stores.ensure_store(ORDERS, args.cache, NOW)
    env = environment(args.cache)
    orders = ["orders", "--limit", "50", "--json", "--db", str(db)]
    argv = [*command(), *orders]
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)  # compile once
    subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)

    print(
        f"{ORDERS} orders; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"{args.runs} runs each"
    )
    bare_wall, bare_cpu = timed([sys.executable, "-c", "pass"], env, args.runs)
    line("python -c pass", bare_wall, bare_cpu)
    walls, cpus = timed(argv, env, args.runs)
    line("dropship-tui orders --limit 50 --json", walls, cpus)
    median = statistics.median(walls)
    ok = median <= TARGET_MS
    print(
        f"  whole process {median:.0f} ms, target {TARGET_MS:.0f} ms: {'ok' if ok else 'MISSED'}"
        f" ({median - statistics.median(bare_wall):.0f} ms more than a bare python)"
    )

    rows = import_times(orders, env)
    total = sum(own for _, own, _ in rows)
    print(f"\npython -X importtime: {len(rows)} modules, {total / 1000:.0f} ms in all; top {TOP} by cumulative time")
    print(f"  {'module':<44} {'cumulative':>10} {'self':>8}")
    for name, own, cumulative in sorted(rows, key=lambda r: r[2], reverse=True)[:TOP]:
        print(f"  {name:<44} {cumulative / 1000:>7.1f} ms {own / 1000:>5.1f} ms")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
