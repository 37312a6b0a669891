"""The DynamoDB operations the stack alarms on are exactly the ones the runtime calls.

CloudWatch's ThrottledRequests and SystemErrors exist per table and operation, so an
operation the runtime calls but the stack does not alarm on is a blind spot. The calls are
read from the runtime's code (every attribute call named like a DynamoDB data operation),
not from the IAM actions: a transaction is authorized by PutItem but counted as
TransactWriteItems.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import drkit_runtime
from drkit_runtime.access import TABLE_OPERATIONS

#: The Operation dimension's values for tables (metrics-dimensions.html), bar Streams'.
DATA_OPERATIONS = (
    "BatchExecuteStatement",
    "BatchGetItem",
    "BatchWriteItem",
    "DeleteItem",
    "ExecuteStatement",
    "ExecuteTransaction",
    "GetItem",
    "PutItem",
    "Query",
    "Scan",
    "TransactGetItems",
    "TransactWriteItems",
    "UpdateItem",
)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _called(source: str) -> set[str]:
    """The DynamoDB data operations a module calls (as boto3 method names)."""
    wanted = {_snake(op): op for op in DATA_OPERATIONS}
    return {
        wanted[node.func.attr]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in wanted
    }


def test_the_alarmed_operations_are_the_ones_the_runtime_calls():
    """Every DynamoDB data operation in the runtime's code is in TABLE_OPERATIONS, and every
    one there is called somewhere."""
    package = Path(drkit_runtime.__file__).parent
    called = set().union(*(_called(f.read_text()) for f in package.glob("*.py")))
    assert called == {op for ops in TABLE_OPERATIONS.values() for op in ops}


def test_the_reader_finds_a_call_it_has_not_seen():
    """An update_item call would be reported (the check above can fail)."""
    assert _called("client.update_item(TableName='t', Key={})") == {"UpdateItem"}
    assert _called("client.get_object(Bucket='b', Key='k')") == set()
