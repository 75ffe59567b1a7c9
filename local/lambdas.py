"""Runs the real function handlers in-process, the way the Lambda runtime calls them."""

from __future__ import annotations

import importlib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from triggers.routes import FunctionName

Handler = Callable[[dict[str, Any], Any], Any]
DEFAULT_TIMEOUT_SECONDS = 29  # API Gateway's integration timeout


@dataclass
class LocalContext:
    """The attributes of Lambda's context object that Powertools and the handlers read."""

    function_name: str
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    _deadline: float = 0.0

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:000000000000:function:{self.function_name}"
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "local"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class FunctionRegistry:
    """Imports ``functions/<name>/handler.py`` on first use (a cold start) and keeps it warm.

    Invocations run one at a time. Powertools keeps per-invocation state in process-wide places
    (the resolvers' current event and route context, the logger's keys, the metric set), which is
    safe in Lambda, where a container serves one invocation at a time, but not in one process
    serving concurrent HTTP requests: they would read each other's principal. The lock is
    re-entrant so a test can call the API from inside a handler on the same thread.
    """

    def __init__(self) -> None:
        self._handlers: dict[FunctionName, Handler] = {}
        self._invoking = threading.RLock()

    def handler(self, function: FunctionName) -> Handler:
        if function not in self._handlers:
            module = importlib.import_module(f"functions.{function.value}.handler")
            self._handlers[function] = module.lambda_handler
        return self._handlers[function]

    def invoke(self, function: FunctionName, event: dict[str, Any]) -> Any:
        with self._invoking:
            return self.handler(function)(event, LocalContext(function_name=f"triggers-{function.value}"))
