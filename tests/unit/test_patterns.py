"""Subscription patterns: ``*`` globs matched without backtracking, so no pattern can stall the
dispatcher that every tenant shares."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from triggers.models import MAX_PATTERN_WILDCARDS, EventTypePattern, pattern_matches

PATTERNS = TypeAdapter(EventTypePattern)
ALPHABET = "ab.*"


def reference(pattern: str, event_type: str) -> bool:
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), event_type) is not None


@given(st.text(ALPHABET, min_size=1, max_size=10), st.text("ab.", max_size=12))
def test_matches_exactly_what_a_glob_means(pattern: str, event_type: str) -> None:
    assert pattern_matches(pattern, event_type) is reference(pattern, event_type)


class CountingText(str):
    """An event type that counts the substring searches made on it."""

    searches = 0

    def find(self, *args: object) -> int:  # type: ignore[override]
        CountingText.searches += 1
        return super().find(*args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pattern", "event_type"),
    [
        ("*a*a*a*a*a*b", "a" * 128),
        ("*a*a*a*a*a*a*a*b", "a" * 128),
        ("a*a*a*a*a*a*a*a*c", "a" * 127 + "b"),
        ("*ab*ab*ab*ab*ab*ab*ab*x", "ab" * 64),
    ],
)
def test_adversarial_patterns_search_each_piece_once(pattern: str, event_type: str) -> None:
    # A backtracking matcher retries earlier pieces at later positions (exponentially often here); this
    # one searches each literal piece once, left to right, whatever the input.
    CountingText.searches = 0
    assert pattern_matches(pattern, CountingText(event_type)) is False
    assert CountingText.searches <= pattern.count("*")


@pytest.mark.parametrize("pattern", ["*", "order.*", "*.created", "a*b*c*d*e*f*g*h*i", "*" * MAX_PATTERN_WILDCARDS])
def test_patterns_with_up_to_eight_wildcards_are_accepted(pattern: str) -> None:
    assert PATTERNS.validate_python(pattern) == pattern


@pytest.mark.parametrize(
    "pattern", ["*" * (MAX_PATTERN_WILDCARDS + 1), "*a*a*a*a*a*a*a*a*b", "a*b*c*d*e*f*g*h*i*j", ".order", "a b", ""]
)
def test_patterns_beyond_the_bounds_are_refused(pattern: str) -> None:
    with pytest.raises(ValidationError):
        PATTERNS.validate_python(pattern)
