"""Send events to the Triggers API: one at a time, then many in batches.

export TRIGGERS_KEY=trg_...                 # the key `make run` prints
python examples/send_events.py [COUNT]      # TRIGGERS_URL defaults to http://127.0.0.1:8080
"""

import os
import sys

from triggers_client import TriggersClient
from triggers_client.models import BatchItemStored, NewEvent


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 250
    url = os.environ.get("TRIGGERS_URL", "http://127.0.0.1:8080")
    with TriggersClient(url, os.environ["TRIGGERS_KEY"]) as client:
        # One event. Passing your own idempotency key (an order id) makes resending it after a crash safe.
        first = client.events.send(
            "order.created", {"order_id": "o-1", "total": 42.5}, source="shop", idempotency_key="order-o-1"
        )
        print(f"sent {first.event_id} ({first.event_type}, {first.status})")

        # Any number of events, streamed in batches of 100; one result per event, in input order.
        orders: list[NewEvent] = [
            {"event_type": "order.updated", "source": "shop", "payload": {"order_id": f"o-{n}", "total": n}}
            for n in range(count)
        ]
        results = client.events.send_many(orders)
        stored = sum(isinstance(result, BatchItemStored) for result in results)
        print(f"sent {stored} of {len(results)} events in batches")
        for refused in (result for result in results if not isinstance(result, BatchItemStored)):
            print(f"event {refused.index} refused: {refused.error.code} {refused.error.details}")


if __name__ == "__main__":
    main()
