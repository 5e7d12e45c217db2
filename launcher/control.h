/*
 * control: the runtime control socket (ControlPath / -S) of a running
 * sshfwd, and the client side of -O. The line protocol is documented in
 * doc/control.md: one request line, a reply whose first line is "ok" or
 * "error MESSAGE", then the server closes the connection.
 *
 * The socket is created under umask 077 and chmod 0600; a live socket at
 * the path (something answers connect) is left alone and the control
 * socket is disabled with a warning, as ssh disables multiplexing; a stale
 * one is unlinked. Requests are served synchronously with a 1 s receive
 * and 2 s send timeout: the socket is owner-only and replies are small.
 */
#ifndef SSHFWD_CONTROL_H
#define SSHFWD_CONTROL_H

#include <stdio.h>

struct engine;

/* One request line, newline included; CONTROL_ARG_MAX bounds its
 * arguments (room for the verb, a space and the newline). */
#define CONTROL_LINE_MAX 4096
#define CONTROL_ARG_MAX (CONTROL_LINE_MAX - 16)

/* Listen on e->dest->control_path if set (not "none"). 0, or -1 when the
 * path is unusable (logged; the run continues without it). */
int control_start(struct engine *e);

/* Close the socket and unlink its path. */
void control_stop(struct engine *e);

/* Write the status table (or JSON) of e to f. */
void control_status(struct engine *e, FILE *f, int json);

/* Log the status table at INFO, line by line (SIGUSR1). */
void control_log_status(struct engine *e);

/*
 * Client: send verb (and args, may be NULL) to the socket at path, print
 * the reply as ssh -O does. Returns 0, CONTROL_REFUSED when the master
 * answered forward/cancel with an error (printed in the words of ssh's
 * mux client; the caller goes on with the other forwards and ends with
 * control_client_done), or 255 (the exit status) otherwise.
 */
#define CONTROL_REFUSED 1
int control_client(const char *path, const char *verb, const char *args);

/* Whether a master answers at path: 0, or 255 after ssh's message
 * ("Control socket connect(PATH): ..."). Nothing is sent. */
int control_client_reach(const char *path);

/*
 * After every forward of -O forward/cancel was sent; refused: whether any
 * came back CONTROL_REFUSED. Prints ssh's closing line and returns its
 * exit status: a refused forward fails the command (255), a refused
 * cancel is only reported (0), as with ssh's mux client.
 */
int control_client_done(const char *verb, int refused);

#endif
