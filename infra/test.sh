#!/usr/bin/env bash
# test.sh - the test command (README, .ci/run): set up a fresh checkout, then run every test project in Release.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
infra/setup.sh --with-tests
dotnet test ActiveIT.sln -c Release -nologo "$@"
