"""What JSON the API accepts: strict RFC 8259 JSON with bounded nesting and number size.

Whatever the door accepts must be storable, listable and deliverable by every read path and the
worker, so the bounds are applied once, when a body is parsed:

* ``NaN``, ``Infinity`` and ``-Infinity`` are not JSON (Python's parser accepts them): refused.
* Number literals are at most ``MAX_NUMBER_CHARS`` characters and finite, so none is rounded to
  infinity, silently stored as ``null`` or too big for Python's int conversion.
* Nesting is bounded twice: a body deeper than ``MAX_BODY_DEPTH`` is refused before it reaches the
  recursive parser; the fields that store client JSON (``payload``, ``metadata``) are bounded more
  tightly by the models, with ``json_depth``.
"""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate
from typing import Any

from triggers.errors import InvalidJson, ValidationFailed

MAX_NUMBER_CHARS = 64
# DynamoDB's own bound on nested documents; payloads and metadata stay within it.
MAX_FIELD_DEPTH = 32
# A field's depth plus the envelope around it (batch → events → item → payload), with room to spare.
MAX_BODY_DEPTH = 64

_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class _RefusedNumber:
    """Stands in for a number literal the API refuses, so the refusal can name its field."""


_REFUSED = _RefusedNumber()


def json_depth(text: str) -> int:
    """How deeply ``text`` (valid JSON) nests: 0 for a scalar, 1 for ``{}`` or ``[1, 2]``.

    Strings are blanked first (their brackets are not structure), everything but brackets is dropped,
    and the running depth's maximum is taken in C (``accumulate``): no Python step per character.
    """
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub('""', text))
    return max(0, max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0))


def _not_json(constant: str) -> Any:
    raise InvalidJson(f"{constant} is not JSON: numbers must be finite")


def parse_body(text: str | bytes) -> Any:
    """Parses a request body under the bounds above; refusals are 400s naming the field."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    if json_depth(text) > MAX_BODY_DEPTH:
        message = f"JSON may nest at most {MAX_BODY_DEPTH} levels deep"
        raise ValidationFailed(message, details=[_detail("", message, "json_too_deep")])
    refusals = 0

    def number(literal: str, convert: type[int] | type[float]) -> Any:
        nonlocal refusals
        if len(literal) <= MAX_NUMBER_CHARS:
            value = convert(literal)
            if math.isfinite(value):
                return value
        refusals += 1
        return _REFUSED

    value = json.loads(
        text,
        parse_int=lambda literal: number(literal, int),
        parse_float=lambda literal: number(literal, float),
        parse_constant=_not_json,
    )
    if refusals:
        message = f"numbers must be finite and at most {MAX_NUMBER_CHARS} characters long"
        raise ValidationFailed(
            "Request has numbers JSON cannot carry faithfully",
            details=[_detail(path, message, "number_too_large") for path in _refused_paths(value)],
        )
    return value


def _detail(field: str, message: str, kind: str) -> dict[str, str]:
    return {"field": field, "in": "body", "message": message, "type": kind}


def _refused_paths(value: Any) -> list[str]:
    """Paths (``payload.items.3.price``) of refused numbers, in document order."""
    found: list[str] = []
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        node, where = stack.pop()
        if node is _REFUSED:
            found.append(where)
        elif isinstance(node, dict):
            children = [(child, f"{where}.{key}" if where else str(key)) for key, child in node.items()]
            stack.extend(reversed(children))
        elif isinstance(node, list):
            children = [(child, f"{where}.{index}" if where else str(index)) for index, child in enumerate(node)]
            stack.extend(reversed(children))
    return found
