#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""xfer_stream_check.py CAPTURE SIZE [STREAM...] - the TCP streams of CAPTURE
(tshark's tcp.stream numbers; default: every stream that starts with a SYN)
carry one mptcp_xfer transfer each: client -> server its deterministic pattern
of SIZE bytes, server -> client the 8-byte big-endian count.  Exit 0 when they
all do, 1 with the first difference otherwise, 2 when tshark fails.
"""
import subprocess
import sys


def pattern(size):
    return bytes((o * 131 + (o >> 9) * 7 + (o >> 17)) & 0xff for o in range(size))


def tshark(*args):
    return subprocess.run(["tshark", *args], capture_output=True, text=True, check=True).stdout


def follow(capture, stream):
    """Both directions of one stream, as tshark's follow,tcp,raw reassembles them."""
    cs, sc = bytearray(), bytearray()
    for line in tshark("-r", capture, "-q", "-z", "follow,tcp,raw,%d" % stream).splitlines():
        if not line or line.startswith(("=", "Follow", "Filter", "Node")):
            continue
        if line.startswith("\t"):
            sc += bytes.fromhex(line.strip())
        else:
            cs += bytes.fromhex(line.strip())
    return bytes(cs), bytes(sc)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    capture, size = argv[1], int(argv[2])
    try:
        streams = [int(s) for s in argv[3:]] or sorted({
            int(s) for s in tshark("-r", capture, "-T", "fields", "-e", "tcp.stream", "-Y",
                                   "tcp.flags.syn == 1 && tcp.flags.ack == 0").split()})
        if not streams:
            print("no TCP stream starts with a SYN in %s" % capture)
            return 1
        want = pattern(size)
        for s in streams:
            cs, sc = follow(capture, s)
            if cs != want:
                n = next((i for i in range(min(len(cs), size)) if cs[i] != want[i]),
                         min(len(cs), size))
                print("stream %d client->server: %d bytes, want %d, first difference at %d"
                      % (s, len(cs), size, n))
                return 1
            if sc != size.to_bytes(8, "big"):
                print("stream %d server->client: %r" % (s, sc))
                return 1
    except (subprocess.CalledProcessError, OSError) as e:
        print("tshark: %s" % e)
        return 2
    print("%d stream(s): the %d-byte pattern and its count" % (len(streams), size))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
