/*
 * khcommand: KnownHostsCommand, run as ssh 9.2's load_hostkeys_command()
 * runs it. The command is split into words as ssh's argv_split() does (no
 * shell: quotes and backslashes only), every word but the first gets %-
 * and ${}-expansion (the connection tokens plus %H the name looked up, %I
 * "HOSTNAME" or "ADDRESS", %t the key type, %f its fingerprint, %K its
 * base64 blob), the first word must be an absolute path, and its standard
 * output is read as more known_hosts lines. Its standard error is ours;
 * its environment is ours.
 *
 * ssh waits for the command as long as it takes and reads all it prints;
 * sshfwd gives it KHCOMMAND_TIMEOUT_MS and KHCOMMAND_OUTPUT_MAX bytes and
 * counts going over either as a failure, so that a hung command cannot
 * hang the tunnel.
 */
#ifndef SSHFWD_KHCOMMAND_H
#define SSHFWD_KHCOMMAND_H

#include <stddef.h>

#include <libssh/libssh.h>

struct options;

#define KHCOMMAND_TIMEOUT_MS 30000
#define KHCOMMAND_OUTPUT_MAX (4u * 1024 * 1024)

/*
 * The server's key as %t %f %K show it. When the server presented a
 * certificate, ssh shows the certificate's type name and blob but the
 * plain key's fingerprint: cert_name and cert_b64 (base64) are set then.
 */
struct khcommand_key {
	ssh_key key;
	const char *fp; /* as shown: SHA256:... or MD5:... */
	const char *cert_name; /* "ssh-ed25519-cert-v01@openssh.com", or NULL */
	const char *cert_b64;
};

/*
 * Run o->known_hosts_command for the lookup name (invocation "HOSTNAME" or
 * "ADDRESS") and the server's key k, or for "ORDER" before the key
 * exchange (k NULL: %t %f %K are "NONE"). Returns 0
 * with *out the malloc'd output (NUL-terminated, *len bytes), or with *out
 * NULL when ssh would go on without it (a command that is not an absolute
 * path, cannot be found, has unbalanced quotes or no words: logged in
 * ssh's words); -1 when the command failed (exit status, signal, timeout,
 * too much output, a token that does not expand: logged, ending with ssh's
 * "KnownHostsCommand failed"; ssh exits there); -2 on out of memory.
 */
int khcommand_run(const struct options *o, const char *invocation,
    const char *name, const struct khcommand_key *k, char **out, size_t *len);

#endif
