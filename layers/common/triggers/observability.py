"""Powertools observability singletons, shared by every function in the process."""

from __future__ import annotations

import os

from aws_lambda_powertools import Logger, Metrics, Tracer

from triggers.metric_names import NAMESPACE, SERVICE_DIMENSION

# Logs and traces name the function; metrics share one service dimension so one alarm covers all functions.
_function_service = os.environ.get("POWERTOOLS_SERVICE_NAME", SERVICE_DIMENSION)
logger = Logger(service=_function_service)
tracer = Tracer(service=_function_service)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE_DIMENSION)
