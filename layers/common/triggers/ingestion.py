"""Accepting events: rate limits, idempotency and durable storage before the client hears "201".

Without an ``Idempotency-Key`` an event costs exactly one DynamoDB write. With one, the Powertools
idempotency utility records the key (per tenant, 24 h) so a retried request gets the original
response, a reused key with another body is refused, and a request still in flight gets a 409.
A batch may carry one key for the whole batch (its response is replayed whole) and keys per item;
batch keys and single-event keys live in separate namespaces.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from triggers.auth.authorizer import Principal
from triggers.errors import DomainError, IdempotencyKeyReused, RequestInFlight, StorageUnavailable
from triggers.lazy import Lazy
from triggers.metric_names import MetricName
from triggers.models import (
    MAX_BATCH_SIZE,
    BatchIn,
    BatchItemIn,
    BatchItemRefused,
    BatchItemStored,
    BatchResult,
    ErrorBody,
    EventIn,
    EventSummary,
)
from triggers.observability import logger, metrics
from triggers.settings import IngestSettings
from triggers.storage.dynamo import dynamodb_client
from triggers.storage.events import EventStore
from triggers.storage.rate_limit import RateLimiter

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig
    from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer

IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60
# A batch's Idempotency-Key never collides with a single event's key of the same text.
_BATCH_KEY_PREFIX = "batch:"


@dataclass(frozen=True)
class Accepted:
    summary: EventSummary
    replayed: bool = False


@dataclass(frozen=True)
class BatchAccepted:
    result: BatchResult
    replayed: bool = False


def replay_headers(accepted: Accepted | BatchAccepted) -> dict[str, str]:
    """Tells a client its response came from an earlier request with the same Idempotency-Key."""
    return {"Idempotent-Replayed": "true"} if accepted.replayed else {}


class _Replay(dict[str, Any]):
    """Marks a response that came from the idempotency store rather than from a fresh write."""


@dataclass(frozen=True)
class _OnceOnly:
    """The Powertools idempotency wrappers, and the config they share."""

    config: IdempotencyConfig
    append: Callable[..., dict[str, Any]]
    store_batch: Callable[..., dict[str, Any]]


class Ingestion:
    def __init__(
        self,
        store: EventStore,
        limiter: RateLimiter,
        idempotency_store: Callable[[], BasePersistenceLayer],
        default_rate_limit_per_second: int,
    ) -> None:
        self._store = store
        self._limiter = limiter
        self._idempotency_store = idempotency_store
        self._default_rate_limit = default_rate_limit_per_second
        self._once = Lazy(self._load_idempotency)

    def _load_idempotency(self) -> _OnceOnly:
        """Powertools idempotency, loaded by the first request that carries a key (most never do)."""
        from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function

        config = IdempotencyConfig(
            # Keys are scoped to the tenant: two tenants may use the same Idempotency-Key.
            event_key_jmespath="[tenant_id, idempotency_key]",
            payload_validation_jmespath="event",
            raise_on_no_idempotency_key=True,
            expires_after_seconds=IDEMPOTENCY_WINDOW_SECONDS,
            response_hook=lambda response, _record: _Replay(response),
        )
        once = idempotent_function(
            data_keyword_argument="request", persistence_store=self._idempotency_store(), config=config
        )
        return _OnceOnly(config, once(self._append), once(self._store_batch_recorded))

    def preload(self) -> None:
        """Loads what the first keyed request would (before a SnapStart snapshot)."""
        self._once()

    @classmethod
    def from_settings(cls, settings: IngestSettings) -> Ingestion:
        client = dynamodb_client()

        def idempotency_store() -> BasePersistenceLayer:
            from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

            return DynamoDBPersistenceLayer(table_name=settings.idempotency_table, boto3_client=client)

        return cls(
            store=EventStore(client, settings.events_table, settings.shard_count, settings.event_ttl_days),
            limiter=RateLimiter(
                client,
                settings.rate_limits_table,
                settings.rate_limit_lease_fraction,
                local_allowance=settings.rate_limit_local_allowance,
                largest_request=MAX_BATCH_SIZE,
            ),
            idempotency_store=idempotency_store,
            default_rate_limit_per_second=settings.default_rate_limit_per_second,
        )

    def accept(
        self, caller: Principal, event: EventIn, idempotency_key: str | None, context: LambdaContext | None
    ) -> Accepted:
        self._limiter.consume(caller.key_id, 1, caller.rate_limit_per_second or self._default_rate_limit)
        accepted = self._accept_one(caller.tenant_id, event, idempotency_key, context)
        self._count(accepted=[accepted], rejected=0)
        # Per event, so at DEBUG: at full rate it was a third of an event's logging cost. The access log and
        # the EventsIngested metric keep the count; GET /v1/events/{id} shows what was stored.
        logger.debug(
            "Event accepted",
            extra={
                "event_id": accepted.summary.event_id,
                "event_type": event.event_type,
                "idempotent_replay": accepted.replayed,
            },
        )
        return accepted

    def accept_batch(
        self, caller: Principal, batch: BatchIn, idempotency_key: str | None, context: LambdaContext | None
    ) -> BatchAccepted:
        self._limiter.consume(
            caller.key_id, len(batch.events), caller.rate_limit_per_second or self._default_rate_limit
        )
        if idempotency_key is None:
            return BatchAccepted(self._store_batch(caller.tenant_id, batch, context))
        request = {
            "tenant_id": caller.tenant_id,
            "idempotency_key": _BATCH_KEY_PREFIX + idempotency_key,
            "event": batch.model_dump(mode="json"),
        }
        response = self._idempotent(self._once().store_batch, request, batch=batch, context=context)
        return BatchAccepted(BatchResult.model_validate(response), replayed=isinstance(response, _Replay))

    def _store_batch_recorded(self, request: dict[str, Any], batch: BatchIn) -> dict[str, Any]:
        return self._store_batch(request["tenant_id"], batch, None).model_dump(mode="json")

    def _store_batch(self, tenant_id: str, batch: BatchIn, context: LambdaContext | None) -> BatchResult:
        outcomes: list[Accepted | DomainError | None] = [None] * len(batch.events)
        plain: list[tuple[int, EventIn]] = []
        keyed: dict[str, list[tuple[int, BatchItemIn]]] = {}
        for index, item in enumerate(batch.events):
            if item.idempotency_key is None:
                plain.append((index, item))
            else:
                keyed.setdefault(item.idempotency_key, []).append((index, item))

        if plain:
            stored = self._store.append_many(tenant_id, [event for _, event in plain])
            for (index, _), result in zip(plain, stored, strict=True):
                outcomes[index] = result if isinstance(result, DomainError) else Accepted(result)

        def accept_group(group: list[tuple[int, BatchItemIn]]) -> list[tuple[int, Accepted | DomainError]]:
            # Items sharing a key run in order, so the second one sees the first one's record.
            done: list[tuple[int, Accepted | DomainError]] = []
            for index, item in group:
                try:
                    done.append((index, self._accept_one(tenant_id, item, item.idempotency_key, context)))
                except DomainError as exc:
                    done.append((index, exc))
            return done

        for group_results in self._pool.map(accept_group, keyed.values()):
            for index, outcome in group_results:
                outcomes[index] = outcome

        results = [_batch_result(index, outcome) for index, outcome in enumerate(outcomes)]
        accepted = [outcome for outcome in outcomes if isinstance(outcome, Accepted)]
        self._count(accepted=accepted, rejected=len(outcomes) - len(accepted))
        logger.info("Batch processed", extra={"accepted": len(accepted), "rejected": len(outcomes) - len(accepted)})
        if not accepted:
            # Nothing stored, so the request as a whole failed (and is not recorded under a batch key).
            raise _batch_refusal([outcome for outcome in outcomes if isinstance(outcome, DomainError)], results)
        return BatchResult(results=results, accepted=len(accepted), rejected=len(results) - len(accepted))

    def _accept_one(
        self, tenant_id: str, event: EventIn, idempotency_key: str | None, context: LambdaContext | None
    ) -> Accepted:
        if idempotency_key is None:
            return Accepted(self._store.append(tenant_id, event))
        request = {
            "tenant_id": tenant_id,
            "idempotency_key": idempotency_key,
            "event": event.model_dump(mode="json", exclude={"idempotency_key"}),
        }
        response = self._idempotent(self._once().append, request, event=event, context=context)
        return Accepted(EventSummary.model_validate(response), replayed=isinstance(response, _Replay))

    def _idempotent(
        self, once: Callable[..., dict[str, Any]], request: dict[str, Any], context: LambdaContext | None, **kwargs: Any
    ) -> dict[str, Any]:
        """Runs ``once`` at most once per (tenant, key); a repeat gets the recorded response back."""
        from aws_lambda_powertools.utilities.idempotency.exceptions import (
            IdempotencyAlreadyInProgressError,
            IdempotencyPersistenceLayerError,
            IdempotencyValidationError,
        )

        if context is not None:
            self._once().config.register_lambda_context(context)
        try:
            return once(request=request, **kwargs)
        except IdempotencyValidationError as exc:
            raise IdempotencyKeyReused() from exc
        except IdempotencyAlreadyInProgressError as exc:
            raise RequestInFlight() from exc
        except IdempotencyPersistenceLayerError as exc:
            raise StorageUnavailable() from exc

    def _append(self, request: dict[str, Any], event: EventIn) -> dict[str, Any]:
        return self._store.append(request["tenant_id"], event).model_dump(mode="json")

    def _count(self, accepted: list[Accepted], rejected: int) -> None:
        replays = sum(1 for outcome in accepted if outcome.replayed)
        if len(accepted) - replays:
            metrics.add_metric(name=MetricName.EVENTS_INGESTED, unit="Count", value=len(accepted) - replays)
        if replays:
            metrics.add_metric(name=MetricName.IDEMPOTENT_REPLAYS, unit="Count", value=replays)
        if rejected:
            metrics.add_metric(name=MetricName.EVENTS_REJECTED, unit="Count", value=rejected)

    @cached_property
    def _pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=8, thread_name_prefix="ingest")


def _batch_result(index: int, outcome: Accepted | DomainError | None) -> BatchItemStored | BatchItemRefused:
    if isinstance(outcome, Accepted):
        summary = outcome.summary
        return BatchItemStored.model_construct(
            index=index,
            event_id=summary.event_id,
            event_type=summary.event_type,
            status=summary.status,
            received_at=summary.received_at,
        )
    return BatchItemRefused(index=index, error=ErrorBody.of(outcome or DomainError()))


def _batch_refusal(refusals: list[DomainError], results: list[BatchItemStored | BatchItemRefused]) -> DomainError:
    """Why no event of a batch was stored: a fault (retry the batch), or each item's own idempotency refusal."""
    details = [result.model_dump(mode="json") for result in results]
    if any(isinstance(refusal, StorageUnavailable) for refusal in refusals):
        return StorageUnavailable(details=details)
    if any(isinstance(refusal, RequestInFlight) for refusal in refusals):
        return RequestInFlight("Every event in the batch has an Idempotency-Key still in flight", details=details)
    return IdempotencyKeyReused("Every event in the batch reused an Idempotency-Key with another body", details=details)
