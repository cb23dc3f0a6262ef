# SPDX-License-Identifier: GPL-2.0
# normalize_craft.py - write a crafted MPTCP v1 capture (LINKTYPE_RAW) for the
# normalize host tests: real keys, tokens, IDSNs and join HMACs; a request whose
# signature is split across the initial subflow and a join.
# Usage: python3 normalize_craft.py split|dsn32|conflict|badjoin|ackfirst|acklater OUT.pcap
# conflict: the join's differing copies are never acknowledged; ackfirst and
# acklater: the join's (later captured) copy is acknowledged before, or after,
# the initial subflow's.
# (prints the client's first DSN)
import hashlib, hmac, struct, sys

variant, path = sys.argv[1], sys.argv[2]
KEY_C, KEY_S = 0x1122334455667788, 0x99aabbccddeeff00
R_A, R_B = 0x01020304, 0x0a0b0c0d
C1, C2, S = bytes([10, 0, 0, 1]), bytes([10, 0, 1, 1]), bytes([10, 0, 0, 2])

def kb(k): return struct.pack(">Q", k)
def token_idsn(k):
    h = hashlib.sha256(kb(k)).digest()
    return struct.unpack(">I", h[:4])[0], struct.unpack(">Q", h[24:])[0]
TOK_S, IDSN_S = token_idsn(KEY_S)
TOK_C, IDSN_C = token_idsn(KEY_C)

def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack(">%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

def pkt(src, dst, sp, dp, seq, ack, flags, opts=b"", data=b""):
    while len(opts) % 4: opts += b"\x01"
    off = (20 + len(opts)) // 4
    tcp = struct.pack(">HHIIBBHHH", sp, dp, seq & 0xffffffff, ack & 0xffffffff, off << 4, flags, 65535, 0, 0) + opts + data
    ph = src + dst + struct.pack(">BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack(">H", csum(ph + tcp)) + tcp[18:]
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack(">H", csum(ip)) + ip[12:]
    return ip + tcp

def mpc(length, *keys):
    return bytes([30, length, 0x01, 0x01]) + b"".join(kb(k) for k in keys)

def dss(dsn, ssn, dlen, fin=False, dsn32=False):
    fl = 0x04 | (0 if dsn32 else 0x08) | (0x10 if fin else 0)
    d = struct.pack(">I", dsn & 0xffffffff) if dsn32 else struct.pack(">Q", dsn)
    body = d + struct.pack(">IH", ssn, dlen)
    return bytes([30, 4 + len(body), 0x20, fl]) + body

SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01
frames = []
t = [1000.0]
def put(p):
    t[0] += 0.001
    frames.append((t[0], p))

isn1, isn1s, isn2, isn2s = 1000, 5000, 70000, 90000
# initial subflow C1:40000 -> S:80
put(pkt(C1, S, 40000, 80, isn1, 0, SYN, mpc(4)))
put(pkt(S, C1, 80, 40000, isn1s, isn1 + 1, SYN | ACK, mpc(12, KEY_S)))
put(pkt(C1, S, 40000, 80, isn1 + 1, isn1s + 1, ACK, mpc(20, KEY_C, KEY_S)))
# join C2:40001 -> S:80
hb = hmac.new(kb(KEY_S) + kb(KEY_C), struct.pack(">II", R_B, R_A), hashlib.sha256).digest()
ha = hmac.new(kb(KEY_C) + kb(KEY_S), struct.pack(">II", R_A, R_B), hashlib.sha256).digest()
if variant == "badjoin":
    ha = bytes(20)
put(pkt(C2, S, 40001, 80, isn2, 0, SYN, bytes([30, 12, 0x10, 1]) + struct.pack(">II", TOK_S, R_A)))
put(pkt(S, C2, 80, 40001, isn2s, isn2 + 1, SYN | ACK, bytes([30, 16, 0x10, 0]) + hb[:8] + struct.pack(">I", R_B)))
put(pkt(C2, S, 40001, 80, isn2 + 1, isn2s + 1, ACK, bytes([30, 24, 0x10, 0]) + ha[:20]))

msg = b"GET /index.html HTTP/1.0\r\nX-Probe: " + b"NFMP-EVIL-SIGNATURE-SPLIT-ACROSS-SUBFLOWS" + b"\r\n\r\n"
half = 50
d0 = IDSN_C + 1
d32 = variant == "dsn32"
# the second half on the join first (out of order), then the first half on the initial subflow
put(pkt(C2, S, 40001, 80, isn2 + 1, isn2s + 1, ACK | PSH, dss(d0 + half, 1, len(msg) - half, dsn32=d32), msg[half:]))
put(pkt(C1, S, 40000, 80, isn1 + 1, isn1s + 1, ACK | PSH, dss(d0, 1, half, dsn32=d32), msg[:half]))
if variant in ("conflict", "ackfirst", "acklater"):
    # a different copy of DSN d0+10 .. d0+19 on the join
    put(pkt(C2, S, 40001, 80, isn2 + 1 + len(msg) - half, isn2s + 1, ACK | PSH,
            dss(d0 + 10, 1 + len(msg) - half, 10), b"XXXXXXXXXX"))
if variant == "conflict":
    # and the same range again, late, after it was delivered: compared with what was written
    put(pkt(C2, S, 40001, 80, isn2 + 1 + len(msg) - half + 10, isn2s + 1, ACK | PSH,
            dss(d0 + 12, 1 + len(msg) - half + 10, 4), b"YYYY"))
# the server's subflow ACKs: the join's first (ackfirst) or last (acklater)
ack_sf1 = pkt(S, C1, 80, 40000, isn1s + 1, isn1 + 1 + half, ACK)
ack_sf2 = pkt(S, C2, 80, 40001, isn2s + 1, isn2 + 1 + len(msg) - half + 10, ACK)
if variant == "ackfirst":
    put(ack_sf2)
    put(ack_sf1)
if variant == "acklater":
    put(ack_sf1)
    put(ack_sf2)
# DATA_FIN from the client, answered by the server's
put(pkt(C1, S, 40000, 80, isn1 + 1 + half, isn1s + 1, ACK, dss(d0 + len(msg), 0, 1, fin=True)))
if variant == "afterfin":
    # data mapped at and past the client's DATA_FIN, before and after the
    # server's: past the end of the client's data stream, never delivered
    sj = isn2 + 1 + len(msg) - half
    put(pkt(C2, S, 40001, 80, sj, isn2s + 1, ACK | PSH,
            dss(d0 + len(msg), 1 + len(msg) - half, 9), b"AFTERFIN1"))
put(pkt(S, C1, 80, 40000, isn1s + 1, isn1 + 1 + half, ACK, dss(IDSN_S + 1, 0, 1, fin=True)))
if variant == "afterfin":
    put(pkt(C2, S, 40001, 80, sj + 9, isn2s + 1, ACK | PSH,
            dss(d0 + len(msg) + 9, 1 + len(msg) - half + 9, 9), b"AFTERFIN2"))

with open(path, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
    for ts, p in frames:
        f.write(struct.pack("<IIII", int(ts), int((ts % 1) * 1e6), len(p), len(p)) + p)
print(d0)
