"""CloudWatch: updating an alarm keeps its state, and ignores the tags it is sent.

The gap (moto 5.2.5): ``PutMetricAlarm`` on an existing alarm builds a new
alarm object, so the alarm's state goes back to moto's initial ``OK``
("Unchecked: Initial alarm creation"), and the request's ``Tags`` are added to
the alarm's. AWS keeps the state of an alarm it updates ("When you update an
existing alarm, its state is left unchanged, but the update completely
overwrites the previous configuration of the alarm") and ignores ``Tags`` then
("If you are using this operation to update an existing alarm, any tags you
specify in this parameter are ignored"), both on
https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html.
A day-2 apply changes alarms with ``PutMetricAlarm`` (adding a region changes
their dimensions and actions), so an alarm in ``ALARM`` during a rehearsal
would read ``OK`` after it.

What this extension does: ``PutMetricAlarm`` of an existing alarm replaces its
configuration (``AlarmConfigurationUpdatedTimestamp`` moves on) and carries over
its ``StateValue``, ``StateReason``, ``StateReasonData`` and
``StateUpdatedTimestamp``; the request's tags are applied only when it creates the alarm
(``TagResource``/``UntagResource`` change them, as on AWS).

Not emulated: alarms are never evaluated; a new alarm still starts ``OK``
in moto where AWS starts it ``INSUFFICIENT_DATA``; ``DescribeAlarmHistory`` is
not implemented by moto (a 500); ``DescribeAlarms`` with ``AlarmNamePrefix`` (or
``AlarmNames``, ``ActionPrefix``) ignores ``StateValue`` and answers alarms in every
state, where AWS applies both (``drkit release`` checks the state it reads).
"""

from __future__ import annotations

from moto.cloudwatch.models import cloudwatch_backends

from drkit_emulator.cloudwatch import models
from drkit_emulator.core.routing import install_backend


def install() -> None:
    """Make every CloudWatch backend created from now on drkit's. Idempotent."""
    install_backend(cloudwatch_backends, models.DrkitCloudWatchBackend)
