#!/bin/sh
# Builds the k6 archive of one dialect script and (re)creates its ConfigMap.
#   loadtests/k8s/configmap-from-archive.sh fleet [keys.txt]
# The archive embeds the lib modules and, when given, the keys file (k6's
# open() reads from the archive at run time). ConfigMaps are limited to 1 MiB:
# for larger key sets use `script.volumeClaim` with the archive on a PVC.
set -eu
dialect="${1:?usage: $0 <fleet|monitor|vstats|lightd|control-plane> [keys-file]}"
keys="${2:-}"
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mktemp -d)/${dialect}.tar"
if [ -n "$keys" ]; then
  k6 archive -e KEYS_FILE="$(cd "$(dirname "$keys")" && pwd)/$(basename "$keys")" -O "$out" "$here/${dialect}.ts"
else
  k6 archive -O "$out" "$here/${dialect}.ts"
fi
kubectl delete configmap "fleetwire-${dialect}" --ignore-not-found
kubectl create configmap "fleetwire-${dialect}" --from-file="${dialect}.tar=$out"
echo "configmap fleetwire-${dialect} holds $(wc -c <"$out") bytes of archive"
