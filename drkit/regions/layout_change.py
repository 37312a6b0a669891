"""Adding or removing a region on a running deployment: which stacks to apply or destroy, when.

drkit's runner (``LocalDeployment.change_layout``) and the ``cdktf`` lines it prints
(``drkit.deploy.cdktf.change_lines``) both follow these steps, so the order is written once.

Adding a region is one apply of every stack of the new layout in dependency order: the new
region's stack (after the roles), then the stacks that link the regions and route to them.
Removing one must stop everything from naming the region before its stack goes, and keep
the roles its resources run as until they are gone.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

import attrs

from drkit.regions.stacks import StackPlan


class Layout(enum.Enum):
    """Which layout a step synthesizes: the one being left, or the one being made."""

    BEFORE = "before"
    AFTER = "after"


class Action(enum.Enum):
    APPLY = "apply"
    DESTROY = "destroy"


@attrs.frozen(kw_only=True)
class Step:
    """One apply or destroy of some stacks, of one layout.

    Attributes:
        action: Apply or destroy.
        layout: The layout whose synthesis the stacks are taken from.
        stacks: The stacks, in an order that applies (destroy: reversed by the runner).
        why: What the step is for, as the runbook says it.
        retiring: Regions being removed whose providers the stacks keep for this step
            (``DRKIT_RETIRING_REGIONS``): the links destroy what they hold there.
    """

    action: Action
    layout: Layout
    stacks: tuple[str, ...]
    why: str
    retiring: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class LayoutChange:
    """The stacks a new layout adds or removes, and the steps that get there.

    Attributes:
        added: Stacks of the new layout only.
        removed: Stacks of the old layout only.
        steps: What to run, in order. Empty when both are empty (then apply every stack).
    """

    added: tuple[str, ...]
    removed: tuple[str, ...]
    steps: tuple[Step, ...]

    @classmethod
    def between(cls, before: Sequence[StackPlan], after: Sequence[StackPlan]) -> LayoutChange:
        """The change from ``before``'s stacks to ``after``'s.

        Raises:
            ValueError: The change adds and removes stacks at once: do one, then the other
                (each is a different order of applies and destroys).
        """
        old, new = [p.name for p in before], [p.name for p in after]
        added = tuple(n for n in new if n not in old)
        removed = tuple(n for n in old if n not in new)
        if added and removed:
            raise ValueError(
                f"this layout adds {', '.join(added)} and removes {', '.join(removed)}: "
                "change one, apply, then the other"
            )
        steps: tuple[Step, ...]
        if added:
            steps = (
                Step(
                    action=Action.APPLY,
                    layout=Layout.AFTER,
                    stacks=tuple(new),
                    why="every stack in order: the new region's roles, its stack, then what "
                    "links and routes to it (the others change only for their new peer)",
                ),
            )
        elif removed:
            steps = _removal(before, after, removed)
        else:
            steps = ()
        return cls(added=added, removed=removed, steps=steps)


def _removal(
    before: Sequence[StackPlan], after: Sequence[StackPlan], removed: tuple[str, ...]
) -> tuple[Step, ...]:
    gone = set(removed)
    regions = tuple(p.region for p in before if p.name in gone and p.region is not None)
    kept = [p.name for p in after]
    named_them = [p.name for p in before if gone & set(p.depends_on) and p.name in kept]
    they_needed = sorted({d for p in before if p.name in gone for d in p.depends_on})
    rest = [n for n in kept if n not in {*named_them, *they_needed}]
    return (
        Step(
            action=Action.APPLY,
            layout=Layout.AFTER,
            stacks=tuple(named_them),
            why="stop linking and routing to the region: its replicas, peering, records "
            "and health checks go first (the links keep its provider to destroy them)",
            retiring=regions,
        ),
        Step(
            action=Action.APPLY,
            layout=Layout.AFTER,
            stacks=tuple(rest),
            why="the remaining regions stop naming it (backup copies, peers' addresses)",
        ),
        Step(
            action=Action.DESTROY,
            layout=Layout.BEFORE,
            stacks=removed,
            why="its own stack, from the layout that still has it",
        ),
        Step(
            action=Action.APPLY,
            layout=Layout.AFTER,
            stacks=tuple(they_needed),
            why="last, what its resources ran as: its roles",
        ),
    )
