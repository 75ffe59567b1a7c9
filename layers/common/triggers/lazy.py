"""A value built on first use: what only some requests need is not loaded at import."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Lazy(Generic[T]):
    """Builds its value on the first call, once, even when threads ask at the same time."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._value: T | None = None
        self._building = threading.Lock()

    def __call__(self) -> T:
        if self._value is None:
            with self._building:
                if self._value is None:
                    self._value = self._build()
        return self._value
