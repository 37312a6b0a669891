"""The spec ``drkit budget`` reads: its budget numbers, evaluated without being refused."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from drkit.errors import SpecError
from drkit.operations.budget.capacity import CapacityReport
from drkit.operations.budget.report import BudgetReport
from drkit.regions.budget import BudgetInputs, CapacityInputs
from drkit.regions.layout_file import read_layout
from drkit.regions.spec import DeploymentSpec

#: What-if fields of the capacity rows (the rest of the overrides are BudgetInputs').
CAPACITY_OVERRIDES = ("lambda_reserved_concurrency", "peak_concurrency")

# The spec refuses numbers past the targets, so a layout's budget fields are
# evaluated here, beside the spec: everything else in the spec is validated as
# usual, each budget field by the spec's own field validator, and only the rule
# across fields (does it meet the targets?) is reported instead of raised.


def spec_inputs(
    environ: Mapping[str, str], overrides: Mapping[str, int]
) -> tuple[BudgetInputs, DeploymentSpec, str]:
    """The budget inputs of the spec ``DRKIT_CONFIG`` names (or the default), with overrides.

    Returns:
        The inputs, the spec (its budget fields as the layout has them), and
        where the spec came from.

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
    return attrs.evolve(spec.budget_inputs, **values), spec, source


def capacity_inputs(
    spec: DeploymentSpec, *, reserved_concurrency: int | None, peak_concurrency: int | None
) -> CapacityInputs:
    """The spec's weights and reservation, with the what-if reservation and peak.

    Raises:
        SpecError: The reservation is outside ``lambda_reserved_concurrency``'s
            range, or the peak is not a positive integer.
    """
    if reserved_concurrency is not None:
        field = attrs.fields_dict(DeploymentSpec)["lambda_reserved_concurrency"]
        if field.validator is not None:
            field.validator(spec, field, reserved_concurrency)
    if peak_concurrency is not None and (
        isinstance(peak_concurrency, bool)
        or not isinstance(peak_concurrency, int)
        or peak_concurrency < 1
    ):
        raise SpecError("peak_concurrency", peak_concurrency, "a positive integer")
    return CapacityInputs(
        weights=tuple((r.region, r.weight) for r in spec.regions),
        reserved_concurrency=reserved_concurrency or spec.lambda_reserved_concurrency,
        reservations=tuple(
            (r.region, r.lambda_reserved_concurrency)
            for r in spec.regions
            if r.lambda_reserved_concurrency is not None
        ),
        peak_concurrency=peak_concurrency,
    )


def region_labels(spec: DeploymentSpec) -> tuple[str, ...]:
    """``us-east-1 (primary, 70 %)``, ``us-west-2 (30 %)``: one label per region."""
    return tuple(
        f"{r.region} ({r.role.value}, {r.weight} %)"
        if r.is_primary
        else f"{r.region} ({r.weight} %)"
        for r in spec.regions
    )


@attrs.frozen(kw_only=True)
class SpecBudget:
    """The budget ``drkit budget`` prints: a spec's report, where it came from, what-ifs.

    Attributes:
        report: The budget of the spec's numbers with the overrides applied.
        capacity: Each region's load when its largest peer fails.
        regions: One label per region, e.g. ``us-east-1 (primary, 70 %)``.
        source: Where the spec came from (``DRKIT_CONFIG=...`` or the default).
        overrides: The what-if values by field (BudgetInputs' fields,
            ``lambda_reserved_concurrency``, ``peak_concurrency``); empty when none.
    """

    report: BudgetReport
    capacity: CapacityReport
    regions: tuple[str, ...]
    source: str
    overrides: Mapping[str, int] = attrs.field(factory=dict)

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str], overrides: Mapping[str, int] | None = None
    ) -> SpecBudget:
        """The spec ``DRKIT_CONFIG`` names (or the default); SpecError as :func:`spec_inputs`.

        ``overrides`` may hold BudgetInputs' fields and the capacity what-ifs
        ``lambda_reserved_concurrency`` and ``peak_concurrency``.
        """
        overrides = dict(overrides or {})
        timing = {k: v for k, v in overrides.items() if k not in CAPACITY_OVERRIDES}
        inputs, spec, source = spec_inputs(environ, timing)
        capacity = capacity_inputs(
            spec,
            reserved_concurrency=overrides.get("lambda_reserved_concurrency"),
            peak_concurrency=overrides.get("peak_concurrency"),
        )
        return cls(
            report=BudgetReport(inputs=inputs),
            capacity=CapacityReport(inputs=capacity),
            regions=region_labels(spec),
            source=source,
            overrides=overrides,
        )

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` document: the source and regions, then the report and the capacity."""
        return {
            "source": self.source,
            "regions": list(self.regions),
            **self.report.to_json(),
            "capacity": self.capacity.to_json(),
        }

    def render(self) -> str:
        """The table, titled with the regions, the source and any what-if overrides."""
        title = f"drkit budget for {', '.join(self.regions)} ({self.source})"
        if self.overrides:
            changed = ", ".join(f"{k}={v}" for k, v in self.overrides.items())
            title += f"\nwhat-if overrides: {changed}"
        return self.report.render(title, sections=[self.capacity.render()])
