#!/usr/bin/env bash
# Apply benchmark, side by side with iproute2: N containers on one bridge, each run in a fresh
# sandbox (network + mount namespace; nothing touches this machine's own networking).
#   bench/apply-vs-iproute.sh [N...]        default: 100 500
# Prints wall times: topo apply from scratch, no-op `topo plan` (process start included, median
# of 11), a one-container change (wall, and apply's own figure), and the iproute2 batch baseline
# (../shared/bench/iproute-batch.sh: the same work with `ip -batch` per namespace).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "run as root (creates network namespaces)" >&2; exit 1; }
scripts/publish-aot
topo=$PWD/artifacts/topo-aot/topo
baseline=$(realpath ../shared/bench/iproute-batch.sh 2>/dev/null || true)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

spec() { # N → a topology with N containers on one bridge network
  { echo "version: 1"; echo "name: bench"; echo "networks:"; echo "  lan: {subnet: 10.200.0.0/16}"; echo "containers:"
    for i in $(seq 1 "$1"); do echo "  c$i: {networks: [lan]}"; done; } > "$2"
}

sandbox() { unshare --net --mount --propagation private -- bash -euo pipefail -c '
  mount -t tmpfs b /run; mkdir -p /run/netns /etc/netns; mount -t tmpfs b /run/netns; mount -t tmpfs b /etc/netns; ip link set lo up; '"$1"; }

now() { date +%s.%N; }
export -f now

printf '%-6s %-22s %s\n' N measure seconds
for n in "${@:-100 500}"; do
  for m in $n; do
    spec "$m" "$work/n.yaml"; spec "$((m + 1))" "$work/n1.yaml"
    sandbox "
      t0=\$(now); $topo apply $work/n.yaml >/dev/null; t1=\$(now)
      printf '%-6s %-22s %.3f\n' $m 'topo apply (scratch)' \$(echo \"\$t1 - \$t0\" | bc)
      for k in \$(seq 11); do s=\$(now); $topo plan $work/n.yaml >/dev/null; e=\$(now); echo \"\$e - \$s\" | bc; done | sort -n | sed -n 6p |
        xargs printf '%-6s %-22s %.3f\n' $m 'topo plan (no-op)'
      t0=\$(now); out=\$($topo apply $work/n1.yaml); t1=\$(now)
      printf '%-6s %-22s %.3f   (%s)\n' $m 'topo apply (+1 ctr)' \$(echo \"\$t1 - \$t0\" | bc) \"\$(echo \"\$out\" | grep -o 'applied in [0-9]* ms, verified by observing again in [0-9]* ms')\"
    "
    if [ -n "$baseline" ]; then
      sandbox "printf '%-6s %-22s %s\n' $m 'iproute2 batch' \$(bash $baseline $m)"
    fi
  done
done
