#!/usr/bin/env bash
# One trial of the crash walk (CrashScenarioTests), in a sandbox of its own: run it under
# `unshare --net --mount --propagation private`. It makes a fresh host (its own /run, /run/netns,
# /etc/netns, an uplink), runs `topo VERB FILE` (VERB apply, or destroy after an apply) with
# TOPO_FAILPOINT_KILL_AFTER_STEP=K (K=0: no failpoint, the reference), then `topo VERB FILE` again,
# then checks that nothing is left to do (apply: `topo plan --detailed-exitcode`; destroy: a third
# destroy finds no changes). It prints "killed N", "VERB N [S steps]", "recovered N" (lines of what
# the second run removed after the first), "again N" (0: nothing left to do) and, after a line
# "fingerprint", what the host holds (host-fingerprint.py). $TOPO is the binary.
set -u
k=$1 file=$2 verb=${3:-apply} here=$(dirname "$0")
mount -t tmpfs topo-test /run && mkdir -p /run/netns /etc/netns
mount -t tmpfs topo-test /run/netns && mount -t tmpfs topo-test /etc/netns
printf 'nameserver 10.99.0.1\nsearch sandbox.test\n' > /run/host-resolv.conf
export TOPO_RESOLV_CONF=/run/host-resolv.conf
ip link set lo up
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip link add uplink0 type veth peer name outside0
ip addr add 10.99.0.2/24 dev uplink0 && ip link set uplink0 up && ip link set outside0 up
out=/run/trial && mkdir -p $out
show() { sed 's/^/  | /' "$1" | head -40; }
if [ "$verb" = destroy ]; then
  "$TOPO" apply "$file" > $out/setup 2>&1 || { echo "setup failed"; show $out/setup; }
fi
if [ "$k" -gt 0 ]; then
  TOPO_FAILPOINT_KILL_AFTER_STEP=$k "$TOPO" $verb "$file" > $out/killed 2>&1
  echo "killed $?"
fi
"$TOPO" $verb "$file" > $out/run 2>&1
rc=$?
echo "$verb $rc $(grep -o '([0-9]* steps' $out/run | tr -d '(')"
echo "recovered $(grep -c '^recovered: ' $out/run)"
[ $rc = 0 ] || show $out/run
if [ "$verb" = apply ]; then
  "$TOPO" plan "$file" --detailed-exitcode > $out/again 2>&1
  rc=$?
else
  "$TOPO" destroy "$file" > $out/again 2>&1 && grep -q "^No changes" $out/again
  rc=$?
fi
echo "again $rc"
[ $rc = 0 ] || show $out/again
echo fingerprint
python3 "$here/host-fingerprint.py" $out
