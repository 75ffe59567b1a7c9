"""Reading synthesized templates: resources by type, and intrinsics rendered as readable references."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Template = dict[str, Any]
# The property that names a resource, per type; others are rendered by their logical id.
_NAME_PROPERTIES = {
    "AWS::DynamoDB::Table": "TableName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::SecretsManager::Secret": "Name",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Lambda::LayerVersion": "LayerName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::CodeDeploy::Application": "ApplicationName",
}


@dataclass(frozen=True)
class Assembly:
    """The templates of one synthesized environment, by stack name, and a way to follow references across them."""

    directory: Path
    templates: Mapping[str, Template]

    @classmethod
    def read(cls, directory: Path, stack_names: list[str]) -> Assembly:
        return cls(
            directory, {name: json.loads((directory / f"{name}.template.json").read_text()) for name in stack_names}
        )

    def resources(self, stack: str, resource_type: str) -> dict[str, dict[str, Any]]:
        return {
            logical_id: resource
            for logical_id, resource in self.templates[stack]["Resources"].items()
            if resource["Type"] == resource_type
        }

    def all_resources(self, resource_type: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for stack in self.templates:
            for logical_id, resource in self.resources(stack, resource_type).items():
                yield stack, logical_id, resource

    def render(self, stack: str, value: Any) -> str:
        """An intrinsic as text: ``{"Fn::GetAtt": [table, "Arn"]}`` → ``AWS::DynamoDB::Table triggers-dev-events``,
        following ``Fn::GetStackOutput`` into the producing stack."""
        if isinstance(value, str | int | float):
            return str(value)
        if isinstance(value, list):
            return ",".join(self.render(stack, item) for item in value)
        (function, argument), *_ = value.items()
        if function == "Fn::Join":
            separator, parts = argument
            return separator.join(self.render(stack, part) for part in parts)
        if function == "Fn::GetStackOutput":
            producer = argument["StackName"]
            return self.render(producer, self.templates[producer]["Outputs"][argument["OutputName"]]["Value"])
        if function == "Fn::GetAtt":
            logical_id, attribute = argument
            # An ARN or name stands for the resource itself; other attributes (a StreamArn) are named.
            suffix = "" if attribute in {"Arn", "QueueName", "TopicName"} else f".{attribute}"
            return self.describe(stack, logical_id) + suffix
        if function == "Ref":
            return f"${{{argument}}}" if argument.startswith("AWS::") else self.describe(stack, argument)
        if function == "Fn::Sub":
            return str(argument)
        raise ValueError(f"cannot render {value!r}")

    def describe(self, stack: str, logical_id: str) -> str:
        resource = self.templates[stack]["Resources"][logical_id]
        if resource["Type"] == "AWS::Lambda::Alias":  # named by its function: ``triggers-dev-ingest:live``
            function = self.render(stack, resource["Properties"]["FunctionName"]).split(" ")[-1]
            return f"AWS::Lambda::Alias {function}:{resource['Properties']['Name']}"
        name = resource.get("Properties", {}).get(_NAME_PROPERTIES.get(resource["Type"], ""), logical_id)
        return f"{resource['Type']} {self.render(stack, name)}"

    def metadata(self, stack: str) -> dict[str, list[dict[str, Any]]]:
        """Construct metadata by construct path (acknowledged nag rules live here)."""
        return json.loads((self.directory / f"{stack}.metadata.json").read_text())


def statements(policy_document: Mapping[str, Any]) -> list[dict[str, Any]]:
    return list(policy_document["Statement"])


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
