"""Lambda SnapStart: what a function loads before its snapshot is taken, and what it renews after a restore.

Without SnapStart a function imports only what every request needs and loads the rest on first use,
so a cold start stays short. With SnapStart, init runs once per published version and every new
container resumes from a snapshot of it: then it pays to load everything a first request would
(clients, request validation, the tracer) before the snapshot, which is what ``preload`` registers.

A snapshot is shared by every container restored from it, so what must differ between containers is
renewed after each restore: the random generators (retry jitter, UUIDv7 ids) are reseeded. Clocks are
only read when needed (nothing caches "now" at init); AWS credentials come from the container
credentials endpoint under SnapStart and botocore refreshes them once expired; no connection is
opened before the snapshot, so none is stale after it.

``snapshot_restore_py`` ships with Lambda's managed Python runtimes; elsewhere no snapshot is ever
taken, so nothing is registered there.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TypeVar

import uuid_utils

Step = TypeVar("Step", bound=Callable[[], object])
_steps: list[Callable[[], object]] = []


def preload(step: Step) -> Step:
    """Registers ``step`` (e.g. a service factory) to run before the snapshot; returns it unchanged."""
    _steps.append(step)
    return step


def preload_all() -> None:
    """Runs every registered step: the before-snapshot hook (also what the benchmarks time)."""
    for step in _steps:
        step()


def renew_after_restore() -> None:
    """Gives a restored container random state of its own: without it, every container resumed from one
    snapshot would draw the same jitter and the same UUIDv7 random bits."""
    random.seed()
    uuid_utils.reseed_rng()


def _register() -> None:
    try:
        from snapshot_restore_py import register_after_restore, register_before_snapshot  # type: ignore[import-not-found]
    except ImportError:  # not in a Lambda runtime: no snapshot is ever taken
        return
    register_before_snapshot(preload_all)
    register_after_restore(renew_after_restore)


_register()
