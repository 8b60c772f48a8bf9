#!/bin/sh
# Captures what iproute2 sends to add IPv6 addresses and routes, and what the kernel answers to a
# dump of them, in a throwaway network namespace (nothing outside it changes). Run as root from
# this folder:
#   ./capture-ipv6.sh
# strace's "-e write=FD" / "-e read=FD" dumps show every byte of each sendmsg/recvmsg on the
# rtnetlink socket; Ipv6CodecTests reads the hex columns back.
set -eu
unshare --net sh -eu -c '
  ip link add br6 type bridge                           # ifindex 2
  ip link set br6 up
  strace -o ipv6-addr-add.strace -e trace=sendmsg -e write=3 \
    ip -6 addr add fd00:1::2/64 dev br6 nodad
  strace -o ipv6-route-default.strace -e trace=sendmsg -e write=3 \
    ip -6 route add default via fd00:1::1 dev br6
  strace -o ipv6-route-prefix.strace -e trace=sendmsg -e write=3 \
    ip -6 route add fd00:9::/64 via fd00:1::1
  strace -o ipv6-addr-show.strace -e trace=recvmsg -e read=3 \
    ip -6 addr show dev br6
'
