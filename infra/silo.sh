#!/usr/bin/env bash
# silo.sh - builds (when needed) and runs the silo; arguments go to it, e.g.
#   infra/silo.sh --urls http://127.0.0.1:5080 --ActiveIT:Storage=sqlite --ActiveIT:DataDir=silo-data --ActiveIT:ApiKeys:0=SECRET
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/infra/setup.sh"
dll="$root/silo/ActiveIT.Silo/bin/Release/net10.0/activeit-silo.dll"
if [[ ! -f "$dll" || -n "$(find "$root/silo" "$root/grains" "$root/core" -newer "$dll" -name '*.cs' -not -path '*/obj/*' | head -1)" ]]; then
  dotnet build "$root/silo/ActiveIT.Silo/ActiveIT.Silo.csproj" -c Release -nologo -v:q >&2
fi
exec dotnet "$dll" "$@"
