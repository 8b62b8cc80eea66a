#!/usr/bin/env bash
# silo.sh - builds (when needed) and runs a silo; arguments go to it, e.g.
#   infra/silo.sh --urls http://127.0.0.1:5080 --ActiveIT:Storage=sqlite --ActiveIT:DataDir=silo-data --ActiveIT:ApiKeys:0=SECRET
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Silos of a cluster may be started together: one of them builds while the others wait for it.
mkdir -p "$root/.activeit"
exec 9>"$root/.activeit/silo-build.lock"
flock 9
"$root/infra/setup.sh"
dll="$root/silo/ActiveIT.Silo/bin/Release/net10.0/activeit-silo.dll"
if [[ ! -f "$dll" || -n "$(find "$root/silo" "$root/grains" "$root/runs" "$root/engine" "$root/core" -newer "$dll" \( -name '*.cs' -o -name '*.razor' -o -name '*.css' -o -name '*.sql' \) -not -path '*/obj/*' | head -1)" ]]; then
  dotnet build "$root/silo/ActiveIT.Silo/ActiveIT.Silo.csproj" -c Release -nologo -v:q >&2
fi
flock -u 9
exec 9>&-
exec dotnet "$dll" "$@"
