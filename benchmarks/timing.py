"""Latency sampling: perf_counter_ns around the call only, interleaved so noise hits every subject alike."""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

# Given the iteration number, does any untimed preparation and returns the call to time.
Timed = Callable[[int], Callable[[], object]]
# Inspects a timed call's result outside the timed region (e.g. that a handler did not answer 429).
Verify = Callable[[str, object], None]


@dataclass(frozen=True)
class Stats:
    samples: int
    p50_us: float
    p90_us: float
    p99_us: float
    mean_us: float
    min_us: float

    @classmethod
    def of(cls, nanoseconds: Sequence[int]) -> Stats:
        ordered = sorted(value / 1000 for value in nanoseconds)
        return cls(
            samples=len(ordered),
            p50_us=percentile(ordered, 50),
            p90_us=percentile(ordered, 90),
            p99_us=percentile(ordered, 99),
            mean_us=sum(ordered) / len(ordered),
            min_us=ordered[0],
        )

    def as_dict(self) -> dict[str, Any]:
        return {name: round(value, 1) if isinstance(value, float) else value for name, value in asdict(self).items()}


def percentile(ordered: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), on already sorted values."""
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def interleaved(
    timed: Mapping[str, Timed],
    iterations: int,
    warmup: int,
    verify: Verify | None = None,
    clock: Callable[[], int] = time.perf_counter_ns,
) -> dict[str, Stats]:
    """Runs every subject once per round, alternating the order each round.

    On a noisy 2-core machine, timing subjects in separate blocks lets a burst of background load
    land on one of them only; interleaving spreads it over all, so their difference stays meaningful.
    ``clock``: wall time by default; ``time.process_time_ns`` counts this process's CPU only, which other
    processes' load does not inflate.
    """
    samples: dict[str, list[int]] = {name: [] for name in timed}
    names = list(timed)
    gc.collect()
    for round_number in range(warmup + iterations):
        for name in names if round_number % 2 == 0 else reversed(names):
            call = timed[name](round_number)
            start = clock()
            result = call()
            elapsed = clock() - start
            if verify is not None:
                verify(name, result)
            if round_number >= warmup:
                samples[name].append(elapsed)
    return {name: Stats.of(values) for name, values in samples.items()}
