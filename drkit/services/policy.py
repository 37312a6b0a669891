"""A policy document that grows until synth: the aws-cdk-lib ``Lazy`` idiom for grants.

Key policies and role policies are written by more than one construct (a
grant is made after both sides exist), so their JSON is rendered when cdktf
synthesizes, not when the resource is created.
"""

from __future__ import annotations

from collections.abc import Iterable

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

    def rendered(self) -> str:
        """A token that becomes the document's JSON when the stack is synthesized."""
        return Lazy.string_value(_Producer(self))


@jsii.implements(IStringProducer)
class _Producer:
    def __init__(self, document: PolicyDocument) -> None:
        self._document = document

    def produce(self, context: IResolveContext) -> str:
        return iam.document(self._document.statements)
