"""The ``drkit`` command line: a registry of subcommands, each a small module loaded when run.

A subcommand is a module with ``add_arguments(parser)`` and ``run(args) -> int``
plus one entry in :data:`COMMANDS`. Only the chosen command's module is
imported (after pip's ``commands_dict``), so ``drkit budget`` never pays for
the AWS provider bindings (jsii) or boto3 that other commands load.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

import attrs

from drkit import __version__
from drkit.commands.arguments import Parser, UsageError
from drkit.errors import ComplianceError, DrkitError, SpecError

#: Exit codes: 0 success, 1 the command ran and failed or its answer is "no"
#: (budget not met, drill refused or over budget, a tool missing, an apply
#: failing), 2 bad input (a spec, an argument), 130 interrupted.
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


@attrs.frozen(kw_only=True)
class Command:
    """One subcommand.

    Attributes:
        module: Importable module with ``add_arguments(parser)`` and ``run(args) -> int``.
        summary: One line for ``drkit --help`` (shown without importing the module).
    """

    module: str
    summary: str


COMMANDS: dict[str, Command] = {
    "demo": Command(
        module="drkit.commands.demo",
        summary="deploy the whole stack to the embedded AWS emulator, summarize it, destroy it",
    ),
    "release": Command(
        module="drkit.commands.release",
        summary="release new Lambda code one region at a time behind a health gate; "
        "a failing region rolls back and the release stops",
    ),
    "synth": Command(
        module="drkit.commands.synth",
        summary="write every stack's cdk.tf.json for a layout (--config, --suffix), as "
        "cdktf synth does",
    ),
    "init": Command(
        module="drkit.commands.init",
        summary="write a layout file to start from (the default regions, every field explained)",
    ),
    "schema": Command(
        module="drkit.commands.schema",
        summary="print the layout file's JSON Schema (for editors), generated from the model",
    ),
    "validate": Command(
        module="drkit.commands.validate",
        summary="synthesize a layout (--config, DRKIT_CONFIG; else the built-in 2 and 3 "
        "regions) for AWS and run terraform validate offline",
    ),
    "budget": Command(
        module="drkit.commands.budget",
        summary="print the RTO/RPO budget of the spec (DRKIT_CONFIG or the default); "
        "exit 1 if not met",
    ),
    "graph": Command(
        module="drkit.commands.graph",
        summary="draw the synthesized stack's topology: Mermaid (default), DOT or SVG",
    ),
    "preflight": Command(
        module="drkit.commands.preflight",
        summary="before deploying to a real account: check its Lambda quotas in every region "
        "and the zone's delegation; exit 1 if refused",
    ),
    "outage": Command(
        module="drkit.commands.outage",
        summary="on a kept demo: take a region out of the emulator (no answers, as if "
        "unreachable) and bring it back",
    ),
    "check": Command(
        module="drkit.commands.check",
        summary="the compliance gate on a layout's stacks, each HIPAA safeguard with its "
        "controls and pass/fail (--format text|json|junit|sarif); exit 1 if one fails",
    ),
    "audit": Command(
        module="drkit.commands.audit",
        summary="verify every region's audit chain (rewritten, deleted or inserted entries); "
        "exit 1 if broken",
    ),
    "drill": Command(
        module="drkit.commands.drill",
        summary="game day: drain one region of a real deployment, measure failover, restore",
    ),
}


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser, with the arguments of the command ``argv`` names (and only that one's)."""
    parser = Parser(
        prog="drkit",
        description="Multi-region disaster recovery on AWS with CDK for Terraform.",
    )
    parser.add_argument("--version", action="version", version=f"drkit {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="<command>")
    chosen = next((a for a in argv if not a.startswith("-")), None)
    for name, command in COMMANDS.items():
        sub = subparsers.add_parser(name, help=command.summary, description=command.summary)
        if name == chosen:
            module = _load(command)
            module.add_arguments(sub)
            sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code; errors are one line on stderr, no traceback."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_list)
    try:
        args, unknown = parser.parse_known_args(args_list)
        if unknown:  # named by the command's own parser, whose --help lists what it takes
            prog = f"drkit {args.command}" if args.command else "drkit"
            raise UsageError(prog, f"unrecognized arguments: {' '.join(unknown)}")
    except UsageError as err:  # an unknown option, a missing or refused value
        print(err, file=sys.stderr)
        return EXIT_BAD_INPUT
    except SystemExit as exit_:  # argparse: --help, --version
        return exit_.code if isinstance(exit_.code, int) else EXIT_BAD_INPUT
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return int(args.run(args))
    except (SpecError, ComplianceError) as err:
        print(f"drkit {args.command}: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except DrkitError as err:  # the command ran and failed: a tool missing, an apply failing
        print(f"drkit {args.command}: error: {err}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"drkit {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `drkit budget | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED


def _load(command: Command) -> ModuleType:
    module = importlib.import_module(command.module)
    for attribute in ("add_arguments", "run"):
        if not callable(getattr(module, attribute, None)):
            raise AssertionError(
                f"{command.module} must define {attribute}() to be a drkit command"
            )
    return module
