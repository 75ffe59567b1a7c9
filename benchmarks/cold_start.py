"""Cold start: a fresh Python process importing each function's handler module, as Lambda's init does.

Reference rows import only the libraries, so the per-function figure reads against what a lean
Powertools stack costs anyway. Imports make no AWS call (settings are read from the environment).

Two bytecode situations are measured:

* cached: every module has its .pyc, as when a deployment package ships compiled bytecode;
* layer without .pyc: only the standard library and the runtime's own boto3 stack have bytecode, so
  Powertools, pydantic, the X-Ray SDK and our layer compile on every cold start. That is what Lambda
  does with a layer built without .pyc files: /opt is read-only, nothing compiled is ever kept.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import fixtures
from benchmarks.report import table
from benchmarks.timing import percentile

REPO = Path(__file__).resolve().parent.parent
# Private bytecode caches (PYTHONPYCACHEPREFIX): nothing is written into the tree or the venv.
PYCACHE = Path(tempfile.gettempdir()) / "triggers-bench-pycache"
RUNTIME_ONLY_PYCACHE = Path(tempfile.gettempdir()) / "triggers-bench-pycache-runtime-only"
# What the Lambda Python runtime itself provides, precompiled; the layer bundle leaves these out
# (RUNTIME_PROVIDED in stacks/layer_bundle.py), by import name.
UNCOMPILED_RUNS = 2  # each one compiles the whole layer again
RUNTIME_PACKAGES = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3"})


@dataclass(frozen=True)
class Target:
    name: str
    code: str
    reference: bool = False


_LEAN_STACK = (
    "import boto3, pydantic\n"
    "from aws_lambda_powertools import Logger, Metrics, Tracer\n"
    "from aws_lambda_powertools.event_handler import APIGatewayHttpResolver\n"
    "Logger(); Metrics(namespace='x'); {tracer}APIGatewayHttpResolver(enable_validation=True)\n"
)
REFERENCES = (
    Target("python, no imports", "pass", reference=True),
    Target("boto3 + pydantic", "import boto3, pydantic", reference=True),
    Target("+ Powertools Logger, Metrics, resolver", _LEAN_STACK.format(tracer=""), reference=True),
    Target("lean Powertools stack (+ Tracer)", _LEAN_STACK.format(tracer="Tracer(); "), reference=True),
)
LEAN_STACK = REFERENCES[-1].name


class ImportFailed(Exception):
    pass


def _functions() -> list[Target]:
    from triggers.routes import FunctionName

    return [Target(f"functions.{f.value}.handler", f"import functions.{f.value}.handler") for f in FunctionName]


def _program(code: str) -> str:
    # Times the imports inside the child: interpreter start-up is reported apart, as wall time.
    return f"import time\n_start = time.perf_counter_ns()\n{code}\nprint(time.perf_counter_ns() - _start)\n"


def _environment(pycache: Path, write_bytecode: bool) -> dict[str, str]:
    env = {**os.environ, **fixtures.function_environment(), "PYTHONPYCACHEPREFIX": str(pycache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not write_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _sample(target: Target, env: dict[str, str]) -> tuple[float, float]:
    """(import ms, process wall ms) of one fresh process."""
    start = time.perf_counter_ns()
    done = subprocess.run(
        [sys.executable, "-c", _program(target.code)], cwd=REPO, env=env, capture_output=True, text=True, check=False
    )
    wall = (time.perf_counter_ns() - start) / 1e6
    if done.returncode != 0:
        raise ImportFailed((done.stderr.strip().splitlines() or ["no output"])[-1])
    return int(done.stdout.strip().splitlines()[-1]) / 1e6, wall


def _runtime_only_cache() -> Path:
    """A copy of the full cache keeping only the standard library's and the runtime packages' bytecode."""
    shutil.rmtree(RUNTIME_ONLY_PYCACHE, ignore_errors=True)
    shutil.copytree(PYCACHE, RUNTIME_ONLY_PYCACHE)
    site_packages = RUNTIME_ONLY_PYCACHE / sysconfig.get_paths()["purelib"].lstrip("/")
    for entry in site_packages.iterdir() if site_packages.is_dir() else ():
        if entry.name not in RUNTIME_PACKAGES:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    for source in ("layers", "functions"):  # our layer package and the function code
        shutil.rmtree(RUNTIME_ONLY_PYCACHE / str(REPO).lstrip("/") / source, ignore_errors=True)
    return RUNTIME_ONLY_PYCACHE


Samples = list[tuple[float, float]]


def _round_robin(targets: list[Target], env: dict[str, str], runs: int) -> dict[str, Samples | str]:
    """Per target: (import ms, process ms) of each run, or why it failed. Targets take turns, so a
    burst of machine noise is shared out rather than landing on one of them."""
    samples: dict[str, Samples | str] = {target.name: [] for target in targets}
    for _ in range(runs):
        for target in targets:
            taken = samples[target.name]
            if isinstance(taken, str):
                continue
            try:
                taken.append(_sample(target, env))
            except ImportFailed as failure:
                samples[target.name] = str(failure)
    return samples


def run(quick: bool) -> dict[str, Any]:
    runs = 2 if quick else 5
    targets = [*REFERENCES, *_functions()]
    cached = _environment(PYCACHE, write_bytecode=True)
    # One process importing everything fills the bytecode cache and the OS page cache for all targets
    # (a target that fails to import is reported on its own below).
    with contextlib.suppress(ImportFailed):
        _sample(Target("everything", "\n".join(target.code for target in targets)), cached)
    measured = _round_robin(targets, cached, runs)
    functions = [target for target in targets if not target.reference]
    uncompiled = {} if quick else _round_robin(functions, _environment(_runtime_only_cache(), False), UNCOMPILED_RUNS)
    results: dict[str, Any] = {}
    for target in targets:
        taken = measured[target.name]
        if isinstance(taken, str):
            results[target.name] = {"reference": target.reference, "failed": taken}
            continue
        ordered = sorted(imported for imported, _ in taken)
        results[target.name] = {
            "reference": target.reference,
            "runs": runs,
            "import_ms_median": statistics.median(ordered),
            "import_ms_p90": percentile(ordered, 90),
            "import_ms_min": ordered[0],
            "process_ms_median": statistics.median(process for _, process in taken),
        }
        without = uncompiled.get(target.name)
        if isinstance(without, list) and without:
            results[target.name]["layer_without_pyc_ms_median"] = statistics.median(i for i, _ in without)
    print(render(results, runs))
    return results


def render(results: dict[str, dict[str, Any]], runs: int) -> str:
    lean = results[LEAN_STACK].get("import_ms_median", 0.0)
    rows = []
    for name, figures in results.items():
        if "failed" in figures:
            rows.append([name, "import failed:", figures["failed"][:60], "", "", "", ""])
            continue
        over = "" if figures["reference"] else f"{figures['import_ms_median'] - lean:+.0f}"
        without = figures.get("layer_without_pyc_ms_median")
        rows.append(
            [
                name,
                f"{figures['import_ms_median']:.0f}",
                f"{figures['import_ms_p90']:.0f}",
                f"{figures['import_ms_min']:.0f}",
                f"{figures['process_ms_median']:.0f}",
                over,
                f"{without:.0f}" if without else "-",
            ]
        )
    return table(
        f"Cold start: fresh-process import (ms, {runs} runs each)",
        ["module imported", "median", "p90", "min", "process", "vs lean stack", "layer without .pyc"],
        rows,
        [
            "median/p90/min: time to import the module in a new interpreter with all bytecode cached (Lambda's",
            "init phase, minus the runtime's own start-up). process: the whole `python -c` run, interpreter included.",
            "vs lean stack: the function's median minus the lean Powertools stack's (boto3, pydantic, Logger,",
            "Metrics, Tracer, the HTTP resolver with validation) - what our code and its extra imports add.",
            f"layer without .pyc: median of {UNCOMPILED_RUNS} imports with bytecode for the stdlib and the",
            "runtime's boto3 stack only, as with a layer bundled by `pip --no-compile` (its modules then compile",
            "at every cold start: /opt is read-only); not run by --quick.",
            "Tracing disabled as locally; Powertools' Tracer still imports the X-Ray SDK and builds its recorder.",
        ],
    )
