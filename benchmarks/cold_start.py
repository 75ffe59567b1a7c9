"""Cold start: a fresh Python process importing each function's handler module, as Lambda's init does,
against the floor ``import boto3; boto3.client("dynamodb")`` (SPEC §9: at most 1.5x).

Each function is timed in pairs with the floor, the two taking turns (floor first, then function
first), so a burst of load on this shared machine lands on both; the figure is the median of the
pairs. All bytecode is cached (the layer ships .pyc, see stacks/layer_bundle.py); imports make no AWS
call (settings come from the environment). Beside each: the process's peak memory, the CPU time of
the import (less sensitive to a busy machine than wall time), and what a SnapStart snapshot holds:
the import plus everything ``triggers.snapshot`` preloads (clients, request validation, the tracer),
which a function without SnapStart loads on its first requests instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import fixtures
from benchmarks.report import table

REPO = Path(__file__).resolve().parent.parent
# A private bytecode cache (PYTHONPYCACHEPREFIX): nothing is written into the tree or the venv.
PYCACHE = Path(tempfile.gettempdir()) / "triggers-bench-pycache"
FLOOR = 'import boto3; boto3.client("dynamodb")'
BUDGET_RATIO = 1.5
PAIRS, QUICK_PAIRS = 9, 3
# Tracing as in AWS for the preload figure: inside Lambda (the task root set) and on.
_TRACED = {"LAMBDA_TASK_ROOT": str(REPO), "POWERTOOLS_TRACE_DISABLED": "false"}


@dataclass(frozen=True)
class Sample:
    wall_ms: float
    cpu_ms: float
    peak_mb: float
    preloaded_wall_ms: float | None = None
    preloaded_peak_mb: float | None = None


class ImportFailed(Exception):
    pass


_PROGRAM = """
import json, resource, time
def peak_mb(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
_wall, _cpu = time.perf_counter_ns(), time.process_time_ns()
{code}
result = {{"wall_ms": (time.perf_counter_ns() - _wall) / 1e6, "cpu_ms": (time.process_time_ns() - _cpu) / 1e6,
          "peak_mb": peak_mb()}}
if {preload}:
    from triggers.snapshot import preload_all
    preload_all()
    result |= {{"preloaded_wall_ms": (time.perf_counter_ns() - _wall) / 1e6, "preloaded_peak_mb": peak_mb()}}
print(json.dumps(result))
"""


def _environment(traced: bool) -> dict[str, str]:
    env = {**os.environ, **fixtures.function_environment(), "PYTHONPYCACHEPREFIX": str(PYCACHE)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env | (_TRACED if traced else {})


def _sample(code: str, preload: bool = False) -> Sample:
    program = _PROGRAM.format(code=code, preload=preload)
    done = subprocess.run(
        [sys.executable, "-c", program],
        cwd=REPO,
        env=_environment(preload),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ImportFailed((done.stderr.strip().splitlines() or ["no output"])[-1])
    return Sample(**json.loads(done.stdout.strip().splitlines()[-1]))


def _functions() -> list[str]:
    from triggers.routes import FunctionName

    return [function.value for function in FunctionName]


def _pairs(function: str, count: int) -> tuple[list[Sample], list[Sample]]:
    """(floor samples, function samples), taking turns on who goes first."""
    floors, functions = [], []
    code = f"import functions.{function}.handler"
    for number in range(count):
        if number % 2:
            functions.append(_sample(code))
            floors.append(_sample(FLOOR))
        else:
            floors.append(_sample(FLOOR))
            functions.append(_sample(code))
    return floors, functions


def _median(samples: list[Sample], field: str) -> float:
    return statistics.median(getattr(sample, field) for sample in samples)


def _pair_ratio(samples: list[Sample], floors: list[Sample], field: str) -> float:
    """The median of each pair's ratio: the two of a pair ran back to back, under the same load."""
    return statistics.median(
        getattr(one, field) / getattr(floor, field) for one, floor in zip(samples, floors, strict=True)
    )


def run(quick: bool) -> dict[str, Any]:
    pairs = QUICK_PAIRS if quick else PAIRS
    functions = _functions()
    # One process importing everything fills the bytecode cache and the OS page cache for all of them.
    with contextlib.suppress(ImportFailed):
        _sample("\n".join([FLOOR, *(f"import functions.{name}.handler" for name in functions)]))
    results: dict[str, Any] = {"pairs": pairs, "budget_ratio": BUDGET_RATIO, "functions": {}}
    for function in functions:
        try:
            floors, samples = _pairs(function, pairs)
            preloaded = [
                _sample(f"import functions.{function}.handler", preload=True) for _ in range(1 if quick else 3)
            ]
        except ImportFailed as failure:
            results["functions"][function] = {"failed": str(failure)}
            continue
        results["functions"][function] = {
            "import_ms": _median(samples, "wall_ms"),
            "floor_ms": _median(floors, "wall_ms"),
            "ratio": _pair_ratio(samples, floors, "wall_ms"),
            "import_cpu_ms": _median(samples, "cpu_ms"),
            "floor_cpu_ms": _median(floors, "cpu_ms"),
            "cpu_ratio": _pair_ratio(samples, floors, "cpu_ms"),
            "peak_mb": _median(samples, "peak_mb"),
            "floor_peak_mb": _median(floors, "peak_mb"),
            "preloaded_ms": _median(preloaded, "preloaded_wall_ms"),
            "preloaded_peak_mb": _median(preloaded, "preloaded_peak_mb"),
        }
    print(render(results))
    return results


def render(results: dict[str, Any]) -> str:
    rows = []
    for function, figures in results["functions"].items():
        if "failed" in figures:
            rows.append([function, "import failed:", figures["failed"][:60], "", "", "", "", "", "", ""])
            continue
        rows.append(
            [
                function,
                f"{figures['import_ms']:.0f}",
                f"{figures['floor_ms']:.0f}",
                f"{figures['ratio']:.2f}x",
                f"{figures['cpu_ratio']:.2f}x",
                f"{figures['peak_mb']:.0f}",
                f"{figures['floor_peak_mb']:.0f}",
                f"{figures['preloaded_ms']:.0f}",
                f"{figures['preloaded_peak_mb']:.0f}",
                "met" if figures["ratio"] <= results["budget_ratio"] else "NOT MET",
            ]
        )
    return table(
        f"Cold start: fresh-process import of each handler vs the boto3 floor (median of {results['pairs']} pairs)",
        [
            "function",
            "import ms",
            "floor ms",
            "ratio",
            "CPU ratio",
            "peak MB",
            "floor MB",
            "+preload ms",
            "+preload MB",
            f"<= {results['budget_ratio']:g}x",
        ],
        rows,
        [
            f"floor: `{FLOOR}` in a fresh process, timed in the same pairs (taking turns on who goes first).",
            "import ms / floor ms: wall time of the imports inside the child (interpreter start-up excluded),",
            "bytecode cached; ratio: the median of the pairs' import / floor. CPU ratio: the same in process CPU time.",
            "peak MB: the child's peak resident memory after the import (the floor's beside it).",
            "+preload: import plus everything a SnapStart snapshot holds (triggers.snapshot: clients, request",
            "validation, the X-Ray tracer as in AWS); without SnapStart this is loaded by the first requests.",
        ],
    )
