#!/usr/bin/env bash
# The HTML report checked in a real browser: runs the scenarios with --format html and json,
# renders the page in headless Chromium (Debian's `chromium`), and compares the summary counts the
# page's script computed from its rows with the JSON report's; fails on any console error or a
# script that did not finish. SCREENSHOT=FILE also saves a picture of the page.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${AUTHCONFORM_BIN:-target/release/authconform}
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "chromium is not installed (Debian: apt-get install chromium)"; exit 2; }
out=${OUT:-target/html-check}
mkdir -p "$out"
"$BIN" run "${@:-scenarios/}" --quiet --format html --output "$out/report.html" --format json --output "$out/report.json" >/dev/null || true
page="file://$(realpath "$out/report.html")"
flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --enable-logging=stderr --v=0)
timeout 120 "$browser" "${flags[@]}" --dump-dom "$page" > "$out/dom.html" 2> "$out/browser.log"
if [ -n "${SCREENSHOT:-}" ]; then
  timeout 120 "$browser" "${flags[@]}" --window-size=1280,1100 --screenshot="$SCREENSHOT" "$page" 2>/dev/null
fi
python3 - "$out/report.json" "$out/dom.html" "$out/browser.log" <<'PY'
import json, re, sys
summary = json.load(open(sys.argv[1]))["summary"]
dom = open(sys.argv[2], encoding="utf-8").read()
log = open(sys.argv[3], encoding="utf-8", errors="replace").read()
problems = []
if 'data-rendered="yes"' not in dom:
    problems.append("the page's script did not finish")
shown = {k: int(v) for k, v in re.findall(r'id="count-([a-z]+)">(\d+)<', dom)}
expected = {"passed": summary["passed"], "gate": summary["failed"] - summary["findings"],
            "finding": summary["findings"], "errored": summary["errored"], "skipped": summary["skipped"]}
for key, want in expected.items():
    if shown.get(key) != want:
        problems.append(f"{key}: the page shows {shown.get(key)}, the JSON report {want}")
errors = [l for l in log.splitlines() if "CONSOLE" in l and ("rror" in l or "Uncaught" in l)]
problems += [f"console: {l}" for l in errors]
print("rendered counts:", shown)
print("JSON summary:   ", summary)
if problems:
    print("\n".join(problems))
    sys.exit(1)
print("the page renders the JSON report's counts, no console errors")
PY
