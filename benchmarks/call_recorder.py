"""Records every AWS API call made in the process, with the DynamoDB capacity each one consumes.

Capacity follows DynamoDB's on-demand rules, computed from the request and the response: a write
unit per started KB written, charged again for every global secondary index the item lands in; half
a read unit per started 4 KB read with eventual consistency (a whole one with strong consistency).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from botocore.client import BaseClient

from benchmarks import fixtures

_WRITE_UNIT_BYTES = 1024
_READ_UNIT_BYTES = 4096


@dataclass(frozen=True)
class ApiCall:
    service: str
    operation: str
    table: str = ""
    items_written: int = 0
    items_read: int = 0
    table_write_units: float = 0
    index_write_units: float = 0
    read_units: float = 0


@contextmanager
def recording_calls() -> Iterator[list[ApiCall]]:
    """Records every API call any botocore client makes (a failed conditional write still costs units)."""
    original = BaseClient._make_api_call
    calls: list[ApiCall] = []

    def recorded(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        response: Any = None
        try:
            response = original(client, operation, params)
            return response
        finally:
            calls.append(describe(client.meta.service_model.service_name, operation, params, response))

    BaseClient._make_api_call = recorded  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]


def item_size(item: Mapping[str, Any]) -> int:
    """DynamoDB's item size: attribute names plus values (numbers ≈ 1 byte per 2 digits + 1)."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: Mapping[str, Any]) -> int:
    kind, content = next(iter(value.items()))
    if kind == "S":
        return len(content.encode())
    if kind == "N":
        return len(content.strip("-").replace(".", "")) // 2 + 1
    if kind in ("B", "BS"):
        return len(content) if kind == "B" else sum(len(entry) for entry in content)
    if kind in ("SS", "NS"):
        return sum(len(entry.encode()) for entry in content)
    if kind == "L":
        return 3 + sum(_value_size(entry) + 1 for entry in content)
    if kind == "M":
        return 3 + item_size(content) + len(content)
    return 1  # BOOL, NULL


@cache
def _tables() -> dict[str, Any]:
    from triggers.tables import ALL_TABLES, physical_name

    return {physical_name(fixtures.PREFIX, spec.name): spec for spec in ALL_TABLES}


def _put_units(table: str, item: Mapping[str, Any]) -> tuple[float, float]:
    """Write units on the table and on every index the item appears in (each index write is billed)."""
    units = math.ceil(item_size(item) / _WRITE_UNIT_BYTES)
    spec = _tables().get(table)
    indexed = [ix for ix in (spec.indexes if spec else ()) if ix.partition_key in item and ix.sort_key in item]
    return units, units * len(indexed)


def _read_units(size: int, consistent: bool) -> float:
    blocks = max(1, math.ceil(size / _READ_UNIT_BYTES))
    return blocks * (1.0 if consistent else 0.5)


def describe(service: str, operation: str, params: Mapping[str, Any], response: Any) -> ApiCall:
    if service != "dynamodb":
        return ApiCall(service, operation)
    table = params.get("TableName", "")
    spec = _tables().get(table)
    if operation == "PutItem":
        units, index_units = _put_units(table, params["Item"])
        return ApiCall(service, operation, table, 1, table_write_units=units, index_write_units=index_units)
    if operation == "BatchWriteItem":
        items, units, index_units = 0, 0.0, 0.0
        for name, requests in params["RequestItems"].items():
            for request in requests:
                put = request.get("PutRequest")
                table_units, idx_units = _put_units(name, put["Item"]) if put else (1, 0)
                items, units, index_units = items + 1, units + table_units, index_units + idx_units
        tables = ",".join(params["RequestItems"])
        return ApiCall(service, operation, tables, items, table_write_units=units, index_write_units=index_units)
    if operation in ("UpdateItem", "DeleteItem"):
        # Items here are < 1 KB; an index is written when the update touches its key attributes.
        expression = params.get("UpdateExpression", "")
        touched = [
            ix for ix in (spec.indexes if spec else ()) if operation == "DeleteItem" or ix.partition_key in expression
        ]
        return ApiCall(service, operation, table, 1, table_write_units=1, index_write_units=len(touched))
    if operation in ("GetItem", "Query"):
        items = (response or {}).get("Items", []) if operation == "Query" else [(response or {}).get("Item") or {}]
        units = _read_units(sum(item_size(item) for item in items), bool(params.get("ConsistentRead")))
        return ApiCall(service, operation, table, items_read=sum(1 for item in items if item), read_units=units)
    return ApiCall(service, operation, table)
