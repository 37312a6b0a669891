"""``drkit graph`` on the command line: formats, files, errors, and the README's picture."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from drkit.operations.graph import StackTopology, draw, to_dot, to_mermaid
from tests.commands.support import cli
from tests.helpers import ROOT

README_PICTURE = re.compile(
    r"<!-- drkit graph: begin [^>]*-->\n```mermaid\n(.*?)```\n<!-- drkit graph: end -->", re.S
)


@pytest.fixture
def stack_file(default_stack, tmp_path):
    path = tmp_path / "cdk.tf.json"
    path.write_text(json.dumps(default_stack))
    return path


@pytest.mark.synth
def test_stack_file_is_drawn_as_mermaid_by_default(default_stack, stack_file):
    """`drkit graph --stack f` prints the Mermaid drawing of f and exits 0."""
    code, out, _ = cli(["graph", "--stack", str(stack_file)])
    assert code == 0
    assert out == to_mermaid(draw(StackTopology.from_stack(default_stack)))


@pytest.mark.synth
def test_output_suffix_picks_the_format(default_stack, stack_file, tmp_path):
    """-o x.dot writes DOT (and says so on stderr, not stdout)."""
    target = tmp_path / "topology.dot"
    code, out, err = cli(["graph", "--stack", str(stack_file), "-o", str(target)])
    assert (code, out) == (0, "")
    assert target.read_text() == to_dot(draw(StackTopology.from_stack(default_stack)))
    assert str(target) in err


@pytest.mark.synth
@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_svg_is_rendered_with_graphviz(default_spec, stack_file):
    """--format svg gives an SVG naming every region."""
    code, out, _ = cli(["graph", "--stack", str(stack_file), "--format", "svg"])
    assert code == 0 and out.lstrip().startswith("<?xml") and "</svg>" in out
    text = html.unescape(out)  # dot writes "us&#45;east&#45;1"
    for region in default_spec.regions:
        assert f"{region.region}: {region.role.value}, weight {region.weight}" in text


@pytest.mark.synth
def test_svg_without_graphviz_says_how_to_get_it(stack_file, tmp_path):
    """Without dot on the PATH, --format svg exits 1 naming the package; Mermaid still works."""
    empty = tmp_path / "bin"
    empty.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", str(empty))
        code, _, err = cli(["graph", "--stack", str(stack_file), "--format", "svg"])
        assert code == 1 and "apt-get install graphviz" in err and "Traceback" not in err
        assert cli(["graph", "--stack", str(stack_file)])[0] == 0


def test_a_stack_file_that_is_not_json_is_bad_input(tmp_path):
    """A --stack file that exists but holds no JSON: one line naming --stack, exit 2."""
    stack = tmp_path / "cdk.tf.json"
    stack.write_text("{ not json")
    code, out, err = cli(["graph", "--stack", str(stack)])
    assert (code, out) == (2, "")
    assert err.startswith("drkit graph: error: --stack:") and err.count("\n") == 1


def test_a_bad_layout_is_refused_before_synthesizing(tmp_path):
    """An invalid layout exits 2 naming the field; nothing is synthesized."""
    layout = tmp_path / "bad.toml"
    layout.write_text(
        '[[regions]]\nregion="us-east-1"\nrole="primary"\nweight=100\ncidr="10.0.0.0/16"\n'
    )
    code, _, err = cli(["graph", "--config", str(layout), "--workdir", str(tmp_path / "w")])
    assert code == 2 and "regions" in err
    assert not (tmp_path / "w").exists()


@pytest.mark.synth
@pytest.mark.slow
def test_the_readme_picture_is_what_drkit_graph_draws(tmp_path):
    """README.md embeds `drkit graph`'s Mermaid for the default layout, exactly as it is now.

    If this fails, paste the output of `.venv/bin/python -m drkit graph` between the markers.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRKIT_")}
    env.pop("ENVIRONMENT_SUFFIX", None)
    done = subprocess.run(
        [sys.executable, "-m", "drkit", "graph", "--workdir", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    embedded = README_PICTURE.findall((ROOT / "README.md").read_text())
    assert len(embedded) == 1, "README.md must embed exactly one drkit graph picture"
    assert embedded[0] == done.stdout
