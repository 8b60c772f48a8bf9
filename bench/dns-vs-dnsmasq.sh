#!/usr/bin/env bash
# Embedded resolver against dnsmasq, in a fresh sandbox (network + mount namespace, private /run/netns):
#   bench/dns-vs-dnsmasq.sh [NAMES] [SECONDS] [ROUNDS]        default: 500 names, 10 s, 3 rounds
# Both serve the same NAMES names (c1 … cN → 10.200.x.y) at 127.0.0.11:53, each in a namespace of
# its own (topo's engine in "engine", dnsmasq --addn-hosts with cache 10000 in "dnsmasq"), and
# dnsperf runs inside that namespace with the same settings against each, alternating servers:
#   saturation: -c 4 -T 2 (100 queries outstanding), for SECONDS
#   latency:    -Q 5000 (5k queries per second), for SECONDS
# and prints queries per second, lost queries and average/stddev latency for each run, then the
# medians over the rounds (this machine's other jobs move single runs by a factor of two or more).
# NICE=-5 runs both servers and dnsperf at that niceness (the same for both), to see through
# other jobs on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "run as root (creates network namespaces)" >&2; exit 1; }
command -v dnsperf >/dev/null && command -v dnsmasq >/dev/null || { echo "needs dnsperf and dnsmasq" >&2; exit 1; }
names=${1:-500}; seconds=${2:-10}; rounds=${3:-3}
dotnet build bench/Topo.Bench -c Release -nologo -v quiet >/dev/null
bench=$PWD/bench/Topo.Bench/bin/Release/net10.0/Topo.Bench
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for i in $(seq 1 "$names"); do echo "10.200.$((i / 250)).$((i % 250 + 1)) c$i"; done > "$work/hosts"
for i in $(seq 1 "$names"); do echo "c$i A"; done > "$work/queries"
: > "$work/resolv.conf" # no upstream: every name is local

nice -n "${NICE:-0}" unshare --net --mount --propagation private -- bash -euo pipefail -c '
  work='"$work"'; bench='"$bench"'; names='"$names"'; seconds='"$seconds"'; rounds='"$rounds"'
  mkdir -p /run/netns; mount -t tmpfs netns /run/netns
  ip link set lo up
  for ns in engine dnsmasq; do ip netns add $ns; ip -n $ns link set lo up; done

  ip netns exec dnsmasq dnsmasq --no-daemon --no-resolv --no-hosts --conf-file=/dev/null --user=root \
    --addn-hosts=$work/hosts --cache-size=10000 --listen-address=127.0.0.11 --bind-interfaces --port=53 \
    --pid-file=$work/dnsmasq.pid 2> $work/dnsmasq.log & dnsmasq=$!
  mkfifo $work/engine.in
  $bench dns-serve engine $names $work/resolv.conf < $work/engine.in > $work/engine.out 2>&1 & engine=$!
  exec 3> $work/engine.in
  trap "exec 3>&-; kill $dnsmasq 2>/dev/null || true; wait" EXIT
  until grep -q ready $work/engine.out; do sleep 0.1; kill -0 $engine || { cat $work/engine.out; exit 1; }; done
  until ip netns exec dnsmasq dig @127.0.0.11 +short +tries=1 +timeout=1 c1 >/dev/null 2>&1; do sleep 0.1; done
  for ns in engine dnsmasq; do
    [ "$(ip netns exec $ns dig @127.0.0.11 +short c$names)" = "$(tail -1 $work/hosts | cut -d" " -f1)" ] || { echo "$ns does not answer c$names" >&2; exit 1; }
  done

  run() { # NS LABEL ARGS...
    local ns=$1 label=$2; shift 2
    ip netns exec $ns dnsperf -s 127.0.0.11 -d $work/queries -l $seconds "$@" > $work/out 2>&1
    python3 - "$ns" "$label" $work/out <<"PY"
import re, sys
ns, label, text = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
g = lambda p: re.search(p, text).group(1)
qps, lost = float(g(r"Queries per second:\s+([\d.]+)")), g(r"Queries lost:\s+(\d+)")
avg, sd = float(g(r"Average Latency \(s\):\s+([\d.]+)")) * 1e6, float(g(r"Latency StdDev \(s\):\s+([\d.]+)")) * 1e6
print(f"{ns:<8} {label:<11} {qps:>10.0f} qps  lost {lost:>6}  latency avg {avg:7.1f} us  stddev {sd:7.1f} us")
open(sys.argv[3] + ".all", "a").write(f"{ns}\t{label}\t{qps}\t{lost}\t{avg}\n")
PY
  }
  echo "$names names, $seconds s per run, dnsperf $(dnsperf -h 2>&1 | sed -n "s/^Version //p"), $(nproc) cores shared with whatever else runs"
  for r in $(seq 1 $rounds); do
    for ns in engine dnsmasq; do run $ns saturation -c 4 -T 2; done
    for ns in engine dnsmasq; do run $ns "5k qps" -Q 5000; done
  done
  python3 - $work/out.all <<"PY"
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
print("medians over the rounds:")
for label in dict.fromkeys(r[1] for r in rows):
    for ns in dict.fromkeys(r[0] for r in rows):
        mine = [r for r in rows if r[0] == ns and r[1] == label]
        print(f"  {ns:<8} {label:<11} {statistics.median(float(r[2]) for r in mine):>10.0f} qps  lost {sum(int(r[3]) for r in mine):>6} (total)  latency avg {statistics.median(float(r[4]) for r in mine):7.1f} us")
PY
  exec 3>&-; wait $engine; grep "^engine " $work/engine.out || true
'
