#!/bin/sh
# Packages one dialect script for the k6-operator and (re)creates its ConfigMap.
#   loadtests/k8s/configmap.sh fleet [keys.txt]
#
# The ConfigMap holds <dialect>.js, the script bundled with its lib modules
# (bundle.mjs: Node and the repo's esbuild, no k6 needed), and, when given,
# the keys file as keys.txt (the runner mounts both in /test, so the TestRun
# sets KEYS_FILE=/test/keys.txt). It is a plain script, not a k6 archive: an
# archive freezes scenarios and thresholds when it is built, so the TestRun's
# AGENTS/RAMP/DURATION/THRESHOLDS would not be the ones in force. Nothing here
# reads credentials: lightd's tokens come from a Kubernetes Secret in the
# TestRun's env at run time (testrun-lightd.yaml).
# A ConfigMap holds at most 1 MiB: for a larger keys file use a volume.
set -eu
dialect="${1:?usage: $0 <fleet|monitor|vstats|lightd|control-plane> [keys-file]}"
keys="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
node "$here/bundle.mjs" "$dialect" "$work/$dialect.js"
if [ -n "$keys" ]; then
  [ -r "$keys" ] || { echo "$0: cannot read keys file $keys" >&2; exit 2; }
  set -- --from-file="$dialect.js=$work/$dialect.js" --from-file="keys.txt=$keys"
else
  set -- --from-file="$dialect.js=$work/$dialect.js"
fi
kubectl delete configmap "fleetwire-$dialect" --ignore-not-found
kubectl create configmap "fleetwire-$dialect" "$@"
echo "configmap fleetwire-$dialect holds $(cat "$work/$dialect.js" ${keys:+"$keys"} | wc -c) bytes"
