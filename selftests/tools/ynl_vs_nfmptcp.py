#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ynl_vs_nfmptcp.py - compare what the kernel's YNL client (cli.py
--output-json, driven by Documentation/netlink/specs/nfmptcp.yaml) decoded with
what `nfmptcp -j` printed for the same state (selftests/netlink_ynl.sh).

  conns  YNL.json SHOW.json MIN_SUBFLOWS   a conn-get dump/do vs `show -j`
  stats  YNL.json BEFORE.json AFTER.json   every counter, BEFORE <= YNL <= AFTER
  config YNL.json CONFIG.json              every key equal (nat-map: its pairs)
  events YNL.json MONITOR.json             same events, same order, same content

Exit 0 when they agree; otherwise the differences go to stderr, exit 1.
YNL spells attributes as the spec does (token-client, numbers for u8/u32,
enum names, flag-name lists); nfmptcp as its JSON does (token_client, hex
strings for tokens and keys, booleans per flag, "ipv4"/"ipv6").
"""
import ipaddress
import json
import sys

FAMILY = {2: "ipv4", 10: "ipv6"}
# config values nfmptcp spells differently from the action enum
ACTION_ALIAS = {"pass": "accept"}


def load(path):
    with open(path) as f:
        return json.load(f)


def load_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def flags(v):
    return set(v or [])


def addr(v):
    return str(ipaddress.ip_address(v)) if v is not None else None


def hexn(v, width):
    return None if v is None else "%0*x" % (width, v)


def sf_view(y, is_ynl):
    """The fields of a subflow both tools print, in nfmptcp's spelling."""
    if not is_ynl:
        keys = ("family", "saddr", "sport", "daddr", "dport", "opener", "join",
                "token", "backup_orig", "backup_reply", "verdict", "established",
                "closed", "addr_id_orig", "addr_id_reply")
        return {k: y.get(k) for k in keys}
    fl = flags(y.get("flags"))
    v6 = y.get("family") == 10
    join = "join" in fl
    return {
        "family": FAMILY.get(y.get("family"), "?"),
        "saddr": addr(y.get("saddr6" if v6 else "saddr4")),
        "sport": y.get("sport"),
        "daddr": addr(y.get("daddr6" if v6 else "daddr4")),
        "dport": y.get("dport"),
        "opener": y.get("opener"),
        "join": join,
        "token": hexn(y.get("token"), 8),
        "backup_orig": "backup-orig" in fl,
        "backup_reply": "backup-reply" in fl,
        "verdict": y.get("verdict"),
        "established": "established" in fl,
        "closed": "closed" in fl,
        "addr_id_orig": y.get("addr-id-orig") if join else None,
        "addr_id_reply": y.get("addr-id-reply") if join else None,
    }


def addr_view(y, is_ynl):
    if not is_ynl:
        keys = ("id", "family", "addr", "port", "sender", "echoed", "removed",
                "dropped", "nat_addr", "nat_port")
        return {k: y.get(k) for k in keys}
    fl = flags(y.get("flags"))
    a = y.get("addr4", y.get("addr6"))
    nat = y.get("nat-addr4", y.get("nat-addr6")) if "translated" in fl else None
    return {
        "id": y.get("id"),
        "family": FAMILY.get(y.get("family"), "?") if a is not None else None,
        "addr": addr(a),
        "port": y.get("port"),
        "sender": y.get("sender"),
        "echoed": "echoed" in fl,
        "removed": "removed" in fl,
        "dropped": "dropped" in fl,
        "nat_addr": addr(nat),
        "nat_port": y.get("nat-port") if nat is not None else None,
    }


def conn_view(y, is_ynl, full):
    """The fields of a connection both print (age_ms moves: left out)."""
    if not is_ynl:
        keys = ("id", "family", "version", "state", "end_reason", "token_client",
                "token_server", "key_client", "key_server", "csum", "dss_seen",
                "fin_client", "fin_server", "nsubflows")
        v = {k: y.get(k) for k in keys}
        if full:
            v["subflows"] = [sf_view(s, False) for s in y.get("subflows", [])]
            v["addrs"] = [addr_view(a, False) for a in y.get("addrs", [])]
        return v
    fl = flags(y.get("flags"))
    v = {
        "id": y.get("id"),
        "family": FAMILY.get(y.get("family"), "?"),
        "version": y.get("version"),
        "state": y.get("state"),
        "end_reason": y.get("end-reason"),
        "token_client": hexn(y.get("token-client"), 8),
        "token_server": hexn(y.get("token-server"), 8),
        "key_client": hexn(y.get("key-client"), 16),
        "key_server": hexn(y.get("key-server"), 16),
        "csum": "csum" in fl,
        "dss_seen": "dss-seen" in fl,
        "fin_client": "fin-client" in fl,
        "fin_server": "fin-server" in fl,
        "nsubflows": y.get("nsubflows"),
    }
    if full:
        v["subflows"] = [sf_view(s, True) for s in y.get("subflows", [])]
        v["addrs"] = [addr_view(a, True) for a in y.get("addrs", [])]
    return v


def diff(what, a, b, errs):
    if a != b:
        errs.append("%s:\n  ynl:     %s\n  nfmptcp: %s" % (what, a, b))


def cmp_conns(ynl_path, show_path, min_sf):
    y = load(ynl_path)
    if isinstance(y, dict):		# --do: one reply
        y = [y]
    yc = [conn_view(m["conn"], True, True) for m in y if "conn" in m]
    nc = [conn_view(c, False, True) for c in load(show_path)]
    errs = []
    if not nc or len(nc[0]["subflows"]) < int(min_sf):
        errs.append("nfmptcp shows no connection with %s subflows" % min_sf)
    key = lambda c: c["id"]
    diff("connections", sorted(yc, key=key), sorted(nc, key=key), errs)
    return errs


def cmp_stats(ynl_path, before_path, after_path):
    y = load(ynl_path).get("stats", {})
    lo, hi = load(before_path), load(after_path)
    errs = []
    if not lo:
        errs.append("nfmptcp stats printed no counter")
    for k, v in lo.items():
        yk = k.replace("_", "-")
        if yk not in y:
            errs.append("counter %s missing in YNL's reply" % yk)
        elif not v <= y[yk] <= hi.get(k, v):
            errs.append("counter %s: nfmptcp %s..%s, ynl %s" % (k, v, hi.get(k), y[yk]))
    extra = set(y) - {k.replace("_", "-") for k in lo}
    if extra:
        errs.append("YNL decoded counters nfmptcp does not print: %s" % sorted(extra))
    return errs


def nat_map_view(y):
    """YNL's nat-map nest ({"pair": [{"inside4": ...}, ...]}) as nfmptcp prints it."""
    return [{"inside": addr(p.get("inside4", p.get("inside6"))),
             "outside": addr(p.get("outside4", p.get("outside6")))}
            for p in (y or {}).get("pair", [])]


def cmp_config(ynl_path, cfg_path):
    y = load(ynl_path).get("config", {})
    n = load(cfg_path)
    errs = []
    if not n:
        errs.append("nfmptcp config printed nothing")
    if "nat-map" in y:
        y["nat-map"] = nat_map_view(y["nat-map"])
    for k, v in n.items():
        yk = k.replace("_", "-")
        if isinstance(v, str):
            v = ACTION_ALIAS.get(v, v)
        if yk not in y:
            errs.append("key %s missing in YNL's reply" % yk)
        elif y[yk] != v:		# True == 1 for the u8 switches
            errs.append("key %s: ynl %r, nfmptcp %r" % (yk, y[yk], v))
    extra = set(y) - {k.replace("_", "-") for k in n}
    if extra:
        errs.append("YNL decoded keys nfmptcp does not print: %s" % sorted(extra))
    return errs


def event_view(name, msg, is_ynl):
    v = {"event": name}
    if "conn" in msg:
        v["conn"] = conn_view(msg["conn"], is_ynl, False)
    if "subflow" in msg:
        v["subflow"] = sf_view(msg["subflow"], is_ynl)
    if "addr" in msg:
        v["addr"] = addr_view(msg["addr"], is_ynl)
    return v


def cmp_events(ynl_path, mon_path):
    y = [event_view(e["name"], e["msg"], True) for e in load(ynl_path)]
    n = [event_view(e["event"], e, False) for e in load_lines(mon_path)]
    errs = []
    kinds = {e["event"] for e in n}
    for need in ("conn-created", "sf-added", "sf-established", "addr-announced"):
        if need not in kinds:
            errs.append("nfmptcp monitor printed no %s event" % need)
    if len(y) != len(n):
        errs.append("%d events from YNL, %d from nfmptcp monitor" % (len(y), len(n)))
    for i, (a, b) in enumerate(zip(y, n)):
        diff("event %d" % i, a, b, errs)
    return errs


def main(argv):
    cmds = {"conns": (cmp_conns, 3), "stats": (cmp_stats, 3),
            "config": (cmp_config, 2), "events": (cmp_events, 2)}
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][1]:
        sys.stderr.write(__doc__)
        return 2
    errs = cmds[argv[1]][0](*argv[2:])
    for e in errs[:20]:
        print(e)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
