"""CDK entry point: ``cdk synth -c env=dev|staging|prod`` builds that environment's stacks.

Synthesis makes no AWS calls: the stacks are environment-agnostic and the layer is bundled locally.
"""

from __future__ import annotations

import aws_cdk as cdk

from stacks.config import config_for
from stacks.console_stack import add_console
from stacks.environment import add_environment
from stacks.layer_bundle import bundle_common_layer
from stacks.nag import add_nag_checks


def main() -> None:
    app = cdk.App()
    config = config_for(app.node.try_get_context("env"))
    stacks = add_environment(app, config, bundle_common_layer())
    add_console(app, config, stacks.api.http_api)
    add_nag_checks(app)
    app.synth()


if __name__ == "__main__":
    main()
