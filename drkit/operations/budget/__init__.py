"""The failover budget as a report: every row with its source, as a table or JSON.

The arithmetic is the model's (drkit/regions/budget.py); this package only
presents it for ``drkit budget``: the rows (rows.py), the table, scope and JSON
of one set of inputs (report.py), each region's capacity when its largest peer
fails (capacity.py), and the spec the command reads, whose budget fields are
evaluated without being refused (inputs.py).
"""

from drkit.operations.budget.capacity import CapacityReport
from drkit.operations.budget.inputs import SpecBudget, spec_inputs
from drkit.operations.budget.report import BudgetReport
from drkit.operations.budget.rows import Row

__all__ = ["BudgetReport", "CapacityReport", "Row", "SpecBudget", "spec_inputs"]
