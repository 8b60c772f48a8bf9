#!/usr/bin/env bash
# docker-sandbox.sh BODY [ARGS...]: sources the bash file BODY, with ARGS, next to real Docker 20.10
# (Debian docker.io) in a throwaway sandbox: its own network, mount and pid namespaces, /run and
# /var/lib on tmpfs, so this machine's networking is never touched. BODY calls `d` (the docker
# command of that dockerd) and finds the image `bb` (busybox, imported); dockerd stops after it.
# For the scripts that record Docker's behaviour as test fixtures (record-*.sh).
#   apt-get install -y docker.io busybox-static
set -euo pipefail
exec unshare --net --mount --pid --fork --mount-proc --propagation private -- bash -euo pipefail -c '
  body=$1; shift
  mount -t tmpfs d /run; mount -t tmpfs d /var/lib; mkdir -p /var/lib/docker /tmp/rec
  mount -t tmpfs d /tmp/rec
  ip link set lo up
  dockerd --host unix:///run/rec.sock --data-root /var/lib/docker --exec-root /run/docker-exec >/tmp/rec/dockerd.log 2>&1 &
  d() { docker -H unix:///run/rec.sock "$@"; }
  for i in $(seq 150); do d info >/dev/null 2>&1 && break; sleep 0.2; done
  mkdir -p /tmp/rec/rootfs/bin && cp /bin/busybox /tmp/rec/rootfs/bin/ && ln -s busybox /tmp/rec/rootfs/bin/sh
  tar -C /tmp/rec/rootfs -c . | d import - bb >/dev/null
  source "$body" "$@"
  kill %1; wait
' sandbox "$@"
