"""``drkit graph`` on the command line: formats, synth outputs, errors, and the README's picture."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from drkit.operations.graph import draw, from_synthesized, to_dot, to_mermaid
from tests.commands.support import cli
from tests.helpers import ROOT

README_PICTURE = re.compile(
    r"<!-- drkit graph: begin [^>]*-->\n```mermaid\n(.*?)```\n<!-- drkit graph: end -->", re.S
)


def _write_synthesized(stacks, outdir):
    """``stacks`` (``name -> cdk.tf.json``) laid out as cdktf's synth writes them."""
    entries = {}
    outdir.mkdir()
    for name, doc in stacks.items():
        path = outdir / "stacks" / name / "cdk.tf.json"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(doc))
        entries[name] = {
            "name": name,
            "synthesizedStackPath": f"stacks/{name}/cdk.tf.json",
            "workingDirectory": f"stacks/{name}",
        }
    (outdir / "manifest.json").write_text(json.dumps({"stacks": entries}))
    return outdir


@pytest.fixture
def synthesized(default_stacks, tmp_path):
    """The default layout's synth output directory."""
    return _write_synthesized(default_stacks, tmp_path / "cdktf.out")


@pytest.mark.synth
def test_a_synth_output_is_drawn_as_mermaid_by_default(default_stacks, synthesized):
    """`drkit graph --synthesized d` prints the Mermaid drawing of all of d's stacks, exit 0."""
    code, out, _ = cli(["graph", "--synthesized", str(synthesized)])
    assert code == 0
    assert out == to_mermaid(draw(from_synthesized(default_stacks)))
    assert all(name in out for name in default_stacks)


@pytest.mark.synth
def test_output_suffix_picks_the_format(default_stacks, synthesized, tmp_path):
    """-o x.dot writes DOT (and says so on stderr, not stdout)."""
    target = tmp_path / "topology.dot"
    code, out, err = cli(["graph", "--synthesized", str(synthesized), "-o", str(target)])
    assert (code, out) == (0, "")
    assert target.read_text() == to_dot(draw(from_synthesized(default_stacks)))
    assert str(target) in err


@pytest.mark.synth
@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_svg_is_rendered_with_graphviz(default_spec, synthesized):
    """--format svg gives an SVG naming every region and its stack."""
    code, out, _ = cli(["graph", "--synthesized", str(synthesized), "--format", "svg"])
    assert code == 0 and out.lstrip().startswith("<?xml") and "</svg>" in out
    text = html.unescape(out)  # dot writes "us&#45;east&#45;1"
    planned = {plan.region: plan.name for plan in default_spec.stacks if plan.region}
    for region in default_spec.regions:
        title = f"{region.region}: {region.role.value}, weight {region.weight}"
        assert f"{title} · {planned[region.region]}" in text


@pytest.mark.synth
def test_svg_without_graphviz_says_how_to_get_it(synthesized, tmp_path):
    """Without dot on the PATH, --format svg exits 1 naming the package; Mermaid still works."""
    empty = tmp_path / "bin"
    empty.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", str(empty))
        code, _, err = cli(["graph", "--synthesized", str(synthesized), "--format", "svg"])
        assert code == 1 and "apt-get install graphviz" in err and "Traceback" not in err
        assert cli(["graph", "--synthesized", str(synthesized)])[0] == 0


def _refused(value):
    """Exit code, stdout, and whether stderr is one line naming --synthesized, the value and
    what it allows."""
    code, out, err = cli(["graph", "--synthesized", str(value)])
    # Refused when parsed ("argument --synthesized: ...") or, unreadable, when read.
    prefix = rf"drkit graph: error: (argument )?--synthesized: {re.escape(repr(str(value)))}"
    named = bool(re.match(prefix + " is not allowed; allowed: ", err))
    named = named and "manifest.json" in err and err.count("\n") == 1
    return code, out, named


@pytest.mark.parametrize("what", ["a file", "a directory without manifest.json", "nothing"])
def test_synthesized_must_be_a_synth_output_directory(tmp_path, what):
    """--synthesized refuses a file (a lone cdk.tf.json), a directory without cdktf's
    manifest and a missing path: exit 2, one line naming the flag and what it takes."""
    value = {
        "a file": tmp_path / "cdk.tf.json",
        "a directory without manifest.json": tmp_path / "out",
        "nothing": tmp_path / "missing",
    }[what]
    if what == "a file":
        value.write_text("{}")
    elif what == "a directory without manifest.json":
        (value / "stacks").mkdir(parents=True)
    assert _refused(value) == (2, "", True)


def test_a_synth_output_whose_stack_is_not_json_is_bad_input(tmp_path):
    """A manifest naming a stack file that holds no JSON: exit 2, one line naming the flag."""
    outdir = _write_synthesized({"drkit-use1": {}}, tmp_path / "cdktf.out")
    (outdir / "stacks" / "drkit-use1" / "cdk.tf.json").write_text("{ not json")
    assert _refused(outdir) == (2, "", True)


def test_a_synth_output_is_drawn_alone(tmp_path):
    """--synthesized with --suffix is refused (the output is drawn as it is): exit 2."""
    outdir = _write_synthesized({}, tmp_path / "cdktf.out")
    code, out, err = cli(["graph", "--synthesized", str(outdir), "--suffix", "prod"])
    assert (code, out) == (2, "")
    assert err.startswith("drkit graph: error: --synthesized:") and "--suffix" in err


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
