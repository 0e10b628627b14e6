#!/usr/bin/env bash
# Builds the go-attach test program (this folder, on the in-repository Go SDK sdks/go) into
# <repo>/.local/go-attach/go-attach, and go-vets it, when the binary is missing or was built from
# other sources (this folder, sdks/go) or another Go; prints the binary's path. Cold: a few minutes
# on 2 cores (the Automation API's dependencies); warm: under a second. Modules come from the module
# cache, else from the module proxy; go.mod and go.sum are never rewritten (-mod=readonly).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../../.." && pwd)
export PATH="$PATH:/usr/local/go/bin"
export GOFLAGS="-mod=readonly -buildvcs=false"

out="$repo/.local/go-attach"
mkdir -p "$out"
exec 9>"$out/build.lock"
flock 9

sources=$(
  cd "$repo"
  go version
  find test/e2e/programs/go-attach sdks/go -type f -print0 | sort -z | xargs -0 sha256sum
)
stamp=$(sha256sum <<<"$sources" | cut -d' ' -f1)
if [[ -x $out/go-attach && $(cat "$out/stamp" 2>/dev/null) == "$stamp" ]]; then
  echo "$out/go-attach"
  exit 0
fi

cd "$here"
start=$(date +%s)
go build -trimpath -o "$out/go-attach.tmp" .
go vet ./...
mv "$out/go-attach.tmp" "$out/go-attach"
echo "$stamp" >"$out/stamp"
echo "go-attach: built in $(($(date +%s) - start))s" >&2
echo "$out/go-attach"
