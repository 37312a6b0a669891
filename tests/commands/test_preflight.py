"""``drkit preflight`` on the command line, against the emulator: exit codes and output."""

from __future__ import annotations

import json

from tests.commands.support import cli


def _env(emulator, **extra: str) -> dict[str, str]:
    return {**emulator.client_env(), "ENVIRONMENT_SUFFIX": "cli", **extra}


def test_a_fresh_emulated_account_passes_and_exits_0(shared_emulator):
    """The default layout against the emulator: every Lambda check ok, exit 0."""
    url = shared_emulator.endpoint_url
    code, out, err = cli(["preflight", "--endpoint-url", url], _env(shared_emulator))
    assert code == 0, err
    assert out.startswith("drkit preflight of account 123456789012 for us-east-1 (primary, 70 %)")
    assert "ok       us-west-2 Lambda concurrency:" in out
    assert "an emulator: no delegation to check" in " ".join(out.split())


def test_a_refused_layout_exits_1_and_says_so(shared_emulator, tmp_path):
    """A layout naming a zone that does not exist: the refusal in --json, exit 1."""
    layout = tmp_path / "layout.toml"
    layout.write_text(
        'existing_zone_id = "Z0000000000000NONE"\n'
        + "".join(
            f'[[regions]]\nregion = "{r}"\nrole = "{role}"\nweight = {w}\ncidr = "10.{i}.0.0/16"\n'
            for i, (r, role, w) in enumerate(
                (("us-east-1", "primary", 50), ("us-west-2", "secondary", 50))
            )
        )
    )
    url = shared_emulator.endpoint_url
    code, out, _ = cli(
        ["preflight", "--json", "--endpoint-url", url],
        _env(shared_emulator, DRKIT_CONFIG=str(layout)),
    )
    doc = json.loads(out)
    assert code == 1 and doc["passed"] is False
    (refusal,) = [f for f in doc["findings"] if f["level"] == "refused"]
    assert "Z0000000000000NONE is no hosted zone of this account" in refusal["message"]


def test_a_memory_quota_outside_lambdas_range_is_a_usage_error():
    """--lambda-memory-quota takes 128-10240 MB; anything else is one line naming it, exit 2."""
    code, out, err = cli(["preflight", "--lambda-memory-quota", "64"])
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "--lambda-memory-quota: '64' is not allowed" in err
