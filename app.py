"""CDK entry point: ``cdk synth -c env=dev|staging|prod`` builds that environment's stacks.

Synthesis makes no AWS calls: the stacks are environment-agnostic and the layer is bundled locally.
"""

from __future__ import annotations

import aws_cdk as cdk

from stacks.config import config_for
from stacks.environment import add_environment
from stacks.layer_bundle import bundle_common_layer
from stacks.nag import add_nag_checks


def main() -> None:
    app = cdk.App()
    add_environment(app, config_for(app.node.try_get_context("env")), bundle_common_layer())
    add_nag_checks(app)
    app.synth()


if __name__ == "__main__":
    main()
