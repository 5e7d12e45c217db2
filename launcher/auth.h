/*
 * auth: user authentication of one hop, as ssh would try it.
 *
 * PreferredAuthentications order (default: publickey, keyboard-interactive,
 * password; gssapi and hostbased are not available). publickey offers keys
 * in ssh's order (sshconnect2.c pubkey_prepare): CertificateFiles; the
 * agent's keys (SSH_AUTH_SOCK or IdentityAgent), those matching an
 * IdentityFile or its <file>-cert.pub first in the agent's order, the
 * others only without IdentitiesOnly; then the identity files the agent
 * lacks. Agent keys go through a relay (agent.h) that shows libssh one key
 * at a time. A file key's public half is offered first; the private key is
 * loaded (asking for its passphrase on the terminal) only when the server
 * accepts it, and a certificate is signed by the agent or file key it
 * certifies. keyboard-interactive and password prompt on the terminal.
 * BatchMode never prompts. Everything runs nonblocking: auth_step() is
 * called again after each pump until it stops returning AUTH_AGAIN.
 */
#ifndef SSHFWD_AUTH_H
#define SSHFWD_AUTH_H

struct hop;
struct auth;

enum auth_result { AUTH_AGAIN = 0, AUTH_OK = 1, AUTH_FAIL = 2 };

struct auth *auth_new(void);
void auth_free(struct auth *a);

/* Advance authentication of h (h->auth must exist). */
enum auth_result auth_step(struct hop *h);

#endif
