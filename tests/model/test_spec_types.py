"""Wrong types never get past the model: any document, any Python call, any environment gives a
spec or drkit's one-line error naming the field, never a traceback (issue 13)."""

from __future__ import annotations

import collections.abc
import math
import os
import subprocess
import sys
import tempfile
import tomllib
import types
import typing
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import app
from drkit import iam
from drkit.errors import DrkitError, SpecError
from drkit.regions import DeploymentSpec, RegionSpec, Role, S3Backend
from drkit.regions import validators as v
from tests.helpers import ROOT, toml_text
from tests.strategies import documents as d
from tests.strategies import spec as s

EXAMPLE = ROOT / "examples" / "three-region.toml"
#: The arbitrary-document property is cheap (no synth, ~9 ms an example): four times the
#: profile's examples, 800 under the derandomized ``ci`` profile.
FUZZ = settings(max_examples=4 * settings.default.max_examples)


def _same(a: Any, b: Any) -> bool:
    """Equality where nan equals nan (TOML can write it; Python's == cannot match it)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _conforms(value: Any, hint: Any) -> bool:
    """Whether ``value`` is of the (resolved) annotation ``hint``; bool is not an int here."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_conforms(value, a) for a in args)
    if hint is type(None):
        return value is None
    if origin is tuple:
        return isinstance(value, tuple) and all(_conforms(v, args[0]) for v in value)
    if origin is collections.abc.Mapping:
        return isinstance(value, collections.abc.Mapping) and all(
            _conforms(k, args[0]) and _conforms(v, args[1]) for k, v in value.items()
        )
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if attrs.has(hint):
        fields = attrs.fields(attrs.resolve_types(hint))
        return isinstance(value, hint) and all(
            _conforms(getattr(value, f.name), f.type) for f in fields
        )
    return isinstance(value, hint)


def _one_line_error(build: typing.Callable[[], Any]) -> DrkitError | None:
    """Run ``build``; None if it succeeds, its DrkitError (checked to be one line) if not.
    Any other exception propagates and fails the test."""
    try:
        build()
    except DrkitError as err:
        assert "\n" not in str(err) and "\r" not in str(err), str(err)
        return err
    return None


# ----- the strategies themselves ---------------------------------------------------------------


@given(d.toml_documents())
def test_toml_writer_round_trips(doc):
    """Every generated document, written as TOML, reads back as itself (the files app.py gets
    in these tests hold exactly what the in-process tests build from)."""
    assert _same(tomllib.loads(toml_text(doc)), doc)


def test_every_field_layout_is_valid_and_sets_every_field():
    """EVERY_FIELD sets every DeploymentSpec field (a new field must be added there, so the
    wrong-type tests reach it) and, with regions, builds a spec."""
    assert set(d.EVERY_FIELD) | {"regions"} == set(attrs.fields_dict(DeploymentSpec))
    spec = DeploymentSpec.from_mapping(d.full_layout(DeploymentSpec.default().regions))
    assert spec.backend == S3Backend(
        bucket="drkit-state-{region}", key="drkit/dev", region="us-east-1"
    )


# ----- any document ---------------------------------------------------------------------------


@FUZZ
@given(d.layouts_of_any_shape())
@example({"regions": [], "protect_data": "yes"})
@example({"regions": [{"region": "us-east-1", "role": "primary", "weight": "70"}]})
@example({"regions": [[]], "backend": {}})
@example({"tags": {"Team": True}, "alert_emails": "oncall@example.com"})
def test_any_document_builds_a_spec_or_raises_drkit_error(doc):
    """Building a spec from any TOML-representable document succeeds or raises DrkitError
    (one line), never a TypeError, AttributeError, KeyError or a bare ValueError."""
    _one_line_error(lambda: DeploymentSpec.from_mapping(doc))


@given(d.mutated_layouts())
def test_a_spec_that_builds_holds_its_declared_types(doc):
    """Whatever a document held, a spec built from it holds only values of its annotated types
    (no float for an int, no string for an enum, no bool for a number)."""
    try:
        spec = DeploymentSpec.from_mapping(doc)
    except DrkitError:
        return
    assert _conforms(spec, DeploymentSpec)


@given(d.wrong_typed_layouts())
def test_a_wrong_type_at_any_depth_names_its_path(case):
    """A value of a type its field does not take, anywhere in a layout, raises SpecError
    naming that exact path (``regions[1].weight``, ``backend.bucket``, ``tags.Team``)."""
    doc, field = case
    with pytest.raises(SpecError) as caught:
        DeploymentSpec.from_mapping(doc)
    assert caught.value.field == field
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "path",
    d.tree_paths(d.full_layout(DeploymentSpec.default().regions)),
    ids=d.field_name,
)
def test_every_field_refuses_a_wrong_type_by_name(path):
    """Each field of a layout that sets them all, given a value of a type it does not take,
    raises SpecError naming it and saying what is allowed."""
    doc = d.full_layout(DeploymentSpec.default().regions)
    with pytest.raises(SpecError) as caught:
        DeploymentSpec.from_mapping(d.replaced(doc, path, d.wrong_type(d.value_at(doc, path))))
    assert caught.value.field == d.field_name(path)
    assert "allowed: " in str(caught.value)


# ----- the example layout through app.py ------------------------------------------------------


def _example() -> dict[str, Any]:
    return tomllib.loads(EXAMPLE.read_text())


@pytest.mark.parametrize("path", d.tree_paths(_example()), ids=d.field_name)
def test_every_field_of_the_example_gives_one_line_naming_it(path, tmp_path, monkeypatch, capsys):
    """examples/three-region.toml with a wrong-typed value in any one field: app.py prints one
    line naming that field and exits 2, before anything is synthesized."""
    doc = _example()
    layout = tmp_path / "layout.toml"
    layout.write_text(toml_text(d.replaced(doc, path, d.wrong_type(d.value_at(doc, path)))))
    for name in ("ENVIRONMENT_SUFFIX", "DRKIT_TARGET", "DRKIT_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DRKIT_CONFIG", str(layout))
    assert app.main() == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith(f"drkit: invalid deployment spec: {d.field_name(path)}: ")


@settings(max_examples=3, deadline=None)
@given(d.wrong_typed_layouts())
@example((d.replaced(_example(), ("protect_data",), "yes"), "protect_data"))
def test_app_py_on_a_generated_file_prints_one_line_and_exits_2(case):
    """`python app.py` on a generated layout file with a wrong-typed value prints the model's
    one line, with the file (and line) it is in, and exits 2 (a real process: nothing but the
    error reaches the user)."""
    doc, field = case
    with pytest.raises(SpecError) as caught:
        DeploymentSpec.from_mapping(doc)
    with tempfile.TemporaryDirectory() as tmp:
        layout = Path(tmp) / "layout.toml"
        layout.write_text(toml_text(doc), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("DRKIT_")}
        env.pop("ENVIRONMENT_SUFFIX", None)
        done = subprocess.run(
            [sys.executable, str(ROOT / "app.py")],
            env={**env, "DRKIT_CONFIG": str(layout)},
            cwd=tmp,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 2 and done.stdout == ""
    # The model's line, and where in the file (drkit.regions.layout_errors).
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"drkit: invalid deployment spec: {caught.value} ({layout}")
    assert caught.value.field == field


# ----- the Python API -------------------------------------------------------------------------


@given(
    region=st.sampled_from(s.REGIONS) | d.python_values(),
    role=st.sampled_from(Role) | d.python_values(),
    weight=st.integers(0, 100) | d.python_values(),
    cidr=st.sampled_from(("10.0.0.0/16", "10.1.0.0/22")) | d.python_values(),
)
def test_region_spec_of_any_values_is_built_or_raises_spec_error(region, role, weight, cidr):
    """RegionSpec(...) with values of any type builds a well-typed spec or raises SpecError."""
    try:
        spec = RegionSpec(region=region, role=role, weight=weight, cidr=cidr)
    except SpecError as err:
        assert err.field in ("region", "role", "weight", "cidr")
        return
    assert _conforms(spec, RegionSpec)


@given(
    regions=s.region_specs(max_regions=3) | d.python_values(),
    overrides=st.dictionaries(
        st.sampled_from(sorted(d.EVERY_FIELD)), d.python_values() | st.builds(dict), max_size=3
    ),
)
def test_deployment_spec_of_any_values_is_built_or_raises_drkit_error(regions, overrides):
    """DeploymentSpec(...) with values of any type builds a well-typed spec or raises SpecError
    naming one of its fields (ComplianceError only for a statement that grants too much)."""
    try:
        spec = DeploymentSpec(regions=regions, **overrides)
    except SpecError as err:
        assert err.field.split(".")[0].split("[")[0] in attrs.fields_dict(DeploymentSpec)
        return
    except DrkitError:
        assert "extra_api_statements" in overrides
        return
    assert _conforms(spec, DeploymentSpec)


@given(
    bucket=st.just("drkit-state-{region}") | d.python_values(),
    key=st.just("drkit/dev") | d.python_values(),
    use_lockfile=st.booleans() | d.python_values(),
)
def test_s3_backend_of_any_values_is_built_or_raises_spec_error(bucket, key, use_lockfile):
    """S3Backend(...) with values of any type builds a well-typed backend or raises SpecError."""
    try:
        backend = S3Backend(bucket=bucket, key=key, region="us-east-1", use_lockfile=use_lockfile)
    except SpecError:
        return
    assert _conforms(backend, S3Backend)


def test_a_statement_object_is_taken_as_it_is():
    """extra_api_statements takes iam.Statement objects beside IAM JSON tables."""
    statement = iam.Statement(sid="Read", actions="s3:GetObject", resources="arn:aws:s3:::r/*")
    spec = DeploymentSpec.default(extra_api_statements=[statement])
    assert spec.extra_api_statements == (statement,)


OPERATOR = "arn:aws:iam::111122223333:role/dr-operators"


@pytest.mark.parametrize(
    ("value", "field"),
    [
        (OPERATOR, "operator_principals"),
        ({"arn": OPERATOR}, "operator_principals"),
        ([7], "operator_principals[0]"),
        (["arn:aws:iam::111122223333:root"], "operator_principals[0]"),
        ([OPERATOR, OPERATOR], "operator_principals[1]"),
    ],
)
def test_operator_principal_rules_name_the_entry(value, field):
    """The converter and validator for operator_principals (IAM user or role ARNs, the field
    issue 11 adds): an array first, then each entry a user or role ARN, listed once."""
    attribute = types.SimpleNamespace(name="operator_principals")
    with pytest.raises(SpecError) as caught:
        v.check_principals(None, attribute, v.to_principals(value))
    assert caught.value.field == field
    v.check_principals(None, attribute, v.to_principals([OPERATOR]))


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe not utf-8", b"a = " + b"[" * 5000 + b"]" * 5000, b"regions = [\n", b"= 1"],
    ids=["not-utf-8", "nested-too-deep", "unterminated", "no-key"],
)
def test_a_file_that_is_not_a_layout_names_drkit_config(content, tmp_path):
    """A layout file that is not UTF-8, not TOML or nested past the parser's depth is a
    SpecError naming DRKIT_CONFIG, not a UnicodeDecodeError or RecursionError."""
    layout = tmp_path / "layout.toml"
    layout.write_bytes(content)
    with pytest.raises(SpecError) as caught:
        DeploymentSpec.from_environment({"DRKIT_CONFIG": str(layout)})
    assert caught.value.field == "DRKIT_CONFIG"
