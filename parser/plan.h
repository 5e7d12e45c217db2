/*
 * plan: the hop chain and forwards that the launcher will run.
 *
 * Built from a resolved destination the way ssh builds its ProxyJump chain
 * (a nested `ssh -W` per jump host, each resolving its own config), without
 * touching the network. The launcher runs a plan; --dry-run prints one.
 */
#ifndef SSHFWD_PLAN_H
#define SSHFWD_PLAN_H

#include <stddef.h>

#include "parser/args.h"
#include "parser/config.h"
#include "parser/diag.h"
#include "parser/options.h"

#define PLAN_MAX_HOPS 32

struct plan_hop {
	char *alias;          /* the name this hop was resolved from */
	struct options opts;  /* its own resolved configuration */
};

struct plan {
	struct plan_hop *hops; /* connection order; the last is the destination */
	size_t num_hops;
	/* Forwards, ExitOnForwardFailure, GatewayPorts etc. are read from
	 * hops[num_hops - 1].opts. If hops[0].opts.proxy_command is set, hop 0
	 * is reached through that command's stdio. */
};

/*
 * Build the plan for the destination and command line in a. Returns 0, -1
 * with diagnostics in dl (cycle, too deep, bad config), -2 on OOM.
 */
int plan_build(const struct args *a, const struct config_env *env,
    struct plan *p, struct diag_list *dl);

void plan_free(struct plan *p);

#endif
