"""``drkit check``'s report: for a person (text), and for CI systems (JSON, JUnit XML, SARIF)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from xml.etree import ElementTree as ET

from drkit import __version__
from drkit.operations.check import SafeguardResult
from drkit.operations.check.safeguards import DRKIT_CONTROLS

FORMATS = ("text", "json", "junit", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def text(results: Sequence[SafeguardResult], source: str) -> str:
    lines = [f"drkit check | {source}"]
    for r in results:
        verdict = "PASS" if r.passed else "FAIL"
        counts = ", ".join(
            f"{sum(1 for c in r.controls if c.status == s)} {s}"
            for s in ("pass", "excepted", "fail", "not run")
            if any(c.status == s for c in r.controls)
        )
        lines.append(f"{verdict}  {r.safeguard.id} {r.safeguard.name}: {counts}")
        for c in r.controls:
            if c.status != "pass":
                lines.append(f"      {c.control}: {c.status}")
            lines += [f"        {f.resource}: {f.detail}" for f in c.findings]
            lines += [f"        reviewed skip: {_first_sentence(e)}" for e in c.exceptions]
    passed = sum(1 for r in results if r.passed)
    lines.append(f"{passed} of {len(results)} safeguards pass")
    return "\n".join(lines)


def _first_sentence(text: str) -> str:
    """A skip's reason up to its first full stop (compliance/checkov-skips.toml has all)."""
    head = " ".join(text.split()).split(". ")[0]
    return head if head.endswith(".") else head + "."


def as_json(results: Sequence[SafeguardResult], source: str) -> str:
    document = {
        "source": source,
        "passed": all(r.passed for r in results),
        "safeguards": [
            {
                "id": r.safeguard.id,
                "name": r.safeguard.name,
                "passed": r.passed,
                "controls": [
                    {
                        "control": c.control,
                        "status": c.status,
                        "findings": [
                            {"resource": f.resource, "detail": f.detail} for f in c.findings
                        ],
                        "exceptions": list(c.exceptions),
                    }
                    for c in r.controls
                ],
            }
            for r in results
        ],
    }
    return json.dumps(document, indent=2)


def junit(results: Sequence[SafeguardResult], source: str) -> str:
    """A test suite per safeguard, a test case per control (``fail`` and ``not run`` fail)."""
    suites = ET.Element("testsuites", name=f"drkit check: {source}")
    for r in results:
        failures = sum(1 for c in r.controls if c.status in ("fail", "not run"))
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=f"{r.safeguard.id} {r.safeguard.name}",
            tests=str(len(r.controls)),
            failures=str(failures),
        )
        for c in r.controls:
            case = ET.SubElement(suite, "testcase", classname=r.safeguard.id, name=c.control)
            if c.status == "fail":
                failure = ET.SubElement(case, "failure", message=f"{len(c.findings)} failed")
                failure.text = "\n".join(f"{f.resource}: {f.detail}" for f in c.findings)
            elif c.status == "not run":
                ET.SubElement(case, "failure", message="checkov ran this check on no resource")
            elif c.status == "excepted":
                ET.SubElement(case, "system-out").text = "\n".join(c.exceptions)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)


def sarif(results: Sequence[SafeguardResult], source: str) -> str:
    """SARIF 2.1.0: a rule per control, a result per failure no skip explains."""
    rules: dict[str, dict[str, Any]] = {}
    found: list[dict[str, Any]] = []
    for r in results:
        for c in r.controls:
            rule = rules.setdefault(
                c.control,
                {
                    "id": c.control,
                    "shortDescription": {"text": DRKIT_CONTROLS.get(c.control, c.control)},
                    "properties": {"safeguards": []},
                },
            )
            rule["properties"]["safeguards"].append(r.safeguard.id)
            found.extend(
                {
                    "ruleId": c.control,
                    "level": "error",
                    "message": {"text": f"{f.detail} (HIPAA {r.safeguard.id})"},
                    "locations": [{"logicalLocations": [{"fullyQualifiedName": f.resource}]}],
                }
                for f in c.findings
            )
    document = {
        "version": "2.1.0",
        "$schema": SARIF_SCHEMA,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "drkit check",
                        "version": __version__,
                        "rules": list(rules.values()),
                    }
                },
                "results": found,
                "properties": {"source": source},
            }
        ],
    }
    return json.dumps(document, indent=2)


RENDER = {"text": text, "json": as_json, "junit": junit, "sarif": sarif}
