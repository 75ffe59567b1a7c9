"""The API stack: one route per contract route wired to its function, the authorizer, and the stage."""

from __future__ import annotations

import json
from typing import Any

import pytest
from triggers.routes import GATEWAY_AUTHORIZER, ROUTES, FunctionName, RouteSpec

from stacks.layer_bundle import PYTHON_VERSION
from tests.infrastructure.conftest import Synthesized
from tests.infrastructure.functions import RETENTION_DAYS, function_of

pytestmark = pytest.mark.xdist_group("cdk")


def integration_function(synthesized: Synthesized, route: dict[str, Any]) -> str:
    """The function a route integrates with (``route`` is the Route resource's properties)."""
    integration_id = route["Target"]["Fn::Join"][1][1]["Ref"]
    integration = synthesized.assembly.templates[synthesized.api]["Resources"][integration_id]
    return synthesized.assembly.render(synthesized.api, integration["Properties"]["IntegrationUri"])


def routes_by_key(synthesized: Synthesized) -> dict[str, dict[str, Any]]:
    routes = synthesized.assembly.resources(synthesized.api, "AWS::ApiGatewayV2::Route").values()
    return {route["Properties"]["RouteKey"]: route for route in routes}


def test_the_api_serves_exactly_the_contract_routes(synthesized: Synthesized) -> None:
    assert set(routes_by_key(synthesized)) == {route.route_key for route in ROUTES}


@pytest.mark.parametrize("spec", ROUTES, ids=lambda spec: spec.route_key)
def test_route_is_wired_to_its_function_and_guarded_by_its_scope(synthesized: Synthesized, spec: RouteSpec) -> None:
    route = routes_by_key(synthesized)[spec.route_key]["Properties"]
    function_name = f"{synthesized.config.prefix}-{spec.function.value}"

    assert integration_function(synthesized, route) == f"AWS::Lambda::Alias {function_name}:live"
    if spec.public:
        assert route["AuthorizationType"] == "NONE"
        assert "AuthorizerId" not in route
    else:
        assert route["AuthorizationType"] == "CUSTOM"
        assert "AuthorizerId" in route


def test_authorizer_matches_the_gateway_authorizer_definition(synthesized: Synthesized) -> None:
    (authorizer,) = synthesized.assembly.resources(synthesized.api, "AWS::ApiGatewayV2::Authorizer").values()
    properties = authorizer["Properties"]

    assert properties.get("IdentitySource", []) == list(GATEWAY_AUTHORIZER.identity_sources)
    assert properties["AuthorizerResultTtlInSeconds"] == GATEWAY_AUTHORIZER.cache_ttl_seconds
    assert properties["AuthorizerType"] == "REQUEST"
    assert properties["AuthorizerPayloadFormatVersion"] == "2.0"
    assert properties["EnableSimpleResponses"] is True
    authorizer_name = f"{synthesized.config.prefix}-{FunctionName.AUTHORIZER.value}"
    assert f"AWS::Lambda::Alias {authorizer_name}:live" in synthesized.assembly.render(
        synthesized.api, properties["AuthorizerUri"]
    )


def test_api_gateway_may_invoke_only_the_live_aliases(synthesized: Synthesized) -> None:
    permissions = synthesized.assembly.resources(synthesized.api, "AWS::Lambda::Permission").values()
    invoked = {
        synthesized.assembly.render(synthesized.api, permission["Properties"]["FunctionName"])
        for permission in permissions
        if permission["Properties"]["Principal"] == "apigateway.amazonaws.com"
    }
    api_functions = {route.function for route in ROUTES} | {FunctionName.AUTHORIZER}
    assert invoked == {f"AWS::Lambda::Alias {synthesized.config.prefix}-{f.value}:live" for f in api_functions}


def test_authorizer_caches_decisions_in_its_container_for_the_configured_ttl(synthesized: Synthesized) -> None:
    _, _, authorizer = function_of(synthesized, FunctionName.AUTHORIZER)
    variables = authorizer["Properties"]["Environment"]["Variables"]
    assert variables["AUTH_CACHE_TTL_SECONDS"] == str(synthesized.config.auth_cache_ttl_seconds)


def test_stage_throttles_and_writes_json_access_logs(synthesized: Synthesized) -> None:
    (stage,) = synthesized.assembly.resources(synthesized.api, "AWS::ApiGatewayV2::Stage").values()
    properties = stage["Properties"]
    throttle = synthesized.config.throttle
    access_log_group = f"/aws/apigateway/{synthesized.config.prefix}"

    assert properties["StageName"] == "$default"
    assert properties["AutoDeploy"] is True
    assert properties["DefaultRouteSettings"]["ThrottlingRateLimit"] == throttle.rate_limit
    assert properties["DefaultRouteSettings"]["ThrottlingBurstLimit"] == throttle.burst_limit
    assert throttle.burst_limit <= synthesized.config.account.http_api_burst  # the account's cuts it first
    assert properties["DefaultRouteSettings"]["DetailedMetricsEnabled"] is True
    access_logs = properties["AccessLogSettings"]
    assert json.loads(access_logs["Format"])["requestId"] == "$context.requestId"
    # The log group's ARN without the ":*" its Arn attribute carries (API Gateway drops it: drift).
    destination = synthesized.assembly.render(synthesized.api, access_logs["DestinationArn"])
    account = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}"
    assert destination == f"{account}:log-group:AWS::Logs::LogGroup {access_log_group}"
    (log_group,) = (
        group
        for group in synthesized.assembly.resources(synthesized.api, "AWS::Logs::LogGroup").values()
        if group["Properties"]["LogGroupName"] == access_log_group
    )
    assert log_group["Properties"]["RetentionInDays"] == RETENTION_DAYS[synthesized.config.log_retention]


def test_api_url_is_an_output(synthesized: Synthesized) -> None:
    assert "ApiUrl" in synthesized.assembly.templates[synthesized.api]["Outputs"]


def test_layer_is_for_the_functions_runtime_and_architecture(synthesized: Synthesized) -> None:
    layers = list(synthesized.assembly.all_resources("AWS::Lambda::LayerVersion"))
    assert layers
    for _, _, layer in layers:
        assert layer["Properties"]["CompatibleRuntimes"] == [f"python{PYTHON_VERSION}"]
        assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]
