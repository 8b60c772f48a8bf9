#!/usr/bin/env bash
# Watcher benchmark, in a fresh sandbox (network + mount namespace) per N:
#   bench/watch-repair.sh [TRIALS] [N...]       default: 100 trials; N = 10 500
# For N containers on one bridge under `topo watch` (NativeAOT): time from deleting a
# container's host-side veth by hand to the watcher's "repaired" log line (which it writes
# only after re-observing the host and finding it converged) — median, p90, p99, max over
# TRIALS — and the watcher's resident memory (VmRSS now, VmHWM peak) once it manages them all.
#   PORTS=yes bench/watch-repair.sh 100 2000   issue #13's shape: 400 containers a bridge (a bridge
#                                              takes at most 1,024 ports), one published port each
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "run as root (creates network namespaces)" >&2; exit 1; }
if [ -n "${TOPO:-}" ]; then topo=$TOPO; else scripts/publish-aot; topo=$PWD/artifacts/topo-aot/topo; fi # TOPO=: another build
trials=${1:-100}; shift || true
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

spec() { # N → a topology with N containers on one bridge network (PORTS=yes: 400 a bridge, a port each)
  if [ "${PORTS:-no}" = yes ]; then
    local bridges=$(( ($1 + 399) / 400 ))
    { echo "version: 1"; echo "name: bench"; echo "networks:"
      for b in $(seq 0 $((bridges - 1))); do echo "  lan$b: {subnet: 10.$((100 + b)).0.0/16}"; done
      echo "containers:"
      for i in $(seq 1 "$1"); do echo "  c$i: {networks: [lan$(( (i - 1) / 400 ))], ports: [\"$((10000 + i)):80\"]}"; done; } > "$2"
    return
  fi
  { echo "version: 1"; echo "name: bench"; echo "networks:"; echo "  lan: {subnet: 10.200.0.0/16}"; echo "containers:"
    for i in $(seq 1 "$1"); do echo "  c$i: {networks: [lan]}"; done; } > "$2"
}

printf '%-6s %-8s %-9s %-9s %-9s %-9s %-10s %s\n' N trials median p90 p99 max VmRSS VmHWM
for n in "${@:-10 500}"; do
  spec "$n" "$work/n$n.yaml"
  unshare --net --mount --propagation private -- bash -euo pipefail -c '
    mount -t tmpfs b /run; mkdir -p /run/netns /etc/netns; mount -t tmpfs b /run/netns; mount -t tmpfs b /etc/netns
    run='"$work"'/run'"$n"'; mkdir -p $run; mount -t tmpfs b $run; export TOPO_RUN_DIR=$run
    ip link set lo up
    log='"$work"'/log'"$n"'
    '"$topo"' watch '"$work/n$n.yaml"' --resync 3600 > $log 2>&1 & watcher=$!
    trap "kill $watcher 2>/dev/null || true" EXIT
    until grep -q "reconcile #1 " $log; do sleep 0.1; done
    python3 - "$log" '"$trials"' $watcher '"$n"' <<"PY"
import json, subprocess, sys, time, statistics
log, trials, pid, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def repaired():
    with open(log) as f: return sum(1 for line in f if "): repaired: " in line)
def quiet(seconds):  # until the log has not grown for SECONDS
    size, since = -1, time.monotonic()
    while time.monotonic() - since < seconds:
        now = len(open(log).read())
        if now != size: size, since = now, time.monotonic()
        time.sleep(0.02)
veths = [l["ifname"] for l in json.loads(subprocess.check_output(["ip", "-j", "link", "show", "type", "veth"]))]
samples = []
for i in range(trials):
    quiet(0.3)
    before = repaired()
    veth = veths[i % len(veths)]
    t0 = time.monotonic()
    subprocess.run(["ip", "link", "del", veth], check=True)
    while repaired() == before:
        time.sleep(0.0005)
        if time.monotonic() - t0 > 10: sys.exit(f"no repair of {veth} within 10 s; see {log}")
    samples.append((time.monotonic() - t0) * 1000)
samples.sort()
pct = lambda p: samples[min(len(samples) - 1, int(round(p / 100 * len(samples) + 0.5)) - 1)]
status = dict(l.split(":", 1) for l in open(f"/proc/{pid}/status"))
rss, hwm = status["VmRSS"].strip(), status["VmHWM"].strip()
print(f"{n:<6} {len(samples):<8} {statistics.median(samples):<9.1f} {pct(90):<9.1f} {pct(99):<9.1f} {samples[-1]:<9.1f} {rss:<10} {hwm}")
import re
phases = [tuple(map(float, m.groups())) for m in (re.search(r"observe\+plan (\d+) ms, apply (\d+) ms, verify (\d+) ms\).* in ([\d.]+) ms", l) for l in open(log) if "): repaired: " in l) if m]
if phases:
    med = [statistics.median(p[i] for p in phases) for i in range(4)]
    print(f"{n:<6} medians inside a repair round: observe+plan {med[0]:.0f} ms, apply {med[1]:.0f} ms, verify {med[2]:.0f} ms; whole round {med[3]:.0f} ms")
PY
    kill -TERM $watcher; wait $watcher
  '
done
echo '(times in ms, from `ip link del` of a host-side veth to the "repaired" line of the watcher)'
