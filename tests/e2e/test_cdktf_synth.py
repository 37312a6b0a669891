"""The banner check can fail: ``cdktf synth`` of an app that loads jsii without drkit shows
jsii's Node.js end-of-life banner.

That the project's own app shows none (drkit/__init__.py silences it in app.py's process, so
no variable in the user's shell is needed) is asserted on every ``cdktf`` command of the
three-region lifecycle (tests/e2e/test_local_deploy.py, ``TestThreeRegions.check_cdktf``),
which runs cdktf.json's app.py from the project directory as a user does.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from drkit.deploy.cdktf import clean_output, user_environment
from drkit.deploy.cdktf_lines import PROJECT_CDKTF
from drkit.deploy.terraform import find_provider_mirror, write_cli_config
from tests.helpers import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("cdktf-synth")]
BANNER = "end-of-life"


def _cdktf(tmp_path: Path, *args: str) -> tuple[int, str]:
    config = write_cli_config(tmp_path / "terraformrc", find_provider_mirror())
    env = {**user_environment(), "TF_CLI_CONFIG_FILE": str(config), "CHECKPOINT_DISABLE": "1"}
    done = subprocess.run(
        [str(PROJECT_CDKTF), "synth", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return done.returncode, clean_output(done.stdout + done.stderr)


def test_cdktf_shows_the_banner_of_an_app_that_does_not_silence_it(tmp_path):
    """An app that loads jsii without drkit gets the banner shown."""
    app = f"{shlex.quote(sys.executable)} -c 'import cdktf; cdktf.App().synth()'"
    _, output = _cdktf(tmp_path, "--app", app, "--output", str(tmp_path / "out"))
    assert BANNER in output
