"""The DynamoDB client and the one place that turns a ClientError into a domain error.

botocore is loaded with the first client, not at import: only its exceptions are needed before that,
and the rest (its HTTP stack, the session) is most of a cold start that has no AWS call to make yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from botocore.exceptions import BotoCoreError, ClientError

from triggers.errors import StorageUnavailable

if TYPE_CHECKING:
    from botocore.config import Config
    from botocore.session import Session
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sqs import SQSClient

_TRANSIENT_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionConflictException",
    }
)


@cache
def client_config() -> Config:
    """Every call is bounded: a slow dependency must fail fast rather than use up the Lambda timeout."""
    from botocore.config import Config

    return Config(
        # Our code builds every request; botocore's client-side validation doubled the CPU of a batch write.
        parameter_validation=False,
        connect_timeout=2,
        read_timeout=5,
        retries={"mode": "standard", "max_attempts": 3},
        max_pool_connections=32,
    )


@cache
def _session() -> Session:
    # botocore itself, not boto3: boto3 adds resources, which nothing here uses, and their import time.
    from botocore.session import get_session

    return get_session()


@cache
def dynamodb_client() -> DynamoDBClient:
    """One client per container, created on first use (not at import) and reused while warm."""
    return cast("DynamoDBClient", _session().create_client("dynamodb", config=client_config()))


@cache
def sqs_client() -> SQSClient:
    """Like ``dynamodb_client``: one per container, bounded timeouts."""
    return cast("SQSClient", _session().create_client("sqs", config=client_config()))


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def is_conditional_failure(exc: ClientError) -> bool:
    return error_code(exc) == "ConditionalCheckFailedException"


class ConditionFailed(Exception):
    """A conditional write found its condition false, so it changed nothing.

    ``item`` is the item as it was, when the write asked for it (``ReturnValuesOnConditionCheckFailure``);
    ``step`` is the index of the failing step when the write was a transaction.
    """

    def __init__(self, item: dict[str, Any] | None, step: int | None = None) -> None:
        super().__init__("condition failed")
        self.item = item or {}
        self.step = step


def capped_count_step(table: str, key: dict[str, Any], attribute: str, change: int, cap: int) -> dict[str, Any]:
    """A transaction step that moves a per-tenant count by ``change``; growing, it refuses to pass ``cap``
    (the transaction then fails at this step with ConditionFailed)."""
    step: dict[str, Any] = {
        "TableName": table,
        "Key": key,
        "UpdateExpression": f"ADD {attribute} :change",
        "ExpressionAttributeValues": {":change": {"N": str(change)}},
    }
    if change > 0:
        step["ConditionExpression"] = f"attribute_not_exists({attribute}) OR {attribute} < :cap"
        step["ExpressionAttributeValues"][":cap"] = {"N": str(cap)}
    return {"Update": step}


# Why a transaction step can be cancelled that says nothing about the data: retrying is safe.
_TRANSIENT_CANCELLATIONS = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})


def _is_transient(exc: ClientError) -> bool:
    code = error_code(exc)
    if code == "TransactionCanceledException":
        reasons: list[Any] = list(exc.response.get("CancellationReasons", []))
        return any(reason.get("Code") in _TRANSIENT_CANCELLATIONS for reason in reasons)
    return code in _TRANSIENT_CODES


@contextmanager
def storage_errors() -> Iterator[None]:
    """The one ClientError translator: a failed condition becomes ConditionFailed (with the old item),
    throttling and service faults StorageUnavailable (503, safe to retry); bugs stay 500s."""
    try:
        yield
    except ClientError as exc:
        if is_conditional_failure(exc):
            raise ConditionFailed(exc.response.get("Item")) from exc  # type: ignore[arg-type]
        if _is_transient(exc):
            raise StorageUnavailable() from exc
        if error_code(exc) == "TransactionCanceledException":
            reasons: list[Any] = list(exc.response.get("CancellationReasons", []))
            for step, reason in enumerate(reasons):
                if reason.get("Code") == "ConditionalCheckFailed":
                    raise ConditionFailed(reason.get("Item"), step) from exc
        raise
    except BotoCoreError as exc:  # connection and read timeouts
        raise StorageUnavailable() from exc
