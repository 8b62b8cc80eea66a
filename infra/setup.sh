#!/usr/bin/env bash
# setup.sh - makes this checkout runnable: the .NET projects in Release (libtorch comes as a NuGet package, so the
# engine needs no root and no compiler); with --with-tests also PostgreSQL and Chromium (apt) and Azurite (npm), which
# the storage, cluster and browser tests start (Playwright drives Debian's /usr/bin/chromium; it downloads no browser). Idempotent and cheap when nothing changed; ./activeit and infra/test.sh call it.
#   infra/setup.sh [--with-tests]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

packages=()
[[ "${1:-}" == "--with-tests" ]] && packages+=(postgresql chromium)

missing=()
for p in "${packages[@]+"${packages[@]}"}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "activeit: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "activeit: installing ${missing[*]} (apt)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || {
    $sudo apt-get update -q >/dev/null
    $sudo apt-get install -y -q "${missing[@]}" >/dev/null
  }
fi

command -v dotnet >/dev/null || { echo "activeit: the .NET 10 SDK (dotnet) is required: https://dot.net" >&2; exit 1; }

# The storage tests run Orleans against Azurite, the Azure Storage emulator, from npm (Node.js is on the machine).
[[ "${1:-}" == "--with-tests" ]] && "$root/infra/azurite.sh" install

# Rebuild when any source is newer than the last successful build.
stamp=".activeit/build.stamp"
if [[ -f "$stamp" ]] && [[ -z "$(find core engine client grains runs silo bench Directory.Build.props Directory.Build.targets Directory.Packages.props -newer "$stamp" -type f \
      \( -name '*.cs' -o -name '*.razor' -o -name '*.css' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.sql' \) \
      -not -path '*/bin/*' -not -path '*/obj/*' 2>/dev/null | head -1)" ]]; then
  exit 0
fi
echo "activeit: building (.NET, Release; the first build restores libtorch from NuGet, ~600 MB)..." >&2
mkdir -p .activeit
log=".activeit/build.log"
if ! dotnet build client/ActiveIT.Client/ActiveIT.Client.csproj -c Release -nologo -v:q >"$log" 2>&1; then
  grep -E "error|Error" "$log" | head -20 >&2
  echo "activeit: build failed; full log in $log" >&2
  exit 1
fi
touch "$stamp"
