"""``triggers``: runs the local stack, issues API keys and redrives dead letters while it runs, and
receives webhooks; with ``--env``, administers a deployed environment with the deployer's AWS credentials;
and, built on the Python SDK, works with events, subscriptions and keys of any deployment
(``TRIGGERS_URL`` and ``TRIGGERS_KEY``; see local/api_commands.py).

    triggers run                                   # start everything; Ctrl-C stops it
    triggers keys create --tenant acme [--scopes events:write,events:read] [--name ...]
    triggers events send|list|get|ack|replay|tail ...   # any deployment, with TRIGGERS_KEY
    triggers subscriptions list|create|get|delete ...
    triggers keys list|create|revoke ...
    triggers dlq redrive [--max N]                 # dead-lettered deliveries back to the delivery queue
    triggers dlq redrive --env prod [--max N]      # the same in a deployed environment
    triggers admin keys create --env prod --tenant acme [--scopes keys:manage] [--name ...]
    triggers receive --port 9000 [--verbose] [--fail 500 [--fail-times 3]]   # TRIGGERS_WEBHOOK_SECRET checks

The environment variables are in ``ENVIRONMENT`` (``triggers --help`` shows them). ``--env`` commands
act in the account and region of ``AWS_PROFILE``/``AWS_REGION``.
Exit status: 0 done, 1 refused or failed (the API's message and request id on stderr), 2 usage.
"""

from __future__ import annotations

import argparse
import base64
import logging
import os
import re
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import boto3
from pydantic import ValidationError
from triggers.auth.apikeys import Scope
from triggers.delivery.signing import SECRET_PREFIX
from triggers.errors import StorageUnavailable
from triggers.storage.dynamo import client_config
from triggers.storage.keys import KeyTerms
from triggers_client import TriggersError

from local import api_commands
from local.console_site import ConsoleSite
from local.dead_letters import Redrive, redrive
from local.deployed import (
    ENVIRONMENT_NAMES,
    DeployedEnvironment,
    DeployedError,
    deployer_dynamodb,
    deployer_sqs,
    reaching,
)
from local.receiver import Delivery, FailurePlan, WebhookReceiver
from local.stack import (
    DEFAULT_API_PORT,
    DEMO_TENANT,
    NoLocalStack,
    PortInUse,
    RunningStack,
    StackConfig,
    StackState,
    configured_api_port,
    find_running_stack,
    issue_key,
    running_stack,
    use_aws_emulator,
)

ENVIRONMENT = """\
environment:
  TRIGGERS_PORT     the local stack's API port: `run` listens on it (default 8080; 0: any free port);
                    the other commands talk to it, or when it is unset, to the stack running on this
                    machine, whatever its port (found by the state file `run` writes)
  TRIGGERS_AWS_PORT the emulated AWS's port for `run` (default: any free port)
  TRIGGERS_URL      a deployment's API URL for the events, subscriptions and keys commands
  TRIGGERS_KEY      the API key those commands send (the local stack prints one on start)
  TRIGGERS_WEBHOOK_SECRET  the whsec_ secret `receive` checks signatures with

exit status: 0 done, 1 refused or failed (the reason on stderr), 2 usage
"""

# Tenant ids become part of DynamoDB keys ("<tenant>#<shard>"), so they stay plain.
TENANT_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class CliError(Exception):
    """A problem the user can fix; printed without a traceback."""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        status: int = args.command(args)
    except api_commands.UsageError as error:
        print(f"triggers: {error}", file=sys.stderr)
        return 2
    except TriggersError as error:
        print(f"triggers: {api_commands.explained(error)}", file=sys.stderr)
        return 1
    except (CliError, DeployedError, NoLocalStack) as error:
        print(f"triggers: {error}", file=sys.stderr)
        return 1
    return status


def run(_: argparse.Namespace) -> int:
    config = _config()
    _configure_logging()
    api_commands.stop_on_signals()
    try:
        with running_stack(config) as stack:
            print(banner(stack), flush=True)
            threading.Event().wait()  # until a signal raises KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    except PortInUse as error:
        raise CliError(str(error)) from error
    except ValidationError as error:  # a function setting from the environment, e.g. RETRY_DELAYS_SECONDS
        raise CliError(str(error)) from error
    print("Local stack stopped.", flush=True)
    return 0


def create_key(args: argparse.Namespace) -> int:
    """With --tenant, straight into the running local stack (any tenant); else through the API."""
    if args.tenant is None:
        return api_commands.create_key(args)
    if args.expires_in or args.rate_limit:
        raise api_commands.UsageError("--expires-in and --rate-limit are set through the API: leave out --tenant")
    state = _running_stack()
    try:
        with _reaching(state):
            created = issue_key(state, args.tenant, args.scopes or list(Scope), args.name or f"{args.tenant} key")
    except ValidationError as error:
        raise CliError(str(error)) from error
    if args.json:
        print(created.model_dump_json(indent=2))
    else:
        api_commands.print_key(created)
    return 0


def admin_create_key(args: argparse.Namespace) -> int:
    """The first key of a tenant in a deployed environment: POST /v1/keys itself needs a keys:manage key."""
    environment = DeployedEnvironment(args.env)
    terms = KeyTerms(name=args.name or f"{args.tenant} admin key", scopes=frozenset(args.scopes))
    print(f"Creating a key in {environment.where()}.", file=sys.stderr)
    api_commands.print_key(environment.create_key(deployer_dynamodb(), args.tenant, terms))
    return 0


def redrive_dead_letters(args: argparse.Namespace) -> int:
    result = _redrive_deployed(DeployedEnvironment(args.env), args.max) if args.env else _redrive_local(args.max)
    print(f"Moved {result.moved} dead-lettered job(s) back to the delivery queue.", flush=True)
    if result.refused:
        print(f"{result.refused} job(s) were refused and stay in the DLQ; run the command again.", file=sys.stderr)
        return 1
    return 0


def _redrive_local(limit: int | None) -> Redrive:
    state = _running_stack()
    with _reaching(state):
        # The functions' client settings: bounded timeouts, so a dead stack fails fast.
        sqs = boto3.client("sqs", config=client_config())
        return redrive(sqs, state.dead_letter_queue_url, state.delivery_queue_url, limit)


def _redrive_deployed(environment: DeployedEnvironment, limit: int | None) -> Redrive:
    print(f"Redriving dead letters in {environment.where()}.", file=sys.stderr)
    sqs = deployer_sqs()
    delivery_queue_url, dead_letter_queue_url = environment.queue_urls(sqs)
    with reaching(environment):
        return redrive(sqs, dead_letter_queue_url, delivery_queue_url, limit)


def receive(args: argparse.Namespace) -> int:
    if args.fail_times and not args.fail:
        raise CliError("--fail-times needs --fail STATUS")
    api_commands.stop_on_signals()
    failure = FailurePlan(args.fail, args.fail_times) if args.fail else None
    try:
        receiver = WebhookReceiver(args.port, args.secret, failure, on_delivery=_delivery_printer(args.verbose))
    except OSError as error:
        raise CliError(f"cannot listen on port {args.port}: {error.strerror}") from error
    receiver.start()
    with suppress(KeyboardInterrupt):
        print(f"Receiving webhooks on {receiver.url('/')} (any path); {_answers(failure)}.")
        print("Checking signatures with the given secret." if args.secret else _HOW_TO_CHECK_SIGNATURES)
        print("Press Ctrl-C to stop.", flush=True)
        threading.Event().wait()  # until a signal raises KeyboardInterrupt
    receiver.stop()
    return 0


_HOW_TO_CHECK_SIGNATURES = "To check signatures, set TRIGGERS_WEBHOOK_SECRET to the subscription's whsec_ secret."


def _delivery_printer(verbose: bool) -> Callable[[Delivery], None]:
    def print_delivery(delivery: Delivery) -> None:
        print(delivery.summary() + (f"\n{delivery.details()}" if verbose else ""), flush=True)

    return print_delivery


def _answers(failure: FailurePlan | None) -> str:
    if failure is None:
        return "answering 200"
    if failure.times is None:
        return f"answering {failure.status} to every request"
    return f"answering {failure.status} to the first {failure.times} request(s), then 200"


def _running_stack() -> StackState:
    """The running stack's state, with this process's AWS clients pointed at its emulator."""
    try:
        state = find_running_stack(configured_api_port())
    except ValueError as error:
        raise CliError(str(error)) from error
    use_aws_emulator(state.aws_endpoint)
    return state


@contextmanager
def _reaching(state: StackState) -> Iterator[None]:
    try:
        yield
    except StorageUnavailable as error:
        message = f"cannot reach the local stack on port {state.api_port}; is `triggers run` still running?"
        raise CliError(message) from error


def banner(stack: RunningStack) -> str:
    base, key = stack.state.base_url, stack.demo_key
    auth = '-H "Authorization: Bearer $TRIGGERS_KEY"'
    event = """'{"event_type":"order.created","payload":{"order_id":"o-1","total":42.5}}'"""
    port_prefix = "" if stack.state.api_port == DEFAULT_API_PORT else f"TRIGGERS_PORT={stack.state.api_port} "
    console = f"{base}/" if ConsoleSite().built else "not built (`make run` builds it when Node.js is installed)"
    return f"""
Triggers API local stack: {base}
  Console    {console}
  API docs   {base}/docs
  Demo key   {key}   (tenant {DEMO_TENANT!r}, every scope)
  State      in memory only: events, keys and subscriptions are gone when the stack stops,
             and each start prints a new demo key

Try it:
  export TRIGGERS_KEY={key}
  curl -s {base}/v1/health
  curl -s -X POST {base}/v1/events {auth} -H "Content-Type: application/json" -d {event}
  curl -s "{base}/v1/inbox?limit=10" {auth}
  curl -s -X POST {base}/v1/events/<event_id>/ack {auth}
  {port_prefix}{_own_command()} keys create --tenant acme
  {_own_command()} receive --port 9000     # another shell: a webhook receiver to subscribe

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


def _secret(value: str) -> str:
    # Strict: standardwebhooks' own decoder skips characters that are not base64, so a mistyped
    # secret would load and then fail every signature.
    try:
        key = base64.b64decode(value.removeprefix(SECRET_PREFIX), validate=True)
    except ValueError:
        key = b""
    if not value.startswith(SECRET_PREFIX) or not key:
        raise argparse.ArgumentTypeError("use the subscription's signing secret: whsec_ followed by base64")
    return value


def _failure_status(value: str) -> int:
    if not value.isdigit() or not 300 <= int(value) <= 599:
        raise argparse.ArgumentTypeError("use an HTTP status from 300 to 599, e.g. 500, 410 or 429")
    return int(value)


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError("use a port number from 0 (any free port) to 65535")
    return int(value)


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError("use a whole number of at least 1")
    return int(value)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="triggers",
        description="The Triggers API: its local stack, and any deployment.",
        epilog=ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run_parser = commands.add_parser("run", help="start the local stack and print a demo API key")
    run_parser.set_defaults(command=run)

    api_commands.add_event_commands(commands)
    api_commands.add_subscription_commands(commands)

    keys = commands.add_parser("keys", help="API keys, through the API (or with --tenant, of the local stack)")
    key_commands = keys.add_subparsers(required=True, metavar="COMMAND")
    create = key_commands.add_parser(
        "create", parents=[api_commands.api_options()], help="create an API key and print it (once)"
    )
    create.add_argument(
        "--tenant", type=_tenant, help="write the key straight into the running local stack, for any tenant"
    )
    create.add_argument(
        "--scopes",
        type=_scopes,
        help=f"comma-separated scopes (with --tenant the default is all of {','.join(Scope)})",
    )
    create.add_argument("--name", help="a label shown in key lists (default: '<tenant> key')")
    api_commands.add_key_create_options(create)
    create.set_defaults(command=create_key)
    api_commands.add_key_commands(key_commands)

    dlq = commands.add_parser("dlq", help="the delivery dead-letter queue (of the local stack, or of --env)")
    dlq_commands = dlq.add_subparsers(required=True, metavar="COMMAND")
    redrive_parser = dlq_commands.add_parser("redrive", help="move dead-lettered jobs back to the delivery queue")
    redrive_parser.add_argument("--max", type=_positive, help="move at most this many jobs (default: all)")
    redrive_parser.add_argument(
        "--env", choices=ENVIRONMENT_NAMES, help="a deployed environment, with your AWS credentials (default: local)"
    )
    redrive_parser.set_defaults(command=redrive_dead_letters)

    admin = commands.add_parser("admin", help="administer a deployed environment with your AWS credentials")
    admin_commands = admin.add_subparsers(required=True, metavar="COMMAND")
    admin_keys = admin_commands.add_parser("keys", help="API keys, written straight into the environment")
    admin_key_commands = admin_keys.add_subparsers(required=True, metavar="COMMAND")
    admin_create = admin_key_commands.add_parser("create", help="create a tenant's key and print it once")
    admin_create.add_argument("--env", required=True, choices=ENVIRONMENT_NAMES, help="the deployed environment")
    admin_create.add_argument("--tenant", required=True, type=_tenant, help="the tenant the key belongs to")
    admin_create.add_argument(
        "--scopes",
        type=_scopes,
        default=[Scope.KEYS_MANAGE],
        help="comma-separated scopes (default: keys:manage, enough to create the tenant's other keys)",
    )
    admin_create.add_argument("--name", help="a label shown in key lists (default: '<tenant> admin key')")
    admin_create.set_defaults(command=admin_create_key)

    receive_parser = commands.add_parser("receive", help="a webhook receiver on 127.0.0.1 that prints deliveries")
    receive_parser.add_argument("--port", type=_port, default=9000, help="the port to listen on (default: 9000)")
    receive_parser.add_argument(
        "--secret",
        type=_secret,
        default=os.environ.get("TRIGGERS_WEBHOOK_SECRET") or None,
        help="the subscription's whsec_ secret, to check signatures; never printed (default: "
        "$TRIGGERS_WEBHOOK_SECRET, which unlike an argument stays out of `ps` and shell history)",
    )
    receive_parser.add_argument("--verbose", "-v", action="store_true", help="print each delivery's headers and body")
    receive_parser.add_argument("--fail", type=_failure_status, metavar="STATUS", help="answer STATUS instead of 200")
    receive_parser.add_argument(
        "--fail-times", type=_positive, metavar="K", help="answer --fail STATUS to the first K requests only"
    )
    receive_parser.set_defaults(command=receive)
    return parser
