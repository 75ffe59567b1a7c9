"""A soak of the push path under random faults: DynamoDB and SQS errors in the dispatcher and the
worker (some after the call went through), and a subscriber that answers 500, 429 with Retry-After,
too late, or drips its answer a byte at a time; some jobs fail a whole run of attempts and are
dead-lettered, then redriven.

Zero loss is judged by what the subscriber acknowledged, by webhook-id: every job got a 2xx the
worker saw in time (a request answered 500 or answered after the worker's deadline proves nothing),
duplicates only ever repeat a webhook-id with the same body, and every event ends ``delivered``.
See local/soak.py; ``python -m benchmarks --only soak`` runs the same with 5,000 events.
"""

from __future__ import annotations

from local.http_api import HttpApiEmulator
from local.soak import SoakPlan, run_soak

# RETRY_DELAYS_SECONDS=1,1 and DELIVERY_DEADLINE_SECONDS=1 in tests (tests/conftest.py).
PLAN = SoakPlan(events=40, attempts_per_run=3, worker_deadline_seconds=1.0, timeout_seconds=90)


def test_random_faults_lose_nothing(gateway: HttpApiEmulator) -> None:
    figures = run_soak(gateway._functions, PLAN)

    assert figures.lost == [], "jobs never acknowledged with a 2xx"
    assert figures.not_delivered == [], "events not delivered"
    assert figures.foreign_requests == 0, "requests for jobs that do not exist"
    assert figures.altered == [], "a webhook-id arrived with different bodies"
    assert figures.acknowledged == figures.jobs == PLAN.events * PLAN.subscriptions_per_tenant
    # The faults did happen, each kind of them, and the DLQ was used and emptied by redrives.
    assert set(figures.receiver_faults) >= {"500", "429", "timeout", "drip", "drip-body", "500 (doomed run)"}, figures
    assert {name.split(":")[0] for name in figures.aws_faults} == {"dynamodb", "sqs"}, figures.aws_faults
    assert figures.dead_lettered >= 1
    assert figures.redriven == figures.dead_lettered
    assert figures.requests > figures.jobs
