"""Warm in-process latency of each handler, next to the raw boto3 calls it makes (the floor).

Two passes over the same cases:

* against moto: handler vs the same DynamoDB calls made directly with the same client (`raw_calls`).
  moto's cost per call is not DynamoDB's (less than a round trip for a small write, far more for a
  Query answer), so the ratio measured here does not carry over to AWS;
* at zero latency (recorded responses at botocore's before-send hook, see `zero_latency`): what is
  left is CPU, so handler minus floor is the per-request cost of Powertools + pydantic + our code.
  That cost over an assumed real DynamoDB round trip gives the overhead to expect in AWS.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks import fixtures
from benchmarks.assumptions import DYNAMODB_ROUND_TRIP_MS, FUNCTION_MEMORY_MB, cpu_stretch
from benchmarks.call_recorder import ApiCall, recording_calls
from benchmarks.fixtures import BATCH_SIZE, FUNCTION_OF, INBOX_PAGE_SIZE, LABELS, Scenario
from benchmarks.raw_calls import BATCH_WRITE_LIMIT, RawCalls
from benchmarks.report import ms, pct, table, us
from benchmarks.timing import Stats, Timed, interleaved
from benchmarks.zero_latency import recorded, zero_latency_dynamodb

_FIRST_VERIFICATIONS = 5


@dataclass(frozen=True)
class Case:
    scenario: Scenario
    handler: Timed
    floor: Timed | None  # None: the handler makes no AWS call
    floor_calls: str
    round_trips: int  # DynamoDB round trips on the handler's critical path (parallel calls count once)
    iterations: int  # against moto
    expected_status: int = 200
    zero_latency_iterations: int = 0  # 0: 2.5 x iterations (calls are cheaper without moto)

    @property
    def cheap_iterations(self) -> int:
        return self.zero_latency_iterations or self.iterations * 5 // 2


class Bench:
    """Keys, tenants and the raw-call floors shared by the cases; built inside the emulated AWS account."""

    def __init__(self) -> None:
        from triggers.auth.apikeys import parse_key
        from triggers.storage.dynamo import dynamodb_client

        self.writer_key = fixtures.issue_key("writer", fixtures.UNTHROTTLED_RATE_LIMIT)
        self.writer_key_id = parse_key(self.writer_key).key_id  # type: ignore[union-attr]
        self.writer = fixtures.principal_context(self.writer_key)
        # The inbox tenant only reads, so its page is the same whatever the ingest cases write.
        self.reader = fixtures.principal_context(fixtures.issue_key("reader", fixtures.UNTHROTTLED_RATE_LIMIT))
        self.raw = RawCalls(dynamodb_client(), writer_tenant="writer", reader_tenant="reader")
        fixtures.seed_inbox("reader", self.raw.shards * (INBOX_PAGE_SIZE + 10))
        self.run_id = time.time_ns()  # keeps the idempotency keys of separate runs apart

    def cases(self, quick: bool) -> list[Case]:
        scale = 5 if quick else 1
        raw, writer, reader = self.raw, self.writer, self.reader
        authorizer_event = fixtures.authorizer_request(self.writer_key)

        def authorize_uncached(_: int) -> Callable[[], object]:
            fixtures.forget_authorizer_decisions()
            return _invoker("authorizer", authorizer_event)

        def batch(number: int) -> list[dict[str, Any]]:
            return [fixtures.sample_event(number * BATCH_SIZE + i) for i in range(BATCH_SIZE)]

        def keyed(number: int) -> str:
            return f"bench-{self.run_id}-{number}"

        writes_per_batch = BATCH_SIZE // BATCH_WRITE_LIMIT
        return [
            Case(
                Scenario.HEALTH,
                handler=lambda _: _invoker("health", fixtures.health_request()),
                floor=None,
                floor_calls="none",
                round_trips=0,
                iterations=1000 // scale,
            ),
            Case(
                Scenario.AUTHORIZER_CACHED,
                handler=lambda _: _invoker("authorizer", authorizer_event),
                floor=None,
                floor_calls="none",
                round_trips=0,
                iterations=1000 // scale,
            ),
            Case(
                Scenario.AUTHORIZER_UNCACHED,
                handler=authorize_uncached,
                floor=lambda _: lambda: raw.get_key(self.writer_key_id),
                floor_calls="1 GetItem",
                round_trips=1,
                iterations=400 // scale,
            ),
            # Before the ingest cases: moto's index queries slow down as the table grows.
            Case(
                Scenario.INBOX_PAGE,
                handler=lambda _: _invoker("inbox", fixtures.inbox_request(reader)),
                floor=raw.inbox_queries,
                floor_calls=f"{raw.shards} Query in parallel",
                round_trips=1,
                # moto takes ~80 ms to serialize a 51-item Query answer: a few rounds say enough there.
                iterations=3 if quick else 20,
                zero_latency_iterations=300 // scale,
            ),
            Case(
                Scenario.INGEST_SINGLE,
                handler=lambda n: _invoker("ingest", fixtures.ingest_request(writer, fixtures.sample_event(n))),
                floor=raw.put_event,
                floor_calls="1 PutItem",
                round_trips=1,
                iterations=400 // scale,
                expected_status=201,
            ),
            Case(
                Scenario.INGEST_IDEMPOTENT,
                handler=lambda n: _invoker(
                    "ingest", fixtures.ingest_request(writer, fixtures.sample_event(n), keyed(n))
                ),
                floor=raw.idempotent_writes,
                floor_calls="2 PutItem + 1 UpdateItem",
                round_trips=3,
                iterations=200 // scale,
                expected_status=201,
            ),
            Case(
                Scenario.INGEST_BATCH,
                handler=lambda n: _invoker("ingest", fixtures.batch_request(writer, batch(n))),
                floor=raw.batch_writes,
                floor_calls=f"{writes_per_batch} BatchWriteItem x {BATCH_WRITE_LIMIT}",
                round_trips=writes_per_batch,
                iterations=40 // scale,
                expected_status=201,
            ),
        ]

    def responses(self) -> dict[str, bytes]:
        """Real moto answers to replay at zero latency: the key record and a full shard page."""
        return {"GetItem": recorded(self.raw.get_key(self.writer_key_id)), "Query": recorded(self.raw.query_shard(0))}


def _invoker(function: str, event: dict[str, Any]) -> Callable[[], object]:
    handler, context = fixtures.handler(function), fixtures.lambda_context(function)
    return lambda: handler(event, context)


def _checker(case: Case) -> Callable[[str, object], None]:
    """Fails the run on a wrong answer (a 429 or a 500 would otherwise be timed as if it were a result)."""

    def verify(subject: str, result: object) -> None:
        if subject != "handler":
            return
        if isinstance(result, dict) and "isAuthorized" in result:
            ok = result["isAuthorized"] is True
        else:
            ok = fixtures.status_of(result) == case.expected_status
        if not ok:
            raise RuntimeError(f"{case.scenario}: unexpected handler answer: {str(result)[:300]}")

    return verify


def _measure(case: Case, iterations: int, clock: Callable[[], int] = time.perf_counter_ns) -> dict[str, Stats]:
    timed: dict[str, Timed] = {"handler": case.handler}
    if case.floor is not None:
        timed["floor"] = case.floor
    return interleaved(timed, iterations, warmup=max(2, iterations // 10), verify=_checker(case), clock=clock)


def _signature(calls: list[ApiCall]) -> Counter[tuple[str, str, int, int]]:
    # Rate-limit leases happen once per key per second, not per request; they are not in the floor.
    leases = os.environ["RATE_LIMITS_TABLE"]
    return Counter(
        (call.operation, call.table, call.items_written, call.items_read)
        for call in calls
        if (call.operation, call.table) != ("UpdateItem", leases)
    )


def _same_calls(case: Case, number: int) -> bool:
    """Whether the floor makes the handler's calls: same operations on the same tables, moving as many
    items (leases aside). Run once per case, outside the timed rounds."""
    with recording_calls() as handler_calls:
        case.handler(number)()
    with recording_calls() as floor_calls:
        if case.floor is not None:
            case.floor(number)()
    return _signature(handler_calls) == _signature(floor_calls)


def _first_verifications(count: int) -> Stats:
    """The authorizer's first request for a key in a container: GetItem plus the one bcrypt check."""
    samples = []
    for number in range(count):
        call = _invoker("authorizer", fixtures.authorizer_request(fixtures.issue_key(f"new-{number}")))
        start = time.perf_counter_ns()
        call()
        samples.append(time.perf_counter_ns() - start)
    return Stats.of(samples)


def run(quick: bool) -> dict[str, Any]:
    results: dict[str, Any] = {"moto": {}, "zero_latency": {}, "floor_matches_handler_calls": {}}
    # Handlers print metrics and logs; metered_stdout swallows them (their bytes count in aws_calls).
    with fixtures.emulated_aws(), fixtures.metered_stdout():
        bench = Bench()
        cases = bench.cases(quick)
        for case in cases:
            results["moto"][case.scenario] = _measure(case, case.iterations)
            results["floor_matches_handler_calls"][case.scenario] = _same_calls(case, 10_000_000)
        first = _first_verifications(2 if quick else _FIRST_VERIFICATIONS)
        responses = bench.responses()
    # Outside mock_aws, so moto's own before-send handler stands aside (see zero_latency).
    with zero_latency_dynamodb(bench.raw.client, responses), fixtures.metered_stdout():
        for case in cases:
            # CPU time of this process: the zero-latency pass measures CPU, which a busy machine does not inflate.
            results["zero_latency"][case.scenario] = _measure(case, case.cheap_iterations, time.process_time_ns)
    bench.raw.close()
    print(render(cases, results, first))
    return {
        "moto": {k: {s: v.as_dict() for s, v in r.items()} for k, r in results["moto"].items()},
        "zero_latency": {k: {s: v.as_dict() for s, v in r.items()} for k, r in results["zero_latency"].items()},
        "floor_calls": {case.scenario: case.floor_calls for case in cases},
        "floor_matches_handler_calls": results["floor_matches_handler_calls"],
        "round_trips": {case.scenario: case.round_trips for case in cases},
        "first_key_verification": first.as_dict(),
        "assumed_dynamodb_round_trip_ms": DYNAMODB_ROUND_TRIP_MS,
    }


def overhead_in_aws(cpu_us: float, botocore_us: float, wire_us: float, stretch: float = 1.0) -> float:
    """Handler CPU over what the raw calls would take in AWS: botocore's CPU plus the round trips."""
    return cpu_us * stretch / (botocore_us * stretch + wire_us)


def render(cases: list[Case], results: dict[str, Any], first: Stats) -> str:
    moto_rows, zero_rows = [], []
    for case in cases:
        label = LABELS[case.scenario]
        moto, zero = results["moto"][case.scenario], results["zero_latency"][case.scenario]
        handler, floor = moto["handler"], moto.get("floor")
        checked = "" if results["floor_matches_handler_calls"][case.scenario] else " (MISMATCH)"
        if floor is None:
            moto_rows.append([label, ms(handler.p50_us), ms(handler.p99_us), "-", "-", "-", "-", "none"])
        else:
            overhead = handler.p50_us - floor.p50_us
            moto_rows.append(
                [
                    label,
                    ms(handler.p50_us),
                    ms(handler.p99_us),
                    ms(floor.p50_us),
                    ms(floor.p99_us),
                    us(overhead),
                    pct(overhead / floor.p50_us),
                    case.floor_calls + checked,
                ]
            )
        handler, floor = zero["handler"], zero.get("floor")
        floor_p50 = floor.p50_us if floor is not None else 0.0
        overhead = handler.p50_us - floor_p50
        wire = case.round_trips * DYNAMODB_ROUND_TRIP_MS * 1000
        in_aws = pct(overhead_in_aws(overhead, floor_p50, wire)) if wire else "n/a"
        function = FUNCTION_OF[case.scenario]
        deployed = "n/a"
        if wire:
            stretched = overhead_in_aws(overhead, floor_p50, wire, cpu_stretch(function))
            deployed = f"{pct(stretched)} @{FUNCTION_MEMORY_MB[function]} MB"
        zero_rows.append(
            [
                label,
                ms(handler.p50_us),
                ms(handler.p99_us),
                ms(floor_p50) if floor is not None else "-",
                us(overhead),
                ms(floor_p50 + wire) if case.round_trips else "-",
                in_aws,
                deployed,
            ]
        )
    against_moto = table(
        "Warm latency against moto (ms; same process, same client, interleaved runs)",
        ["case", "handler p50", "p99", "raw calls p50", "p99", "overhead us", "overhead %", "raw calls (= handler's)"],
        moto_rows,
        [
            "handler: lambda_handler(event, context) with a real HTTP API v2 event, Powertools decorators included.",
            "raw calls: the same DynamoDB calls made directly with the handler's boto3 client (the floor).",
            "overhead = handler p50 - raw p50. moto's cost per call is not DynamoDB's: ~1 ms per small write",
            "(less than a real round trip) but ~80 ms to serialize a 51-item Query answer, so these ratios",
            "say little about AWS; the zero-latency table below separates CPU from storage latency.",
            f"authorizer, first request for a key in a container: GetItem + bcrypt = {first.p50_us / 1000:.0f} ms"
            f" p50 (n={first.samples}); later requests skip bcrypt.",
        ],
    )
    zero_latency = table(
        "Warm latency at zero storage latency (ms of process CPU time: DynamoDB answers instantly at before-send)",
        [
            "case",
            "handler p50",
            "p99",
            "raw calls p50",
            "handler CPU us",
            "floor in AWS",
            "overhead @1 vCPU",
            "as deployed",
        ],
        zero_rows,
        [
            "raw calls p50 = botocore's own CPU (validate, serialize, sign, parse) for the handler's calls.",
            "handler CPU = handler p50 - raw calls p50: Powertools + pydantic + our code, per request.",
            f"floor in AWS = raw calls p50 + round trips on the critical path x {DYNAMODB_ROUND_TRIP_MS:g} ms"
            " (assumed DynamoDB latency;",
            "  the inbox's parallel queries count once).",
            "overhead @1 vCPU = handler CPU / floor in AWS (SPEC: <= 25%), with a full vCPU (Lambda >= 1,769 MB).",
            "as deployed: the same at the function's memory size (stacks/api_stack.py), all CPU times stretched",
            "by 1,769 MB / memory: Lambda gives CPU in proportion to memory, one vCPU at 1,769 MB.",
        ],
    )
    return against_moto + "\n" + zero_latency
