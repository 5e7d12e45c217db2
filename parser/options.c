/*
 * options: life cycle of struct options (init to unset, free, intern).
 * Parsing lives in config.c and keywords.c; defaults and the dump with them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

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
}

void
options_free(struct options *o)
{
	size_t i;
	char **strs[] = {
		&o->host_arg, &o->bind_address, &o->bind_interface,
		&o->control_path, &o->forward_agent_sock_path,
		&o->gss_client_identity, &o->gss_kex_algorithms,
		&o->gss_server_identity, &o->host_key_alias, &o->hostname,
		&o->identity_agent, &o->ignored_unknown,
		&o->kbd_interactive_devices, &o->known_hosts_command,
		&o->local_command, &o->pkcs11_provider,
		&o->preferred_authentications, &o->proxy_command,
		&o->remote_command, &o->revoked_host_keys, &o->sk_provider,
		&o->user, &o->xauth_location, &o->ciphers, &o->macs,
		&o->kex_algorithms, &o->host_key_algorithms,
		&o->hostbased_accepted_algos, &o->pubkey_accepted_algos,
		&o->ca_sign_algorithms, &o->jump_user, &o->jump_host,
		&o->jump_extra,
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
