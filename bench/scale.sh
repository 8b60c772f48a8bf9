#!/usr/bin/env bash
# Scale benchmark (issue #13): N containers over ceil(N/400) bridges (a bridge takes at most 1,024
# ports), with and without one published port each, every N in a fresh sandbox (network + mount
# namespace; nothing touches this machine's own networking). NativeAOT build.
#   bench/scale.sh [N...]                 default: 100 500 1000 2000
#   TOPO=/path/to/topo bench/scale.sh     measure another build (no publish)
#   PORTS="no yes" bench/scale.sh         which variants (default both)
#   FAMILIES="ipv4 dual" ROUNDS=5 bench/scale.sh 500
#                                         issue #14: IPv4 only against dual stack (every network
#                                         also gets an IPv6 /64), alternating, each run in a fresh
#                                         sandbox; apply from scratch and the no-op plan (wall, and
#                                         CPU: user + system), then a table of medians and ratios to
#                                         the first family. TOPO may name several builds
#                                         ("old/topo new/topo"): each round runs each, alternating.
#                                         SETTLE=20: the plans wait that many seconds after the apply
#                                         (a dual-stack host's start-up multicast keeps the kernel
#                                         busy for several seconds; the plans right after pay for it).
# Columns, seconds unless said: apply from scratch (whole command, and apply's own figure), no-op
# `topo plan` (median of 5, process start included), one container more (whole command, and
# apply's own figure, and its verification's "observing again" figure), a no-op `topo plan` right
# after it (once, process start included), `topo destroy` (whole
# command, and its apply figure), and what the
# project's nftables table holds once applied (rules; set and map elements).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "run as root (creates network namespaces)" >&2; exit 1; }
if [ -z "${TOPO:-}" ]; then scripts/publish-aot; TOPO=$PWD/artifacts/topo-aot/topo; fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

spec() { # N PORTS(yes|no) FILE BRIDGES [FAMILY(ipv4|dual)] → N containers, 400 a bridge (the rest on the last one)
  local n=$1 ports=$2 bridges=$4 family=${5:-ipv4}
  { echo "version: 1"; echo "name: bench"; echo "networks:"
    for b in $(seq 0 $((bridges - 1))); do
      if [ "$family" = dual ]; then echo "  lan$b: {enable_ipv6: true, subnet: [10.$((100 + b)).0.0/16, \"fd00:$((100 + b))::/64\"]}"
      else echo "  lan$b: {subnet: 10.$((100 + b)).0.0/16}"; fi
    done
    echo "containers:"
    for i in $(seq 1 "$n"); do
      local b=$(( (i - 1) / 400 )); [ "$b" -lt "$bridges" ] || b=$((bridges - 1))
      if [ "$ports" = yes ]; then echo "  c$i: {networks: [lan$b], ports: [\"$((10000 + i)):80\"]}"
      else echo "  c$i: {networks: [lan$b]}"; fi
    done; } > "$3"
}

sandbox() { unshare --net --mount --propagation private -- bash -euo pipefail -c '
  mount -t tmpfs b /run; mkdir -p /run/netns /etc/netns; mount -t tmpfs b /run/netns; mount -t tmpfs b /etc/netns; ip link set lo up; '"$1"; }

cat > "$work/measure.sh" <<'EOF'
set -euo pipefail
topo=$1 n=$2 ports=$3 small=$4 large=$5
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }
applied() { # "applied in N ms" of an apply's or destroy's summary, in seconds
  grep -o 'applied in [0-9]* ms' <<<"$1" | grep -o '[0-9]*' | awk '{printf "%.3f", $1 / 1000}'; }
verified() { # "verified by observing again in N ms", in seconds
  grep -o 'again in [0-9]* ms' <<<"$1" | grep -o '[0-9]*' | awk '{printf "%.3f", $1 / 1000}'; }
# A command's output goes to a file: the plan from scratch at 2,000 containers is 35 MB, and a
# shell's $(...) takes about a second to swallow that much, which would be counted as topo's.
log=$(mktemp); trap 'rm -f "$log"' EXIT
run() { "$@" > "$log"; out=$(tail -n 3 "$log"); }
t0=$(now); run $topo apply "$small"; t1=$(now)
scratch=$(secs "$t0" "$t1"); scratch_apply=$(applied "$out")
read -r rules elements < <(nft -j list table inet topo-bench | python3 -c '
import json, sys
items = json.load(sys.stdin)["nftables"]
rules = sum(1 for i in items if "rule" in i)
elems = sum(len(i[k].get("elem", [])) for i in items for k in ("set", "map") if k in i)
print(rules, elems)')
plan=$(for k in 1 2 3 4 5; do s=$(now); $topo plan "$small" >/dev/null; e=$(now); secs "$s" "$e"; done | sort -n | sed -n 3p)
t0=$(now); run $topo apply "$large"; t1=$(now)
more=$(secs "$t0" "$t1"); more_apply=$(applied "$out"); more_verify=$(verified "$out")
s=$(now); $topo plan "$large" >/dev/null; e=$(now); replan=$(secs "$s" "$e")
t0=$(now); run $topo destroy "$large"; t1=$(now)
gone=$(secs "$t0" "$t1"); gone_apply=$(applied "$out")
printf '%-6s %-5s %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f %6s %8s\n' "$n" "$ports" \
  "$scratch" "$scratch_apply" "$plan" "$more" "$more_apply" "$more_verify" "$replan" "$gone" "$gone_apply" "$rules" "$elements"
EOF

# Issue #14: apply from scratch and five no-op plans of one build and family in a fresh sandbox.
cat > "$work/pair.sh" <<'EOF'
set -euo pipefail
topo=$1 file=$2
timed() { /usr/bin/time -f '%e %U %S' -o "$tmp" "$@"; } # wall, user, system seconds into $tmp
tmp=$(mktemp); log=$(mktemp); trap 'rm -f "$tmp" "$log"' EXIT
timed $topo apply "$file" > "$log"; out=$(tail -n 3 "$log"); read -r wall user sys < "$tmp" # a file, not $(...): see measure.sh
own=$(grep -o 'applied in [0-9]* ms' <<<"$out" | grep -o '[0-9]*')
sleep "${SETTLE:-0}" # let the containers' IPv6 start-up traffic (DAD, solicitations, MLD) pass first
plans=$(for k in 1 2 3 4 5; do timed $topo plan "$file" >/dev/null; cat "$tmp"; done)
plan=$(awk '{print $1}' <<<"$plans" | sort -n | sed -n 3p)
plan_cpu=$(awk '{print $2 + $3}' <<<"$plans" | sort -n | sed -n 3p)
echo "$wall $(echo "scale=3; $own / 1000" | bc) $plan $(echo "$user + $sys" | bc) $plan_cpu"
EOF

if [ -n "${FAMILIES:-}" ]; then
  rounds=${ROUNDS:-5}
  read -r -a builds <<<"$TOPO"
  echo "rounds of: $FAMILIES x ${#builds[@]} build(s), each in a fresh sandbox; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  for n in ${@:-500}; do
    for ports in ${PORTS:-yes}; do
      bridges=$(( (n + 399) / 400 ))
      for family in $FAMILIES; do spec "$n" "$ports" "$work/$family.yaml" "$bridges" "$family"; done
      for r in $(seq 1 "$rounds"); do
        for b in "${!builds[@]}"; do
          for family in $FAMILIES; do
            read -r whole own plan cpu plan_cpu < <(sandbox "bash $work/pair.sh ${builds[$b]} $work/$family.yaml")
            echo "$n $ports $b $family $whole $own $plan $cpu $plan_cpu" | tee -a "$work/runs" >&2
          done
        done
      done
    done
  done
  echo "load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  for b in "${!builds[@]}"; do echo "build $b: ${builds[$b]}"; done
  python3 - "$work/runs" "$FAMILIES" <<'EOF'
import statistics, sys
runs = [l.split() for l in open(sys.argv[1])]
families = sys.argv[2].split()
print(f"{'N':>5} {'ports':5} {'build':>5} {'family':6} {'runs':>4} {'apply':>7} {'(own)':>7} {'plan':>7} {'cpu':>7} {'(plan)':>7}   / {families[0]}: apply (own) plan cpu (plan)")
for n, ports, build in sorted({(int(r[0]), r[1], int(r[2])) for r in runs}):
    med = {}
    for f in families:
        rows = [r for r in runs if (int(r[0]), r[1], int(r[2]), r[3]) == (n, ports, build, f)]
        med[f] = [statistics.median(float(r[i]) for r in rows) for i in range(4, 9)]
        ratio = "" if f == families[0] else "   " + " ".join(f"{m / b:.2f}" for m, b in zip(med[f], med[families[0]]))
        print(f"{n:>5} {ports:5} {build:>5} {f:6} {len(rows):>4} " + " ".join(f"{m:7.3f}" for m in med[f]) + ratio)
EOF
  exit 0
fi

printf '%-6s %-5s %7s %7s %7s %7s %7s %7s %7s %7s %7s %6s %8s\n' N ports apply "(own)" plan +1ctr "(own)" "(verif)" replan destroy "(own)" rules elements
for n in ${@:-100 500 1000 2000}; do
  for ports in ${PORTS:-no yes}; do
    bridges=$(( (n + 399) / 400 ))
    spec "$n" "$ports" "$work/n.yaml" "$bridges"; spec "$((n + 1))" "$ports" "$work/n1.yaml" "$bridges"
    sandbox "bash $work/measure.sh $TOPO $n $ports $work/n.yaml $work/n1.yaml"
  done
done
