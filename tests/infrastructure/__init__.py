"""Infrastructure tests: the synthesized CDK templates, the layer bundle, cdk-nag and cfn-lint."""

import os

# jsii prints a banner on every start while Node 20 is deprecated / past end of life; it still works.
# Silenced before aws_cdk is first imported.
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
