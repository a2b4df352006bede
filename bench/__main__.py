"""`python -m bench [NAME ...]`: run the benchmarks and print one markdown table.

Each ``bench/bench_*.py`` module exposes ``run(repeats) -> list[dict]`` with rows holding
``benchmark``, ``baseline`` (what it is compared with), ``baseline_s``, ``ours_s`` and
``ratio`` (baseline_s / ours_s: above 1 means ours is faster), plus an optional ``note``.
Every module runs in its own process so one comparison cannot warm up another.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def run_one(name: str, repeats: int) -> list[dict]:
    """Run bench_<name> in a fresh interpreter; return its rows."""
    code = (f"import json, bench.bench_{name} as m; "
            f"print('@@ROWS@@' + json.dumps(m.run(repeats={repeats})))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=HERE.parent, capture_output=True,
                          text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("@@ROWS@@"):
            return json.loads(line.removeprefix("@@ROWS@@"))
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
    return [{"benchmark": name, "baseline": "-", "baseline_s": float("nan"),
             "ours_s": float("nan"), "ratio": float("nan"),
             "note": "FAILED: " + " | ".join(tail)}]


def fmt(seconds: float) -> str:
    if seconds != seconds:  # nan
        return "-"
    return f"{seconds * 1e3:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


def table(rows: list[dict]) -> str:
    lines = ["| benchmark | baseline | baseline time | ours | ratio | note |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        ratio = r.get("ratio", float("nan"))
        ratio_s = "-" if ratio != ratio else f"{ratio:.2f}x"
        lines.append(f"| {r['benchmark']} | {r.get('baseline', '')} | "
                     f"{fmt(r.get('baseline_s', float('nan')))} | "
                     f"{fmt(r.get('ours_s', float('nan')))} | {ratio_s} | {r.get('note', '')} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default all: {available()})")
    parser.add_argument("--repeats", type=int, default=5, help="runs per measurement (median)")
    args = parser.parse_args(argv)
    rows = []
    for name in args.names or available():
        importlib.import_module(f"bench.bench_{name}")  # fail early on a typo
        print(f"running {name}...", file=sys.stderr, flush=True)
        rows += run_one(name, args.repeats)
    print(f"Measured {datetime.date.today()} on {platform.machine()}, "
          f"Python {platform.python_version()}, median of {args.repeats} runs.\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
