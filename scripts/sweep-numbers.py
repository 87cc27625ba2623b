#!/usr/bin/env python3
"""Counts of a sweep from a JSON report: per mode, the operations read from the OpenAPI document,
those probed, those not sent (destructive), and the operations that answered 2xx without valid
credentials. With --open, also checks that the sweep named every protected operation an
unprotected server opened: each one that answered valid credentials with 2xx must have failed
for the row without credentials. Usage: sweep-numbers.py REPORT.json [--open]"""
import json
import sys
from collections import defaultdict

report = json.load(open(sys.argv[1]))
expect_open = "--open" in sys.argv[2:]
cells = [c for c in report["cases"] if c.get("cell") and c["name"].startswith("sweep:")]
if not cells:
    sys.exit("no sweep cells in the report")
by_mode = defaultdict(list)
for c in cells:
    by_mode[c["mode"]].append(c)
problems = 0
for mode, cases in by_mode.items():
    ops = {c["cell"]["endpoint"] for c in cases}
    unsent = {c["cell"]["endpoint"] for c in cases if c["status"] == "skipped"}
    opened = sorted({c["cell"]["endpoint"] for c in cases if c["status"] == "failed" and c["gating"]})
    print(f"[{mode}] {len(ops)} operations read, {len(ops) - len(unsent)} probed, "
          f"{len(unsent)} not sent (destructive), {len(opened)} open without valid credentials")
    for op in opened:
        print(f"    open: {op}")
    if expect_open:
        accepted = {c["cell"]["endpoint"] for c in cases
                    if c["cell"]["principal"].startswith("valid") and c.get("status_code") is not None
                    and 200 <= c["status_code"] < 300 and c["level"] == "must"}
        missed = sorted(accepted - set(opened))
        if not opened:
            print(f"    [{mode}] the sweep found no open operation")
            problems += 1
        for op in missed:
            print(f"    [{mode}] {op} accepted valid credentials but was not named as open")
            problems += 1
sys.exit(1 if problems else 0)
