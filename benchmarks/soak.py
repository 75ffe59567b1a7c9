"""Soak: 5,000 events through the push path under random faults, until every job is acknowledged.

The dispatcher and the worker run for real against moto in one process, fed by the local stack's
pollers (Lambda's event source mappings), while DynamoDB and SQS calls fail at random (half of them
after going through), and the subscriber answers 500, 429 with Retry-After, too late, or drips its
answer a byte at a time; some jobs fail a whole run of attempts, are dead-lettered and then redriven.
Delivered means a 2xx the worker saw, counted by webhook-id (see local/soak.py, which the
integration test runs with 40 events).

It runs in a process of its own: the worker reads its settings once, at import, and the soak needs
short retry delays and a 1 s deadline where the other sections measure the deployed defaults.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import fixtures
from benchmarks.report import table

EVENTS = 5000
QUICK_EVENTS = 400
# Three attempts a second apart and a 1 s deadline per attempt, as the integration tests run the worker.
SOAK_ENVIRONMENT = {
    "RETRY_DELAYS_SECONDS": "1,1",
    "DELIVERY_DEADLINE_SECONDS": "1",
    "ALLOW_HTTP_TARGETS": "true",
    "ALLOW_LOOPBACK_TARGETS": "true",
    "POWERTOOLS_LOG_LEVEL": "CRITICAL",  # the injected faults log errors by the thousand
}
ATTEMPTS_PER_RUN = 3
EVENTS_PER_TENANT = 100  # tenants share nothing but the queue; moto's cost grows with a partition
# Rarer faults than the integration test's, over far more calls: a slow answer holds its batch for the
# deadline (invocations run one at a time here), and a failed stream record makes Lambda retry the
# rest of its batch, re-sending those jobs (duplicates the worker then drops without a POST).
ANSWER_MIX = {"500": 0.10, "429": 0.04, "timeout": 0.005, "drip": 0.005, "drip-body": 0.005}
AWS_FAULT_RATE = 0.005
WAVE_EVENTS = 25  # moto's SQS walks every message on each call: a shallow queue keeps it linear
TIMEOUT_SECONDS = 3600


def run(quick: bool) -> dict[str, Any]:
    events = QUICK_EVENTS if quick else EVENTS
    with tempfile.TemporaryDirectory() as scratch:
        figures_file = Path(scratch) / "soak.json"
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.soak", str(events), str(figures_file)],
            cwd=Path(__file__).resolve().parent.parent,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        if done.returncode or not figures_file.exists():
            raise RuntimeError(f"the soak failed:\n{done.stderr[-4000:]}")
        figures: dict[str, Any] = json.loads(figures_file.read_text())
    print(render(figures))
    if not figures["zero_loss"]:
        raise RuntimeError(f"the soak lost deliveries: {json.dumps(figures)[:2000]}")
    return figures


def soak(events: int) -> dict[str, Any]:
    """The child process: the functions' environment, moto, the queues, and the soak itself."""
    fixtures.configure_process()
    os.environ.update(SOAK_ENVIRONMENT)
    import boto3
    from triggers.delivery.schedule import RetrySchedule

    from local.aws import create_queues
    from local.lambdas import FunctionRegistry
    from local.soak import SoakPlan, run_soak

    plan = SoakPlan(
        events=events,
        tenants=max(3, events // EVENTS_PER_TENANT),
        subscriptions_per_tenant=1,
        answer_mix=ANSWER_MIX,
        aws_fault_rate=AWS_FAULT_RATE,
        wave_events=WAVE_EVENTS,
        attempts_per_run=ATTEMPTS_PER_RUN,
        worker_deadline_seconds=float(SOAK_ENVIRONMENT["DELIVERY_DEADLINE_SECONDS"]),
        timeout_seconds=TIMEOUT_SECONDS,
    )
    with fixtures.emulated_aws(), fixtures.metered_stdout():
        schedule = RetrySchedule(tuple(int(delay) for delay in SOAK_ENVIRONMENT["RETRY_DELAYS_SECONDS"].split(",")))
        os.environ.update(create_queues(boto3.client("sqs"), fixtures.PREFIX, schedule, visibility_timeout_seconds=5))
        figures = run_soak(FunctionRegistry(), plan)
    return figures.as_dict() | {
        "tenants": plan.tenants,
        "answer_mix": dict(plan.answer_mix),
        "aws_fault_rate": plan.aws_fault_rate,
    }


def render(figures: dict[str, Any]) -> str:
    receiver = figures["receiver_faults"]
    aws = figures["aws_faults"]
    parked = f"{figures['dead_lettered']} / {figures['redriven']} ({figures['redrive_rounds']})"
    rows = [
        ["events (tenants)", f"{figures['events']:,} ({figures['tenants']})"],
        ["delivery jobs (one subscription per tenant)", f"{figures['jobs']:,}"],
        ["jobs acknowledged (2xx seen by the worker)", f"{figures['acknowledged']:,}"],
        ["jobs lost", f"{len(figures['lost']):,}"],
        ["events not ending `delivered`", f"{len(figures['not_delivered']):,}"],
        ["webhook POSTs received", f"{figures['requests']:,}"],
        ["duplicate acknowledgements (same webhook-id, same body)", f"{figures['duplicate_acknowledgements']:,}"],
        ["unknown webhook-ids / altered bodies", f"{figures['foreign_requests']} / {len(figures['altered'])}"],
        ["jobs dead-lettered / redriven (redrive rounds)", parked],
        *[[f"subscriber fault: {kind}", f"{count:,}"] for kind, count in sorted(receiver.items())],
        ["AWS faults injected: DynamoDB", f"{sum(n for op, n in aws.items() if op.startswith('dynamodb')):,}"],
        ["AWS faults injected: SQS", f"{sum(n for op, n in aws.items() if op.startswith('sqs')):,}"],
        ["wall time (s)", f"{figures['wall_seconds']:,.1f}"],
    ]  # fmt: skip
    return table(
        f"Soak: {figures['events']:,} events under faults — {'ZERO LOSS' if figures['zero_loss'] else 'LOSS'}",
        ["figure", "value"],
        rows,
        [
            "Dispatcher and worker against moto in one process, fed by the local stack's pollers; "
            f"{figures['aws_fault_rate']:.1%} of their",
            "DynamoDB and SQS calls fail (half after going through); the subscriber fails, throttles, times out,",
            "drips (mix: " + ", ".join(f"{kind} {share:.1%}" for kind, share in figures["answer_mix"].items()) + ");",
            f"5% of jobs fail a whole run; {ATTEMPTS_PER_RUN} attempts per run, then the DLQ, redriven until empty.",
            "AWS faults by operation: " + ", ".join(f"{op} {n}" for op, n in sorted(aws.items())) + ".",
            "Wall time is mostly moto and the slow answers (each holds its attempt for the 1 s deadline).",
        ],
    )


if __name__ == "__main__":
    count, output = int(sys.argv[1]), Path(sys.argv[2])
    output.write_text(json.dumps(soak(count)))
