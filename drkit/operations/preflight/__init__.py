"""``drkit preflight``: before the first deploy, can this account take this layout?

Read only. For every region of the layout it reads Lambda's account settings
and drkit's own functions' reservations (lambda_quotas.py): is there
concurrency for drkit's reservations with 100 left unreserved, and is the
memory within what a new account allows? A layout that counts on Parameter Store's
higher throughput has it read too (parameter_store.py). For the API zone it reads Route 53
and the public DNS (zone.py, delegation.py): does an existing zone exist, hold
the name, and receive the delegation; would a created zone shadow one that
does? Each finding is ok, a warning, or a refusal naming what to change
(findings.py); runner.py runs them all. The rules and their AWS pages are the
model's (drkit/regions/quotas.py).

An emulator answers the same calls (drkit's Lambda extension serves
``GetAccountSettings``, its SSM extension the service settings) but serves no
DNS and has none of a new account's reduced quotas: what the refusals look like
is tested with injected clients.
"""

from drkit.operations.preflight.delegation import (
    DelegationUnknown,
    NameServerLookup,
    public_name_servers,
)
from drkit.operations.preflight.findings import Finding, Level, PreflightReport
from drkit.operations.preflight.runner import run_preflight

__all__ = [
    "DelegationUnknown",
    "Finding",
    "Level",
    "NameServerLookup",
    "PreflightReport",
    "public_name_servers",
    "run_preflight",
]
