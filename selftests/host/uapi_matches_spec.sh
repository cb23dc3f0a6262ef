#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# uapi_matches_spec.sh - check that kmod/uapi/nfmptcp.h says what
# Documentation/netlink/specs/nfmptcp.yaml says: every name and value of the
# spec (enums, flags, attributes, commands, events, family, version, multicast
# group) exists in the header with that value, and the header's enums hold no
# name the spec lacks. Values are checked by the C compiler, not by regexes.
# TAP output; exit 4 (skip) without python3-yaml or a C compiler.
set -u

REPO=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
SPEC=$REPO/Documentation/netlink/specs/nfmptcp.yaml
HDR=$REPO/kmod/uapi/nfmptcp.h
CC=${CC:-cc}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

echo "TAP version 13"
if ! python3 -c 'import yaml' 2>/dev/null || ! command -v "$CC" >/dev/null; then
	echo "1..0 # SKIP need python3-yaml and a C compiler"
	exit 4
fi

# The spec, flattened to "NAME VALUE" lines (strings quoted) and the list of
# header enum members it does not know.
python3 - "$SPEC" "$HDR" >"$TMP/pairs" 2>"$TMP/py.err" <<'PY'
import re, sys, yaml

spec = yaml.safe_load(open(sys.argv[1]))
hdr = open(sys.argv[2]).read()
fam = spec['name']
def cname(s):
    return s.upper().replace('-', '_')

pairs = []
pairs.append((cname(spec['c-family-name']), '"%s"' % fam))
pairs.append((cname(spec['c-version-name']), str(spec['version'])))
for g in spec['mcast-groups']['list']:
    pairs.append(('NFMPTCP_MCGRP_' + cname(g['name']), '"%s"' % g['name']))

for d in spec.get('definitions', []):
    prefix = d.get('name-prefix', fam + '-' + d['name'] + '-')
    val = d.get('value-start', 0)
    for e in d['entries']:
        name = e if isinstance(e, str) else e['name']
        if isinstance(e, dict) and 'value' in e:
            val = e['value']
        v = (1 << val) if d['type'] == 'flags' else val
        pairs.append((cname(prefix + name), str(v)))
        val += 1

for s in spec['attribute-sets']:
    prefix = s['name-prefix']
    val = 0
    for a in s['attributes']:
        val = a.get('value', val)
        pairs.append((cname(prefix + a['name']), str(val)))
        last = val
        val += 1
    pairs.append((cname(prefix + 'max'), str(last)))

ops = spec['operations']
val = 0
for op in ops['list']:
    val = op.get('value', val)
    prefix = 'nfmptcp-event-' if 'event' in op else ops['name-prefix']
    pairs.append((cname(prefix + op['name']), str(val)))
    val += 1
pairs.append(('NFMPTCP_CMD_MAX', str(val - 1)))

known = {n for n, _ in pairs}
for n, v in pairs:
    print(n, v)
# Header enum members the spec does not describe.
for body in re.findall(r'enum\s+\w+\s*\{([^}]*)\}', hdr):
    body = re.sub(r'/\*.*?\*/', '', body, flags=re.S)
    for m in re.findall(r'\b(NFMPTCP_\w+)', body):
        if not m.startswith('__') and m not in known:
            print('EXTRA', m)
PY
if [ $? -ne 0 ]; then
	echo "1..1"
	echo "not ok 1 - parse $SPEC"
	sed 's/^/# /' "$TMP/py.err"
	exit 1
fi

n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1"; }

# One tiny program per name: a missing name or a wrong value fails to compile.
while read -r name value; do
	if [ "$name" = EXTRA ]; then
		notok "header name $value is described in the spec"
		continue
	fi
	if [ "${value:0:1}" = '"' ]; then
		check="static const char nfm_s[] = $name; _Static_assert(sizeof(nfm_s) == sizeof($value) && $name[0] == $value[0], \"$name\");"
	else
		check="_Static_assert(($name) == ($value), \"$name\");"
	fi
	printf '#include "%s"\n%s\n' "$HDR" "$check" >"$TMP/t.c"
	if $CC -fsyntax-only -std=c11 -Wall "$TMP/t.c" 2>"$TMP/cc.err"; then
		ok "$name == $value"
	else
		notok "$name == $value"
		sed 's/^/# /' "$TMP/cc.err" | head -5
	fi
done <"$TMP/pairs"

# String values: compare the bytes, which _Static_assert cannot do.
printf '#include <stdio.h>\n#include <string.h>\n#include "%s"\nint main(void) { return strcmp(NFMPTCP_GENL_NAME, "nfmptcp") || strcmp(NFMPTCP_MCGRP_EVENTS, "events"); }\n' "$HDR" >"$TMP/s.c"
if $CC -o "$TMP/s" "$TMP/s.c" 2>/dev/null && "$TMP/s"; then
	ok "family and group name strings"
else
	notok "family and group name strings"
fi

echo "1..$n"
echo "# $((n - fail)) passed, $fail failed"
[ $fail -eq 0 ]
