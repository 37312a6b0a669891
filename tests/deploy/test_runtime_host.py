"""RuntimeHost: each invocation a fresh child with only its own environment, boto3 preloaded."""

from __future__ import annotations

import json
import os

import pytest

from drkit.deploy.runtime_host import HostEnded, RuntimeHost

REPORT = """
import json, os, sys
print(json.dumps({
    "env": dict(os.environ), "cwd": os.getcwd(), "pid": os.getpid(), "stdin": sys.stdin.read(),
    "seen_before": hasattr(sys, "_drkit_mark"),
    "modules": sorted(m for m in ("boto3", "drkit", "attrs", "pytest") if m in sys.modules),
}))
sys._drkit_mark = True
"""


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    code = tmp_path_factory.mktemp("code")
    return RuntimeHost(code, {"PATH": os.environ["PATH"], "PYTHONPATH": str(code)})


def _report(host, env=None, stdin=""):
    done = host.run(REPORT, env=env or {"ONLY": "this"}, stdin=stdin, timeout=30)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_child_sees_only_its_environment_its_folder_and_its_event(host, monkeypatch):
    monkeypatch.setenv("DRKIT_PARENT_ONLY", "1")
    seen = _report(host, {"ONLY": "this"}, stdin='{"event": 1}')
    assert seen["env"] == {"ONLY": "this"}
    assert seen["stdin"] == '{"event": 1}'
    assert seen["cwd"] == str(host._cwd)


def test_every_invocation_is_a_fresh_process_with_only_boto3_preloaded(host):
    first, second = _report(host), _report(host)
    assert first["pid"] != second["pid"]
    assert not first["seen_before"] and not second["seen_before"]
    assert first["modules"] == ["boto3"]


@pytest.mark.parametrize(
    ("source", "code", "message"),
    [
        ("raise ValueError('broken handler')", 1, "ValueError: broken handler"),
        ("raise SystemExit('imported from elsewhere')", 1, "imported from elsewhere"),
        ("import sys; sys.exit(3)", 3, ""),
    ],
)
def test_a_failing_child_reports_its_exit_code_and_error(host, source, code, message):
    done = host.run(source, env={}, stdin="", timeout=30)
    assert done.returncode == code and message in done.stderr


def test_a_child_past_its_timeout_is_stopped_and_the_host_goes_on(host):
    done = host.run("import time; time.sleep(60)", env={}, stdin="", timeout=1)
    assert done.returncode is None
    assert _report(host)["modules"] == ["boto3"]


def test_a_host_that_cannot_start_says_so(tmp_path):
    """A host whose boto3 import fails ends at once; the next run says so."""
    (tmp_path / "boto3.py").write_text("raise ImportError('no boto3 here')\n")
    broken = RuntimeHost(tmp_path, {"PATH": os.environ["PATH"]})
    broken._process.wait(timeout=30)
    with pytest.raises(HostEnded, match="runtime host ended"):
        broken.run("pass", env={}, stdin="", timeout=30)
