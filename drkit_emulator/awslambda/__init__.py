"""Lambda: functions keep their dead-letter queue and logging configuration; account settings.

Dead-letter queue and logging
-----------------------------
The gap (moto 5.2.5): ``CreateFunction`` and ``UpdateFunctionConfiguration``
drop ``DeadLetterConfig`` and ``LoggingConfig``, and ``GetFunction`` /
``GetFunctionConfiguration`` never return them. Terraform's
``aws_lambda_function`` with ``dead_letter_config {}`` and
``logging_config {}`` blocks plans to add both again on every run.

What this extension does: functions are made from a ``LambdaFunction``
subclass that keeps ``DeadLetterConfig`` (``{"TargetArn": ...}``; an empty
``TargetArn`` on update removes it) and ``LoggingConfig``, and returns them
with the function's configuration, completed as AWS completes them:
``LogFormat`` defaults to ``Text``, ``LogGroup`` to ``/aws/lambda/<name>``,
and a ``JSON`` format gets ``ApplicationLogLevel``/``SystemLogLevel``
``INFO`` unless set (Lambda's defaults). moto's Lambda models module is
pointed at the subclass; ``create_function`` looks the class up there at call
time.
Nothing is ever sent to the queue (functions do not run without Docker).

Account settings
----------------
The gap (moto 5.2.5): ``GetAccountSettings`` (``GET
/2016-08-19/account-settings/``) answers 404 "Not yet implemented", so
``drkit preflight`` cannot read an emulated account's concurrency.

What this extension does: the route is served from the region's functions.
``AccountLimit.ConcurrentExecutions`` is 1,000 (Lambda's documented default)
or moto's own ``MOTO_LAMBDA_CONCURRENCY_QUOTA`` when the emulator's
environment sets it (moto then refuses reservations past it too, as AWS
does); ``UnreservedConcurrentExecutions`` is that minus the reserved
concurrency of the region's functions (never below 0). The code-size limits
are Lambda's documented defaults (250 MB unzipped, 50 MB zipped, 75 GB in
all); ``AccountUsage`` counts the region's functions and the size of their
code. Not emulated: the reduced quotas of a new account (unless set through
``MOTO_LAMBDA_CONCURRENCY_QUOTA``), and any memory quota (AWS has no API
for it either).
"""

from __future__ import annotations

from moto.awslambda.models import lambda_backends

from drkit_emulator.awslambda import models
from drkit_emulator.core.routing import install_backend


def install() -> None:
    """Functions keep their configuration; every new backend serves account settings."""
    models.install_functions()
    install_backend(lambda_backends, models.DrkitLambdaBackend)
