/*
 * main.h: the front end's split between the parser-only binary (sshfwd) and
 * the libssh runner (sshfwd-run). See main_exec.c for why.
 */
#ifndef SSHFWD_MAIN_H
#define SSHFWD_MAIN_H

#include "parser/args.h"
#include "parser/config.h"

#define MAIN_EXIT_USAGE 255

/*
 * Run a mode that needs libssh (ARGS_MODE_CONNECT, ARGS_MODE_CONTROL).
 * main_run.c does it in-process; main_exec.c execs sshfwd-run with argv.
 * Returns the exit status.
 */
int main_run(const struct args *a, char **argv);

/*
 * The environment of this process (home, user, host name) for the
 * resolver. Prints ssh's message and returns -1 when the uid has no user.
 */
int main_env(struct config_env *env);

/* A resolver request for the command line a (destination, -F, events). */
void main_request(const struct args *a, struct config_request *req);

#endif
