"""``cdktf synth`` from the project directory, as a user runs it: the project's cdktf.json runs
app.py, and nothing prints jsii's Node.js end-of-life banner (drkit/__init__.py silences it
in app.py's own process, so no variable in the user's shell is needed)."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from drkit.deploy.cdktf import PROJECT_CDKTF, clean_output, user_environment
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


def test_cdktf_synth_runs_the_projects_app_without_the_jsii_banner(tmp_path):
    """cdktf synth writes the drkit stack and prints no end-of-life banner."""
    code, output = _cdktf(tmp_path, "--output", str(tmp_path / "out"))
    assert code == 0, output[-3000:]
    assert BANNER not in output, output[:3000]
    stack = json.loads((tmp_path / "out" / "stacks" / "drkit" / "cdk.tf.json").read_text())
    assert len(stack["provider"]["aws"]) == 2


def test_cdktf_shows_the_banner_of_an_app_that_does_not_silence_it(tmp_path):
    """The check above can fail: an app that loads jsii without drkit gets the banner shown."""
    app = f"{shlex.quote(sys.executable)} -c 'import cdktf; cdktf.App().synth()'"
    _, output = _cdktf(tmp_path, "--app", app, "--output", str(tmp_path / "out"))
    assert BANNER in output
