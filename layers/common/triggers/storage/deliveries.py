"""The push side's bookkeeping on the events table: which subscriptions an event still owes a
delivery to, every attempt made, and the event's roll-up status.

Per event (generation = how many times it was replayed):

* ``pending_subscriptions`` — subscriptions the current generation has not settled yet;
* ``failed_subscriptions`` — subscriptions whose deliveries failed for good (DLQ or 410 Gone);
* ``delivered_subscriptions`` — subscriptions that acknowledged it (so a recovery never resends);
* when nothing is pending, the status becomes ``delivered`` (no failures) or ``failed``.

Every transition is a conditional update on the subscription's membership in those sets, so a
duplicated SQS message can never settle a delivery twice or move the status twice.

Attempt items sit next to their event and are also indexed per subscription (``sub_pk`` =
``<tenant>#<subscription>#<shard>``, ``sub_sk`` = a time-ordered id): a busy subscription's attempts
spread over the same write shards as its events.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from triggers.ids import new_id
from triggers.models import DeliveryAttempt, DeliveryOutcome, EventStatus, Subscription, iso_utc
from triggers.storage.dynamo import ConditionFailed, storage_errors
from triggers.storage.events import ATTEMPT_SEPARATOR, event_key, inbox_partition

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

Item = dict[str, Any]


class DeliveryLedger:
    def __init__(self, client: DynamoDBClient, table: str, shard_count: int, ttl_days: int = 30) -> None:
        self._client = client
        self._table = table
        self._shard_count = shard_count
        self._ttl = timedelta(days=ttl_days)

    def expect(self, tenant_id: str, event_id: str, generation: int, subscription_ids: list[str]) -> bool:
        """Records which subscriptions this generation owes; False if the event is gone or was replayed since.

        Only the first dispatch of a generation writes: a retried stream batch dispatches again, and must
        not put back deliveries that were settled meanwhile (it still gets True, to queue the jobs again).
        """
        try:
            with storage_errors():
                self._client.update_item(
                    TableName=self._table,
                    Key=event_key(tenant_id, event_id, self._shard_count),
                    UpdateExpression=(
                        "SET pending_subscriptions = :subs, dispatched_generation = :generation "
                        "REMOVE failed_subscriptions"
                    ),
                    ConditionExpression=(
                        "attribute_exists(sk) AND generation = :generation "
                        "AND (attribute_not_exists(dispatched_generation) OR dispatched_generation <> :generation)"
                    ),
                    ExpressionAttributeValues={
                        ":subs": {"SS": subscription_ids},
                        ":generation": {"N": str(generation)},
                    },
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )
        except ConditionFailed as failed:
            return int(failed.item.get("generation", {}).get("N", -1)) == generation
        return True

    def record_attempt(self, tenant_id: str, event_id: str, event_type: str, attempt: DeliveryAttempt) -> None:
        """Appends an attempt record next to the event (same partition; it expires with the event)."""
        attempt_id = new_id()
        self._put_attempt(
            tenant_id, event_id, event_type, attempt, attempt_id, f"{event_id}{ATTEMPT_SEPARATOR}{attempt_id}"
        )

    def record_skipped(
        self, tenant_id: str, event_id: str, event_type: str, generation: int, subscription: Subscription
    ) -> None:
        """Records that a disabled subscription did not get this event generation (once, however often the
        stream hands the event over)."""
        webhook_id = f"msg_{event_id}_{subscription.subscription_id}_{generation}"
        skipped = DeliveryAttempt(
            subscription_id=subscription.subscription_id,
            webhook_id=webhook_id,
            attempt=0,
            at=iso_utc(datetime.now(UTC)),
            outcome=DeliveryOutcome.SKIPPED,
            latency_ms=0,
            error=f"subscription disabled: {subscription.disabled_reason or 'disabled'}",
        )
        sort_key = f"{event_id}{ATTEMPT_SEPARATOR}skipped#{subscription.subscription_id}#{generation}"
        with suppress(ConditionFailed):  # recorded by an earlier delivery of the same stream record
            self._put_attempt(tenant_id, event_id, event_type, skipped, new_id(), sort_key, once=True)

    def _put_attempt(
        self,
        tenant_id: str,
        event_id: str,
        event_type: str,
        attempt: DeliveryAttempt,
        attempt_id: str,
        sort_key: str,
        once: bool = False,
    ) -> None:
        key = event_key(tenant_id, event_id, self._shard_count)
        shard = key["pk"]["S"].rsplit("#", 1)[1]
        item: Item = {
            "pk": key["pk"],
            "sk": {"S": sort_key},
            "sub_pk": {"S": f"{tenant_id}#{attempt.subscription_id}#{shard}"},
            "sub_sk": {"S": attempt_id},
            "event_type": {"S": event_type},
            "subscription_id": {"S": attempt.subscription_id},
            "webhook_id": {"S": attempt.webhook_id},
            "attempt": {"N": str(attempt.attempt)},
            "at": {"S": attempt.at},
            "outcome": {"S": attempt.outcome.value},
            "latency_ms": {"N": str(attempt.latency_ms)},
            "expires_at": {"N": str(int((datetime.now(UTC) + self._ttl).timestamp()))},
        }
        if attempt.status_code is not None:
            item["status_code"] = {"N": str(attempt.status_code)}
        if attempt.error:
            item["error"] = {"S": attempt.error[:500]}
        with storage_errors():
            if once:
                self._client.put_item(TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(sk)")
            else:
                self._client.put_item(TableName=self._table, Item=item)

    def expect_again(self, tenant_id: str, event_id: str, generation: int, subscription_id: str) -> bool:
        """Owes the subscription this generation once more (a recovery); False if it already has it, has it
        on the way, or the event is gone or was replayed since."""
        try:
            with storage_errors():
                self._client.update_item(
                    TableName=self._table,
                    Key=event_key(tenant_id, event_id, self._shard_count),
                    UpdateExpression="ADD pending_subscriptions :sub DELETE failed_subscriptions :sub",
                    ConditionExpression=(
                        "attribute_exists(sk) AND generation = :generation "
                        "AND NOT contains(pending_subscriptions, :id) AND NOT contains(delivered_subscriptions, :id)"
                    ),
                    ExpressionAttributeValues={
                        ":sub": {"SS": [subscription_id]},
                        ":id": {"S": subscription_id},
                        ":generation": {"N": str(generation)},
                    },
                )
        except ConditionFailed:
            return False
        return True

    def settle(
        self,
        tenant_id: str,
        event_id: str,
        generation: int,
        subscription_id: str,
        *,
        delivered: bool,
        alone: bool = False,
    ) -> EventStatus | None:
        """Settles one subscription's delivery; returns the event's new status if this settled the last one.

        A success also clears an earlier failure (a redriven job that now got through); a failure only
        settles a subscription that is still pending. Returns None when nothing changed: a duplicate
        message, a stale generation, or an event that was erased.

        ``alone``: the caller read the event pending on this subscription only, with no failure. A success
        then settles and rolls up in one conditional update, one write where the two steps take two (each
        rewriting the inbox index's copy); if the event changed since it was read, the two steps follow.
        """
        key = event_key(tenant_id, event_id, self._shard_count)
        if delivered and alone:
            status = self._roll_up(key, generation, failed=False, settling=subscription_id)
            if status is not None:
                return status
        values: dict[str, Any] = {":sub": {"SS": [subscription_id]}, ":id": {"S": subscription_id}}
        values[":generation"] = {"N": str(generation)}
        if delivered:
            update = "DELETE pending_subscriptions :sub, failed_subscriptions :sub ADD delivered_subscriptions :sub"
            condition = "(contains(pending_subscriptions, :id) OR contains(failed_subscriptions, :id))"
        else:
            update = "DELETE pending_subscriptions :sub ADD failed_subscriptions :sub"
            condition = "contains(pending_subscriptions, :id)"
        try:
            with storage_errors():
                item = self._client.update_item(
                    TableName=self._table,
                    Key=key,
                    UpdateExpression=update,
                    ConditionExpression=f"generation = :generation AND {condition}",
                    ExpressionAttributeValues=values,
                    ReturnValues="ALL_NEW",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )["Attributes"]
        except ConditionFailed as failed:
            # Already settled (a duplicate or a retry). If the run that settled it died before the
            # roll-up, this one finishes it; the roll-up is conditional, so it never happens twice.
            item = failed.item
            if not item or int(item.get("generation", {}).get("N", -1)) != generation:
                return None
        if "pending_subscriptions" in item:
            return None
        return self._roll_up(key, generation, failed="failed_subscriptions" in item)

    def _roll_up(self, key: Item, generation: int, *, failed: bool, settling: str | None = None) -> EventStatus | None:
        """Moves the event to its final status once nothing is pending. ``settling``: the last pending
        subscription, settled by the same write (its delivery succeeded and nothing failed)."""
        status = EventStatus.FAILED if failed else EventStatus.DELIVERED
        update = "SET #status = :status, inbox_pk = :inbox"
        nothing_pending = "attribute_not_exists(pending_subscriptions)"
        values: dict[str, Any] = {
            ":status": {"S": status.value},
            ":inbox": {"S": inbox_partition(key["pk"]["S"], status)},
            ":generation": {"N": str(generation)},
            ":acknowledged": {"S": EventStatus.ACKNOWLEDGED.value},
        }
        if settling is not None:
            update += " DELETE pending_subscriptions :sub ADD delivered_subscriptions :sub"
            nothing_pending = (
                "contains(pending_subscriptions, :id) AND size(pending_subscriptions) = :one "
                "AND attribute_not_exists(failed_subscriptions)"
            )
            values |= {":sub": {"SS": [settling]}, ":id": {"S": settling}, ":one": {"N": "1"}}
        try:
            with storage_errors():
                self._client.update_item(
                    TableName=self._table,
                    Key=key,
                    UpdateExpression=update,
                    # An acknowledged event has left the inbox; a push result must not bring it back.
                    ConditionExpression=(
                        f"generation = :generation AND {nothing_pending} "
                        "AND #status <> :acknowledged AND #status <> :status"
                    ),
                    ExpressionAttributeNames={"#status": "status"},
                    ExpressionAttributeValues=values,
                )
        except ConditionFailed:
            return None
        return status
