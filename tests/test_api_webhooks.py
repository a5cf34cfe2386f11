"""Webhooks end to end: a real local HTTP receiver gets signed status changes after commit; a
failing receiver is retried with backoff and every attempt is logged."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.api_helpers import APPEAL, KeyClient, partner, token_for
from tests.factories import Actors, City
from zhengwu.api import signing
from zhengwu.api.actions import do_subscribe_webhook
from zhengwu.api.models import Delivery, Operation, WebhookDelivery
from zhengwu.api.tasks import backoff, deliver_webhook, requeue_stale_webhooks


@dataclass
class Receiver:
    url: str
    answers: list[int] = field(default_factory=list)
    received: list[dict] = field(default_factory=list)


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append({"headers": dict(self.headers), "body": body})
            self.send_response(state.answers.pop(0) if state.answers else 204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/hooks/zhengwu"
    yield state
    server.shutdown()
    server.server_close()


def _verified(secret: str, message: dict) -> dict:
    headers = message["headers"]
    assert signing.verify(
        secret,
        headers[signing.TIMESTAMP_HEADER],
        message["body"],
        headers[signing.SIGNATURE_HEADER],
    )
    assert not signing.verify(
        "whsec_wrong",
        headers[signing.TIMESTAMP_HEADER],
        message["body"],
        headers[signing.SIGNATURE_HEADER],
    )
    return json.loads(message["body"])


@pytest.mark.django_db(transaction=True)
def test_a_partner_receives_signed_status_changes_through_to_evaluation(
    live_server, receiver: Receiver, city: City, actors: Actors
) -> None:
    import requests

    _partner, key = partner()
    api = f"{live_server.url}/api/v1"
    auth = {"Authorization": f"Bearer {key}"}
    subscribed = requests.post(
        f"{api}/webhooks",
        json={"url": receiver.url, "events": ["appeal.status_changed"]},
        headers=auth,
        timeout=10,
    ).json()
    secret = subscribed["secret"]
    submitted = requests.post(
        f"{api}/appeals", json={**APPEAL, "external_id": "dh-9"}, headers=auth, timeout=10
    ).json()
    number = submitted["number"]

    staff = {"Authorization": f"Bearer {token_for(actors.dispatcher)}"}
    handler = {"Authorization": f"Bearer {token_for(actors.handler_a)}"}

    def act(path: str, body: dict, headers: dict) -> None:
        response = requests.post(
            f"{api}/appeals/{number}/{path}", json=body, headers=headers, timeout=10
        )
        assert response.status_code == 200, response.text

    act("dispatch", {"lead_id": city.dept_a.pk}, staff)
    act("sign", {}, handler)
    act("reply", {"text": "已经安排维修人员修复路灯，现已恢复照明。"}, handler)
    act("review-reply", {"approve": True}, staff)
    verdict = {
        "resolution": "resolved",
        "satisfaction": "satisfied",
        "query_code": submitted["query_code"],
    }
    act("evaluation", verdict, auth)

    payloads = [_verified(secret, m) for m in receiver.received]
    seen = [(p["change"]["from_status"], p["change"]["to_status"]) for p in payloads]
    assert seen == [
        ("received", "accepted"),
        ("accepted", "dispatched"),
        ("dispatched", "in_progress"),
        ("in_progress", "replied"),
        ("replied", "closed"),
        ("closed", "evaluated"),
    ]
    assert {p["appeal"]["external_id"] for p in payloads} == {"dh-9"}
    assert payloads[-1]["appeal"]["open311_status"] == "closed"
    assert "13700001111" not in str(payloads)
    log = requests.get(
        f"{api}/webhooks/{subscribed['id']}/deliveries", headers=auth, timeout=10
    ).json()
    assert len(log) == 6 and {d["last_status_code"] for d in log} == {204}
    assert {d["status"] for d in log} == {"delivered"}


@pytest.mark.django_db(transaction=True)
def test_a_failing_receiver_is_retried_with_backoff(
    receiver: Receiver, city: City, actors: Actors, time_machine
) -> None:
    registered, key = partner()
    do_subscribe_webhook(registered, receiver.url, ["appeal.status_changed"])
    receiver.answers = [500, 503]
    number = KeyClient(key).post("/api/v1/appeals", APPEAL).json()["number"]
    KeyClient(token_for(actors.dispatcher)).post(f"/api/v1/appeals/{number}/accept")

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    first_retry = delivery.next_attempt_at
    time_machine.move_to(first_retry)
    deliver_webhook.call(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status_code) == (2, 503)
    assert delivery.next_attempt_at - first_retry >= backoff(2) - backoff(1)
    time_machine.move_to(delivery.next_attempt_at)
    deliver_webhook.call(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 204)
    assert len(receiver.received) == 3
    # Nothing is sent twice, by a late duplicate task or by the stale sweep.
    deliver_webhook.call(delivery.pk)
    assert requeue_stale_webhooks() == 0 and len(receiver.received) == 3


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_receiver_fails_after_the_last_attempt(
    settings, city: City, actors: Actors, time_machine
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    registered, key = partner()
    do_subscribe_webhook(registered, "http://127.0.0.1:9/closed", ["appeal.status_changed"])
    number = KeyClient(key).post("/api/v1/appeals", APPEAL).json()["number"]
    KeyClient(token_for(actors.dispatcher)).post(f"/api/v1/appeals/{number}/accept")
    delivery = WebhookDelivery.objects.get()
    while delivery.status == Delivery.PENDING:
        time_machine.move_to(delivery.next_attempt_at)
        deliver_webhook.call(delivery.pk)
        delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 8
    assert "Error" in delivery.last_error and delivery.last_status_code is None


@pytest.mark.django_db(transaction=True)
def test_signing_secrets_are_sealed_and_survive_a_key_rotation(
    settings, receiver: Receiver, city: City, actors: Actors
) -> None:
    from zhengwu.api.actions import do_rotate_webhook_secret
    from zhengwu.api.models import WebhookSubscription

    registered, key = partner()
    subscription, secret = do_subscribe_webhook(registered, receiver.url, ["appeal.status_changed"])
    stored = WebhookSubscription.objects.values_list("secret", flat=True).get()
    assert secret.startswith("whsec_") and secret not in stored  # a dump does not show it
    dispatcher = KeyClient(token_for(actors.dispatcher))

    def accept_a_new_appeal(external_id: str) -> WebhookDelivery:
        appeal = {**APPEAL, "external_id": external_id}
        number = KeyClient(key).post("/api/v1/appeals", appeal).json()["number"]
        dispatcher.post(f"/api/v1/appeals/{number}/accept")
        return WebhookDelivery.objects.latest("pk")

    # SECRET_KEY rotated the Django way (the old key kept as a fallback): deliveries still sign.
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    assert accept_a_new_appeal("sealed-1").status == "delivered"
    _verified(secret, receiver.received[-1])
    # The old key dropped: the delivery fails with a reason instead of crashing the worker,
    # and rotating the subscription's secret mends it.
    settings.SECRET_KEY_FALLBACKS = []
    failing = accept_a_new_appeal("sealed-2")
    assert failing.status == "pending" and "rotate the webhook secret" in failing.last_error
    renewed = do_rotate_webhook_secret(subscription)
    assert accept_a_new_appeal("sealed-3").status == "delivered"
    _verified(renewed, receiver.received[-1])


@pytest.mark.django_db
def test_nothing_is_sent_for_a_change_that_rolls_back(
    receiver: Receiver, city: City, actors: Actors, django_capture_on_commit_callbacks
) -> None:
    registered, key = partner()
    do_subscribe_webhook(registered, receiver.url, ["appeal.status_changed"])
    number = KeyClient(key).post("/api/v1/appeals", APPEAL).json()["number"]
    wrong = KeyClient(token_for(actors.dispatcher))
    with django_capture_on_commit_callbacks() as callbacks:
        response = wrong.post(f"/api/v1/appeals/{number}/dispatch", {"lead_id": city.centre.pk})
    assert response.status_code == 400 and callbacks == []
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_webhook_rules(settings, city: City, actors: Actors) -> None:
    from django.core.exceptions import ValidationError

    registered, key = partner()
    client = KeyClient(key)
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    private = client.post(
        "/api/v1/webhooks", {"url": "http://127.0.0.1/x", "events": ["appeal.status_changed"]}
    )
    assert private.status_code == 400 and private.json()["errors"][0]["field"] == "url"
    # Only the centre's own systems may watch every new appeal.
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    with pytest.raises(ValidationError, match="督办中心"):
        do_subscribe_webhook(registered, "https://example.org/h", ["appeal.submitted"])
    reader = KeyClient(partner("reader", operations=[Operation.READ])[1])
    assert reader.get("/api/v1/webhooks").status_code == 403
    # Another partner's subscription is as missing as one that never existed.
    mine, _secret = do_subscribe_webhook(
        registered, "https://example.org/h", ["appeal.status_changed"]
    )
    other = KeyClient(partner("other")[1])
    assert other.get(f"/api/v1/webhooks/{mine.pk}/deliveries").status_code == 404
    assert other.delete(f"/api/v1/webhooks/{mine.pk}").status_code == 404
    assert client.get(f"/api/v1/webhooks/{mine.pk}/deliveries").status_code == 200


@pytest.mark.django_db
def test_the_centre_hears_of_every_new_appeal(
    receiver: Receiver, city: City, actors: Actors, django_capture_on_commit_callbacks
) -> None:
    centre, _key = partner("board", operations=[Operation.WEBHOOKS, Operation.WATCH_ALL])
    do_subscribe_webhook(centre, receiver.url, ["appeal.submitted"])
    from tests.appeal_helpers import new_appeal

    with django_capture_on_commit_callbacks(execute=True):
        appeal = new_appeal(city)
    body = json.loads(receiver.received[0]["body"])
    assert body["event"] == "appeal.submitted" and body["appeal"]["number"] == appeal.number


@pytest.mark.django_db
def test_the_periodic_checks_resend_lost_deliveries(
    receiver: Receiver,
    city: City,
    actors: Actors,
    time_machine,
    django_capture_on_commit_callbacks,
) -> None:
    from django.core.management import call_command

    registered, key = partner()
    do_subscribe_webhook(registered, receiver.url, ["appeal.status_changed"])
    number = KeyClient(key).post("/api/v1/appeals", APPEAL).json()["number"]
    # The test transaction never commits, so this delivery's task is never enqueued: "lost".
    KeyClient(token_for(actors.dispatcher)).post(f"/api/v1/appeals/{number}/accept")
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 0 and receiver.received == []
    time_machine.move_to(delivery.next_attempt_at + dt.timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic_checks")
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and len(receiver.received) == 1


@pytest.mark.django_db
def test_secrets_are_resealed_after_a_key_rotation(settings, city: City) -> None:
    from django.core.management import CommandError, call_command

    from zhengwu.api.models import WebhookSubscription

    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    registered, _key = partner()
    _subscription, secret = do_subscribe_webhook(
        registered, "http://127.0.0.1:9/hooks", ["appeal.status_changed"]
    )
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new-" + "z" * 50, []
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("reseal_webhook_secrets")
    settings.SECRET_KEY_FALLBACKS = [old_key]
    call_command("reseal_webhook_secrets")
    settings.SECRET_KEY_FALLBACKS = []
    assert WebhookSubscription.objects.get().signing_secret() == secret
