"""``drkit drill``: a game day on a REAL deployment: drain a region, measure failover, restore.

In order:

1. Preflight, read only (preflight.py): find the region's drain switch (SSM
   parameter) and every region's Route 53 health check (by its ``Name`` tag);
   refuse unless the switch reads ``active`` and every other region is healthy.
2. Flip the switch to ``drained`` (switch.py): the region's ``GET /health``
   answers 503 on purpose.
3. Poll the health checkers' reports (route53.py, checkers.py) until Route 53
   judges the region unhealthy, and sample ``GET https://<api name>/health``
   (probe.py, traffic.py) until requests stop reaching it.
4. ALWAYS set the switch back to ``active`` (runner.py: try/finally, also on a
   timeout, an error or Ctrl-C), then wait until the region is judged healthy again.
5. Print what was measured next to the budget (report.py, drkit/regions/budget.py).

Only real AWS can measure this. Health-checker timing, the spread between
checkers, the propagation of a status to Route 53's DNS servers and DNS
resolution are AWS's behaviour: an emulator (moto, ``--endpoint-url``) answers
every health check with one always-healthy checker and serves no DNS, so
against it a drill can only exercise the switch flip and restore.
"""

from drkit.operations.drill.plan import DrillPlan, DrillSettings
from drkit.operations.drill.result import DrillResult
from drkit.operations.drill.runner import EXIT_RESTORE_FAILED, Drill, run_drill

__all__ = [
    "EXIT_RESTORE_FAILED",
    "Drill",
    "DrillPlan",
    "DrillResult",
    "DrillSettings",
    "run_drill",
]
