"""Console: the built web console in a private S3 bucket behind one CloudFront distribution, which also
routes the API's paths to the HTTP API, so the console calls ``/v1`` on its own origin (no CORS) as it
does on the local stack.

The console authenticates with ``X-API-Key``: a CloudFront origin request policy cannot forward the
``Authorization`` header, so API clients that go through the distribution must use ``X-API-Key`` too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import CfnOutput, Duration, Fn, Stack
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3_deployment
from constructs import Construct

from stacks.config import EnvironmentConfig
from stacks.nag import acknowledge

CONSOLE_DIR = Path(__file__).resolve().parents[1] / "console"
# Paths the distribution sends to the HTTP API instead of the bucket.
API_PATH_PATTERNS = ("/v1/*", "/openapi.json", "/docs", "/docs/*")
# Vite's hashed bundles: a changed file gets a new name, so browsers may keep these for good.
HASHED_ASSETS = "assets"
# Any path without a file extension is a page of the single-page app: serve index.html and let it route.
SPA_REWRITE = """\
function handler(event) {
  var request = event.request;
  var last = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
"""


@dataclass(frozen=True)
class SecurityHeaders:
    """console/security-headers.json: the same policy the local stack sends with the console."""

    content_security_policy: str
    referrer_policy: cloudfront.HeadersReferrerPolicy
    hsts_max_age: Duration

    @classmethod
    def read(cls, console_dir: Path = CONSOLE_DIR) -> SecurityHeaders:
        policy = json.loads((console_dir / "security-headers.json").read_text())
        return cls(
            content_security_policy=policy["contentSecurityPolicy"],
            referrer_policy=cloudfront.HeadersReferrerPolicy[policy["referrerPolicy"].upper().replace("-", "_")],
            hsts_max_age=Duration.seconds(policy["strictTransportSecurityMaxAgeSeconds"]),
        )


class ConsoleStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        http_api: apigwv2.IHttpApi,
        dist: Path = CONSOLE_DIR / "dist",
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        if not (dist / "index.html").is_file():
            raise FileNotFoundError(f"the console is not built ({dist}): `make console` builds it")
        headers = SecurityHeaders.read()
        self.bucket = self._bucket(config)
        self.distribution = self._distribution(config, http_api, headers)
        self._deploy_assets(dist)
        CfnOutput(
            self,
            "ConsoleUrl",
            value=f"https://{self.distribution.distribution_domain_name}",
            description="The web console; the API is reachable on the same origin under /v1",
        )

    def _bucket(self, config: EnvironmentConfig) -> s3.Bucket:
        bucket = s3.Bucket(
            self,
            "Assets",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            # SSE-S3: these are the public console's files; a KMS key would add a CloudFront key grant and a
            # KMS call per cache miss, and protect nothing secret.
            encryption=s3.BucketEncryption.S3_MANAGED,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            # Not versioned: every object is a build output of a commit; rolling back is redeploying that commit.
            versioned=False,
            removal_policy=config.removal_policy,
            auto_delete_objects=not config.retain_data,
        )
        acknowledge(
            bucket,
            "AwsSolutions-S1",
            "Only CloudFront reads this bucket (origin access control) and only the deployment writes it; "
            "CloudTrail records the writes, and the files are the public console build",
        )
        return bucket

    def _distribution(
        self, config: EnvironmentConfig, http_api: apigwv2.IHttpApi, headers: SecurityHeaders
    ) -> cloudfront.Distribution:
        console_headers = cloudfront.ResponseHeadersPolicy(
            self,
            "ConsoleHeaders",
            response_headers_policy_name=f"{config.prefix}-console",
            comment="Strict CSP (self only, no inline script), HSTS, no framing",
            security_headers_behavior=self._security_headers(headers, csp=headers.content_security_policy),
        )
        # The API's responses get the same transport headers, but no CSP: Swagger UI at /docs runs an inline script.
        api_headers = cloudfront.ResponseHeadersPolicy(
            self,
            "ApiHeaders",
            response_headers_policy_name=f"{config.prefix}-console-api",
            comment="HSTS, nosniff and no framing for the API behind the console's distribution",
            security_headers_behavior=self._security_headers(headers, csp=None),
        )
        api_origin = origins.HttpOrigin(
            Fn.select(2, Fn.split("/", http_api.api_endpoint)),  # https://<id>.execute-api.<region>.<suffix>
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
        )
        api_behavior = cloudfront.BehaviorOptions(
            origin=api_origin,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            response_headers_policy=api_headers,
        )
        spa_rewrite = cloudfront.Function(
            self,
            "SpaRewrite",
            function_name=f"{config.prefix}-console-spa-rewrite",
            comment="Serves index.html for the console's page paths",
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            code=cloudfront.FunctionCode.from_inline(SPA_REWRITE),
        )
        distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"{config.prefix}: web console and API",
            default_root_object="index.html",
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=console_headers,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=spa_rewrite, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                    )
                ],
            ),
            additional_behaviors=dict.fromkeys(API_PATH_PATTERNS, api_behavior),
        )
        reasons = {
            "AwsSolutions-CFR1": "The console and API serve tenants worldwide; no country is to be refused",
            "AwsSolutions-CFR2": "The API behind it enforces per-key rate limits and stage throttling; a WAF "
            "web ACL is an account-level choice left to the platform team (attach one with webAclId)",
            "AwsSolutions-CFR3": "The API stage writes a JSON access log line for every /v1 request; the console's "
            "static files are identical for everyone and carry no data",
            "AwsSolutions-CFR4": "The distribution uses the default *.cloudfront.net certificate, whose minimum "
            "protocol CloudFront fixes; a custom domain with an ACM certificate can require TLS 1.2",
        }
        for rule, reason in reasons.items():
            acknowledge(distribution, rule, reason)
        return distribution

    @staticmethod
    def _security_headers(headers: SecurityHeaders, *, csp: str | None) -> cloudfront.ResponseSecurityHeadersBehavior:
        return cloudfront.ResponseSecurityHeadersBehavior(
            content_security_policy=(
                cloudfront.ResponseHeadersContentSecurityPolicy(content_security_policy=csp, override=True)
                if csp
                else None
            ),
            strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                access_control_max_age=headers.hsts_max_age, include_subdomains=True, override=True
            ),
            frame_options=cloudfront.ResponseHeadersFrameOptions(
                frame_option=cloudfront.HeadersFrameOption.DENY, override=True
            ),
            content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
            referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                referrer_policy=headers.referrer_policy, override=True
            ),
        )

    def _deploy_assets(self, dist: Path) -> None:
        """Hashed bundles first, then index.html, so no deployed page ever names a bundle that is not there.

        Nothing is pruned: a tab opened before a deploy still loads the route bundles of its own build.
        """
        bundles = s3_deployment.BucketDeployment(
            self,
            "DeployBundles",
            destination_bucket=self.bucket,
            destination_key_prefix=f"{HASHED_ASSETS}/",
            sources=[s3_deployment.Source.asset(str(dist / HASHED_ASSETS))],
            cache_control=[
                s3_deployment.CacheControl.set_public(),
                s3_deployment.CacheControl.max_age(Duration.days(365)),
                s3_deployment.CacheControl.immutable(),
            ],
            prune=False,
        )
        pages = s3_deployment.BucketDeployment(
            self,
            "DeployPages",
            destination_bucket=self.bucket,
            sources=[s3_deployment.Source.asset(str(dist), exclude=[f"{HASHED_ASSETS}/*", ".vite/*"])],
            cache_control=[s3_deployment.CacheControl.no_cache()],
            prune=False,
            distribution=self.distribution,
            distribution_paths=["/*"],
        )
        pages.node.add_dependency(bundles)
        self._acknowledge_deployment_handler(bundles.handler_role)

    @staticmethod
    def _acknowledge_deployment_handler(role: iam.IRole) -> None:
        """CDK's BucketDeployment runs one Lambda per stack during deploys; its role is CDK's, scoped as below."""
        acknowledge(
            role,
            "AwsSolutions-IAM4",
            "CDK's deployment handler logs with AWSLambdaBasicExecutionRole, which grants only its own log writes",
            finding="Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        )
        policy = role.node.find_child("DefaultPolicy")
        read_staged = "reads the built console from the CDK bootstrap assets bucket (CDK's grantRead)"
        write_bucket = "writes the built console into this stack's bucket only (CDK's grantReadWrite)"
        findings = {
            "Action::s3:GetBucket*": read_staged,
            "Action::s3:GetObject*": read_staged,
            "Action::s3:List*": read_staged,
            "Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*": read_staged,
            "Action::s3:Abort*": write_bucket,
            "Action::s3:DeleteObject*": write_bucket,
            "Resource::<Assets9A31D427.Arn>/*": write_bucket,
            "Resource::*": "CDK grants cloudfront:CreateInvalidation and GetInvalidation on * to invalidate the "
            "console's distribution after a deploy",
        }
        for finding, reason in findings.items():
            acknowledge(policy, "AwsSolutions-IAM5", f"The deployment handler {reason}", finding=finding)
        handler = role.node.scope  # CDK creates the role inside the handler function
        if handler is None:
            raise RuntimeError("BucketDeployment's handler role has no function around it")
        acknowledge(
            handler,
            "AwsSolutions-L1",
            "CDK's BucketDeployment handler picks its own Python runtime; it runs only during deployments",
        )


def add_console(app: cdk.App, config: EnvironmentConfig, http_api: apigwv2.IHttpApi) -> ConsoleStack:
    """The console stack of one environment, in front of that environment's HTTP API."""
    return ConsoleStack(
        app,
        f"{config.prefix}-console",
        config=config,
        http_api=http_api,
        description="Triggers API: web console (S3 and CloudFront, same origin as the API)",
        termination_protection=config.deletion_protection,
    )
