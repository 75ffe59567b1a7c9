"""How a delivery job comes back later: SQS's 12 h visibility window, long waits kept in the message,
the receive budget and the queue's retention; and the job's message format.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from triggers.delivery.jobs import (
    MAX_SEND_DELAY_SECONDS,
    MAX_VISIBILITY_SECONDS,
    RECEIVE_TO_INVOKE_ALLOWANCE_SECONDS,
    DeliveryJob,
    Hide,
    QueueLimits,
    ReceivedJob,
    SendAnew,
    plan_return,
)

NOW = 1_800_000_000.0
HOUR = 3600
DAY = 24 * HOUR
JOB = DeliveryJob("acme", "0190aaaa", "sub_1", 0)
LIMITS = QueueLimits(retention_seconds=4 * DAY, receive_budget=11)


def received(
    *, received_ago: float = 0, receive_count: int = 1, sent_ago: float = 0, job: DeliveryJob = JOB, now: float = NOW
) -> ReceivedJob:
    """A receive ``received_ago`` seconds before ``now`` of a message sent ``sent_ago`` before NOW."""
    return ReceivedJob(job, "r", receive_count, sent_at=NOW - sent_ago, received_no_earlier_than=now - received_ago)


def test_a_wait_within_the_window_hides_the_message() -> None:
    assert plan_return(received(), NOW + 300, NOW, LIMITS) == Hide(300)
    assert plan_return(received(received_ago=HOUR), NOW + 11 * HOUR, NOW, LIMITS) == Hide(11 * HOUR)


@given(
    received_ago=st.integers(min_value=0, max_value=MAX_VISIBILITY_SECONDS),
    wait=st.integers(min_value=0, max_value=30 * DAY),
)
def test_a_hide_never_reaches_past_12_hours_from_the_receive(received_ago: int, wait: int) -> None:
    plan = plan_return(received(received_ago=received_ago), NOW + wait, NOW, LIMITS)
    if isinstance(plan, Hide):
        assert received_ago + plan.seconds <= MAX_VISIBILITY_SECONDS  # SQS would refuse more
        assert plan.seconds == wait
    else:
        assert plan.job.due_at == NOW + wait  # the real due time travels with the job
        assert plan.delay_seconds == min(wait, MAX_SEND_DELAY_SECONDS)


def test_a_wait_past_the_window_goes_out_as_a_new_message_carrying_its_due_time() -> None:
    # "Retry-After: 86400": come back tomorrow.
    plan = plan_return(received(), NOW + DAY, NOW, LIMITS)
    assert plan == SendAnew(JOB.due(NOW + DAY), MAX_SEND_DELAY_SECONDS)
    # Ten hours into the receive's window, a 3 h wait no longer fits either.
    assert isinstance(plan_return(received(received_ago=10 * HOUR), NOW + 3 * HOUR, NOW, LIMITS), SendAnew)


def test_a_message_that_carries_its_due_time_waits_out_its_window_and_then_again() -> None:
    waiting = JOB.due(NOW + 2 * DAY)
    plan = plan_return(received(job=waiting), NOW + 2 * DAY, NOW, LIMITS)
    assert plan == Hide(MAX_VISIBILITY_SECONDS)
    # Woken 12 h later by a new receive, it hides again; the last stretch is an ordinary hide.
    later = NOW + 12 * HOUR
    woken = received(job=waiting, receive_count=2, now=later)
    assert plan_return(woken, NOW + 2 * DAY, later, LIMITS) == Hide(MAX_VISIBILITY_SECONDS)
    last = NOW + 2 * DAY - 5 * HOUR
    assert plan_return(received(job=waiting, receive_count=5, now=last), NOW + 2 * DAY, last, LIMITS) == Hide(5 * HOUR)


def test_the_window_is_measured_from_a_lower_bound_of_this_receive() -> None:
    # First receive: SQS's first-receive time is this receive's time.
    first = ReceivedJob.of(JOB, "r", 1, sent_at=NOW, first_received_at=NOW - 100, invoked_at=NOW - 99)
    assert first.visibility_left(NOW) == MAX_VISIBILITY_SECONDS - 100
    # A later receive happened at most the allowance before the invocation, whenever the first was.
    later = ReceivedJob.of(JOB, "r", 3, sent_at=NOW - DAY, first_received_at=NOW - DAY, invoked_at=NOW)
    assert later.visibility_left(NOW) == MAX_VISIBILITY_SECONDS - RECEIVE_TO_INVOKE_ALLOWANCE_SECONDS
    assert later.visibility_left(NOW + MAX_VISIBILITY_SECONDS) == 0


def test_a_message_out_of_receives_is_sent_anew_so_the_redrive_policy_never_parks_it() -> None:
    assert plan_return(received(receive_count=LIMITS.receive_budget), NOW + 10, NOW, LIMITS) == SendAnew(
        JOB.due(NOW + 10), 10
    )
    assert plan_return(received(receive_count=LIMITS.receive_budget - 1), NOW + 10, NOW, LIMITS) == Hide(10)


def test_a_message_that_would_outlive_the_queue_retention_is_sent_anew() -> None:
    old = received(sent_ago=4 * DAY - 2 * HOUR)
    assert isinstance(plan_return(old, NOW + 2 * HOUR, NOW, LIMITS), SendAnew)
    assert plan_return(old, NOW + 60, NOW, LIMITS) == Hide(60)


def test_a_due_time_in_the_past_comes_back_at_once() -> None:
    assert plan_return(received(), NOW - 5, NOW, LIMITS) == Hide(0)


@pytest.mark.parametrize(
    "job",
    [JOB, JOB.due(NOW + DAY), JOB.next_run(attempts_made=11), DeliveryJob("t", "e", "s", 3, 2, 1.5)],
)
def test_jobs_survive_their_message(job: DeliveryJob) -> None:
    assert DeliveryJob.from_message(job.to_message()) == job


def test_messages_from_before_due_times_and_runs_still_read() -> None:
    body = '{"tenant_id":"acme","event_id":"e","subscription_id":"s","generation":1}'
    assert DeliveryJob.from_message(body) == DeliveryJob("acme", "e", "s", 1)


def test_a_redriven_job_keeps_its_webhook_id() -> None:
    assert JOB.next_run(attempts_made=11).webhook_id == JOB.webhook_id == JOB.due(NOW).webhook_id
