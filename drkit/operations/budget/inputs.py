"""The spec ``drkit budget`` reads: its budget numbers, evaluated without being refused."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from drkit.operations.budget.report import BudgetReport
from drkit.regions.budget import BudgetInputs
from drkit.regions.spec import DeploymentSpec, read_layout

# The spec refuses numbers past the targets, so a layout's budget fields are
# evaluated here, beside the spec: everything else in the spec is validated as
# usual, each budget field by the spec's own field validator, and only the rule
# across fields (does it meet the targets?) is reported instead of raised.


def spec_inputs(
    environ: Mapping[str, str], overrides: Mapping[str, int]
) -> tuple[BudgetInputs, list[str], str]:
    """The budget inputs of the spec ``DRKIT_CONFIG`` names (or the default), with overrides.

    Returns:
        The inputs, a label per region, and where the spec came from.

    Raises:
        SpecError: The spec is invalid apart from its budget, or a budget
            field is outside its own allowed range.
    """
    config = environ.get("DRKIT_CONFIG")
    fields = attrs.fields_dict(BudgetInputs)
    if config:
        raw = read_layout(config)
        values = {k: raw.pop(k) for k in fields if k in raw}
        spec = DeploymentSpec.from_mapping(raw)
        source = f"DRKIT_CONFIG={config}"
    else:
        spec, values, source = DeploymentSpec.default(), {}, "built-in default spec"
    values.update(overrides)
    spec_fields = attrs.fields_dict(DeploymentSpec)
    for name, value in values.items():
        validator = spec_fields[name].validator
        if validator is not None:
            validator(spec, spec_fields[name], value)
    regions = [
        f"{r.region} ({r.role.value}, {r.weight} %)"
        if r.is_primary
        else f"{r.region} ({r.weight} %)"
        for r in spec.regions
    ]
    return attrs.evolve(spec.budget_inputs, **values), regions, source


@attrs.frozen(kw_only=True)
class SpecBudget:
    """The budget ``drkit budget`` prints: a spec's report, where it came from, what-ifs.

    Attributes:
        report: The budget of the spec's numbers with the overrides applied.
        regions: One label per region, e.g. ``us-east-1 (primary, 70 %)``.
        source: Where the spec came from (``DRKIT_CONFIG=...`` or the default).
        overrides: The what-if values by BudgetInputs field; empty when none.
    """

    report: BudgetReport
    regions: tuple[str, ...]
    source: str
    overrides: Mapping[str, int] = attrs.field(factory=dict)

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str], overrides: Mapping[str, int] | None = None
    ) -> SpecBudget:
        """The spec ``DRKIT_CONFIG`` names (or the default); SpecError as :func:`spec_inputs`."""
        overrides = dict(overrides or {})
        inputs, regions, source = spec_inputs(environ, overrides)
        return cls(
            report=BudgetReport(inputs=inputs),
            regions=tuple(regions),
            source=source,
            overrides=overrides,
        )

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` document: the source and regions, then the report."""
        return {"source": self.source, "regions": list(self.regions), **self.report.to_json()}

    def render(self) -> str:
        """The table, titled with the regions, the source and any what-if overrides."""
        title = f"drkit budget for {', '.join(self.regions)} ({self.source})"
        if self.overrides:
            changed = ", ".join(f"{k}={v}" for k, v in self.overrides.items())
            title += f"\nwhat-if overrides: {changed}"
        return self.report.render(title)
