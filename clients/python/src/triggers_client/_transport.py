"""Sending calls: authentication, retries under the retry policy, and errors as TriggersError.

The blocking and the asyncio transport differ only in how they send and sleep; every decision is
made by the shared helpers and the policy.
"""

from __future__ import annotations

import platform
from asyncio import sleep as async_sleep
from time import sleep
from typing import Any, TypeVar

import httpx
import pydantic

from triggers_client._calls import Call, Plan
from triggers_client._retry import RetryPolicy
from triggers_client._version import __version__
from triggers_client.errors import (
    GATEWAY_REQUEST_ID_HEADER,
    TriggersConnectionError,
    TriggersError,
    error_from_response,
)

T = TypeVar("T")
Operation = Call[T] | Plan[T]

USER_AGENT = f"triggers-client/{__version__} python/{platform.python_version()} httpx/{httpx.__version__}"


class _Endpoint:
    """The API's base URL and the headers every request carries."""

    def __init__(self, base_url: str, api_key: str) -> None:
        if not api_key:
            raise ValueError("api_key is empty: pass the key the API issued (trg_...)")
        self.base_url = base_url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {api_key}", "User-Agent": USER_AGENT, "Accept": "application/json"}

    def request(self, http: httpx.Client | httpx.AsyncClient, call: Call[Any]) -> httpx.Request:
        return http.build_request(
            call.method,
            f"{self.base_url}{call.path}",
            params=dict(call.params),
            json=call.body,
            headers={**self.headers, **call.headers},
        )


def _decoded(call: Call[T], response: httpx.Response) -> T:
    try:
        return call.decode(response)
    except pydantic.ValidationError as error:
        raise TriggersError(
            f"The API's answer does not match this client's model ({error.error_count()} problem(s)); "
            "upgrade triggers-client",
            status=response.status_code,
            request_id=response.headers.get(GATEWAY_REQUEST_ID_HEADER),
        ) from error


def _unreachable(error: httpx.TransportError) -> TriggersConnectionError:
    return TriggersConnectionError(f"Could not reach the Triggers API: {error!r}")


class Transport:
    def __init__(self, http: httpx.Client, base_url: str, api_key: str, policy: RetryPolicy) -> None:
        self._http = http
        self._endpoint = _Endpoint(base_url, api_key)
        self._policy = policy

    def run(self, operation: Operation[T]) -> T:
        if isinstance(operation, Call):
            return self.send(operation)
        try:
            call = next(operation)
            while True:
                try:
                    answer = self.send(call)
                except TriggersError as error:
                    call = operation.throw(error)
                else:
                    call = operation.send(answer)
        except StopIteration as done:
            result: T = done.value
            return result

    def send(self, call: Call[T]) -> T:
        request = self._endpoint.request(self._http, call)
        retry = 0
        while True:
            try:
                response = self._http.send(request)
            except httpx.TransportError as error:
                delay = self._policy.delay(retry, call.safe_to_repeat, error)
                if delay is None:
                    raise _unreachable(error) from error
            else:
                if response.is_success:
                    return _decoded(call, response)
                delay = self._policy.delay(retry, call.safe_to_repeat, response)
                if delay is None:
                    raise error_from_response(response)
            sleep(delay)
            retry += 1


class AsyncTransport:
    def __init__(self, http: httpx.AsyncClient, base_url: str, api_key: str, policy: RetryPolicy) -> None:
        self._http = http
        self._endpoint = _Endpoint(base_url, api_key)
        self._policy = policy

    async def run(self, operation: Operation[T]) -> T:
        if isinstance(operation, Call):
            return await self.send(operation)
        try:
            call = next(operation)
            while True:
                try:
                    answer = await self.send(call)
                except TriggersError as error:
                    call = operation.throw(error)
                else:
                    call = operation.send(answer)
        except StopIteration as done:
            result: T = done.value
            return result

    async def send(self, call: Call[T]) -> T:
        request = self._endpoint.request(self._http, call)
        retry = 0
        while True:
            try:
                response = await self._http.send(request)
            except httpx.TransportError as error:
                delay = self._policy.delay(retry, call.safe_to_repeat, error)
                if delay is None:
                    raise _unreachable(error) from error
            else:
                if response.is_success:
                    return _decoded(call, response)
                delay = self._policy.delay(retry, call.safe_to_repeat, response)
                if delay is None:
                    raise error_from_response(response)
            await async_sleep(delay)
            retry += 1
