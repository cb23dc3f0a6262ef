#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""nft_mptcp_rule.py - TEST-ONLY nf_tables netlink client for the "mptcp"
expression, until `nfmptcp rule` is merged. One rule shape only:

  add    FAMILY TABLE CHAIN KEY [OP VALUE] [counter] [ctmark] [accept|drop]
  list   FAMILY TABLE CHAIN        -> "handle N mptcp=KEY packets P bytes B" per rule
  delete FAMILY TABLE CHAIN HANDLE

builds [mptcp KEY -> reg1] [cmp OP reg1 VALUE | bitwise+cmp for OP has]
[counter] [ct mark set reg1] [immediate verdict]. KEY: a name or a number
(numbers let tests send keys the kernel must refuse). Exit 1 with the
kernel's errno and extack message on refusal, 2 on bad arguments.
"""
import os, socket, struct, sys

NETLINK_NETFILTER, SOL_NETLINK, NETLINK_EXT_ACK = 12, 270, 11
NFNL_SUBSYS_NFTABLES, NFNL_MSG_BATCH_BEGIN, NFNL_MSG_BATCH_END = 10, 0x10, 0x11
NEWRULE, GETRULE, DELRULE = 6, 7, 8
F_REQUEST, F_ACK, F_DUMP, F_CREATE, F_APPEND = 1, 4, 0x300, 0x400, 0x800
NLA_F_NESTED = 0x8000
FAMILIES = {"ip": 2, "ip6": 10, "inet": 1}
KEYS = ["client-token", "server-token", "subflows", "version", "verdict",
        "subflow", "backup", "addr-id", "conn-id", "subtypes"]
NAMES = {"pending": 0, "valid": 1, "unknown-token": 2, "bad-hmac": 3, "fallback": 4,
         "invalid": 5, "initial": 0, "join": 1}
SUBTYPES = ["mp-capable", "mp-join", "dss", "add-addr", "remove-addr", "mp-prio",
            "mp-fail", "mp-fastclose", "mp-tcprst"]
OPS = {"eq": 0, "ne": 1, "lt": 2, "le": 3, "gt": 4, "ge": 5}
REG1 = 1


def usage(msg):
    print("nft_mptcp_rule: " + msg, file=sys.stderr)
    sys.exit(2)


def attr(t, payload):
    a = struct.pack("=HH", 4 + len(payload), t) + payload
    return a + b"\0" * (-len(a) % 4)


def nest(t, *parts):
    return attr(t | NLA_F_NESTED, b"".join(parts))


def be32(v):
    return struct.pack(">I", v & 0xffffffff)


def cstr(s):
    return s.encode() + b"\0"


def expr(name, *attrs):
    return nest(1, attr(1, cstr(name)), nest(2, *attrs))


def data_value(t, v):
    """NFTA_DATA_VALUE nested in attribute t: host order, as the kernel loads it."""
    return nest(t, attr(1, struct.pack("=I", v)))


def parse_value(key, s):
    if key == "subtypes" and s in SUBTYPES:
        return 1 << SUBTYPES.index(s)
    if s in NAMES:
        return NAMES[s]
    try:
        return int(s, 0)
    except ValueError:
        usage("bad value '%s'" % s)


def build_rule(args):
    if not args:
        usage("missing KEY")
    key = args.pop(0)
    knum = KEYS.index(key) if key in KEYS else None
    if knum is None:
        try:
            knum = int(key, 0)
        except ValueError:
            usage("unknown key '%s'" % key)
    exprs = [expr("mptcp", attr(1, be32(knum)), attr(2, be32(REG1)))]
    if args and args[0] in OPS or (args and args[0] == "has"):
        if len(args) < 2:
            usage("missing value")
        op, val = args.pop(0), parse_value(key, args.pop(0))
        if op == "has":
            exprs.append(expr("bitwise", attr(1, be32(REG1)), attr(2, be32(REG1)),
                              attr(3, be32(4)), data_value(4, val), data_value(5, 0)))
            op, val = "ne", 0
        exprs.append(expr("cmp", attr(1, be32(REG1)), attr(2, be32(OPS[op])),
                          data_value(3, val)))
    for word in args:
        if word == "counter":
            exprs.append(expr("counter", attr(1, struct.pack(">Q", 0)),
                              attr(2, struct.pack(">Q", 0))))
        elif word == "ctmark":	# ct mark set <the loaded key>
            exprs.append(expr("ct", attr(2, be32(3)), attr(4, be32(REG1))))
        elif word in ("accept", "drop"):
            code = 1 if word == "accept" else 0
            exprs.append(expr("immediate", attr(1, be32(0)),
                              nest(2, nest(2, attr(1, be32(code))))))
        else:
            usage("unknown word '%s'" % word)
    return nest(4, *exprs)


class Nl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.s.bind((0, 0))
        self.seq = 1

    def msg(self, mtype, flags, family, payload, res_id=0):
        self.seq += 1
        body = struct.pack("=BBH", family, 0, socket.htons(res_id)) + payload
        return struct.pack("=IHHII", 16 + len(body), mtype, flags, self.seq, 0) + body

    def recv_all(self, until_done):
        """Yields (type, payload) of every message; raises on an error ack."""
        while True:
            buf = self.s.recv(1 << 16)
            off = 0
            while off < len(buf):
                ln, mtype, flags, seq, pid = struct.unpack_from("=IHHII", buf, off)
                payload = buf[off + 16:off + ln]
                off += (ln + 3) & ~3
                if mtype == 2:	# NLMSG_ERROR
                    err = struct.unpack_from("=i", payload)[0]
                    if err:
                        raise OSError(-err, extack(payload, flags))
                    if not until_done:
                        return
                elif mtype == 3:	# NLMSG_DONE
                    return
                else:
                    yield mtype, payload

    def batch(self, mtype, family, payload):
        b = self.msg(NFNL_MSG_BATCH_BEGIN, F_REQUEST, 0, b"", NFNL_SUBSYS_NFTABLES)
        b += self.msg((NFNL_SUBSYS_NFTABLES << 8) | mtype,
                      F_REQUEST | F_ACK | (F_CREATE | F_APPEND if mtype == NEWRULE else 0),
                      family, payload)
        b += self.msg(NFNL_MSG_BATCH_END, F_REQUEST, 0, b"", NFNL_SUBSYS_NFTABLES)
        self.s.send(b)
        for _ in self.recv_all(False):
            pass


def extack(payload, flags):
    """The NLMSGERR_ATTR_MSG text after the error's copy of the request."""
    if not flags & 0x200:	# NLM_F_ACK_TLVS
        return ""
    off = 4 + (16 if flags & 0x100 else struct.unpack_from("=I", payload, 4)[0])
    while off + 4 <= len(payload):
        ln, t = struct.unpack_from("=HH", payload, off)
        if ln < 4:
            break
        if t == 1:
            return payload[off + 4:off + ln].rstrip(b"\0").decode(errors="replace")
        off += (ln + 3) & ~3
    return ""


def attrs(buf):
    off, out = 0, {}
    while off + 4 <= len(buf):
        ln, t = struct.unpack_from("=HH", buf, off)
        if ln < 4:
            break
        out.setdefault(t & 0x3fff, []).append(buf[off + 4:off + ln])
        off += (ln + 3) & ~3
    return out


def list_rules(nl, family, table, chain):
    nl.s.send(nl.msg((NFNL_SUBSYS_NFTABLES << 8) | GETRULE, F_REQUEST | F_DUMP, family,
                     attr(1, cstr(table)) + attr(2, cstr(chain))))
    for _, payload in nl.recv_all(True):
        a = attrs(payload[4:])
        handle = struct.unpack(">Q", a[3][0])[0]
        line, pk, by = "handle %d" % handle, None, None
        for e in attrs(a.get(4, [b""])[0]).get(1, []):
            ea = attrs(e)
            name = ea[1][0].rstrip(b"\0").decode()
            d = attrs(ea.get(2, [b""])[0])
            if name == "mptcp":
                k = struct.unpack(">I", d[1][0])[0]
                line += " mptcp=" + (KEYS[k] if k < len(KEYS) else str(k))
            elif name == "counter":
                by, pk = struct.unpack(">Q", d[1][0])[0], struct.unpack(">Q", d[2][0])[0]
        if pk is not None:
            line += " packets %d bytes %d" % (pk, by)
        print(line)


def main(argv):
    if len(argv) < 4:
        usage("usage: add|list|delete FAMILY TABLE CHAIN ...")
    cmd, fam, table, chain, rest = argv[0], argv[1], argv[2], argv[3], argv[4:]
    if fam not in FAMILIES:
        usage("bad family '%s'" % fam)
    family = FAMILIES[fam]
    nl = Nl()
    try:
        if cmd == "add":
            nl.batch(NEWRULE, family, attr(1, cstr(table)) + attr(2, cstr(chain)) +
                     build_rule(rest))
        elif cmd == "delete":
            if len(rest) != 1:
                usage("delete needs a handle")
            nl.batch(DELRULE, family, attr(1, cstr(table)) + attr(2, cstr(chain)) +
                     attr(3, struct.pack(">Q", int(rest[0]))))
        elif cmd == "list":
            list_rules(nl, family, table, chain)
        else:
            usage("unknown command '%s'" % cmd)
    except OSError as e:
        print("nft_mptcp_rule: %s: %s%s" % (cmd, os.strerror(e.errno),
              (": " + e.strerror) if e.strerror and e.strerror != os.strerror(e.errno) else ""),
              file=sys.stderr)
        print("errno=%d" % e.errno, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
