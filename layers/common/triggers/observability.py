"""Powertools observability singletons, shared by every function in the process.

The Tracer is built when an invocation is first traced, not at import: building it imports the X-Ray
SDK, which creates two botocore clients of its own, about as much work as the rest of a cold start.
X-Ray samples a small share of invocations (the trace header Lambda sets per invocation says which),
and an unsampled invocation records nothing, so a container that is never sampled never loads it.
Once built, the Tracer patches botocore, so every DynamoDB and SQS call of a sampled invocation is a
subsegment, as before; the webhook POSTs get theirs from ``tracing.subsegment``.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast

from aws_lambda_powertools import Logger, Metrics

from triggers.metric_names import NAMESPACE, SERVICE_DIMENSION
from triggers.snapshot import preload

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

# Logs and traces name the function; metrics share one service dimension so one alarm covers all functions.
_function_service = os.environ.get("POWERTOOLS_SERVICE_NAME", SERVICE_DIMENSION)
logger = Logger(service=_function_service)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE_DIMENSION)

Function = TypeVar("Function", bound=Callable[..., Any])
# Set by the Lambda runtime for each invocation: "Root=…;Parent=…;Sampled=1" when X-Ray records it.
TRACE_HEADER = "_X_AMZN_TRACE_ID"


class Tracing:
    """Powertools' Tracer, built on the first sampled invocation (or before a SnapStart snapshot)."""

    def __init__(self, service: str) -> None:
        self._service = service
        self._tracer: Tracer | None = None
        self._building = threading.Lock()
        self._invoked = False

    @property
    def enabled(self) -> bool:
        """Powertools' own rule: only inside Lambda, and not when switched off."""
        switched_off = os.environ.get("POWERTOOLS_TRACE_DISABLED", "false").lower() in {"1", "true", "yes", "on"}
        return "LAMBDA_TASK_ROOT" in os.environ and not switched_off

    def active(self) -> Tracer | None:
        """The tracer, if this invocation is recorded."""
        if self._tracer is None and self.enabled and "Sampled=1" in os.environ.get(TRACE_HEADER, ""):
            self._build()
        return self._tracer

    def _build(self) -> None:
        with self._building:
            if self._tracer is not None:
                return
            from aws_lambda_powertools import Tracer
            from aws_lambda_powertools.tracing import tracer as tracer_module

            if self._invoked:
                # Powertools annotates its first traced invocation as the cold start; this one is not.
                tracer_module.is_cold_start = False
            self._tracer = Tracer(service=self._service)

    def preload(self) -> None:
        """Builds the tracer ahead of the first invocation, when tracing is on (before a snapshot)."""
        if self.enabled:
            self._build()

    def lambda_handler(self, handler: Function) -> Function:
        """Powertools' ``capture_lambda_handler`` on the invocations X-Ray records (responses are not
        captured: they may carry payloads)."""
        return self._when_recorded(
            handler, lambda tracer: tracer.capture_lambda_handler(handler, capture_response=False)
        )

    def method(self, function: Function) -> Function:
        """Powertools' ``capture_method`` on the invocations X-Ray records."""
        return self._when_recorded(function, lambda tracer: tracer.capture_method(capture_response=False)(function))

    def _when_recorded(self, function: Function, decorate: Callable[[Tracer], Callable[..., Any]]) -> Function:
        traced: Callable[..., Any] | None = None

        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            nonlocal traced
            tracer = self.active()
            self._invoked = True
            if tracer is None:
                return function(*args, **kwargs)
            if traced is None:
                traced = decorate(tracer)
            return traced(*args, **kwargs)

        return cast(Function, run)

    @contextmanager
    def subsegment(self, name: str, *, remote: bool = False) -> Iterator[None]:
        """A subsegment around a block (a call to another service: ``remote``), when the invocation is recorded."""
        tracer = self.active()
        if tracer is None:
            yield
            return
        with tracer.provider.in_subsegment(name=name, namespace="remote" if remote else "local"):
            yield


tracing = Tracing(_function_service)
preload(tracing.preload)
