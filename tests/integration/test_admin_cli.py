"""The ``triggers`` commands that act on a deployed environment with the deployer's credentials (``--env``),
against moto holding that environment's tables and queues under their deployed names."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws
from triggers.auth.apikeys import Scope, parse_key, secret_matches
from triggers.delivery.schedule import RetrySchedule
from triggers.storage.keys import KeyStore
from triggers.tables import TableName, physical_name

from local.aws import create_queues, create_tables
from local.cli import main
from local.deployed import ADMIN_ACTOR, ADMIN_BCRYPT_ROUNDS

MOTO_ACCOUNT = "123456789012"


@pytest.fixture
def nothing_deployed() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def prod_tables(nothing_deployed: None) -> None:
    create_tables(boto3.client("dynamodb"), "triggers-prod")


@pytest.fixture
def staging_queues(nothing_deployed: None) -> dict[str, str]:
    return create_queues(boto3.client("sqs"), "triggers-staging", RetrySchedule((1,)))


def test_admin_creates_a_tenants_first_key_shown_once_hashed_and_audited(
    prod_tables: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["admin", "keys", "create", "--env", "prod", "--tenant", "acme"]) == 0

    out, err = capsys.readouterr()
    (key,) = out.split()  # the key alone on stdout
    parts = parse_key(key)
    assert parts is not None
    dynamodb = boto3.client("dynamodb")
    stored = KeyStore(dynamodb, physical_name("triggers-prod", TableName.API_KEYS)).find(parts.key_id)
    assert stored is not None
    assert stored.key.tenant_id == "acme"
    assert stored.key.scopes == [Scope.KEYS_MANAGE]  # enough to create the tenant's other keys through the API
    assert secret_matches(parts.secret, stored.secret_hash)  # what the authorizer checks
    assert stored.secret_hash.startswith(f"$2b${ADMIN_BCRYPT_ROUNDS}$")
    (entry,) = dynamodb.scan(TableName=physical_name("triggers-prod", TableName.AUDIT))["Items"]
    assert {name: value["S"] for name, value in entry.items() if name in {"tenant_id", "action", "target"}} == {
        "tenant_id": "acme",
        "action": "key.created",
        "target": parts.key_id,
    }
    assert entry["actor_key_id"] == {"S": ADMIN_ACTOR}
    assert f"triggers-prod in account {MOTO_ACCOUNT}, region us-east-1" in err
    assert key not in err


def test_admin_key_scopes_can_be_chosen(prod_tables: None, capsys: pytest.CaptureFixture[str]) -> None:
    command = ["admin", "keys", "create", "--env", "prod", "--tenant", "acme", "--scopes", "events:read,keys:manage"]
    assert main(command) == 0

    key = parse_key(capsys.readouterr().out.strip())
    assert key is not None
    stored = KeyStore(boto3.client("dynamodb"), physical_name("triggers-prod", TableName.API_KEYS)).find(key.key_id)
    assert stored is not None
    assert stored.key.scopes == [Scope.EVENTS_READ, Scope.KEYS_MANAGE]


def test_admin_says_when_the_environment_is_not_deployed_where_the_credentials_point(
    nothing_deployed: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["admin", "keys", "create", "--env", "staging", "--tenant", "acme"]) == 1

    out, err = capsys.readouterr()
    assert out == ""
    assert "triggers-staging is not deployed in this account and region" in err
    assert "AWS_PROFILE" in err


def test_an_unknown_environment_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["admin", "keys", "create", "--env", "production", "--tenant", "acme"])
    assert "choose from 'dev', 'staging', 'prod'" in capsys.readouterr().err


def test_dlq_redrive_moves_a_deployed_environments_dead_letters_back(
    staging_queues: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    sqs = boto3.client("sqs")
    jobs = [f'{{"job": {number}}}' for number in range(12)]  # more than one SQS batch
    for job in jobs:
        sqs.send_message(QueueUrl=staging_queues["DEAD_LETTER_QUEUE_URL"], MessageBody=job)

    assert main(["dlq", "redrive", "--env", "staging"]) == 0

    out, err = capsys.readouterr()
    assert "Moved 12 dead-lettered job(s)" in out
    assert f"triggers-staging in account {MOTO_ACCOUNT}" in err
    moved = []
    while batch := sqs.receive_message(QueueUrl=staging_queues["DELIVERY_QUEUE_URL"], MaxNumberOfMessages=10).get(
        "Messages"
    ):
        moved += [message["Body"] for message in batch]
    assert sorted(moved) == sorted(jobs)
    dead_letters = sqs.get_queue_attributes(
        QueueUrl=staging_queues["DEAD_LETTER_QUEUE_URL"], AttributeNames=["ApproximateNumberOfMessages"]
    )
    assert dead_letters["Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_dlq_redrive_says_when_the_environment_is_not_deployed_here(
    nothing_deployed: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dlq", "redrive", "--env", "prod"]) == 1
    assert "triggers-prod is not deployed in this account and region" in capsys.readouterr().err


def test_dlq_redrive_without_env_still_means_the_local_stack(
    staging_queues: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRIGGERS_PORT", "1")  # no local stack runs there
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=staging_queues["DEAD_LETTER_QUEUE_URL"], MessageBody="{}")

    assert main(["dlq", "redrive"]) == 1

    assert "no local stack is running on port 1" in capsys.readouterr().err
    untouched = sqs.get_queue_attributes(
        QueueUrl=staging_queues["DEAD_LETTER_QUEUE_URL"], AttributeNames=["ApproximateNumberOfMessages"]
    )
    assert untouched["Attributes"]["ApproximateNumberOfMessages"] == "1"
