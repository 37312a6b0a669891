"""Argument types for the commands: every value is checked when it is parsed, in drkit's words.

A type refuses a value with ``argparse.ArgumentTypeError("<value> is not allowed; allowed:
...")``; argparse puts the argument's name in front and :class:`Parser` turns the result into
one line on stderr and exit 2, like a bad spec, instead of a usage block or a traceback later.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NoReturn

import attrs

from drkit.errors import DrkitError, SpecError, shown
from drkit.regions.catalog import SHORT_CODES
from drkit.regions.naming import check_suffix
from drkit.regions.runtime_source import RUNTIME_PACKAGE
from drkit.regions.spec import DeploymentSpec
from drkit.regions.validators import check_endpoint_url, is_int


class UsageError(DrkitError):
    """argparse refused the command line; ``main`` prints one line and exits 2.

    Attributes:
        prog: The command, e.g. ``drkit budget``.
        message: argparse's message, e.g. ``argument --interval: '20' is not allowed; ...``.
    """

    def __init__(self, prog: str, message: str) -> None:
        self.prog = prog
        self.message = message
        super().__init__(f"{prog}: error: {message} (see {prog} --help)")


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are a :class:`UsageError`, not a usage block and exit."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(self.prog, message)


def _refuse(text: str, allowed: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(f"{shown(text)} is not allowed; allowed: {allowed}")


def _named(name: str, parse: Callable[[str], Any]) -> Callable[[str], Any]:
    parse.__name__ = name  # what argparse calls the type in its own messages
    return parse


def spec_field(name: str) -> Callable[[str], Any]:
    """A value for the DeploymentSpec field ``name``, checked by that field's validator: an
    integer, or a number for a field declared ``float``."""
    attribute = attrs.fields_dict(DeploymentSpec)[name]
    validator = attribute.validator
    number = attribute.type in (float, "float")

    def parse(text: str) -> Any:
        try:
            value: Any = float(text) if number else int(text)
        except ValueError:
            raise _refuse(text, f"{'a number' if number else 'an integer'} ({name})") from None
        try:
            if validator is not None:
                validator(None, attribute, value)
        except SpecError as err:
            raise _refuse(text, f"{err.allowed} ({name})") from None
        return value

    return _named(name, parse)


def seconds(high: float, *, zero: bool = False) -> Callable[[str], float]:
    """A number of seconds above 0 (from 0 with ``zero``) and at most ``high`` (never nan or
    infinite)."""
    low = "from 0" if zero else "above 0"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and (value >= 0 if zero else value > 0) and value <= high):
            raise _refuse(text, f"a number of seconds {low} and at most {high:g}")
        return value

    return _named("seconds", parse)


def integer(low: int, high: int) -> Callable[[str], int]:
    """An integer from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if not (is_int(value) and low <= value <= high):
            raise _refuse(text, f"an integer from {low} to {high}")
        return value

    return _named("integer", parse)


def region(text: str) -> str:
    """An AWS commercial region drkit knows (whether the spec has it is checked later)."""
    if text not in SHORT_CODES:
        raise _refuse(text, "an AWS commercial region, e.g. us-west-2")
    return text


def endpoint_url(text: str) -> str:
    """An emulator's URL: http(s), a host, an optional port."""
    try:
        return check_endpoint_url("URL", text)
    except SpecError as err:
        raise _refuse(text, err.allowed) from None


def suffix(text: str) -> str:
    """An environment suffix's own shape (its length is checked with the spec's names)."""
    try:
        return check_suffix(text)
    except SpecError as err:
        raise _refuse(text, err.allowed) from None


def layout_file(text: str) -> Path:
    """An existing TOML layout file."""
    path = Path(text)
    if not path.is_file():
        raise _refuse(text, "the path of an existing TOML layout file")
    return path


def workdir(text: str) -> Path:
    """A directory drkit may create or reuse: neither it nor a parent is an existing file."""
    path = Path(text)
    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise _refuse(text, f"a directory path ({existing} is a file)")
    return path


def add_endpoint_url(parser: argparse.ArgumentParser, *, also: str = "") -> None:
    """``--endpoint-url``: send the command's AWS calls to an emulator (``also``: what else
    that changes, in brackets)."""
    parser.add_argument(
        "--endpoint-url",
        type=endpoint_url,
        metavar="URL",
        help="send AWS calls to an emulator" + (f" ({also})" if also else ""),
    )


def add_workdir(parser: argparse.ArgumentParser, default: str | Path, *, when: str = "") -> None:
    """``--workdir``: where a local deployment's synth output, state and logs go."""
    parser.add_argument(
        "--workdir",
        type=workdir,
        default=default,
        help=f"{when}where synth output, state and logs go (default: {default})",
    )


def existing_file(what: str) -> Callable[[str], Path]:
    """The path of an existing file (``what`` says which kind, e.g. ``a cdk.tf.json``)."""

    def parse(text: str) -> Path:
        path = Path(text)
        if not path.is_file():
            raise _refuse(text, f"the path of an existing file ({what})")
        return path

    return _named("file", parse)


def runtime_folder(text: str) -> Path:
    """A folder of Lambda code to release: one holding the ``drkit_runtime`` package."""
    path = Path(text)
    if not (path / RUNTIME_PACKAGE / "__init__.py").is_file():
        found = "a file" if path.is_file() else "without it" if path.is_dir() else "none"
        raise _refuse(text, f"a folder holding the {RUNTIME_PACKAGE} package ({found} here)")
    return path


def synth_output(text: str) -> Path:
    """A synth output directory: one holding cdktf's ``manifest.json`` (say ``cdktf.out``)."""
    path = Path(text)
    if not (path / "manifest.json").is_file():
        found = "a file" if path.is_file() else "without manifest.json" if path.is_dir() else "none"
        raise _refuse(
            text, f"a synth output directory holding cdktf's manifest.json ({found} here)"
        )
    return path


def output_file(text: str) -> Path:
    """A file to write: not a directory, in a directory that exists."""
    path = Path(text)
    if path.is_dir() or not path.parent.is_dir():
        raise _refuse(text, "a file path in an existing directory")
    return path


def one_of(*allowed: str) -> Callable[[str], str]:
    """One of ``allowed``, exactly (argparse's ``choices`` would word its refusal its own way)."""

    def parse(text: str) -> str:
        if text not in allowed:
            raise _refuse(text, " or ".join(map(repr, allowed)))
        return text

    return _named("choice", parse)


# ----- the layout a command synthesizes ------------------------------------------------------

#: The variables ``--config`` and ``--suffix`` override.
LAYOUT_VARIABLES = ("DRKIT_CONFIG", "ENVIRONMENT_SUFFIX")


def add_layout(parser: argparse.ArgumentParser) -> None:
    """``--config`` and ``--suffix``, for a command that synthesizes a layout."""
    parser.add_argument(
        "--config",
        type=layout_file,
        help="a TOML layout (default: DRKIT_CONFIG, else the built-in two regions)",
    )
    parser.add_argument(
        "--suffix",
        type=suffix,
        help="environment suffix (default: ENVIRONMENT_SUFFIX, else 'dev')",
    )


@attrs.frozen(kw_only=True)
class Layout:
    """The layout variables a command runs with.

    Attributes:
        environ: ``DRKIT_CONFIG``/``ENVIRONMENT_SUFFIX`` as they apply.
        given: Variable -> the argument that set it, so an error in its value names the
            argument the user typed.
    """

    environ: dict[str, str]
    given: dict[str, str]

    def renamed(self, err: SpecError) -> SpecError:
        """``err`` naming the argument when one set the field it is about."""
        return err.renamed(self.given[err.field]) if err.field in self.given else err


def layout_environ(args: argparse.Namespace, environ: Mapping[str, str]) -> Layout:
    """DRKIT_CONFIG and ENVIRONMENT_SUFFIX from ``environ``, with ``--config``/``--suffix``
    winning over them."""
    chosen = {k: v for k in LAYOUT_VARIABLES if (v := environ.get(k))}
    given: dict[str, str] = {}
    if args.config:
        chosen["DRKIT_CONFIG"] = str(Path(args.config).resolve())
        given["DRKIT_CONFIG"] = "--config"
    if args.suffix:
        chosen["ENVIRONMENT_SUFFIX"] = args.suffix
        given["ENVIRONMENT_SUFFIX"] = "--suffix"
    return Layout(environ=chosen, given=given)


def layout_spec(args: argparse.Namespace, environ: Mapping[str, str]) -> DeploymentSpec:
    """The spec a command that reads a layout works on: ``--config``/``--suffix``, else
    DRKIT_CONFIG/ENVIRONMENT_SUFFIX (and the other variables ``app.py`` reads), every error
    naming the argument or variable that set the value."""
    layout = layout_environ(args, environ)
    try:
        return DeploymentSpec.from_environment({**environ, **layout.environ})
    except SpecError as err:
        raise layout.renamed(err) from None
