#!/usr/bin/env bash
# azurite.sh - a throw-away Azure Storage emulator (Azurite, from npm) on 127.0.0.1, for tests and for trying a
# cluster on Azure Storage locally.
#   infra/azurite.sh start [BLOB_PORT TABLE_PORT QUEUE_PORT]   prints "DIR<TAB>CONNECTION-STRING" (free ports by default)
#   infra/azurite.sh stop DIR                                  stops it and deletes DIR
# Azurite is installed into .activeit/azurite by infra/setup.sh --with-tests (or on first use here).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version=3.37.0
bin="$root/.activeit/azurite/node_modules/.bin/azurite"

install() {
  [[ -x "$bin" ]] && return
  command -v npm >/dev/null || { echo "azurite.sh: npm (Node.js) is required to install Azurite" >&2; exit 1; }
  npm install --prefix "$root/.activeit/azurite" "azurite@$version" --no-audit --no-fund >/dev/null 2>&1 \
    || { echo "azurite.sh: npm install azurite@$version failed" >&2; exit 1; }
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

case "${1:-}" in
  install) install ;;
  start)
    install
    blob=${2:-$(free_port)}; table=${3:-$(free_port)}; queue=${4:-$(free_port)}
    dir=$(mktemp -d /tmp/activeit-azurite.XXXXXX)
    "$bin" --silent --skipApiVersionCheck --location "$dir/data" --debug "$dir/debug.log" \
      --blobHost 127.0.0.1 --blobPort "$blob" --tableHost 127.0.0.1 --tablePort "$table" --queueHost 127.0.0.1 --queuePort "$queue" \
      >"$dir/azurite.log" 2>&1 &
    echo $! >"$dir/pid"
    for _ in $(seq 1 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$table") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$blob") 2>/dev/null && break
      kill -0 "$(cat "$dir/pid")" 2>/dev/null || { cat "$dir/azurite.log" >&2; exit 1; }
      sleep 0.1
    done
    # Azurite's well-known development account (public, documented by Microsoft); the emulator accepts only it.
    key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
    printf '%s\tDefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=%s;BlobEndpoint=http://127.0.0.1:%s/devstoreaccount1;QueueEndpoint=http://127.0.0.1:%s/devstoreaccount1;TableEndpoint=http://127.0.0.1:%s/devstoreaccount1;\n' \
      "$dir" "$key" "$blob" "$queue" "$table"
    ;;
  stop)
    dir=${2:?dir}
    if [[ -f "$dir/pid" ]]; then
      pid=$(cat "$dir/pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *) echo "usage: azurite.sh install | start [BLOB TABLE QUEUE] | stop DIR" >&2; exit 2 ;;
esac
