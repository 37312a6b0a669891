"""Running ``drkit`` in-process, as a user would, with a controlled environment."""

from __future__ import annotations

import contextlib
import io
import os
from unittest import mock

from drkit.commands import main


def cli(argv: list[str], environ: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``drkit argv`` with exactly ``environ``'s drkit variables."""
    out, err = io.StringIO(), io.StringIO()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DRKIT_") and k != "ENVIRONMENT_SUFFIX"
    }
    with (
        mock.patch.dict(os.environ, {**env, **(environ or {})}, clear=True),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()
