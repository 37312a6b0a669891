"""``drkit budget`` on the command line: what it prints, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import attrs
from hypothesis import given

from drkit.commands.budget import OVERRIDE_FLAGS
from drkit.regions.availability import AvailabilityInputs, availability_budget
from drkit.regions.budget import BudgetInputs, rpo_budget, rto_budget
from tests.commands.support import cli
from tests.helpers import ROOT
from tests.strategies import budget as s

DEFAULT_WEIGHTS = (("us-east-1", 70), ("us-west-2", 30))


def _flags(i: BudgetInputs) -> list[str]:
    by_field = {field: flag for flag, field in OVERRIDE_FLAGS.items()}
    return [
        part for name, value in attrs.asdict(i).items() for part in (by_field[name], str(value))
    ]


def test_every_budget_input_has_a_flag():
    """Each BudgetInputs field can be overridden from the command line."""
    assert sorted(OVERRIDE_FLAGS.values()) == sorted(attrs.fields_dict(BudgetInputs))


@given(s.budget_inputs(lag_below_rpo=None))
def test_json_reports_the_budget_and_exits_1_exactly_when_it_is_missed(inputs):
    """`drkit budget --json` with any in-range overrides prints the model's numbers; exit 1
    exactly when a target is missed."""
    code, out, _ = cli(["budget", "--json", *_flags(inputs)])
    printed = json.loads(out)
    assert printed["inputs"] == attrs.asdict(inputs)
    assert printed["rto"]["total_seconds"] == rto_budget(inputs).total_seconds
    available = availability_budget(AvailabilityInputs.from_budget(inputs, DEFAULT_WEIGHTS))
    assert printed["availability"]["meets_target"] is available.meets_target
    met = rto_budget(inputs).meets_target and rpo_budget(inputs).meets_target
    met = met and available.meets_target
    assert printed["meets_targets"] is met
    assert code == (0 if met else 1)


def test_the_default_table_exits_0():
    """`drkit budget` prints the default spec's table on stdout, nothing on stderr."""
    code, out, err = cli(["budget"])
    assert code == 0 and err == ""
    assert out.startswith("drkit budget for us-east-1 (primary, 70 %), us-west-2 (30 %)")
    assert "worst-case RTO" in out


def test_python_dash_m_budget_needs_no_jsii():
    """`python -m drkit budget` succeeds without importing cdktf, jsii or boto3 (it starts fast)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "drkit", "budget"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("DRKIT_")},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "worst-case RTO" in done.stdout
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if "|" in line
    }
    assert "drkit" in imported
    assert not imported & {
        "cdktf",
        "jsii",
        "constructs",
        "cdktf_cdktf_provider_aws",
        "boto3",
        "botocore",
    }


def test_failing_overrides_print_the_failing_table_and_exit_1():
    """--interval 30 --threshold 10 is past the 300 s target: the table says so, exit 1."""
    code, out, _ = cli(["budget", "--interval", "30", "--threshold", "10"])
    flat = " ".join(out.split())
    assert code == 1
    assert "what-if overrides: health_check_interval_seconds=30" in out
    assert "worst-case RTO 445 s" in flat and "margin -145 s NOT MET" in flat


def test_lag_override_at_the_rpo_exits_1():
    """A DynamoDB lag alarm equal to the RPO fails the RPO check."""
    code, out, _ = cli(["budget", "--lag-threshold", "60"])
    assert code == 1 and "RPO NOT met" in out


def test_out_of_range_override_is_a_bad_spec():
    """An override outside its field's range: exit 2 and one line naming the flag and field."""
    code, out, err = cli(["budget", "--interval", "20"])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("drkit budget: error: argument --interval")
    assert "health_check_interval_seconds" in err and "10 s, 30 s" in err


def test_a_non_number_is_one_line_naming_the_flag():
    """--threshold takes an integer; anything else is one line naming the flag, exit 2."""
    code, out, err = cli(["budget", "--threshold", "three"])
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("drkit budget: error: argument --threshold: 'three' is not allowed")
    assert "health_check_failure_threshold" in err


def test_invalid_config_is_one_line_and_exit_2(tmp_path: Path):
    """A layout whose weights do not sum to 100 is reported in one line with exit 2."""
    config = tmp_path / "bad.toml"
    config.write_text(
        "".join(
            f'[[regions]]\nregion = "{region}"\nrole = "{role}"\nweight = {weight}\n'
            f'cidr = "10.{n}.0.0/16"\n'
            for n, (region, role, weight) in enumerate(
                (("us-east-1", "primary", 60), ("us-west-2", "secondary", 30))
            )
        )
    )
    code, out, err = cli(["budget"], {"DRKIT_CONFIG": str(config)})
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err and "regions[].weight" in err


def test_a_config_past_its_target_prints_its_table_and_exits_1():
    """The three-region example with a 30 s x 10 what-if: its regions and NOT MET, exit 1."""
    config = ROOT / "examples" / "three-region.toml"
    what_if = ["--interval", "30", "--threshold", "10"]
    code, out, _ = cli(["budget", *what_if], {"DRKIT_CONFIG": str(config)})
    assert code == 1
    assert "eu-west-1 (15 %)" in out and f"(DRKIT_CONFIG={config})" in out and "NOT MET" in out


def test_environment_suffix_does_not_change_the_budget_but_is_checked():
    """A valid ENVIRONMENT_SUFFIX leaves the budget as it is; an invalid one is refused as
    every other command refuses it (exit 2, naming the variable)."""
    _, default, _ = cli(["budget", "--json"])
    code, out, _ = cli(["budget", "--json"], {"ENVIRONMENT_SUFFIX": "pr-7"})
    assert code == 0 and json.loads(out) == json.loads(default)
    code, _, err = cli(["budget", "--json"], {"ENVIRONMENT_SUFFIX": "Not_Valid"})
    assert code == 2 and err.startswith("drkit budget: error: ENVIRONMENT_SUFFIX: 'Not_Valid'")


def test_json_states_the_scope_and_the_capacity():
    """--json says failover needs a healthy region (fail-open otherwise), and has the capacity
    and the availability."""
    code, out, _ = cli(["budget", "--json"])
    doc = json.loads(out)
    assert code == 0
    assert doc["scope"]["when_no_region_is_healthy"] == "fail-open"
    assert "health-checks-how-route-53-chooses-records" in doc["scope"]["source"]
    assert [r["region"] for r in doc["capacity"]["regions"]] == ["us-east-1", "us-west-2"]
    assert doc["capacity"]["what_ifs"] == [] and doc["capacity"]["peak_concurrency"] == 80
    assert doc["availability"]["meets_target"] is True
    assert doc["availability"]["incidents_source"] == "modelled"


def test_capacity_what_ifs_change_the_rows_not_the_exit_code():
    """--peak-concurrency and --reserved-concurrency change the capacity rows; exit stays 0."""
    code, out, _ = cli(["budget", "--peak-concurrency", "142", "--reserved-concurrency", "142"])
    flat = " ".join(out.split())
    assert code == 0
    assert "what-if overrides: lambda_reserved_concurrency=142, peak_concurrency=142" in out
    assert "us-west-2 us-east-1 30 % -> 100 % 142 142" in flat and "cannot absorb" not in out


def test_the_default_passes_strict():
    """The default layout prints no warning, so --strict exits 0 as well."""
    code, out, _ = cli(["budget", "--strict"])
    assert code == 0 and "WARNING" not in out


def test_strict_exits_1_on_a_layout_that_cannot_absorb_its_largest_peer():
    """At a peak of 300 neither region absorbs its peer: a warning, exit 0, and exit 1 with
    --strict (the targets themselves are met)."""
    code, out, _ = cli(["budget", "--peak-concurrency", "300"])
    assert code == 0 and "WARNING: us-west-2 cannot absorb the failure of us-east-1" in out
    code, out, _ = cli(["budget", "--peak-concurrency", "300", "--strict"])
    assert code == 1 and "RTO met" in out and "Availability met" in out


def test_strict_exits_1_on_reads_past_on_demand():
    """20,000 read units a second: us-west-2's replicas jump past what on-demand serves at
    once; a warning, and --strict refuses it."""
    code, out, _ = cli(["budget", "--peak-read-units", "20000", "--strict"])
    assert code == 1 and "WARNING: the table replicas in us-west-2" in out


def test_an_availability_target_past_the_layout_exits_1():
    """99.9999 % allows 32 s a year, less than both regions down at once: NOT met, exit 1."""
    code, out, _ = cli(["budget", "--availability-target", "99.9999"])
    assert code == 1 and "Availability NOT met" in out


def test_more_incidents_than_fit_exit_1():
    """30 regional incidents a year in every region (what-if) miss 99.99 %: exit 1."""
    code, out, _ = cli(["budget", "--incidents", "30"])
    assert code == 1 and "(what-if) exceed the 19 that fit" in " ".join(out.split())


def test_a_fractional_target_is_one_line_naming_the_flag():
    """--availability-target 0.9999 (a fraction): exit 2, one line naming flag and field."""
    code, out, err = cli(["budget", "--availability-target", "0.9999"])
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("drkit budget: error: argument --availability-target: '0.9999'")
    assert "availability_target" in err and "not 0.9999" in err


def test_a_bad_peak_is_a_bad_input():
    """--peak-concurrency 0: exit 2 and one line naming the argument."""
    code, out, err = cli(["budget", "--peak-concurrency", "0"])
    assert code == 2 and out == "" and "--peak-concurrency" in err and err.count("\n") == 1


def test_the_readme_excerpt_is_what_drkit_budget_prints():
    """README.md's budget excerpt is, line for line, `drkit budget` for the default spec."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The failover budget", 1)[1]
    excerpt = section.split("```\n", 2)[1]
    code, out, _ = cli(["budget"])
    assert code == 0
    assert excerpt == out
