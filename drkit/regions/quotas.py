"""What a deployment asks of an account's Lambda quotas in every region, and Lambda's rules.

``drkit preflight`` (drkit/operations/preflight/) compares this with what a
real account reads; the synthesized stack is tested against it
(tests/synth/test_quotas.py), so a function added to a footprint without an
entry here fails a test instead of an apply. Each rule cites its page, or says
that AWS documents none.
"""

from __future__ import annotations

import attrs

from drkit.regions.names import FUNCTIONS
from drkit.regions.naming import Namer
from drkit_runtime.contract import HEALTH_DEADLINE_MS

#: Reservations may take a region's unreserved concurrency down to 100, not lower:
#: "You can reserve up to the Unreserved account concurrency value, minus 100".
#: https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
UNRESERVED_CONCURRENCY_MINIMUM = 100
#: The default quota of concurrent executions per account and region. New accounts
#: start below it ("New AWS accounts have reduced concurrency and memory quotas").
#: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
DEFAULT_CONCURRENT_EXECUTIONS = 1000
#: The Service Quotas code of "Concurrent executions" (service code ``lambda``).
CONCURRENCY_QUOTA_CODE = "L-B99A9384"
#: NOT DOCUMENTED: the memory cap new accounts report (CreateFunction's
#: "'MemorySize' value failed to satisfy constraint: Member must have value less
#: than or equal to 3008"). AWS states only that new accounts have a reduced
#: memory quota, and no API reads it; 3,008 MB was Lambda's maximum before 2020.
REDUCED_MEMORY_MB = 3008
#: The canary's settings (drkit/footprint.py creates the canary with these).
CANARY_MEMORY_MB = 512
CANARY_RESERVED_CONCURRENCY = 5
#: The watcher's (drkit/footprint.py): a handful of HTTPS probes once a minute.
WATCHER_MEMORY_MB = 256
WATCHER_RESERVED_CONCURRENCY = 1
#: The auditor's (drkit/footprint/functions.py): one walk of its region's audit chain at a
#: time; its memory buys CPU for hashing every entry.
AUDITOR_MEMORY_MB = 512
AUDITOR_RESERVED_CONCURRENCY = 1
#: What Route 53's checkers send one endpoint at most, in requests per second. AWS: at a
#: 10 s interval "the endpoint will receive a request more than once per second", and as
#: checkers don't coordinate "you'll sometimes see several requests per second"
#: (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html,
#: "Request interval"). "Several" is read as up to 10 (an assumption, not a figure).
ROUTE53_CHECKER_PEAK_RPS = 10
#: Concurrent executions Route 53's checkers can hold at their peak, when no container has a
#: fresh outcome and every probe runs its checks for the whole deadline (10 x 1 s).
HEALTH_CHECKER_CONCURRENCY = ROUTE53_CHECKER_PEAK_RPS * HEALTH_DEADLINE_MS // 1000
#: /health's own function (drkit/footprint/functions.py). "Reserved concurrency acts as both a
#: lower and upper bound" (the concurrency page above): no records traffic can take these
#: executions, and no flood of /health can take more. Twice what the checkers can hold: the
#: rest is for the watchers' probes (one per peer a minute) and containers still initialising.
HEALTH_RESERVED_CONCURRENCY = 2 * HEALTH_CHECKER_CONCURRENCY
#: Lambda gives CPU in proportion to memory (1,769 MB is one vCPU:
#: https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html): about 0.6 vCPU,
#: so a cold container's TLS handshakes fit well inside the 1 s deadline.
HEALTH_MEMORY_MB = 1024


@attrs.frozen(kw_only=True)
class FunctionDemand:
    """One function drkit deploys in every region, as its quotas see it.

    Attributes:
        purpose: The function's purpose in its name (``api``, ``canary``, ``watcher``,
            ``health``).
        reserved_concurrency: Its reserved concurrent executions.
        memory_mb: Its memory.
        from_spec: Its numbers are the spec's ``lambda_reserved_concurrency`` and
            ``lambda_memory_mb`` (the API function); False for fixed ones.
    """

    purpose: str
    reserved_concurrency: int
    memory_mb: int
    from_spec: bool = False

    def name(self, namer: Namer, region: str) -> str:
        """Its physical name in ``region``."""
        return FUNCTIONS[self.purpose].function(namer, region)


@attrs.frozen(kw_only=True)
class LambdaDemand:
    """Every function of one region and what they need of the account together.

    Attributes:
        functions: The region's functions (the same in every region).
    """

    functions: tuple[FunctionDemand, ...]

    @classmethod
    def of(cls, *, reserved_concurrency: int, memory_mb: int) -> LambdaDemand:
        """The API function (the spec's numbers), the canary, the watcher and the health
        function (fixed numbers)."""
        return cls(
            functions=(
                FunctionDemand(
                    purpose="api",
                    reserved_concurrency=reserved_concurrency,
                    memory_mb=memory_mb,
                    from_spec=True,
                ),
                FunctionDemand(
                    purpose="canary",
                    reserved_concurrency=CANARY_RESERVED_CONCURRENCY,
                    memory_mb=CANARY_MEMORY_MB,
                ),
                FunctionDemand(
                    purpose="watcher",
                    reserved_concurrency=WATCHER_RESERVED_CONCURRENCY,
                    memory_mb=WATCHER_MEMORY_MB,
                ),
                FunctionDemand(
                    purpose="health",
                    reserved_concurrency=HEALTH_RESERVED_CONCURRENCY,
                    memory_mb=HEALTH_MEMORY_MB,
                ),
                FunctionDemand(
                    purpose="auditor",
                    reserved_concurrency=AUDITOR_RESERVED_CONCURRENCY,
                    memory_mb=AUDITOR_MEMORY_MB,
                ),
            )
        )

    @property
    def reserved_concurrency(self) -> int:
        """What the region's functions reserve together."""
        return sum(f.reserved_concurrency for f in self.functions)

    @property
    def fixed_reserved_concurrency(self) -> int:
        """What the functions no spec field sets reserve (the canary's, the watcher's and the
        health function's)."""
        return sum(f.reserved_concurrency for f in self.functions if not f.from_spec)

    @property
    def needed_unreserved(self) -> int:
        """Unreserved concurrency the region must have before drkit's reservations."""
        return self.reserved_concurrency + UNRESERVED_CONCURRENCY_MINIMUM

    @property
    def largest_memory(self) -> FunctionDemand:
        """The function with the most memory (the first of equals)."""
        return max(self.functions, key=lambda f: f.memory_mb)

    def largest_api_reservation(self, available: int) -> int:
        """The largest ``lambda_reserved_concurrency`` that fits ``available`` (0: none does)."""
        return max(0, available - UNRESERVED_CONCURRENCY_MINIMUM - self.fixed_reserved_concurrency)
