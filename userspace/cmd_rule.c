// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_rule.c - `nfmptcp rule`: add, insert, delete and list nf_tables rules in
 * nft syntax, including the "mptcp" expression that stock nft cannot parse,
 * and save/restore the chains holding them (`nft list ruleset` leaves such
 * rules out silently).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>

#include "nfmptcp.h"
#include "json_out.h"
#include "rule_nl.h"
#include "rule_parse.h"
#include "rule_print.h"

static void nfm_rule_usage(FILE *f)
{
	fputs("Usage: nfmptcp rule add    FAMILY TABLE CHAIN [position HANDLE] RULE...\n"
	      "       nfmptcp rule insert FAMILY TABLE CHAIN [position HANDLE] RULE...\n"
	      "       nfmptcp rule delete FAMILY TABLE CHAIN handle HANDLE\n"
	      "       nfmptcp rule list [-f [--all]] [FAMILY [TABLE [CHAIN]]]\n"
	      "       nfmptcp rule -f FILE        (restore what 'rule list -f' printed; - is stdin)\n\n"
	      "FAMILY: ip, ip6 or inet; tables and chains are made with nft.\n"
	      "RULE: nft syntax: matches  mptcp KEY [OP] VALUE  (KEY: client-token server-token\n"
	      "  subflows version verdict subflow backup addr-id conn-id subtypes; OP: == != < > <= >=\n"
	      "  or eq ne lt gt le ge; VALUE: number, name, range a-b, set { a, b-c }; mptcp subtypes\n"
	      "  has add-addr), F [!=] { ... } for every field below,\n"
	      "  ip|ip6 saddr|daddr ADDR[/LEN], tcp sport|dport|flags, iifname, oifname, ct state,\n"
	      "  ct mark, meta l4proto|nfproto|mark; statements counter, log [prefix S], reject\n"
	      "  [with tcp reset], meta mark set N, ct mark set N|mptcp KEY, accept, drop, return,\n"
	      "  jump CHAIN, goto CHAIN.\n"
	      "'nft list ruleset' omits rules using the mptcp expression: save them with\n"
	      "'nfmptcp rule list -f > F' and restore with 'nfmptcp rule -f F' after 'nft -f'\n"
	      "(-f writes the chains holding such rules; --all every chain with rules).\n", f);
}

static const char *nfm_hook_name(uint32_t hook)
{
	static const char *const names[] = {
		[NF_INET_PRE_ROUTING] = "prerouting", [NF_INET_LOCAL_IN] = "input",
		[NF_INET_FORWARD] = "forward", [NF_INET_LOCAL_OUT] = "output",
		[NF_INET_POST_ROUTING] = "postrouting", [NF_INET_INGRESS] = "ingress",
	};

	return hook < sizeof(names) / sizeof(names[0]) && names[hook] ? names[hook] : "unknown";
}

/*
 * Why the kernel said EOPNOTSUPP, from the chain's hook: the usual cause is an
 * expression or statement the hook does not allow (the mptcp expression
 * outside the conntrack hooks, reject in postrouting). 6.1 gives no extack for it.
 */
static void nfm_rule_hook_hint(struct nfm_rule_nl *nl, const struct nfm_rule *r, bool mptcp,
			       char *hint, size_t len)
{
	uint32_t hook = 0;
	int base = nfm_rule_chain_hook(nl, r->family, r->table, r->chain, &hook);

	if (base < 0) {
		snprintf(hint, len, " (an expression of this rule is not supported here)");
	} else if (!base) {
		snprintf(hint, len, " (an expression of this rule is not supported in a base chain "
			 "that jumps to chain '%s')", r->chain);
	} else if (mptcp && hook == NF_INET_INGRESS) {
		snprintf(hint, len, ": chain '%s' hooks ingress, which runs before conntrack: "
			 "the mptcp expression works in prerouting, input, forward, output "
			 "and postrouting chains", r->chain);
	} else {
		snprintf(hint, len, ": an expression or statement of this rule is not allowed "
			 "in a %s chain ('%s')", nfm_hook_name(hook), r->chain);
	}
}

/*
 * "nfmptcp: rule add: No such file or directory: extack"; @r (may be NULL):
 * the rule refused, to explain EOPNOTSUPP by its chain's hook.
 */
static void nfm_rule_kerr(struct nfm_rule_nl *nl, const char *what, int err, bool mptcp,
			  const struct nfm_rule *r)
{
	char hint[640] = "";

	if (err == -ENOENT && !nl->extack[0])
		snprintf(hint, sizeof(hint), "%s",
			 mptcp ? " (no such table, chain or rule handle, or nft_mptcp is not loaded?)"
			       : " (no such table, chain or rule handle?)");
	else if (err == -EPERM)
		snprintf(hint, sizeof(hint), " (run as root / with CAP_NET_ADMIN)");
	else if (err == -EOPNOTSUPP && r)
		nfm_rule_hook_hint(nl, r, mptcp, hint, sizeof(hint));
	if (nl->extack[0])
		nfm_err("%s: %s: %s%s", what, strerror(-err), nl->extack, hint);
	else
		nfm_err("%s: %s%s", what, strerror(-err), hint);
}

static int nfm_rule_names(struct nfm_rule *r, char **argv, const char *cmd)
{
	int fam = nfm_rule_family_parse(argv[0]);

	if (fam < 0) {
		nfm_err("rule %s: '%s' is not a family (ip, ip6 or inet)", cmd, argv[0]);
		return -1;
	}
	if (!argv[1][0] || strlen(argv[1]) >= sizeof(r->table) || !argv[2][0] ||
	    strlen(argv[2]) >= sizeof(r->chain)) {
		nfm_err("rule %s: bad table or chain name", cmd);
		return -1;
	}
	r->family = fam;
	snprintf(r->table, sizeof(r->table), "%s", argv[1]);
	snprintf(r->chain, sizeof(r->chain), "%s", argv[2]);
	return 0;
}

static int nfm_parse_handle(const char *s, uint64_t *h)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*h = strtoull(s, &end, 10);
	return errno || *end || *h == 0 ? -1 : 0;
}

static int nfm_rule_commit_one(struct nfm_rule *r, bool del, bool insert, const char *what)
{
	struct nfm_rule_batch b;
	struct nfm_rule_nl nl;
	int rc = nfm_rule_nl_open(&nl);

	if (rc) {
		nfm_err("%s: netlink socket: %s", what, strerror(-rc));
		return NFM_EXIT_ERR;
	}
	nfm_rule_batch_init(&b, &nl);
	if (nfm_rule_batch_add(&b, &nl, r, del, insert)) {
		nfm_err("%s: rule too large to encode", what);
		rc = NFM_EXIT_ERR;
	} else {
		rc = nfm_rule_batch_commit(&b, &nl, NULL);
		if (rc)
			nfm_rule_kerr(&nl, what, rc, !nfm_rule_nft_can_list(r), del ? NULL : r);
		rc = rc ? NFM_EXIT_ERR : NFM_EXIT_OK;
	}
	nfm_rule_batch_free(&b);
	nfm_rule_nl_close(&nl);
	return rc;
}

static int nfm_rule_add(int argc, char **argv, bool insert)
{
	const char *cmd = insert ? "insert" : "add";
	struct nfm_rule *r = calloc(1, sizeof(*r));
	char err[256], what[32];
	int rc, i = 4;

	if (!r)
		return NFM_EXIT_ERR;
	snprintf(what, sizeof(what), "rule %s", cmd);
	if (argc < 5) {
		nfm_err("rule %s: FAMILY TABLE CHAIN RULE... expected", cmd);
		rc = NFM_EXIT_USAGE;
		goto out;
	}
	if (nfm_rule_names(r, argv + 1, cmd)) {
		rc = NFM_EXIT_USAGE;
		goto out;
	}
	if (!strcmp(argv[i], "position")) {
		if (i + 1 >= argc || nfm_parse_handle(argv[i + 1], &r->position)) {
			nfm_err("rule %s: 'position' needs a rule handle, not '%s'", cmd,
				i + 1 < argc ? argv[i + 1] : "");
			rc = NFM_EXIT_USAGE;
			goto out;
		}
		i += 2;
	}
	if (nfm_rule_parse(r, argc - i, argv + i, err, sizeof(err))) {
		nfm_err("rule %s: %s", cmd, err);
		rc = NFM_EXIT_USAGE;
		goto out;
	}
	rc = nfm_rule_commit_one(r, false, insert, what);
out:
	free(r);
	return rc;
}

static int nfm_rule_delete(int argc, char **argv)
{
	struct nfm_rule r = { 0 };

	if (argc != 6 || strcmp(argv[4], "handle") != 0) {
		nfm_err("rule delete: FAMILY TABLE CHAIN handle HANDLE expected");
		return NFM_EXIT_USAGE;
	}
	if (nfm_rule_names(&r, argv + 1, "delete"))
		return NFM_EXIT_USAGE;
	if (nfm_parse_handle(argv[5], &r.handle)) {
		nfm_err("rule delete: '%s' is not a rule handle", argv[5]);
		return NFM_EXIT_USAGE;
	}
	return nfm_rule_commit_one(&r, true, false, "rule delete");
}

/* ---- list ---------------------------------------------------------------------- */

struct nfm_rule_set {
	struct nfm_rule	**r;
	size_t		n, cap;
};

static int nfm_collect(const struct nfm_rule *r, void *data)
{
	struct nfm_rule_set *s = data;
	struct nfm_rule *copy;

	if (s->n == s->cap) {
		struct nfm_rule **n = realloc(s->r, (s->cap * 2 + 16) * sizeof(*n));

		if (!n)
			return -ENOMEM;
		s->r = n;
		s->cap = s->cap * 2 + 16;
	}
	/* keep only the expressions used: rules are large (unless sets follow them) */
	if (r->nsets) {
		copy = malloc(sizeof(*copy));
		if (!copy)
			return -ENOMEM;
		memcpy(copy, r, sizeof(*copy));
	} else {
		copy = malloc(offsetof(struct nfm_rule, e) + r->n * sizeof(r->e[0]) + sizeof(r->e[0]));
		if (!copy)
			return -ENOMEM;
		memcpy(copy, r, offsetof(struct nfm_rule, e) + r->n * sizeof(r->e[0]));
	}
	s->r[s->n++] = copy;
	return 0;
}

static bool nfm_same_chain(const struct nfm_rule *a, const struct nfm_rule *b)
{
	return a->family == b->family && !strcmp(a->table, b->table) && !strcmp(a->chain, b->chain);
}

static bool nfm_same_table(const struct nfm_rule *a, const struct nfm_rule *b)
{
	return a->family == b->family && !strcmp(a->table, b->table);
}

static void nfm_list_text(const struct nfm_rule_set *s)
{
	char text[4096];
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct nfm_rule *r = s->r[i];
		bool ok;

		if (!i || !nfm_same_table(r, s->r[i - 1]))
			printf("%stable %s %s {\n", i ? "}\n" : "",
			       nfm_rule_family_name(r->family) ?: "unknown", r->table);
		if (!i || !nfm_same_chain(r, s->r[i - 1]))
			printf("%s\tchain %s {\n", i && nfm_same_table(r, s->r[i - 1]) ? "\t}\n\n" : "",
			       r->chain);
		ok = nfm_rule_format(r, text, sizeof(text), true);
		printf("\t\t%s # handle %" PRIu64 "%s\n", text, r->handle,
		       ok ? "" : " (not restorable by nfmptcp rule)");
		if (i + 1 == s->n || !nfm_same_chain(r, s->r[i + 1]))
			if (i + 1 == s->n || !nfm_same_table(r, s->r[i + 1]))
				printf("\t}\n");
	}
	if (s->n)
		printf("}\n");
}

static int nfm_list_json(const struct nfm_rule_set *s, const struct nfm_global *g)
{
	struct nfm_json j;
	size_t i;

	nfm_json_init(&j, stdout, g->pretty);
	nfm_json_obj_open(&j, NULL);
	nfm_json_arr_open(&j, "nftables");
	for (i = 0; i < s->n; i++)
		nfm_rule_json(&j, s->r[i]);
	nfm_json_arr_close(&j);
	nfm_json_obj_close(&j);
	return nfm_json_finish(&j) ? NFM_EXIT_ERR : NFM_EXIT_OK;
}

/*
 * The restore script: every chain holding a rule that stock nft cannot list
 * is flushed and refilled in order, so that positions relative to the stock
 * rules (which `nft -f` restored first, with new handles) are kept.
 */
static int nfm_list_script(const struct nfm_rule_set *s, bool all)
{
	char text[4096];
	int rc = NFM_EXIT_OK;
	size_t i, k, start;

	printf("# nfmptcp rule script: chains with rules 'nft list ruleset' cannot show.\n"
	       "# Restore with 'nfmptcp rule -f FILE' after 'nft -f' restored the ruleset.\n");
	for (start = 0; start < s->n; start = i) {
		bool needed = all;

		for (i = start; i < s->n && nfm_same_chain(s->r[i], s->r[start]); i++)
			if (!nfm_rule_nft_can_list(s->r[i]))
				needed = true;
		if (!needed)
			continue;
		printf("flush %s %s %s\n", nfm_rule_family_name(s->r[start]->family),
		       s->r[start]->table, s->r[start]->chain);
		for (k = start; k < i; k++) {
			const struct nfm_rule *r = s->r[k];

			if (nfm_rule_format(r, text, sizeof(text), true)) {
				printf("add %s %s %s %s\n", nfm_rule_family_name(r->family), r->table,
				       r->chain, text);
			} else {
				printf("# not restorable: %s\n", text);
				nfm_err("rule list -f: %s %s %s handle %" PRIu64 " cannot be written back: %s",
					nfm_rule_family_name(r->family), r->table, r->chain, r->handle, text);
				rc = NFM_EXIT_ERR;
			}
		}
	}
	return rc;
}

static int nfm_rule_list(int argc, char **argv, const struct nfm_global *g)
{
	struct nfm_rule_set s = { 0 };
	const char *table = NULL, *chain = NULL;
	struct nfm_rule_nl nl;
	bool script = false, all = false;
	int fam = NFPROTO_UNSPEC, rc, i, npos = 0;
	char *pos[3];
	size_t k;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-f")) {
			script = true;
		} else if (!strcmp(argv[i], "--all")) {
			all = true;
		} else if (npos < 3) {
			pos[npos++] = argv[i];
		} else {
			nfm_err("rule list: unexpected '%s'", argv[i]);
			return NFM_EXIT_USAGE;
		}
	}
	if (npos > 0) {
		fam = nfm_rule_family_parse(pos[0]);
		if (fam < 0) {
			nfm_err("rule list: '%s' is not a family (ip, ip6 or inet)", pos[0]);
			return NFM_EXIT_USAGE;
		}
	}
	if (npos > 1)
		table = pos[1];
	if (npos > 2)
		chain = pos[2];
	rc = nfm_rule_nl_open(&nl);
	if (rc) {
		nfm_err("rule list: netlink socket: %s", strerror(-rc));
		return NFM_EXIT_ERR;
	}
	rc = nfm_rule_dump(&nl, fam, table, chain, nfm_collect, &s);
	if (rc) {
		nfm_rule_kerr(&nl, "rule list", rc, false, NULL);
		rc = NFM_EXIT_ERR;
	} else if (script) {
		rc = nfm_list_script(&s, all);
	} else if (g->json) {
		rc = nfm_list_json(&s, g);
	} else {
		nfm_list_text(&s);
		rc = NFM_EXIT_OK;
	}
	for (k = 0; k < s.n; k++)
		free(s.r[k]);
	free(s.r);
	nfm_rule_nl_close(&nl);
	return rc;
}

/* ---- restore ------------------------------------------------------------------- */

/* One batch for the whole file: it applies completely or not at all. */
static int nfm_rule_restore(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	struct nfm_rule *r = calloc(1, sizeof(*r));
	unsigned int *lines = NULL, nlines = 0, failed = 0;
	char *line = NULL, *tok[NFM_RULE_MAX_TOKENS], err[256];
	struct nfm_rule_batch b;
	struct nfm_rule_nl nl;
	size_t cap = 0;
	unsigned int lineno = 0;
	int rc = NFM_EXIT_OK, n;
	bool mptcp_seen = false;

	if (!f) {
		nfm_err("rule -f: %s: %s", path, strerror(errno));
		free(r);
		return NFM_EXIT_ERR;
	}
	if (!r || nfm_rule_nl_open(&nl)) {
		nfm_err("rule -f: netlink socket: %s", strerror(errno));
		free(r);
		if (f != stdin)
			fclose(f);
		return NFM_EXIT_ERR;
	}
	nfm_rule_batch_init(&b, &nl);
	while (getline(&line, &cap, f) > 0) {
		bool del;
		unsigned int *nl2;

		lineno++;
		n = nfm_rule_tokenize(line, tok, NFM_RULE_MAX_TOKENS, err, sizeof(err));
		if (n == 0)
			continue;
		if (n < 0 || n < 4 || (strcmp(tok[0], "add") != 0 && strcmp(tok[0], "insert") != 0 &&
				       strcmp(tok[0], "flush") != 0)) {
			nfm_err("%s:%u: %s", path, lineno, n < 0 ? err :
				"expected 'add|insert|flush FAMILY TABLE CHAIN [RULE...]'");
			rc = NFM_EXIT_USAGE;
			break;
		}
		del = !strcmp(tok[0], "flush");
		if (nfm_rule_names(r, tok + 1, tok[0])) {
			nfm_err("%s:%u: bad family, table or chain", path, lineno);
			rc = NFM_EXIT_USAGE;
			break;
		}
		r->handle = 0;
		r->position = 0;
		r->n = 0;
		if (del && n != 4) {
			nfm_err("%s:%u: 'flush FAMILY TABLE CHAIN' takes nothing more ('%s')", path,
				lineno, tok[4]);
			rc = NFM_EXIT_USAGE;
			break;
		}
		if (!del && (n < 5 || nfm_rule_parse(r, n - 4, tok + 4, err, sizeof(err)))) {
			nfm_err("%s:%u: %s", path, lineno, n < 5 ? "rule expected" : err);
			rc = NFM_EXIT_USAGE;
			break;
		}
		nl2 = realloc(lines, (nlines + 1) * sizeof(*lines));
		if (!nl2 || nfm_rule_batch_add(&b, &nl, r, del, !strcmp(tok[0], "insert"))) {
			nfm_err("%s:%u: out of memory", path, lineno);
			if (nl2)
				lines = nl2;
			rc = NFM_EXIT_ERR;
			break;
		}
		lines = nl2;
		lines[nlines++] = lineno;
		mptcp_seen |= !nfm_rule_nft_can_list(r);
	}
	if (rc == NFM_EXIT_OK && ferror(f)) {
		nfm_err("rule -f: %s: read error", path);
		rc = NFM_EXIT_ERR;
	}
	if (rc == NFM_EXIT_OK && nlines) {
		int err2 = nfm_rule_batch_commit(&b, &nl, &failed);

		if (err2) {
			char what[300];

			snprintf(what, sizeof(what), "%s:%u", path, failed < nlines ? lines[failed] : 0);
			nfm_rule_kerr(&nl, what, err2, mptcp_seen, NULL);
			rc = NFM_EXIT_ERR;
		}
	}
	nfm_rule_batch_free(&b);
	nfm_rule_nl_close(&nl);
	free(lines);
	free(line);
	free(r);
	if (f != stdin)
		fclose(f);
	return rc;
}

int nfm_cmd_rule(int argc, char **argv, const struct nfm_global *g)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (!sub) {
		nfm_rule_usage(stderr);
		return NFM_EXIT_USAGE;
	}
	if (nfm_is_help(sub)) {
		nfm_rule_usage(stdout);
		return NFM_EXIT_OK;
	}
	if (!strcmp(sub, "-f")) {
		if (argc != 3) {
			nfm_err("rule -f: one FILE expected");
			return NFM_EXIT_USAGE;
		}
		return nfm_rule_restore(argv[2]);
	}
	if (!strcmp(sub, "add"))
		return nfm_rule_add(argc - 1, argv + 1, false);
	if (!strcmp(sub, "insert"))
		return nfm_rule_add(argc - 1, argv + 1, true);
	if (!strcmp(sub, "delete"))
		return nfm_rule_delete(argc - 1, argv + 1);
	if (!strcmp(sub, "list"))
		return nfm_rule_list(argc - 1, argv + 1, g);
	nfm_err("rule: unknown subcommand '%s' (add, insert, delete, list, -f)", sub);
	return NFM_EXIT_USAGE;
}
