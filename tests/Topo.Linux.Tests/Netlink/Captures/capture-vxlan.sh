#!/bin/sh
# Captures what iproute2 sends to create VXLAN links, and what the kernel answers when asked about
# one, in a throwaway network namespace (nothing outside it changes). Run as root from this folder:
#   ./capture-vxlan.sh
# strace's "-e write=FD" / "-e read=FD" dumps show every byte of each sendmsg/recvmsg on the
# rtnetlink socket; VxlanDriverTests reads the hex columns back.
set -eu
unshare --net sh -eu -c '
  ip link add lower0 type bridge                       # ifindex 2: the lower device
  strace -o vxlan-add-dev.strace -e trace=sendmsg -e write=3 \
    ip link add vx0 type vxlan id 42 dstport 4789 dev lower0
  strace -o vxlan-add.strace -e trace=sendmsg -e write=3 \
    ip link add vx1 type vxlan id 7 dstport 4789
  strace -o vxlan-show.strace -e trace=recvmsg -e read=3 \
    ip -d link show dev vx0
'
