"""Lambda: lambda functions keep their dead-letter queue and logging configuration.

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
"""

from __future__ import annotations

from drkit_emulator.awslambda import models


def install() -> None:
    """Make new functions keep their dead-letter and logging configuration. Idempotent."""
    models.install_functions()
