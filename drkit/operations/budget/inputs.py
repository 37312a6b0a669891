"""The spec ``drkit budget`` reads: its budget numbers, evaluated without being refused."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from drkit.errors import SpecError
from drkit.operations.budget.availability import AvailabilityReport
from drkit.operations.budget.capacity import CapacityReport
from drkit.operations.budget.report import BudgetReport
from drkit.regions.availability import (
    MODELLED_INCIDENTS_PER_REGION,
    AvailabilityInputs,
    availability_budget,
)
from drkit.regions.budget import BudgetInputs, CapacityInputs
from drkit.regions.layout_errors import from_file
from drkit.regions.layout_file import read_layout
from drkit.regions.spec import DeploymentSpec
from drkit.regions.validators import is_int

#: What-if fields of the capacity rows: DeploymentSpec fields the BudgetInputs do not hold.
CAPACITY_OVERRIDES = (
    "lambda_reserved_concurrency",
    "peak_concurrency",
    "peak_read_units_per_second",
)
#: What-if of the availability rows: regional incidents a year in every region (modelled).
INCIDENTS_OVERRIDE = "incidents_per_region"
#: The most incidents a year the what-if takes (one every few hours: past any target).
MOST_INCIDENTS = 10_000

# The spec refuses numbers past the targets, so a layout's budget fields are
# evaluated here, beside the spec: everything else in the spec is validated as
# usual, each budget field by the spec's own field rule (converter and validator),
# and only the rule across fields (does it meet the targets?) is reported instead
# of raised.


def _field_value(spec: DeploymentSpec, name: str, value: Any) -> Any:
    """``value`` for the DeploymentSpec field ``name``, as the spec would hold it.

    Raises:
        SpecError: The value is outside the field's allowed range.
    """
    field = attrs.fields_dict(DeploymentSpec)[name]
    # attrs types the converter as Converter | None; DeploymentSpec's are plain functions,
    # and callable() says so to mypy as well.
    if callable(field.converter):
        value = field.converter(value)
    if field.validator is not None:
        field.validator(spec, field, value)
    return value


def spec_inputs(
    environ: Mapping[str, str], overrides: Mapping[str, Any]
) -> tuple[BudgetInputs, DeploymentSpec, str]:
    """The budget inputs of the spec ``DRKIT_CONFIG`` names (or the default), with overrides;
    ``ENVIRONMENT_SUFFIX`` is checked.

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
        values = {k: raw[k] for k in fields if k in raw}
        spec = from_file(
            config, lambda r: DeploymentSpec.from_mapping({k: r[k] for k in r if k not in fields})
        )
        source = f"DRKIT_CONFIG={config}"
    else:
        spec, values, source = DeploymentSpec.default(), {}, "built-in default spec"
    suffix = environ.get("ENVIRONMENT_SUFFIX")
    if suffix:  # checked as every other command checks it, though no budget figure uses it
        try:
            spec = attrs.evolve(spec, environment_suffix=suffix)
        except SpecError as err:
            raise err.renamed("ENVIRONMENT_SUFFIX") from None
    values.update(overrides)
    checked = {name: _field_value(spec, name, value) for name, value in values.items()}
    return attrs.evolve(spec.budget_inputs, **checked), spec, source


def capacity_inputs(spec: DeploymentSpec, overrides: Mapping[str, int]) -> CapacityInputs:
    """The spec's weights, reservation and peaks, with the what-ifs of CAPACITY_OVERRIDES.

    Raises:
        SpecError: An override is outside its spec field's range.
    """
    given = {k: _field_value(spec, k, v) for k, v in overrides.items() if k in CAPACITY_OVERRIDES}
    return CapacityInputs(
        weights=tuple((r.region, r.weight) for r in spec.regions),
        reserved_concurrency=given.get(
            "lambda_reserved_concurrency", spec.lambda_reserved_concurrency
        ),
        peak_concurrency=given.get("peak_concurrency", spec.peak_concurrency),
        peak_read_units_per_second=given.get(
            "peak_read_units_per_second", spec.peak_read_units_per_second
        ),
        reservations=tuple(
            (r.region, r.lambda_reserved_concurrency)
            for r in spec.regions
            if r.lambda_reserved_concurrency is not None
        ),
    )


def incidents(overrides: Mapping[str, Any]) -> int:
    """The what-if incident rate, or the modelled one.

    Raises:
        SpecError: The what-if is not an integer from 0 to MOST_INCIDENTS.
    """
    value = overrides.get(INCIDENTS_OVERRIDE, MODELLED_INCIDENTS_PER_REGION)
    if not (is_int(value) and 0 <= value <= MOST_INCIDENTS):
        raise SpecError(INCIDENTS_OVERRIDE, value, f"an integer from 0 to {MOST_INCIDENTS}")
    return int(value)


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
        availability: The layout's availability against its target.
        regions: One label per region, e.g. ``us-east-1 (primary, 70 %)``.
        source: Where the spec came from (``DRKIT_CONFIG=...`` or the default).
        overrides: The what-if values by field (BudgetInputs' fields, CAPACITY_OVERRIDES,
            ``incidents_per_region``); empty when none.
    """

    report: BudgetReport
    capacity: CapacityReport
    availability: AvailabilityReport
    regions: tuple[str, ...]
    source: str
    overrides: Mapping[str, Any] = attrs.field(factory=dict)

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str], overrides: Mapping[str, Any] | None = None
    ) -> SpecBudget:
        """The spec ``DRKIT_CONFIG`` names (or the default); SpecError as :func:`spec_inputs`.

        ``overrides`` may hold BudgetInputs' fields, the capacity what-ifs
        (CAPACITY_OVERRIDES) and ``incidents_per_region``.
        """
        overrides = dict(overrides or {})
        own = (*CAPACITY_OVERRIDES, INCIDENTS_OVERRIDE)
        timing = {k: v for k, v in overrides.items() if k not in own}
        inputs, spec, source = spec_inputs(environ, timing)
        weights = tuple((r.region, r.weight) for r in spec.regions)
        return cls(
            report=BudgetReport(inputs=inputs),
            capacity=CapacityReport(
                inputs=capacity_inputs(spec, overrides),
                what_ifs=frozenset(CAPACITY_OVERRIDES) & overrides.keys(),
            ),
            availability=AvailabilityReport(
                budget=availability_budget(
                    AvailabilityInputs.from_budget(
                        inputs, weights, incidents_per_region=incidents(overrides)
                    )
                ),
                incidents_source="what-if" if INCIDENTS_OVERRIDE in overrides else "modelled",
            ),
            regions=region_labels(spec),
            source=source,
            overrides=overrides,
        )

    @property
    def meets_targets(self) -> bool:
        """RTO, RPO and availability: what the exit code says."""
        return self.report.meets_targets and self.availability.meets_target

    @property
    def warnings(self) -> tuple[str, ...]:
        """What ``--strict`` refuses: the capacity warnings (the fix line is not one)."""
        return tuple(w for w in self.capacity.warnings() if w.startswith("WARNING"))

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` document: the source and regions, the report, capacity, availability."""
        return {
            "source": self.source,
            "regions": list(self.regions),
            **self.report.to_json(),
            "meets_targets": self.meets_targets,
            "capacity": self.capacity.to_json(),
            "availability": self.availability.to_json(),
        }

    def render(self) -> str:
        """The table, titled with the regions, the source and any what-if overrides."""
        title = f"drkit budget for {', '.join(self.regions)} ({self.source})"
        if self.overrides:
            changed = ", ".join(f"{k}={v}" for k, v in self.overrides.items())
            title += f"\nwhat-if overrides: {changed}"
        return self.report.render(
            title,
            sections=[self.capacity.render(), self.availability.render()],
            verdicts=[self.availability.verdict()],
        )
