"""A deployed environment, reached with the deployer's own AWS credentials (``triggers … --env ENV``).

Its resources are found by the stacks' naming rule, ``triggers-<env>-<resource>`` in the account and region
of those credentials (``AWS_PROFILE``, ``AWS_REGION``), as docs/operations.md describes; the
infrastructure tests check these names against the synthesized templates.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError
from triggers.errors import StorageUnavailable
from triggers.models import ApiKeyCreated
from triggers.storage.dynamo import client_config, error_code
from triggers.storage.keys import KeyTerms

from local.stack import create_key_outside_the_api

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sqs import SQSClient

ENVIRONMENT_NAMES = ("dev", "staging", "prod")
# The audit log's actor for keys an operator creates with `triggers admin keys create`.
ADMIN_ACTOR = "admin-cli"
# The strongest any environment's keys function uses (a test holds it there): a bcrypt hash carries its
# own cost, so the authorizer checks these keys like any other.
ADMIN_BCRYPT_ROUNDS = 12

_NO_REGION = "no AWS region: set AWS_REGION (or the region of your AWS_PROFILE)"
_NOT_FOUND_CODES = frozenset(
    {"ResourceNotFoundException", "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"}
)


class DeployedError(Exception):
    """What went wrong reaching the environment, said so that the operator can fix it."""


@dataclass(frozen=True)
class DeployedEnvironment:
    name: str

    def __post_init__(self) -> None:
        if self.name not in ENVIRONMENT_NAMES:
            raise DeployedError(f"unknown environment {self.name!r}: choose one of {', '.join(ENVIRONMENT_NAMES)}")

    @property
    def prefix(self) -> str:
        return f"triggers-{self.name}"

    @property
    def delivery_queue(self) -> str:
        return f"{self.prefix}-delivery"

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.prefix}-delivery-dlq"

    def where(self) -> str:
        """Which account and region the credentials in use reach, to say before acting there."""
        session = boto3.session.Session()
        if session.region_name is None:
            raise DeployedError(_NO_REGION)
        with reaching(self):
            account = session.client("sts", config=client_config()).get_caller_identity()["Account"]
        return f"{self.prefix} in account {account}, region {session.region_name}"

    def queue_urls(self, sqs: SQSClient) -> tuple[str, str]:
        """(delivery queue URL, dead-letter queue URL)."""
        with reaching(self):
            return (
                sqs.get_queue_url(QueueName=self.delivery_queue)["QueueUrl"],
                sqs.get_queue_url(QueueName=self.dead_letter_queue)["QueueUrl"],
            )

    def create_key(self, dynamodb: DynamoDBClient, tenant: str, terms: KeyTerms) -> ApiKeyCreated:
        """A key written straight into the environment's api-keys table and audited as the admin CLI's."""
        with reaching(self):
            return create_key_outside_the_api(dynamodb, self.prefix, tenant, terms, ADMIN_BCRYPT_ROUNDS, ADMIN_ACTOR)


def deployer_dynamodb() -> DynamoDBClient:
    with _configured():
        return boto3.client("dynamodb", config=client_config())


def deployer_sqs() -> SQSClient:
    with _configured():
        return boto3.client("sqs", config=client_config())


@contextmanager
def _configured() -> Iterator[None]:
    try:
        yield
    except NoRegionError as error:
        raise DeployedError(_NO_REGION) from error


@contextmanager
def reaching(environment: DeployedEnvironment) -> Iterator[None]:
    """AWS's refusals as what they mean here; never with a key or message body in them."""
    try:
        yield
    except NoCredentialsError as error:
        raise DeployedError("no AWS credentials: set AWS_PROFILE (or sign in) for the environment's account") from error
    except ClientError as error:
        code, message = error_code(error), error.response.get("Error", {}).get("Message", "")
        if code in _NOT_FOUND_CODES:
            raise DeployedError(
                f"{environment.prefix} is not deployed in this account and region ({message or code}); "
                "check AWS_PROFILE and AWS_REGION"
            ) from error
        if code.lower().startswith("kms"):  # SQS and DynamoDB use the data key on the caller's behalf
            raise DeployedError(
                f"the data key refused: {code}: {message}; the operator needs kms:Decrypt and "
                f"kms:GenerateDataKey on alias/{environment.prefix}-data"
            ) from error
        if "AccessDenied" in code or code in {"UnrecognizedClientException", "ExpiredToken", "InvalidClientTokenId"}:
            raise DeployedError(f"your AWS credentials may not do this: {code}: {message}") from error
        raise DeployedError(f"AWS refused: {code}: {message}") from error
    except StorageUnavailable as error:  # throttled or failing after the client's retries
        raise DeployedError("AWS is throttling or unavailable right now; run the command again") from error
    except BotoCoreError as error:  # connection problems, expired SSO sessions, …
        raise DeployedError(f"cannot reach AWS: {error}") from error
