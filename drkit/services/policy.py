"""Documents that grow until synth: the aws-cdk-lib ``Lazy`` idiom for grants.

Key policies and role policies are written by more than one construct (a
grant is made after both sides exist), so their JSON is rendered when cdktf
synthesizes, not when the resource is created.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import jsii
from cdktf import IResolveContext, IStringProducer, Lazy

from drkit import iam


class PolicyDocument:
    """Statements with unique ids, rendered to JSON at synth.

    Attributes:
        statements: The statements so far, in the order they were added.
    """

    def __init__(self, statements: Iterable[iam.Statement] = ()) -> None:
        self._statements: list[iam.Statement] = []
        for statement in statements:
            self.add(statement)

    @property
    def statements(self) -> tuple[iam.Statement, ...]:
        return tuple(self._statements)

    def add(self, statement: iam.Statement) -> None:
        """Append ``statement``; a second statement with the same id is a programming error."""
        if any(s.sid == statement.sid for s in self._statements):
            raise ValueError(f"policy already has a statement {statement.sid!r}")
        self._statements.append(statement)

    @property
    def empty(self) -> bool:
        return not self._statements

    def rendered(self) -> str:
        """A token that becomes the document's JSON when the stack is synthesized."""
        return lazy_string(lambda: iam.document(self.statements))


def lazy_string(produce: Callable[[], str]) -> str:
    """A token for a string computed at synth, after every construct has had its say."""
    return Lazy.string_value(_Producer(produce))


@jsii.implements(IStringProducer)
class _Producer:
    def __init__(self, produce: Callable[[], str]) -> None:
        self._produce = produce

    def produce(self, context: IResolveContext) -> str:
        return self._produce()
