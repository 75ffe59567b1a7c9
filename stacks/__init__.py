"""CDK stacks of the Triggers API: data, api, delivery and monitoring, one set per environment."""
