"""Records every AWS API call made in the process, with the DynamoDB capacity each one consumes.

Capacity follows DynamoDB's on-demand rules, from the items as they were before and after each write
(read back, unrecorded, around it):

* a write costs a unit per started KB of the larger of the old and the new item, even when its
  condition fails (then nothing is written to any index);
* each global secondary index the write touches costs again: putting an item into the index or taking
  it out is one write there, changing any projected attribute of an item that stays in it is one
  (our indexes project every attribute), and changing its index key is two (out, then in);
* a read costs half a unit per started 4 KB with eventual consistency (a whole one with strong).
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


_WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"})


@contextmanager
def recording_calls() -> Iterator[list[ApiCall]]:
    """Records every API call any botocore client makes (a failed conditional write still costs units)."""
    original = BaseClient._make_api_call
    calls: list[ApiCall] = []

    def recorded(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        service = client.meta.service_model.service_name
        if service == "dynamodb" and operation in _WRITES:
            return _recorded_write(client, operation, params, calls)
        response: Any = None
        try:
            response = original(client, operation, params)
            return response
        finally:
            calls.append(describe(service, operation, params, response))

    def _recorded_write(client: BaseClient, operation: str, params: dict[str, Any], into: list[ApiCall]) -> Any:
        keys = _written_keys(operation, params)
        before = [_item(original, client, table, key) for table, key in keys]
        failed = False
        try:
            return original(client, operation, params)
        except client.exceptions.ConditionalCheckFailedException:
            failed = True
            raise
        finally:
            after = [_item(original, client, table, key) for table, key in keys]
            into.append(_write(operation, [table for table, _ in keys], before, after, failed))

    BaseClient._make_api_call = recorded  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]


def _key_of(table: str, item: Mapping[str, Any]) -> dict[str, Any]:
    spec = _tables().get(table)
    names = [spec.partition_key, *([spec.sort_key] if spec and spec.sort_key else [])] if spec else list(item)
    return {name: item[name] for name in names if name in item}


def _written_keys(operation: str, params: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    if operation == "BatchWriteItem":
        return [
            (
                table,
                _key_of(table, request["PutRequest"]["Item"])
                if "PutRequest" in request
                else request["DeleteRequest"]["Key"],
            )
            for table, requests in params["RequestItems"].items()
            for request in requests
        ]
    table = params["TableName"]
    return [(table, _key_of(table, params["Item"]) if operation == "PutItem" else dict(params["Key"]))]


def _item(make_call: Any, client: BaseClient, table: str, key: dict[str, Any]) -> dict[str, Any]:
    """The item as it is now (a strongly consistent read that is not recorded)."""
    return dict(
        make_call(client, "GetItem", {"TableName": table, "Key": key, "ConsistentRead": True}).get("Item") or {}
    )


def _units(item: Mapping[str, Any]) -> int:
    return math.ceil(item_size(item) / _WRITE_UNIT_BYTES) if item else 0


def _index_writes(table: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> float:
    spec = _tables().get(table)
    units = 0.0
    for index in spec.indexes if spec else ():
        names = (index.partition_key, index.sort_key)
        was, now = all(n in old for n in names), all(n in new for n in names)
        if was and now:
            if any(old[n] != new[n] for n in names):
                units += _units(old) + _units(new)  # out of the index, then in again
            elif old != new:
                units += _units(new)  # a projected attribute changed
        elif was or now:
            units += _units(old if was else new)
    return units


def _write(
    operation: str, tables: list[str], before: list[dict[str, Any]], after: list[dict[str, Any]], failed: bool
) -> ApiCall:
    table_units = sum(max(1, _units(old), _units(new)) for old, new in zip(before, after, strict=True))
    index_units = (
        0.0
        if failed
        else sum(_index_writes(table, old, new) for table, old, new in zip(tables, before, after, strict=True))
    )
    written = 0 if failed else len(tables)
    return ApiCall(
        "dynamodb",
        operation,
        ",".join(dict.fromkeys(tables)),
        written,
        table_write_units=table_units,
        index_write_units=index_units,
    )


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


def _read_units(size: int, consistent: bool) -> float:
    blocks = max(1, math.ceil(size / _READ_UNIT_BYTES))
    return blocks * (1.0 if consistent else 0.5)


def describe(service: str, operation: str, params: Mapping[str, Any], response: Any) -> ApiCall:
    if service != "dynamodb":
        return ApiCall(service, operation)
    table = params.get("TableName", "")
    if operation in ("GetItem", "Query"):
        items = (response or {}).get("Items", []) if operation == "Query" else [(response or {}).get("Item") or {}]
        units = _read_units(sum(item_size(item) for item in items), bool(params.get("ConsistentRead")))
        return ApiCall(service, operation, table, items_read=sum(1 for item in items if item), read_units=units)
    return ApiCall(service, operation, table)
