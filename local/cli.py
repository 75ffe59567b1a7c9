"""``triggers``: runs the local stack, and issues API keys while it runs.

    triggers run                                   # start everything; Ctrl-C stops it
    triggers keys create --tenant acme [--scopes events:write,events:read] [--name ...]

``TRIGGERS_PORT`` (default 8080) picks the API port for both; ``TRIGGERS_AWS_PORT`` the emulated AWS port.
"""

from __future__ import annotations

import argparse
import logging
import re
import signal
import sys
import threading
import warnings
from pathlib import Path

from pydantic import ValidationError
from triggers.auth.apikeys import Scope
from triggers.errors import StorageUnavailable

from local.stack import (
    DEFAULT_API_PORT,
    DEMO_TENANT,
    PortInUse,
    RunningStack,
    StackConfig,
    StackState,
    issue_key,
    running_stack,
    use_aws_emulator,
)

# Tenant ids become part of DynamoDB keys ("<tenant>#<shard>"), so they stay plain.
TENANT_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class CliError(Exception):
    """A problem the user can fix; printed without a traceback."""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        status: int = args.command(args)
    except CliError as error:
        print(f"triggers: {error}", file=sys.stderr)
        return 1
    return status


def run(_: argparse.Namespace) -> int:
    config = _config()
    _configure_logging()
    # Ctrl-C, kill and process managers all stop the stack cleanly. SIGINT is set explicitly too:
    # a shell that starts a command in the background makes it ignore SIGINT.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, signal.default_int_handler)
    try:
        with running_stack(config) as stack:
            print(banner(stack), flush=True)
            threading.Event().wait()  # until a signal raises KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    except PortInUse as error:
        raise CliError(str(error)) from error
    print("Local stack stopped.", flush=True)
    return 0


def create_key(args: argparse.Namespace) -> int:
    port = _config().api_port
    state = StackState.load(port)
    if state is None:
        raise CliError(f"no local stack is running on port {port}; start one with `make run`")
    use_aws_emulator(state.aws_endpoint)
    try:
        created = issue_key(state, args.tenant, args.scopes, args.name or f"{args.tenant} key")
    except StorageUnavailable as error:
        raise CliError(f"cannot reach the local stack on port {port}; is `triggers run` still running?") from error
    except ValidationError as error:
        raise CliError(str(error)) from error
    # The key alone on stdout, so `KEY=$(triggers keys create --tenant acme)` works.
    print(created.key, flush=True)
    print(f"Key {created.key_id} for tenant {created.tenant_id!r}: {', '.join(created.scopes)}", file=sys.stderr)
    return 0


def banner(stack: RunningStack) -> str:
    base, key = stack.state.base_url, stack.demo_key
    auth = '-H "Authorization: Bearer $TRIGGERS_KEY"'
    event = """'{"event_type":"order.created","payload":{"order_id":"o-1","total":42.5}}'"""
    port_prefix = "" if stack.state.api_port == DEFAULT_API_PORT else f"TRIGGERS_PORT={stack.state.api_port} "
    return f"""
Triggers API local stack: {base}
  API docs   {base}/docs
  Demo key   {key}   (tenant {DEMO_TENANT!r}, every scope)

Try it:
  export TRIGGERS_KEY={key}
  curl -s {base}/v1/health
  curl -s -X POST {base}/v1/events {auth} -H "Content-Type: application/json" -d {event}
  curl -s "{base}/v1/inbox?limit=10" {auth}
  curl -s -X POST {base}/v1/events/<event_id>/ack {auth}
  {port_prefix}{_own_command()} keys create --tenant acme

Press Ctrl-C to stop.
"""


def _config() -> StackConfig:
    try:
        return StackConfig.from_environment()
    except ValueError as error:
        raise CliError(str(error)) from error


def _own_command() -> str:
    """How this CLI was started, so the printed hint works as pasted."""
    return sys.argv[0] if Path(sys.argv[0]).name == "triggers" else f"{sys.executable} -m local"


def _configure_logging() -> None:
    # Quiets werkzeug's per-request lines, including every call the functions make to moto.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    # Powertools warns when a function (health) flushes no metrics; locally metrics go nowhere anyway.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    access = logging.getLogger("local.access")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False


def _tenant(value: str) -> str:
    if not TENANT_PATTERN.match(value):
        raise argparse.ArgumentTypeError("use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
    return value


def _scopes(value: str) -> list[Scope]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    valid = ", ".join(Scope)
    if not names:
        raise argparse.ArgumentTypeError(f"name at least one scope of: {valid}")
    try:
        return [Scope(name) for name in names]
    except ValueError:
        raise argparse.ArgumentTypeError(f"scopes are a comma-separated list of: {valid}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="triggers", description="The Triggers API local stack.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run_parser = commands.add_parser("run", help="start the local stack and print a demo API key")
    run_parser.set_defaults(command=run)

    keys = commands.add_parser("keys", help="API keys of the running local stack")
    key_commands = keys.add_subparsers(required=True, metavar="COMMAND")
    create = key_commands.add_parser("create", help="create an API key and print it")
    create.add_argument("--tenant", required=True, type=_tenant, help="the tenant the key belongs to")
    create.add_argument(
        "--scopes",
        type=_scopes,
        default=list(Scope),
        help=f"comma-separated scopes (default: all of {','.join(Scope)})",
    )
    create.add_argument("--name", help="a label shown in key lists (default: '<tenant> key')")
    create.set_defaults(command=create_key)
    return parser
