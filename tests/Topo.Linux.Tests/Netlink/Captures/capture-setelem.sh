#!/bin/sh
# Captures what nft sends to list one set's elements (NFT_MSG_GETSETELEM, a dump) and what the
# kernel answers, for each set and map of setelem-table.nft (the shapes of topo's table: ifname
# pairs, concatenated intervals with prefixes and port ranges, maps to an address and port, IPv6,
# and a verdict map), in a throwaway network namespace. Run as root from this folder:
#   ./capture-setelem.sh
# strace's "-e write=FD" / "-e read=FD" dumps show every byte on nft's netlink socket (fd 3);
# SetElementCodecTests reads the hex columns back, and holds what it decodes equal to libnftables'
# own listing of the same table (setelem-table.json).
set -eu
unshare --net sh -eu -c '
  nft -f setelem-table.nft
  nft -j list table inet cap > setelem-table.json
  for s in "map publish" "map publish-range" "set published" "set hairpin-self" "set same-bridge" \
           "map publish6" "set masquerading6" "map verdicts"; do
    kind=${s% *} name=${s#* }
    strace -o "setelem-$name.strace" -e trace=sendto,recvmsg -e write=3 -e read=3 nft list "$kind" inet cap "$name" >/dev/null
  done
'
