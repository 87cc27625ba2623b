"""Checks SARIF files with two independent tools from .venv/sarif (scripts/install-sarif-validator.sh):
every keyword of the SARIF 2.1.0 JSON schema (the copy Microsoft's SARIF Multitool ships), with
Python's jsonschema; then the Multitool's own rules and GitHub code scanning's ingestion rules
(`validate --rule-kind Sarif Gh`). Prints each problem; exits 1 when there is any, 0 otherwise.

Usage: .venv/sarif/py/bin/python scripts/validate-sarif.py FILE.sarif...
"""

import json
import pathlib
import subprocess
import sys
import tempfile

import jsonschema

HERE = pathlib.Path(__file__).resolve().parent.parent / ".venv" / "sarif"
MULTITOOL = HERE / "node_modules" / ".bin" / "sarif-multitool"
SCHEMA = HERE / "node_modules" / "@microsoft" / "sarif-multitool-linux" / "sarif-2.1.0.json"


def schema_problems(doc):
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    return [f"schema: {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:200]}"
            for e in validator.iter_errors(doc)]


def multitool_problems(path):
    with tempfile.TemporaryDirectory() as out:
        log = pathlib.Path(out) / "validation.sarif"
        ran = subprocess.run([str(MULTITOOL), "validate", str(path), "-o", str(log), "--rule-kind", "Sarif", "Gh"],
                             capture_output=True, text=True, timeout=300)
        if not log.exists():
            return [f"multitool did not run (exit {ran.returncode}): {ran.stdout[-500:]} {ran.stderr[-500:]}"]
        results = json.loads(log.read_text())["runs"][0].get("results", [])
        # The Multitool's messages are templates: its arguments name the object and the property.
        return [f"{r['ruleId']} ({r.get('level', 'warning')}): "
                f"{r['message'].get('text') or ', '.join(r['message'].get('arguments', []))}"[:240]
                for r in results if r.get("level", "warning") in ("error", "warning")]


def main():
    failed = 0
    for name in sys.argv[1:]:
        path = pathlib.Path(name)
        problems = schema_problems(json.loads(path.read_text())) + multitool_problems(path)
        for p in problems:
            print(f"{name}: {p}")
        print(f"{name}: {'valid' if not problems else f'{len(problems)} problem(s)'}")
        failed += bool(problems)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
