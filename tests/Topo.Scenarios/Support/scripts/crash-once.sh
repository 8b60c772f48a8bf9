#!/usr/bin/env bash
# One trial of the crash walk (CrashScenarioTests), in a sandbox of its own: run it under
# `unshare --net --mount --propagation private`. It makes a fresh host (its own /run, /run/netns,
# /etc/netns, an uplink), runs `topo apply FILE` with TOPO_FAILPOINT_KILL_AFTER_STEP=K (K=0: no
# failpoint, the reference), then `topo apply FILE` and `topo plan FILE --detailed-exitcode`, and
# prints their exit codes ("killed N", "apply N [S steps]", "plan N"), how many lines of what the
# second apply recovered from the first ("recovered N"), and, after a line
# "fingerprint", what the host holds (host-fingerprint.py). $TOPO is the binary.
set -u
k=$1 file=$2 here=$(dirname "$0")
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
if [ "$k" -gt 0 ]; then
  TOPO_FAILPOINT_KILL_AFTER_STEP=$k "$TOPO" apply "$file" > $out/killed 2>&1
  echo "killed $?"
fi
"$TOPO" apply "$file" > $out/apply 2>&1
rc=$?
echo "apply $rc $(grep -o '([0-9]* steps' $out/apply | tr -d '(')"
echo "recovered $(grep -c '^recovered: ' $out/apply)"
[ $rc = 0 ] || show $out/apply
"$TOPO" plan "$file" --detailed-exitcode > $out/plan 2>&1
rc=$?
echo "plan $rc"
[ $rc = 0 ] || show $out/plan
echo fingerprint
python3 "$here/host-fingerprint.py" $out $out/killed $out/apply $out/plan
