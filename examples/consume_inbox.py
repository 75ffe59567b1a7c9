"""Pull events from the inbox and acknowledge each one once it is handled, in a loop.

    export TRIGGERS_KEY=trg_...
    python examples/consume_inbox.py            # polls every 2 s until Ctrl-C
    python examples/consume_inbox.py --once     # drains the inbox and exits

Acknowledging only after handling means a crash mid-way hands the unacknowledged events out again
(at least once), so make handle() safe to run twice for the same event.
"""

import os
import sys
import time

from triggers_client import TriggersClient
from triggers_client.models import Event

POLL_SECONDS = 2.0
ACK_BATCH = 100


def handle(event: Event) -> None:
    print(f"{event.received_at:%H:%M:%S} {event.event_type} {event.event_id} {event.payload}")


def drain(client: TriggersClient) -> int:
    """Handles and acknowledges every pending event; returns how many."""
    handled: list[str] = []
    done = 0
    for event in client.inbox.list(page_size=ACK_BATCH):
        handle(event)
        handled.append(event.event_id)
        if len(handled) == ACK_BATCH:
            client.inbox.ack(handled)
            done += len(handled)
            handled = []
    if handled:
        client.inbox.ack(handled)
    return done + len(handled)


def main() -> None:
    once = "--once" in sys.argv[1:]
    url = os.environ.get("TRIGGERS_URL", "http://127.0.0.1:8080")
    with TriggersClient(url, os.environ["TRIGGERS_KEY"]) as client:
        total = 0
        try:
            while True:
                total += drain(client)
                if once:
                    break
                time.sleep(POLL_SECONDS)
        except KeyboardInterrupt:
            pass
    print(f"acknowledged {total} events", file=sys.stderr)


if __name__ == "__main__":
    main()
