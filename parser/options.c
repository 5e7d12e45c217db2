/*
 * options: life cycle of struct options (init to unset, free, intern) and
 * the defaults pass (readconf.c fill_default_options, Debian build).
 * Parsing lives in cfgline.c and keywords.c; the dump in dump.c.
 */
#include "autoconf.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parser/algos.h"
#include "parser/keywords.h"
#include "parser/options.h"

static void
options_strlist_free(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void
options_fwd_free(struct fwd *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(f[i].listen_host);
		free(f[i].listen_path);
		free(f[i].connect_host);
		free(f[i].connect_path);
	}
	free(f);
}

static void
options_ident_free(struct ident *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

void
options_init(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->add_keys_to_agent = OPT_UNSET;
	o->add_keys_to_agent_lifespan = OPT_UNSET;
	o->address_family = OPT_UNSET;
	o->batch_mode = OPT_UNSET;
	o->canonicalize_fallback_local = OPT_UNSET;
	o->canonicalize_hostname = OPT_UNSET;
	o->canonicalize_max_dots = OPT_UNSET;
	o->check_host_ip = OPT_UNSET;
	o->clear_forwardings = OPT_UNSET;
	o->compression = OPT_UNSET;
	o->connection_attempts = OPT_UNSET;
	o->connection_timeout = OPT_UNSET;
	o->control_master = OPT_UNSET;
	o->control_persist = OPT_UNSET;
	o->control_persist_timeout = OPT_UNSET;
	o->enable_escape_commandline = OPT_UNSET;
	o->enable_ssh_keysign = OPT_UNSET;
	o->escape_char = OPT_UNSET;
	o->exit_on_forward_failure = OPT_UNSET;
	o->fingerprint_hash = OPT_UNSET;
	o->fork_after_authentication = OPT_UNSET;
	o->forward_agent = OPT_UNSET;
	o->forward_x11 = OPT_UNSET;
	o->forward_x11_timeout = OPT_UNSET;
	o->forward_x11_trusted = OPT_UNSET;
	o->gateway_ports = OPT_UNSET;
	o->gss_authentication = OPT_UNSET;
	o->gss_deleg_creds = OPT_UNSET;
	o->gss_keyex = OPT_UNSET;
	o->gss_renewal_rekey = OPT_UNSET;
	o->gss_trust_dns = OPT_UNSET;
	o->hash_known_hosts = OPT_UNSET;
	o->hostbased_authentication = OPT_UNSET;
	o->identities_only = OPT_UNSET;
	o->ip_qos_interactive = OPT_UNSET;
	o->ip_qos_bulk = OPT_UNSET;
	o->kbd_interactive_authentication = OPT_UNSET;
	o->log_level = OPT_UNSET;
	o->log_facility = OPT_UNSET;
	o->no_host_authentication_for_localhost = OPT_UNSET;
	o->number_of_password_prompts = OPT_UNSET;
	o->password_authentication = OPT_UNSET;
	o->permit_local_command = OPT_UNSET;
	o->port = OPT_UNSET;
	o->proxy_use_fdpass = OPT_UNSET;
	o->pubkey_authentication = OPT_UNSET;
	o->rekey_limit = OPT_UNSET;
	o->rekey_interval = OPT_UNSET;
	o->request_tty = OPT_UNSET;
	o->required_rsa_size = OPT_UNSET;
	o->server_alive_count_max = OPT_UNSET;
	o->server_alive_interval = OPT_UNSET;
	o->session_type = OPT_UNSET;
	o->stdin_null = OPT_UNSET;
	o->stream_local_bind_mask = OPT_UNSET;
	o->stream_local_bind_unlink = OPT_UNSET;
	o->strict_host_key_checking = OPT_UNSET;
	o->tcp_keep_alive = OPT_UNSET;
	o->tun_open = OPT_UNSET;
	o->tun_local = OPT_UNSET;
	o->tun_remote = OPT_UNSET;
	o->update_hostkeys = OPT_UNSET;
	o->verify_host_key_dns = OPT_UNSET;
	o->visual_host_key = OPT_UNSET;
	o->jump_port = OPT_UNSET;
	o->cmdline_log_level = OPT_UNSET;
	o->stdio_forward_port = OPT_UNSET;
	o->log_init_index = (size_t)-1;
	o->log_reinit_index = (size_t)-1;
}

void
options_free(struct options *o)
{
	size_t i;
	char **strs[] = {
		&o->host_arg,
		&o->bind_address,
		&o->bind_interface,
		&o->control_path,
		&o->forward_agent_sock_path,
		&o->gss_client_identity,
		&o->gss_kex_algorithms,
		&o->gss_server_identity,
		&o->host_key_alias,
		&o->hostname,
		&o->identity_agent,
		&o->ignored_unknown,
		&o->kbd_interactive_devices,
		&o->known_hosts_command,
		&o->local_command,
		&o->pkcs11_provider,
		&o->preferred_authentications,
		&o->proxy_command,
		&o->remote_command,
		&o->revoked_host_keys,
		&o->sk_provider,
		&o->user,
		&o->xauth_location,
		&o->ciphers,
		&o->macs,
		&o->kex_algorithms,
		&o->host_key_algorithms,
		&o->hostbased_accepted_algos,
		&o->pubkey_accepted_algos,
		&o->ca_sign_algorithms,
		&o->jump_user,
		&o->jump_host,
		&o->jump_extra,
		&o->stdio_forward_host,
	};

	if (o == NULL)
		return;
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		free(*strs[i]);
	options_strlist_free(&o->system_hostfiles);
	options_strlist_free(&o->user_hostfiles);
	options_strlist_free(&o->canonical_domains);
	options_strlist_free(&o->permitted_cnames);
	options_strlist_free(&o->send_env);
	options_strlist_free(&o->set_env);
	options_strlist_free(&o->log_verbose);
	options_strlist_free(&o->permitted_remote_opens);
	options_ident_free(o->identity_files, o->num_identity_files);
	options_ident_free(o->certificate_files, o->num_certificate_files);
	options_fwd_free(o->local_forwards, o->num_local_forwards);
	options_fwd_free(o->remote_forwards, o->num_remote_forwards);
	for (i = 0; i < o->pool_n; i++)
		free(o->pool[i]);
	free(o->pool);
	options_init(o);
}

const char *
options_intern(struct options *o, const char *s)
{
	char **np;
	size_t i;

	if (s == NULL)
		return NULL;
	/* Few distinct files per resolution: a linear scan from the end (the
	 * current file is almost always the last one interned) is enough. */
	for (i = o->pool_n; i > 0; i--)
		if (strcmp(o->pool[i - 1], s) == 0)
			return o->pool[i - 1];
	if ((np = realloc(o->pool, (o->pool_n + 1) * sizeof(*np))) == NULL)
		return NULL;
	o->pool = np;
	if ((np[o->pool_n] = strdup(s)) == NULL)
		return NULL;
	return np[o->pool_n++];
}

static void
options_default_origin(struct options *o, int opt)
{
	memset(&o->origin[opt], 0, sizeof(o->origin[opt]));
	o->origin[opt].kind = ORIGIN_DEFAULT;
}

#define OPT_DEF(field, id, val) \
	do { \
		if (o->field == OPT_UNSET) { \
			o->field = (val); \
			options_default_origin(o, id); \
		} \
	} while (0)

static int
options_add_default_ident(struct options *o, const char *path)
{
	struct ident *nv;

	nv = realloc(
	    o->identity_files, (o->num_identity_files + 1) * sizeof(*nv));
	if (nv == NULL)
		return -2;
	o->identity_files = nv;
	memset(&nv[o->num_identity_files], 0, sizeof(*nv));
	if ((nv[o->num_identity_files].path = strdup(path)) == NULL)
		return -2;
	nv[o->num_identity_files].origin.kind = ORIGIN_DEFAULT;
	o->num_identity_files++;
	return 0;
}

static int
options_list_default(
    struct options *o, struct strlist *l, int opt, const char *a, const char *b)
{
	char **nv;

	if (l->n != 0)
		return 0;
	if ((nv = calloc(2, sizeof(*nv))) == NULL)
		return -2;
	if ((nv[0] = strdup(a)) == NULL || (nv[1] = strdup(b)) == NULL) {
		free(nv[0]);
		free(nv);
		return -2;
	}
	free(l->v);
	l->v = nv;
	l->n = 2;
	options_default_origin(o, opt);
	return 0;
}

void
options_clear_forwardings(struct options *o)
{
	options_fwd_free(o->local_forwards, o->num_local_forwards);
	options_fwd_free(o->remote_forwards, o->num_remote_forwards);
	o->local_forwards = o->remote_forwards = NULL;
	o->num_local_forwards = o->num_remote_forwards = 0;
	o->tun_open = 0;
}

static void
options_clear_on_none(char **v)
{
	if (*v != NULL && strcasecmp(*v, "none") == 0) {
		free(*v);
		*v = NULL;
	}
}

int
options_fill_defaults(struct options *o, int stdio_forward, const char **failed)
{
	static const char *const idents[] = { "~/.ssh/id_rsa",
		"~/.ssh/id_ecdsa", "~/.ssh/id_ecdsa_sk", "~/.ssh/id_ed25519",
		"~/.ssh/id_ed25519_sk", "~/.ssh/id_xmss", "~/.ssh/id_dsa" };
	static const struct {
		size_t off;
		enum algos_kind kind;
		const char *name;
	} lists[] = {
		{ offsetof(struct options, ciphers), ALGOS_CIPHER, "ciphers" },
		{ offsetof(struct options, macs), ALGOS_MAC, "macs" },
		{ offsetof(struct options, kex_algorithms), ALGOS_KEX,
		    "kex_algorithms" },
		{ offsetof(struct options, hostbased_accepted_algos), ALGOS_KEY,
		    "hostbased_accepted_algos" },
		{ offsetof(struct options, pubkey_accepted_algos), ALGOS_KEY,
		    "pubkey_accepted_algos" },
		{ offsetof(struct options, ca_sign_algorithms), ALGOS_SIG,
		    "ca_sign_algorithms" },
	};
	size_t i;
	int r;

	*failed = NULL;
	OPT_DEF(forward_agent, OPT_FORWARD_AGENT, 0);
	OPT_DEF(forward_x11, OPT_FORWARD_X11, 0);
	OPT_DEF(forward_x11_trusted, OPT_FORWARD_X11_TRUSTED, 1);
	OPT_DEF(forward_x11_timeout, OPT_FORWARD_X11_TIMEOUT, 1200);
	OPT_DEF(exit_on_forward_failure, OPT_EXIT_ON_FORWARD_FAILURE,
	    stdio_forward ? 1 : 0);
	OPT_DEF(clear_forwardings, OPT_CLEAR_ALL_FORWARDINGS,
	    stdio_forward ? 1 : 0);
	if (o->clear_forwardings == 1)
		options_clear_forwardings(o);
	if (o->xauth_location == NULL) {
		if ((o->xauth_location = strdup("/usr/bin/xauth")) == NULL)
			return -2;
		options_default_origin(o, OPT_XAUTH_LOCATION);
	}
	OPT_DEF(gateway_ports, OPT_GATEWAY_PORTS, 0);
	OPT_DEF(stream_local_bind_mask, OPT_STREAM_LOCAL_BIND_MASK, 0177);
	OPT_DEF(stream_local_bind_unlink, OPT_STREAM_LOCAL_BIND_UNLINK, 0);
	OPT_DEF(pubkey_authentication, OPT_PUBKEY_AUTHENTICATION, 3);
	OPT_DEF(gss_authentication, OPT_GSSAPI_AUTHENTICATION, 0);
	OPT_DEF(gss_keyex, OPT_GSSAPI_KEY_EXCHANGE, 0);
	OPT_DEF(gss_deleg_creds, OPT_GSSAPI_DELEGATE_CREDENTIALS, 0);
	OPT_DEF(gss_trust_dns, OPT_GSSAPI_TRUST_DNS, 0);
	OPT_DEF(gss_renewal_rekey, OPT_GSSAPI_RENEWAL_FORCES_REKEY, 0);
	if (o->gss_kex_algorithms == NULL) {
		if ((o->gss_kex_algorithms =
		            strdup(algos_default(ALGOS_GSS_KEX))) == NULL)
			return -2;
		options_default_origin(o, OPT_GSSAPI_KEX_ALGORITHMS);
	}
	OPT_DEF(password_authentication, OPT_PASSWORD_AUTHENTICATION, 1);
	OPT_DEF(kbd_interactive_authentication,
	    OPT_KBD_INTERACTIVE_AUTHENTICATION, 1);
	OPT_DEF(hostbased_authentication, OPT_HOSTBASED_AUTHENTICATION, 0);
	OPT_DEF(batch_mode, OPT_BATCH_MODE, 0);
	OPT_DEF(check_host_ip, OPT_CHECK_HOST_IP, 0);
	OPT_DEF(strict_host_key_checking, OPT_STRICT_HOST_KEY_CHECKING,
	    STRICT_HOSTKEY_ASK);
	OPT_DEF(compression, OPT_COMPRESSION, 0);
	OPT_DEF(tcp_keep_alive, OPT_TCP_KEEP_ALIVE, 1);
	OPT_DEF(port, OPT_PORT, 0); /* ssh.c fills the service port */
	OPT_DEF(address_family, OPT_ADDRESS_FAMILY, AF_OPT_ANY);
	OPT_DEF(connection_attempts, OPT_CONNECTION_ATTEMPTS, 1);
	OPT_DEF(number_of_password_prompts, OPT_NUMBER_OF_PASSWORD_PROMPTS, 3);
	if (o->add_keys_to_agent == OPT_UNSET) {
		o->add_keys_to_agent = 0;
		o->add_keys_to_agent_lifespan = 0;
		options_default_origin(o, OPT_ADD_KEYS_TO_AGENT);
	}
	if (o->num_identity_files == 0) {
		for (i = 0; i < sizeof(idents) / sizeof(idents[0]); i++)
			if (options_add_default_ident(o, idents[i]) != 0)
				return -2;
		options_default_origin(o, OPT_IDENTITY_FILE);
	}
	OPT_DEF(escape_char, OPT_ESCAPE_CHAR, '~');
	if (options_list_default(o, &o->system_hostfiles,
	        OPT_GLOBAL_KNOWN_HOSTS_FILE, "/etc/ssh/ssh_known_hosts",
	        "/etc/ssh/ssh_known_hosts2") != 0)
		return -2;
	if (o->update_hostkeys == OPT_UNSET) {
		if (o->verify_host_key_dns <= 0 &&
		    (o->user_hostfiles.n == 0 ||
		        (o->user_hostfiles.n == 1 &&
		            strcmp(o->user_hostfiles.v[0],
		                "~/.ssh/known_hosts") == 0)))
			o->update_hostkeys = 1;
		else
			o->update_hostkeys = 0;
		options_default_origin(o, OPT_UPDATE_HOST_KEYS);
	}
	if (options_list_default(o, &o->user_hostfiles,
	        OPT_USER_KNOWN_HOSTS_FILE, "~/.ssh/known_hosts",
	        "~/.ssh/known_hosts2") != 0)
		return -2;
	OPT_DEF(log_level, OPT_LOG_LEVEL, KW_LOG_INFO);
	OPT_DEF(log_facility, OPT_SYSLOG_FACILITY, KW_FACILITY_USER);
	OPT_DEF(no_host_authentication_for_localhost,
	    OPT_NO_HOST_AUTHENTICATION_FOR_LOCALHOST, 0);
	OPT_DEF(identities_only, OPT_IDENTITIES_ONLY, 0);
	OPT_DEF(enable_ssh_keysign, OPT_ENABLE_SSH_KEYSIGN, 0);
	OPT_DEF(rekey_limit, OPT_REKEY_LIMIT, 0);
	if (o->rekey_interval == OPT_UNSET)
		o->rekey_interval = 0;
	OPT_DEF(verify_host_key_dns, OPT_VERIFY_HOST_KEY_DNS, 0);
	/* Debian keepalive-extensions: BatchMode makes it 300 */
	OPT_DEF(server_alive_interval, OPT_SERVER_ALIVE_INTERVAL,
	    o->batch_mode == 1 ? 300 : 0);
	OPT_DEF(server_alive_count_max, OPT_SERVER_ALIVE_COUNT_MAX, 3);
	OPT_DEF(control_master, OPT_CONTROL_MASTER, 0);
	if (o->control_persist == OPT_UNSET) {
		o->control_persist = 0;
		o->control_persist_timeout = 0;
		options_default_origin(o, OPT_CONTROL_PERSIST);
	}
	OPT_DEF(hash_known_hosts, OPT_HASH_KNOWN_HOSTS, 0);
	OPT_DEF(tun_open, OPT_TUNNEL, 0);
	if (o->tun_local == OPT_UNSET) {
		o->tun_local = KW_TUNID_ANY;
		options_default_origin(o, OPT_TUNNEL_DEVICE);
	}
	if (o->tun_remote == OPT_UNSET)
		o->tun_remote = KW_TUNID_ANY;
	OPT_DEF(permit_local_command, OPT_PERMIT_LOCAL_COMMAND, 0);
	OPT_DEF(visual_host_key, OPT_VISUAL_HOST_KEY, 0);
	if (o->ip_qos_interactive == OPT_UNSET) {
		/* Debian revert-ipqos-defaults: lowdelay throughput */
		o->ip_qos_interactive = 0x10;
		o->ip_qos_bulk = 0x08;
		options_default_origin(o, OPT_IPQOS);
	}
	OPT_DEF(request_tty, OPT_REQUEST_TTY, KW_TTY_AUTO);
	OPT_DEF(session_type, OPT_SESSION_TYPE, KW_SESSION_DEFAULT);
	OPT_DEF(stdin_null, OPT_STDIN_NULL, 0);
	OPT_DEF(fork_after_authentication, OPT_FORK_AFTER_AUTHENTICATION, 0);
	OPT_DEF(proxy_use_fdpass, OPT_PROXY_USE_FDPASS, 0);
	OPT_DEF(canonicalize_max_dots, OPT_CANONICALIZE_MAX_DOTS, 1);
	OPT_DEF(
	    canonicalize_fallback_local, OPT_CANONICALIZE_FALLBACK_LOCAL, 1);
	OPT_DEF(canonicalize_hostname, OPT_CANONICALIZE_HOSTNAME, 0);
	OPT_DEF(fingerprint_hash, OPT_FINGERPRINT_HASH, KW_FP_SHA256);
	if (o->sk_provider == NULL) {
		if ((o->sk_provider = strdup("internal")) == NULL)
			return -2;
		options_default_origin(o, OPT_SECURITY_KEY_PROVIDER);
	}
	OPT_DEF(required_rsa_size, OPT_REQUIRED_RSA_SIZE, 1024);
	OPT_DEF(enable_escape_commandline, OPT_ENABLE_ESCAPE_COMMANDLINE, 0);

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		char **lp = (char **)((char *)o + lists[i].off);
		int wasset = *lp != NULL && **lp != '\0';

		r = algos_assemble(
		    lp, algos_default(lists[i].kind), algos_all(lists[i].kind));
		if (r == -2)
			return -2;
		if (r != 0) {
			/* ssh logs the error and returns early, with
			 * success: the rest of this function is skipped */
			*failed = lists[i].name;
			return -1;
		}
		if (!wasset) {
			int id =
			    lists[i].off == offsetof(struct options, ciphers)
			    ? OPT_CIPHERS
			    : lists[i].off == offsetof(struct options, macs)
			    ? OPT_MACS
			    : lists[i].off ==
			        offsetof(struct options, kex_algorithms)
			    ? OPT_KEX_ALGORITHMS
			    : lists[i].off ==
			        offsetof(
			            struct options, hostbased_accepted_algos)
			    ? OPT_HOSTBASED_ACCEPTED_ALGORITHMS
			    : lists[i].off ==
			        offsetof(struct options, pubkey_accepted_algos)
			    ? OPT_PUBKEY_ACCEPTED_ALGORITHMS
			    : OPT_CA_SIGNATURE_ALGORITHMS;

			options_default_origin(o, id);
		}
	}
	options_clear_on_none(&o->local_command);
	options_clear_on_none(&o->remote_command);
	options_clear_on_none(&o->proxy_command);
	options_clear_on_none(&o->control_path);
	options_clear_on_none(&o->revoked_host_keys);
	options_clear_on_none(&o->pkcs11_provider);
	options_clear_on_none(&o->sk_provider);
	options_clear_on_none(&o->known_hosts_command);
	if (o->jump_host != NULL && strcmp(o->jump_host, "none") == 0 &&
	    o->jump_port == 0 && o->jump_user == NULL) {
		free(o->jump_host);
		o->jump_host = NULL;
	}
	if (o->permitted_cnames.n == 1 &&
	    strcmp(o->permitted_cnames.v[0], "none:") == 0) {
		options_strlist_free(&o->permitted_cnames);
	}
	return 0;
}
