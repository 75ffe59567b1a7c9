"""Capacity per environment by arithmetic (stacks/capacity.py): the single-event POSTs a second one tenant
can send with push delivery on, every limit on the way, and which one binds."""

from __future__ import annotations

import math
from typing import Any

from benchmarks.report import table


def run() -> dict[str, Any]:
    from stacks.capacity import HEADROOM, PROD_TARGET_EVENTS_PER_SECOND, capacity, planned_rate
    from stacks.config import ENVIRONMENTS

    results: dict[str, Any] = {}
    rendered = []
    for config in ENVIRONMENTS.values():
        rate = planned_rate(config)
        plan = capacity(config, rate)
        results[config.name] = {
            "planned_events_per_second": rate,
            "holds_events_per_second": plan.events_per_second,
            "bottleneck": plan.bottleneck.name,
            "holds_planned_rate": plan.holds(rate),
            "shards": config.shard_count,
            "shards_needed": plan.shards_needed_for_target,
            "account": vars(config.account),
            "limits": {limit.name: limit.events_per_second for limit in plan.limits},
        }
        rows = [
            [
                limit.name,
                "fits" if math.isinf(limit.events_per_second) else f"{limit.events_per_second:,.0f}",
                limit.arithmetic,
            ]
            for limit in plan.limits
        ]
        verdict = "met" if plan.holds(rate) else "NOT MET"
        rendered.append(
            table(
                f"Capacity of {config.name}: {plan.events_per_second:,.0f} events/s (planned {rate:,}: {verdict};"
                f" bound by {plan.bottleneck.name})",
                ["limit", "arithmetic", "events/s"],
                rows,
                [
                    f"Each limit at {HEADROOM:g} of itself; one tenant, single-event POSTs, one subscription answering"
                    " at first try.",
                    f"Write shards: {config.shard_count} (at least {plan.shards_needed_for_target} for {rate:,}/s)."
                    + (f" Target for prod: {PROD_TARGET_EVENTS_PER_SECOND:,}/s." if config.name == "prod" else ""),
                    "Account quotas assumed: "
                    + ", ".join(f"{name} {value:,}" for name, value in vars(config.account).items()),
                ],
                text_columns=2,
            )
        )
    print("\n".join(rendered))
    return results
