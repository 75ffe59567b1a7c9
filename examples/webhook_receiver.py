"""A webhook receiver (Flask) that accepts only deliveries signed with the subscription's secret.

    pip install flask                            # already in the project's .venv
    export TRIGGERS_WEBHOOK_SECRET=whsec_...     # from the subscription's creation; after a rotation,
                                                 # both secrets, space-separated, until the old one expires
    python examples/webhook_receiver.py          # listens on 127.0.0.1:9000 (PORT to change)

Then subscribe it (curl, or `triggers subscriptions create http://127.0.0.1:9000/hooks --types 'order.*'`)
and send an `order.created` event.
"""

import os

from flask import Flask, request
from triggers_client import webhooks

app = Flask(__name__)
SECRETS = os.environ["TRIGGERS_WEBHOOK_SECRET"].split()


@app.post("/hooks")
def receive() -> tuple[str, int]:
    try:
        # The raw body, exactly as sent: the signature covers its bytes.
        event = webhooks.verify(request.get_data(), request.headers, SECRETS)
    except webhooks.WebhookVerificationError as error:
        print(f"refused a delivery: {error}", flush=True)
        return "", 400
    # Deliveries are at least once: webhook-id is the same on every retry, so use it to skip repeats.
    print(f"verified {request.headers['webhook-id']}: {event['event_type']} {event['event_id']}", flush=True)
    return "", 204


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "9000")))
