# send-router-advertisement.py IFACE PREFIX: one IPv6 router advertisement out of IFACE, built as a
# raw Ethernet frame (as a container with CAP_NET_RAW can, even with IPv6 off in its namespace):
# from IFACE's MAC-derived link-local address to all nodes, a default router for 1800 s, and
# PREFIX/64 on-link and autonomous (a host that takes it adds an address of its own there).
import socket, struct, sys
iface, prefix = sys.argv[1], sys.argv[2]
mac = bytes.fromhex(open(f"/sys/class/net/{iface}/address").read().strip().replace(":", ""))
eui = bytes([mac[0] ^ 2]) + mac[1:3] + b"\xff\xfe" + mac[3:]
src = b"\xfe\x80" + bytes(6) + eui
dst = socket.inet_pton(socket.AF_INET6, "ff02::1")
body = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0)
body += struct.pack("!BB", 1, 1) + mac
body += struct.pack("!BBBBIII", 3, 4, 64, 0xC0, 86400, 14400, 0) + socket.inet_pton(socket.AF_INET6, prefix)
pseudo = src + dst + struct.pack("!I", len(body)) + b"\x00\x00\x00\x3a"
data = pseudo + body
s = sum(struct.unpack(f"!{len(data) // 2}H", data))
while s >> 16: s = (s & 0xFFFF) + (s >> 16)
body = body[:2] + struct.pack("!H", ~s & 0xFFFF) + body[4:]
ip6 = struct.pack("!IHBB", 6 << 28, len(body), 58, 255) + src + dst
frame = b"\x33\x33\x00\x00\x00\x01" + mac + b"\x86\xdd" + ip6 + body
with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as raw:
    raw.bind((iface, 0))
    raw.send(frame)
