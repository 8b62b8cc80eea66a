#!/usr/bin/env bash
# test.sh - the test command (README, .ci/run): set up a fresh checkout, then run every test project in Release.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
infra/setup.sh --with-tests
log="$(mktemp -t activeit-test-XXXXXX.log)"
set +e
dotnet test ActiveIT.sln -c Release -nologo "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -ne 0 ]; then
  # A failing test's own output (silo logs) can run to many screens; CI keeps only the tail, so end with what failed.
  echo
  echo "=== failed tests (name, message, first stack lines; full output above and in $log) ==="
  awk '/^  Failed [A-Za-z]/ { on = 1; n = 0 }
       on && /^  (Standard Output Messages|Standard Error Messages):/ { on = 0 }
       on && n < 40 { print; n++ }' "$log"
  grep -E '^(Failed!|Passed!) ' "$log" || true
fi
exit "$rc"
