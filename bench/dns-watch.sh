#!/usr/bin/env bash
# Embedded DNS benchmark, side by side in one fresh sandbox (network + mount namespace):
#   bench/dns-watch.sh [N] [SECONDS]               default: 500 containers, 10 s per run
# (bench/dns-vs-dnsmasq.sh measures the engine alone; this one the product as installed.)
# topo: `topo watch` (NativeAOT) of N containers on one network; dnsperf runs inside container
# c1's namespace against its resolver at 127.0.0.11. dnsmasq: the same N names (an addn-hosts
# file, cache 10,000, no upstream) at 127.0.0.11 in a namespace of its own, dnsperf inside it.
# Each server is measured twice, alternating, at saturation (dnsperf -c 4 -T 2) and at a fixed
# 5,000 queries/s (latency); then the watcher's memory and descriptors.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "run as root (creates network namespaces)" >&2; exit 1; }
command -v dnsperf >/dev/null && command -v dnsmasq >/dev/null || {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsperf dnsmasq-base >/dev/null; }
scripts/publish-aot
topo=$PWD/artifacts/topo-aot/topo
n=${1:-500}; seconds=${2:-10}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; echo "work: $work" >&2

{ echo "version: 1"; echo "name: bench"; echo "networks:"; echo "  lan: {subnet: 10.200.0.0/16}"; echo "containers:"
  for i in $(seq 1 "$n"); do echo "  c$i: {networks: [lan]}"; done; } > "$work/topo.yaml"
# The same names for dnsmasq, at the addresses topo hands out (lowest free first, after the gateway).
for i in $(seq 1 "$n"); do echo "10.200.$(( (i + 1) / 256 )).$(( (i + 1) % 256 )) c$i"; done > "$work/hosts"
python3 - "$n" > "$work/queries" <<'PY'
import random, sys
n = int(sys.argv[1]); rnd = random.Random(1)
for _ in range(100000): print(f"c{rnd.randint(1, n)} A")
PY

unshare --net --mount --propagation private -- bash -euo pipefail ${BENCH_TRACE:+-x} -c '
  mount -t tmpfs b /run; mkdir -p /run/netns /etc/netns; mount -t tmpfs b /run/netns; mount -t tmpfs b /etc/netns
  w='"$work"'; mkdir -p $w/run; mount -t tmpfs b $w/run; export TOPO_RUN_DIR=$w/run TOPO_RESOLV_CONF=$w/resolv.conf
  : > $w/resolv.conf
  ip link set lo up
  '"$topo"' watch $w/topo.yaml --resync 3600 > $w/log 2>&1 & watcher=$!
  ip netns add dm; ip -n dm link set lo up; ip -n dm addr add 127.0.0.11/8 dev lo 2>/dev/null || true
  ip netns exec dm dnsmasq --user=root --keep-in-foreground --no-resolv --no-hosts --addn-hosts=$w/hosts --cache-size=10000 \
    --listen-address=127.0.0.11 --bind-interfaces --port=53 --pid-file=$w/dnsmasq.pid > $w/dnsmasq.log 2>&1 &
  trap "kill $watcher \$(cat $w/dnsmasq.pid 2>/dev/null) 2>/dev/null || true" EXIT
  until grep -q "reconcile #1 " $w/log; do sleep 0.1; kill -0 $watcher || { cat $w/log; exit 1; }; done
  echo "watcher: $(grep -c "" $w/log) log lines" >&2
  until ip netns exec c1 dig @127.0.0.11 +short +tries=1 +time=1 c'"$n"' | grep -q .; do sleep 0.1; done
  until ip netns exec dm dig @127.0.0.11 +short +tries=1 +time=1 c'"$n"' | grep -q .; do sleep 0.1; done
  perf() { # NS LABEL ARGS… → one table row from dnsperf
    ip netns exec $1 dnsperf -s 127.0.0.11 -d $w/queries -l '"$seconds"' "${@:3}" > $w/out 2>&1
    python3 - "$2" "${*:3}" $w/out <<"PY"
import re, sys
label, args, text = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
get = lambda p: re.search(p, text).group(1)
sent, lost = int(get(r"Queries sent:\s+(\d+)")), int(get(r"Queries lost:\s+(\d+)"))
qps = float(get(r"Queries per second:\s+([\d.]+)"))
avg = float(get(r"Average Latency \(s\):\s+([\d.]+)")) * 1e6
sd = float(get(r"Latency StdDev \(s\):\s+([\d.]+)")) * 1e6
print("%-8s %-12s %10.0f %9d %6d %9.0f %9.0f" % (label, args, qps, sent, lost, avg, sd))
PY
  }
  echo "watcher with '"$n"' resolvers, before any query: VmRSS $(awk "/VmRSS/{print \$2, \$3}" /proc/$watcher/status)"
  printf "%-8s %-12s %10s %9s %6s %9s %9s\n" server dnsperf "queries/s" sent lost "avg µs" "sd µs"
  for round in 1 2; do
    perf c1 topo -c 4 -T 2
    perf dm dnsmasq -c 4 -T 2
  done
  for round in 1 2; do
    perf c1 topo -Q 5000
    perf dm dnsmasq -Q 5000
  done
  status=$(cat /proc/$watcher/status)
  fds=$(ls /proc/$watcher/fd | wc -l); top=$(ls /proc/$watcher/fd | sort -n | tail -1); low=$(ls /proc/$watcher/fd | sort -n | awk "\$1 < 1024" | wc -l)
  echo "watcher with '"$n"' resolvers: VmRSS $(echo "$status" | awk "/VmRSS/{print \$2, \$3}"), VmHWM $(echo "$status" | awk "/VmHWM/{print \$2, \$3}"); $fds descriptors ($low below 1024, highest $top)"
  grep -E "dns: " $w/log | head -3
'
