"""The console stack: a private bucket behind one CloudFront distribution that serves the console with
strict security headers and routes the API's paths, uncached, to the HTTP API.

The console stack is synthesized here in front of an imported HTTP API, with cdk-nag on, per
environment; it only needs the API's endpoint, which app.py passes from the API stack.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_apigatewayv2 as apigwv2

from stacks.config import config_for
from stacks.console_stack import API_PATH_PATTERNS, CONSOLE_DIR, SPA_REWRITE, ConsoleStack, add_console
from stacks.nag import add_nag_checks
from tests.infrastructure.templates import as_list, statements
from tests.infrastructure.test_nag_and_lint import CFN_LINT_IGNORED

pytestmark = pytest.mark.xdist_group("cdk")

API_DOMAIN = "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
# CloudFront's managed policies, by their fixed ids.
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
ONE_YEAR_SECONDS = 365 * 24 * 3600


@dataclass(frozen=True)
class Console:
    stack: ConsoleStack
    template: dict[str, Any]
    metadata: dict[str, list[dict[str, Any]]]
    directory: Path

    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {name: r for name, r in self.template["Resources"].items() if r["Type"] == resource_type}

    def one(self, resource_type: str) -> tuple[str, dict[str, Any]]:
        ((name, resource),) = self.resources(resource_type).items()
        return name, resource["Properties"]

    @property
    def distribution(self) -> dict[str, Any]:
        config: dict[str, Any] = self.one("AWS::CloudFront::Distribution")[1]["DistributionConfig"]
        return config


@pytest.fixture(scope="module", params=["dev", "prod"])
def console(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Console:
    outdir = tmp_path_factory.mktemp(f"console-{request.param}")
    app = cdk.App(outdir=str(outdir))
    config = config_for(request.param)
    api = apigwv2.HttpApi.from_http_api_attributes(
        cdk.Stack(app, "Api"), "HttpApi", http_api_id="a1b2c3d4e5", api_endpoint=f"https://{API_DOMAIN}"
    )
    stack = add_console(app, config, api)
    add_nag_checks(app)
    try:
        app.synth()
    except RuntimeError as error:  # an unacknowledged cdk-nag finding
        report = outdir / "validation-report.json"
        pytest.fail(f"{error}\n{report.read_text() if report.exists() else ''}")
    name = stack.stack_name
    return Console(
        stack,
        json.loads((outdir / f"{name}.template.json").read_text()),
        json.loads((outdir / f"{name}.metadata.json").read_text()),
        outdir,
    )


def origin_of(console: Console, behavior: dict[str, Any]) -> dict[str, Any]:
    (origin,) = [o for o in console.distribution["Origins"] if o["Id"] == behavior["TargetOriginId"]]
    return origin


def headers_policy(console: Console, behavior: dict[str, Any]) -> dict[str, Any]:
    logical_id = behavior["ResponseHeadersPolicyId"]["Ref"]
    policy: dict[str, Any] = console.template["Resources"][logical_id]["Properties"]["ResponseHeadersPolicyConfig"]
    return policy


def test_the_bucket_is_private_encrypted_and_tls_only(console: Console) -> None:
    bucket_id, bucket = console.one("AWS::S3::Bucket")
    assert bucket["PublicAccessBlockConfiguration"] == dict.fromkeys(
        ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"], True
    )
    (encryption,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert "WebsiteConfiguration" not in bucket

    _, policy = console.one("AWS::S3::BucketPolicy")
    deny, *allows = statements(policy["PolicyDocument"])
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    # Besides CDK's deployment housekeeping, only CloudFront reads it, and only for this distribution.
    readers = [s for s in allows if s["Action"] == "s3:GetObject"]
    (reader,) = readers
    assert reader["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    distribution_id, _ = console.one("AWS::CloudFront::Distribution")
    assert distribution_id in json.dumps(reader["Condition"]["StringEquals"]["AWS:SourceArn"])
    for statement in allows:
        assert statement["Principal"] != "*", statement
        assert bucket_id in json.dumps(statement["Resource"])


def test_the_console_is_served_from_the_bucket_through_origin_access_control(console: Console) -> None:
    default = console.distribution["DefaultCacheBehavior"]
    origin = origin_of(console, default)
    bucket_id, _ = console.one("AWS::S3::Bucket")
    assert origin["DomainName"] == {"Fn::GetAtt": [bucket_id, "RegionalDomainName"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    access_control_id, access_control = console.one("AWS::CloudFront::OriginAccessControl")
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": [access_control_id, "Id"]}
    assert access_control["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    assert access_control["OriginAccessControlConfig"]["OriginAccessControlOriginType"] == "s3"
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    assert default["AllowedMethods"] == ["GET", "HEAD"]
    assert console.distribution["DefaultRootObject"] == "index.html"


@pytest.mark.parametrize("pattern", API_PATH_PATTERNS)
def test_api_paths_go_to_the_http_api_uncached_with_the_viewers_headers(console: Console, pattern: str) -> None:
    behaviors = {behavior["PathPattern"]: behavior for behavior in console.distribution["CacheBehaviors"]}
    behavior = behaviors[pattern]
    origin = origin_of(console, behavior)
    assert origin["DomainName"] == API_DOMAIN
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert origin["CustomOriginConfig"]["OriginSSLProtocols"] == ["TLSv1.2"]
    assert behavior["CachePolicyId"] == CACHING_DISABLED
    assert behavior["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST_HEADER
    assert set(behavior["AllowedMethods"]) == {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
    assert behavior["ViewerProtocolPolicy"] == "https-only"  # a redirect would drop a POST's body
    assert "FunctionAssociations" not in behavior  # API paths are never rewritten to the console


def test_only_the_api_paths_leave_the_bucket(console: Console) -> None:
    assert {behavior["PathPattern"] for behavior in console.distribution["CacheBehaviors"]} == set(API_PATH_PATTERNS)


def test_the_console_gets_a_strict_csp_hsts_and_no_framing(console: Console) -> None:
    policy = headers_policy(console, console.distribution["DefaultCacheBehavior"])["SecurityHeadersConfig"]
    csp = policy["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    expected = json.loads((CONSOLE_DIR / "security-headers.json").read_text())["contentSecurityPolicy"]
    assert csp == expected  # the local stack sends the same policy
    directives = dict(directive.strip().split(" ", 1) for directive in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in csp
    assert policy["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
    assert policy["ContentTypeOptions"] == {"Override": True}
    hsts = policy["StrictTransportSecurity"]
    assert hsts["AccessControlMaxAgeSec"] >= ONE_YEAR_SECONDS
    assert hsts["IncludeSubdomains"] is True
    assert policy["ReferrerPolicy"]["ReferrerPolicy"] == "no-referrer"


def test_api_responses_get_transport_headers_but_no_csp_for_swagger_ui(console: Console) -> None:
    for behavior in console.distribution["CacheBehaviors"]:
        policy = headers_policy(console, behavior)["SecurityHeadersConfig"]
        assert "ContentSecurityPolicy" not in policy
        assert policy["FrameOptions"]["FrameOption"] == "DENY"
        assert policy["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= ONE_YEAR_SECONDS


@pytest.mark.parametrize(
    ("uri", "served"),
    [
        ("/", "/index.html"),
        ("/events", "/index.html"),
        ("/keys/", "/index.html"),
        ("/events/01abc", "/index.html"),
        ("/assets/index-abc123.js", "/assets/index-abc123.js"),
        ("/favicon.svg", "/favicon.svg"),
    ],
)
def test_page_paths_are_answered_with_index_html(console: Console, uri: str, served: str) -> None:
    """Runs the viewer-request function itself, in Node, on the event shape CloudFront gives it."""
    (association,) = console.distribution["DefaultCacheBehavior"]["FunctionAssociations"]
    assert association["EventType"] == "viewer-request"
    _, function = console.one("AWS::CloudFront::Function")
    assert function["FunctionCode"] == SPA_REWRITE
    assert function["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    run = f"{SPA_REWRITE}\nprocess.stdout.write(handler({{request: {{uri: {json.dumps(uri)}}}}}).uri);"
    result = subprocess.run(["node", "-e", run], capture_output=True, text=True, check=True, timeout=30)
    assert result.stdout == served


def test_bundles_are_deployed_before_the_pages_that_name_them(console: Console) -> None:
    deployments = console.resources("Custom::CDKBucketDeployment")
    (bundles_id,) = [name for name in deployments if name.startswith("DeployBundles")]
    (pages_id,) = [name for name in deployments if name.startswith("DeployPages")]
    bundles, pages = deployments[bundles_id], deployments[pages_id]
    assert bundles_id in as_list(pages.get("DependsOn", []))
    assert bundles["Properties"]["DestinationBucketKeyPrefix"] == "assets/"
    assert bundles["Properties"]["SystemMetadata"]["cache-control"] == "public, max-age=31536000, immutable"
    assert pages["Properties"]["SystemMetadata"]["cache-control"] == "no-cache"
    assert pages["Properties"]["DistributionPaths"] == ["/*"]
    for deployment in (bundles, pages):
        assert deployment["Properties"]["Prune"] is False  # open tabs keep loading their own build's bundles


def test_the_console_url_is_a_stack_output(console: Console) -> None:
    distribution_id, _ = console.one("AWS::CloudFront::Distribution")
    output = console.template["Outputs"]["ConsoleUrl"]["Value"]
    assert output == {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution_id, "DomainName"]}]]}


def test_prod_keeps_its_bucket_and_dev_cleans_up(console: Console) -> None:
    (bucket,) = console.resources("AWS::S3::Bucket").values()
    retained = console.stack.termination_protection
    assert retained == (console.stack.stack_name == "triggers-prod-console")
    assert bucket["DeletionPolicy"] == ("RetainExceptOnCreate" if retained else "Delete")  # as the data in prod
    assert bool(console.resources("Custom::S3AutoDeleteObjects")) is not retained


def test_nag_findings_are_acknowledged_per_resource_with_reasons(console: Console) -> None:
    acknowledged = [
        (path, rule, reason)
        for path, entries in console.metadata.items()
        for entry in entries
        if entry["type"] == "aws:cdk:acknowledged-rules"
        for rule, reason in entry["data"].items()
    ]
    assert acknowledged
    for path, rule, reason in acknowledged:
        assert path != f"/{console.stack.stack_name}", f"{rule} acknowledged on the whole stack"
        assert len(reason.split()) >= 5, f"{rule} on {path} needs a reason"
        if "IAM5" in rule or "IAM4" in rule:
            assert "[" in rule, f"{rule} on {path} acknowledges every finding at once"


def test_cfn_lint_passes(console: Console) -> None:
    template = console.directory / f"{console.stack.stack_name}.template.json"
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    lint = subprocess.run(
        [cfn_lint, "--ignore-checks", *CFN_LINT_IGNORED, "--", template], capture_output=True, text=True, check=False
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
