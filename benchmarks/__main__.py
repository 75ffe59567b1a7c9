"""`python -m benchmarks [--quick] [--only SECTION]`: prints one table per section and records the raw
figures in benchmarks/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import fixtures

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
SECTIONS = (
    "cold_start",
    "warm_latency",
    "aws_calls",
    "cost",
    "e2e_cost",
    "stats_writes",
    "capacity",
    "delivery",
    "soak",
)
# The cost model prices the counted calls at the measured CPU cost per request; end to end adds delivery.
NEEDS = {"cost": ("warm_latency", "aws_calls"), "e2e_cost": ("cost", "warm_latency", "aws_calls")}
# The soak takes about 15 minutes: run on request (--only soak), not by every make bench.
ON_REQUEST = {"soak"}


def _runner(section: str, quick: bool) -> Callable[[dict[str, Any]], Any]:
    # Imported late: configure_process() must set the functions' environment before handlers load.
    if section == "cold_start":
        from benchmarks import cold_start

        return lambda _: cold_start.run(quick)
    if section == "warm_latency":
        from benchmarks import warm_latency

        return lambda _: warm_latency.run(quick)
    if section == "aws_calls":
        from benchmarks import aws_calls

        return lambda _: aws_calls.run(quick)
    if section == "delivery":
        from benchmarks import delivery

        return lambda _: delivery.run(quick)
    if section == "e2e_cost":
        from benchmarks import e2e_cost

        return lambda results: e2e_cost.run(results, quick)
    if section == "stats_writes":
        from benchmarks import stats_writes

        return lambda _: stats_writes.run(quick)
    if section == "capacity":
        from benchmarks import capacity

        return lambda _: capacity.run()
    if section == "soak":
        from benchmarks import soak

        return lambda _: soak.run(quick)
    from benchmarks import cost

    return cost.run


def _selected(only: list[str] | None) -> list[str]:
    wanted = set(only or set(SECTIONS) - ON_REQUEST)
    for section in list(wanted):
        wanted.update(NEEDS.get(section, ()))
    return [section for section in SECTIONS if section in wanted]


def _git_commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer iterations: a smoke run (under ~40 s)")
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        metavar="NAME",
        help=f"run one section, repeatable: {', '.join(SECTIONS)} (cost and e2e_cost also run what they price)",
    )
    args = parser.parse_args(argv)
    fixtures.configure_process()

    results: dict[str, Any] = {
        "meta": {
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "commit": _git_commit(),
            "quick": args.quick,
            "python": platform.python_version(),
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}",
            "section_seconds": {},
        }
    }
    print(f"Triggers API benchmarks ({'quick' if args.quick else 'default'} run), {results['meta']['machine']},")
    print(f"Python {results['meta']['python']}, commit {results['meta']['commit']}\n")
    for section in _selected(args.only):
        started = time.perf_counter()
        results[section] = _runner(section, args.quick)(results)
        results["meta"]["section_seconds"][section] = round(time.perf_counter() - started, 1)
        print()

    from benchmarks import budgets

    results["budgets"] = budgets.evaluate(results)
    if results["budgets"]:  # none when only sections without a budget ran, e.g. --only delivery
        print(budgets.render(results["budgets"]))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n")
    seconds = results["meta"]["section_seconds"]
    print(f"Raw figures: {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")
    print("Section seconds: " + ", ".join(f"{name} {value}" for name, value in seconds.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
