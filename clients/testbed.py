"""What every client script of the test bed shares: run named cases, print one line each, and exit
with the number that failed (0: all passed)."""

import sys


def one_line(error):
    return " ".join(str(error).split())[:200]


def run(label, cases):
    """`cases` are (title, thunk); a thunk returns what the client did, or raises."""
    failed = 0
    for title, case in cases:
        try:
            print(f"  pass  {label} {title} ({case()})")
        except Exception as e:  # noqa: BLE001 - every failure is a finding of this test bed
            failed += 1
            print(f"  FAIL  {label} {title}: {type(e).__name__}: {one_line(e)}")
    sys.exit(failed)
