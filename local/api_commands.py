"""The ``triggers`` commands that work against any deployment, built on the Python SDK (triggers_client).

    triggers events send --type order.created --payload '{"order_id": "o-1"}' [--source S] [--tag T ...]
    triggers events send --file events.jsonl        # one JSON event per line ('-': stdin), sent in batches
    triggers events list [--status failed] [--type T] [--source S] [--since 1h] [--until T] [--order asc] [--limit 20]
    triggers events get|replay ID
    triggers events ack ID [ID ...]
    triggers events tail [--type T] [--source S]    # new events as they arrive, until Ctrl-C
    triggers subscriptions list | get ID | delete ID | test ID | rotate ID
    triggers subscriptions update ID [--target-url URL] [--types T,T] [--description D] [--enable | --disable]
    triggers subscriptions attempts ID [--outcome failed|succeeded|skipped] [--since 1h] [--limit 20]
    triggers subscriptions recover ID --since 2h [--until T]
    triggers subscriptions create https://example.com/hooks --types 'order.*' [--description D]
    triggers keys list | current | revoke ID
    triggers keys create --name N --scopes events:read [--expires-in SECONDS] [--rate-limit N]

The API is ``--url``, else ``TRIGGERS_URL``, else the local stack: on ``TRIGGERS_PORT``, else the one
running on this machine (found by its state file, whatever its port). The key is ``TRIGGERS_KEY`` (never
an argument, so it stays out of shell history and process lists). Tables are for people; ``--json``
prints the API's JSON for scripts. Secrets shown once (a new key or signing secret) go alone to stdout,
so ``KEY=$(triggers keys create ...)`` works.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from enum import Enum
from itertools import islice
from types import FrameType
from typing import Any, Protocol

from pydantic import BaseModel
from triggers_client import ForbiddenError, TriggersClient, TriggersError
from triggers_client.models import (
    AckResult,
    ApiKey,
    AttemptOutcome,
    BatchItemStored,
    Event,
    EventStatus,
    NewEvent,
    Order,
    Scope,
    SendTestOutcome,
    Subscription,
    SubscriptionStatus,
)

from local.stack import HOST, configured_api_port, find_running_stack

TAIL_INTERVAL_SECONDS = 1.0
# How far back each poll of `tail` looks past the newest event it printed: an event is stored a moment
# after its id and time are chosen, so one may land just behind an event already printed.
TAIL_OVERLAP = timedelta(seconds=5)
_RELATIVE_TIME = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class UsageError(Exception):
    """A command line the user must fix (exit status 2)."""


class ShownOnce(Protocol):
    """A created key, from the API or written straight into the local stack."""

    @property
    def key(self) -> str: ...

    @property
    def key_id(self) -> str: ...

    @property
    def tenant_id(self) -> str: ...

    @property
    def scopes(self) -> Sequence[Enum]: ...


# Connection and output


def client_for(args: argparse.Namespace) -> TriggersClient:
    key = os.environ.get("TRIGGERS_KEY")
    if not key:
        raise UsageError("set TRIGGERS_KEY to an API key (the local stack prints one on start)")
    return TriggersClient(api_url(args.url), key)


def api_url(given: str | None) -> str:
    """``--url``, else ``TRIGGERS_URL``, else the local stack on ``TRIGGERS_PORT``, else the one running here."""
    deployment = given or os.environ.get("TRIGGERS_URL")
    if deployment:
        return deployment
    try:
        port = configured_api_port()
    except ValueError as error:
        raise UsageError(str(error)) from error
    return f"http://{HOST}:{port}" if port is not None else find_running_stack(None).base_url


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def stop_on_signals() -> None:
    """Ctrl-C, kill and process managers all stop a long-running command cleanly (KeyboardInterrupt).

    SIGINT is set explicitly too: a shell that starts a command in the background makes it ignore SIGINT.
    Only the first signal stops; later ones are ignored, since a second KeyboardInterrupt would break the
    shutdown half-way (a lock released twice, a thread not joined). Two arrive often: ``make`` forwards
    the SIGTERM it gets to the command, which the same ``kill`` of the process group reached already.
    """
    for stop_signal in _STOP_SIGNALS:
        signal.signal(stop_signal, _stop_once)


def _stop_once(signal_number: int, frame: FrameType | None) -> None:
    for stop_signal in _STOP_SIGNALS:
        signal.signal(stop_signal, signal.SIG_IGN)
    raise KeyboardInterrupt


def print_json(value: BaseModel | Sequence[BaseModel]) -> None:
    document = (
        value.model_dump(mode="json") if isinstance(value, BaseModel) else [v.model_dump(mode="json") for v in value]
    )
    print(json.dumps(document, indent=2, ensure_ascii=False), flush=True)


def print_table(headers: Sequence[str], rows: Iterable[Sequence[object]], *, empty: str) -> None:
    cells = [[_cell(value) for value in row] for row in rows]
    if not cells:
        print(empty, file=sys.stderr)
        return
    table = [list(headers), *cells]
    widths = [max(len(row[column]) for row in table) for column in range(len(headers))]
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, list):
        return ",".join(_cell(item) for item in value)
    return str(value)


def explained(error: TriggersError) -> str:
    """An API error for stderr: what was refused and why, with the request id to quote."""
    text = str(error)
    if error.details:
        text = f"{text}\n  " + _problems("", error.details).replace("; ", "\n  ")
    if isinstance(error, ForbiddenError) and error.code is None:
        text += "\n  The API refused the key itself: is TRIGGERS_KEY a live key of this deployment?"
    return text


def _problems(message: str, details: Sequence[dict[str, Any]]) -> str:
    found = [f"{detail.get('field') or '(body)'}: {detail.get('message', '')}" for detail in details]
    return "; ".join([message, *found] if message else found)


def print_key(created: ShownOnce) -> None:
    # The key alone on stdout for `KEY=$(...)`; what it is on stderr. Shown this once only.
    print(created.key, flush=True)
    scopes = ", ".join(str(scope.value) for scope in created.scopes)
    print(f"Key {created.key_id} for tenant {created.tenant_id!r}: {scopes}", file=sys.stderr)


def _events_table(events: Iterable[Event]) -> None:
    rows = ((e.event_id, e.event_type, e.status, e.source, e.received_at) for e in events)
    print_table(("EVENT ID", "TYPE", "STATUS", "SOURCE", "RECEIVED"), rows, empty="No events.")


# Events


def send_events(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        if args.file is not None:
            return _send_file(client, args.file, as_json=args.json)
        summary = client.events.send(
            args.type, args.payload, source=args.source, tags=args.tag, idempotency_key=args.idempotency_key
        )
    if args.json:
        print_json(summary)
    else:
        row = (summary.event_id, summary.event_type, summary.status, summary.received_at)
        print_table(("EVENT ID", "TYPE", "STATUS", "RECEIVED"), [row], empty="")
    return 0


def _send_file(client: TriggersClient, path: str, *, as_json: bool) -> int:
    results = client.events.send_many(_events_from(path))
    refused = [result for result in results if not isinstance(result, BatchItemStored)]
    if as_json:
        print_json(results)
    else:
        rows = [
            (r.index, r.event_id, r.status) if isinstance(r, BatchItemStored) else (r.index, "-", r.error.code)
            for r in results
        ]
        print_table(("INDEX", "EVENT ID", "RESULT"), rows, empty="No events in the file.")
    for result in refused:
        print(f"event {result.index} refused: {_problems(result.error.message, result.error.details)}", file=sys.stderr)
    print(f"Stored {len(results) - len(refused)} of {len(results)} events.", file=sys.stderr)
    return 1 if refused else 0


def _events_from(path: str) -> Iterator[NewEvent]:
    """JSON lines, read as they are sent: a file of any size streams through in batches."""
    with nullcontext(sys.stdin) if path == "-" else open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError as error:
                    raise UsageError(f"{path}, line {number}: not JSON ({error})") from error


def list_events(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        listing = client.events.list(
            status=args.status,
            event_type=args.type,
            source=args.source,
            since=args.since,
            until=args.until,
            order=args.order,
            page_size=min(args.limit, 200),
        )
        events = list(islice(listing, args.limit))
    if args.json:
        print_json(events)
    else:
        _events_table(events)
    return 0


def get_event(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        event = client.events.get(args.event_id)
    if args.json:
        print_json(event)
        return 0
    _events_table([event])
    delivery = event.delivery
    print(f"\nDelivery: {delivery.attempts or 0} attempt(s), last status {_cell(delivery.last_status_code)}")
    for attempt in delivery.history or []:
        print(f"  {_cell(attempt.at)}  #{attempt.attempt} {attempt.outcome.value} {_cell(attempt.status_code)}")
    print(f"\nPayload:\n{json.dumps(event.payload, indent=2, ensure_ascii=False)}")
    return 0


def ack_events(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        results = client.inbox.ack(args.event_ids)
    if args.json:
        print_json(results)
    else:
        rows = [
            (r.event_id, r.status, r.acknowledged_at) if isinstance(r, AckResult) else (r.event_id, r.error.code, "-")
            for r in results
        ]
        print_table(("EVENT ID", "STATUS", "ACKNOWLEDGED"), rows, empty="")
    return 0 if all(isinstance(result, AckResult) for result in results) else 1


def replay_event(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        summary = client.events.replay(args.event_id)
    if args.json:
        print_json(summary)
    else:
        print(f"Event {summary.event_id} is {summary.status.value} again and will be delivered again.")
    return 0


def tail_events(args: argparse.Namespace) -> int:
    """Polls for events newer than the last one printed; each poll re-reads a short overlap, so an event
    stored a moment late is still printed, and printed once."""
    stop_on_signals()
    printed: dict[str, datetime] = {}
    started = newest = datetime.now(UTC)
    print("Waiting for new events (Ctrl-C to stop)...", file=sys.stderr, flush=True)
    with client_for(args) as client:
        try:
            while True:
                window = max(started, newest - TAIL_OVERLAP)
                arrived = client.events.list(
                    event_type=args.type, source=args.source, since=window, order=Order.ASC, page_size=200
                )
                for event in arrived:
                    if event.event_id not in printed:
                        printed[event.event_id] = event.received_at
                        newest = max(newest, event.received_at)
                        _print_arrival(event, as_json=args.json)
                printed = {key: at for key, at in printed.items() if at >= window}
                time.sleep(args.interval)
        except KeyboardInterrupt:
            return 0


def _print_arrival(event: Event, *, as_json: bool) -> None:
    if as_json:
        print(event.model_dump_json(), flush=True)
    else:
        source = f" from {event.source}" if event.source else ""
        print(f"{_cell(event.received_at)}  {event.event_type}  {event.event_id}{source}", flush=True)


# Subscriptions


def _subscriptions_table(subscriptions: Iterable[Subscription]) -> None:
    rows = ((s.subscription_id, s.status, s.target_url, s.event_types, s.description) for s in subscriptions)
    print_table(("SUBSCRIPTION ID", "STATUS", "URL", "EVENT TYPES", "DESCRIPTION"), rows, empty="No subscriptions.")


def list_subscriptions(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        subscriptions = client.subscriptions.list()
    if args.json:
        print_json(subscriptions)
    else:
        _subscriptions_table(subscriptions)
    return 0


def create_subscription(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        created = client.subscriptions.create(args.target_url, args.types, description=args.description)
    if args.json:
        print_json(created)
        return 0
    print(created.secret, flush=True)  # alone on stdout, for SECRET=$(...); shown this once only
    print(
        f"Subscription {created.subscription_id} to {', '.join(created.event_types)} at {created.target_url}; "
        "its signing secret is above, shown this once.",
        file=sys.stderr,
    )
    return 0


def get_subscription(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        subscription = client.subscriptions.get(args.subscription_id)
    if args.json:
        print_json(subscription)
    else:
        _subscriptions_table([subscription])
    return 0


def delete_subscription(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        client.subscriptions.delete(args.subscription_id)
    print(f"Deleted subscription {args.subscription_id}.", file=sys.stderr)
    return 0


def update_subscription(args: argparse.Namespace) -> int:
    given = {"target_url": args.target_url, "event_types": args.types, "status": args.status}
    changes: dict[str, Any] = {name: value for name, value in given.items() if value is not None}
    if args.description is not None:
        changes["description"] = args.description or None  # --description '' clears it
    if not changes:
        raise UsageError("name something to change: --target-url, --types, --description, --enable or --disable")
    with client_for(args) as client:
        subscription = client.subscriptions.update(args.subscription_id, **changes)
    if args.json:
        print_json(subscription)
    else:
        _subscriptions_table([subscription])
    return 0


def test_subscription(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        result = client.subscriptions.test(args.subscription_id)
    if args.json:
        print_json(result)
    else:
        answer = f"HTTP {result.status_code}" if result.status_code else (result.error or "no answer")
        print(f"Test delivery {result.outcome.value}: {answer} in {result.latency_ms} ms")
        if result.response_excerpt:
            print(result.response_excerpt)
    return 0 if result.outcome is SendTestOutcome.SUCCEEDED else 1


def list_attempts(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        listing = client.subscriptions.attempts(
            args.subscription_id,
            outcome=args.outcome,
            since=args.since,
            until=args.until,
            page_size=min(args.limit, 200),
        )
        attempts = list(islice(listing, args.limit))
    if args.json:
        print_json(attempts)
    else:
        rows = (
            (a.at, a.event_id, a.event_type, a.attempt, a.outcome, a.status_code, a.latency_ms, a.error)
            for a in attempts
        )
        headers = ("AT", "EVENT ID", "TYPE", "#", "OUTCOME", "STATUS", "MS", "ERROR")
        print_table(headers, rows, empty="No attempts.")
    return 0


def recover_subscription(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        recovery = client.subscriptions.recover(args.subscription_id, since=args.since, until=args.until)
    if args.json:
        print_json(recovery)
    else:
        print(f"Queued {recovery.queued} event(s) for delivery again.")
    return 0


def rotate_secret(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        rotated = client.subscriptions.rotate_secret(args.subscription_id)
    if args.json:
        print_json(rotated)
        return 0
    print(rotated.secret, flush=True)  # alone on stdout, for SECRET=$(...); shown this once only
    print(
        f"The new signing secret is above, shown this once. Until {_cell(rotated.previous_secret_expires_at)} "
        "every delivery is signed with both the new and the previous secret.",
        file=sys.stderr,
    )
    return 0


# Keys


def create_key(args: argparse.Namespace) -> int:
    if not args.scopes:
        raise UsageError("name the new key's --scopes (a key never holds more than the one creating it)")
    with client_for(args) as client:
        created = client.keys.create(
            args.name or "cli key",
            [Scope(scope.value) for scope in args.scopes],
            expires_in_seconds=args.expires_in,
            rate_limit_per_second=args.rate_limit,
        )
    if args.json:
        print_json(created)
    else:
        print_key(created)
    return 0


def list_keys(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        keys = client.keys.list()
    if args.json:
        print_json(keys)
    else:
        _keys_table(keys)
    return 0


def _keys_table(keys: Iterable[ApiKey]) -> None:
    rows = ((k.key_id, k.tenant_id, k.name, k.scopes, k.expires_at, k.last_used_at, k.revoked_at) for k in keys)
    headers = ("KEY ID", "TENANT", "NAME", "SCOPES", "EXPIRES", "LAST USED", "REVOKED")
    print_table(headers, rows, empty="No keys.")


def current_key(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        key = client.keys.current()
    if args.json:
        print_json(key)
    else:
        _keys_table([key])
    return 0


def revoke_key(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        client.keys.revoke(args.key_id)
    print(f"Revoked key {args.key_id}.", file=sys.stderr)
    return 0


# The command line


def api_options() -> argparse.ArgumentParser:
    """Options every command against the API takes."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--url",
        help="the API's base URL (default: $TRIGGERS_URL, else the local stack on $TRIGGERS_PORT or running here)",
    )
    options.add_argument("--json", action="store_true", help="print the API's JSON instead of a table")
    return options


def add_event_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    options = api_options()
    events = commands.add_parser("events", help="send, list, read, acknowledge, replay and tail events")
    event_commands = events.add_subparsers(required=True, metavar="COMMAND")

    send = event_commands.add_parser("send", parents=[options], help="send an event, or a file of them")
    one_or_many = send.add_mutually_exclusive_group(required=True)
    one_or_many.add_argument("--type", help="the event's type, e.g. order.created")
    one_or_many.add_argument(
        "--file", type=_events_file, help="a file of JSON events, one per line ('-': stdin), sent in batches"
    )
    send.add_argument("--payload", type=_json_object, default={}, help="the payload, a JSON object (default: {})")
    send.add_argument("--source", help="where the event comes from")
    send.add_argument("--tag", action="append", help="a tag (repeat for more)")
    send.add_argument("--idempotency-key", help="sending again with this key stores the event once")
    send.set_defaults(command=send_events)

    listing = event_commands.add_parser("list", parents=[options, _filters()], help="every event, newest first")
    listing.add_argument("--status", choices=list(EventStatus), help="only events with this status")
    listing.add_argument("--order", choices=list(Order), default=Order.DESC, help="desc: newest first; asc: oldest")
    listing.add_argument("--until", type=_moment, help="received before: RFC 3339, or 30m, 2h, 1d ago")
    listing.add_argument("--limit", type=_count, default=20, help="show at most this many (default: 20)")
    listing.set_defaults(command=list_events)

    for name, command, what in (
        ("get", get_event, "an event with its payload and deliveries"),
        ("replay", replay_event, "deliver an event again"),
    ):
        parser = event_commands.add_parser(name, parents=[options], help=what)
        parser.add_argument("event_id")
        parser.set_defaults(command=command)

    ack = event_commands.add_parser("ack", parents=[options], help="acknowledge events: they leave the inbox")
    ack.add_argument("event_ids", nargs="+", metavar="EVENT_ID")
    ack.set_defaults(command=ack_events)

    tail = event_commands.add_parser(
        "tail", parents=[options, _filters()], help="print new events as they arrive, until Ctrl-C"
    )
    tail.add_argument("--interval", type=_seconds, default=TAIL_INTERVAL_SECONDS, help="seconds between polls")
    tail.set_defaults(command=tail_events)


def add_subscription_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    options = api_options()
    subscriptions = commands.add_parser("subscriptions", help="webhook subscriptions")
    subscription_commands = subscriptions.add_subparsers(required=True, metavar="COMMAND")

    listing = subscription_commands.add_parser("list", parents=[options], help="every subscription")
    listing.set_defaults(command=list_subscriptions)

    create = subscription_commands.add_parser("create", parents=[options], help="subscribe a webhook URL")
    create.add_argument("target_url", metavar="TARGET_URL", help="where to POST the events")
    create.add_argument("--types", type=_comma_list, required=True, help="event type patterns, e.g. 'order.*,refund'")
    create.add_argument("--description", help="a note shown in lists")
    create.set_defaults(command=create_subscription)

    for name, command, what in (
        ("get", get_subscription, "one subscription"),
        ("delete", delete_subscription, "stop delivering and forget it"),
        ("test", test_subscription, "send a signed triggers.test event now and show the answer"),
        ("rotate", rotate_secret, "a new signing secret; both sign deliveries for 24 h"),
    ):
        parser = subscription_commands.add_parser(name, parents=[options], help=what)
        parser.add_argument("subscription_id")
        parser.set_defaults(command=command)

    update = subscription_commands.add_parser("update", parents=[options], help="change a subscription")
    update.add_argument("subscription_id")
    update.add_argument("--target-url", help="a new URL to POST events to")
    update.add_argument("--types", type=_comma_list, help="new event type patterns")
    update.add_argument("--description", help="a new note ('' clears it)")
    enabled = update.add_mutually_exclusive_group()
    enabled.add_argument("--enable", dest="status", action="store_const", const=SubscriptionStatus.ACTIVE)
    enabled.add_argument(
        "--disable",
        dest="status",
        action="store_const",
        const=SubscriptionStatus.DISABLED,
        help="hold deliveries back (recorded as skipped; `recover` sends them later)",
    )
    update.set_defaults(command=update_subscription)

    attempts = subscription_commands.add_parser("attempts", parents=[options], help="delivery attempts, newest first")
    attempts.add_argument("subscription_id")
    attempts.add_argument("--outcome", choices=list(AttemptOutcome), help="succeeded, failed or skipped")
    attempts.add_argument("--since", type=_moment, help="since: RFC 3339, or 30m, 2h, 1d ago")
    attempts.add_argument("--until", type=_moment, help="before: RFC 3339, or 30m, 2h, 1d ago")
    attempts.add_argument("--limit", type=_count, default=20, help="show at most this many (default: 20)")
    attempts.set_defaults(command=list_attempts)

    recover = subscription_commands.add_parser(
        "recover", parents=[options], help="deliver again what failed or was skipped in a window"
    )
    recover.add_argument("subscription_id")
    recover.add_argument("--since", type=_moment, required=True, help="RFC 3339, or 30m, 2h, 1d ago")
    recover.add_argument("--until", type=_moment, help="RFC 3339, or 30m, 2h, 1d ago (default: now)")
    recover.set_defaults(command=recover_subscription)


def add_key_commands(key_commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    options = api_options()
    listing = key_commands.add_parser("list", parents=[options], help="the tenant's keys (never the keys themselves)")
    listing.set_defaults(command=list_keys)
    current = key_commands.add_parser("current", parents=[options], help="the key in TRIGGERS_KEY: tenant, scopes")
    current.set_defaults(command=current_key)
    revoke = key_commands.add_parser("revoke", parents=[options], help="revoke a key")
    revoke.add_argument("key_id")
    revoke.set_defaults(command=revoke_key)


def add_key_create_options(create: argparse.ArgumentParser) -> None:
    create.add_argument("--expires-in", type=_count, metavar="SECONDS", help="lifetime (default: the creating key's)")
    create.add_argument(
        "--rate-limit", type=_count, metavar="N", help="events per second (default: the creating key's)"
    )


def _filters() -> argparse.ArgumentParser:
    filters = argparse.ArgumentParser(add_help=False)
    filters.add_argument("--type", help="only this event type")
    filters.add_argument("--source", help="only events from this source")
    filters.add_argument("--since", type=_moment, help="received since: RFC 3339, or 30m, 2h, 1d ago")
    return filters


def _json_object(value: str) -> dict[str, Any]:
    try:
        parsed = json.loads(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not JSON: {error}") from error
    if not isinstance(parsed, dict):
        raise argparse.ArgumentTypeError('use a JSON object, e.g. \'{"order_id": "o-1"}\'')
    return parsed


def _events_file(value: str) -> str:
    if value != "-" and not os.access(value, os.R_OK):
        raise argparse.ArgumentTypeError(f"cannot read {value}")
    return value


def _moment(value: str) -> datetime:
    relative = _RELATIVE_TIME.match(value)
    if relative:
        return datetime.now(UTC) - timedelta(**{_UNITS[relative[2]]: int(relative[1])})
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise argparse.ArgumentTypeError("use RFC 3339 with an offset (2026-01-31T09:30:00Z), or 30m, 2h, 1d")
    return moment


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0.05 <= seconds <= 3600:
        raise argparse.ArgumentTypeError("use a number of seconds from 0.05 to 3600")
    return seconds


def _count(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError("use a whole number of at least 1")
    return int(value)


def _comma_list(value: str) -> list[str]:
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise argparse.ArgumentTypeError("name at least one")
    return items
