/*
 * dump: the -G output of resolved options, in ssh 9.2 Debian's order and
 * format (readconf.c dump_client_config), quirks included.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/config.h"
#include "parser/forward.h"
#include "parser/keywords.h"
#include "parser/strbuf.h"

static void
dump_str(struct strbuf *b, const char *name, const char *v)
{
	if (v != NULL)
		strbuf_addf(b, "%s %s\n", name, v);
}

static void
dump_int(struct strbuf *b, const char *name, int v)
{
	strbuf_addf(b, "%s %d\n", name, v);
}

static void
dump_flag(struct strbuf *b, const char *name, int v)
{
	strbuf_addf(b, "%s %s\n", name,
	    v == -1      ? "unset"
	        : v == 0 ? "no"
	        : v == 1 ? "yes"
	                 : "UNKNOWN");
}

static void
dump_state(struct strbuf *b, const char *name, const struct kw_state *t, int v)
{
	strbuf_addf(
	    b, "%s %s\n", name, v == -1 ? "unset" : keywords_state_name(t, v));
}

static void
dump_oneline(struct strbuf *b, const char *name, const struct strlist *l)
{
	size_t i;

	strbuf_add(b, name);
	if (l->n == 0)
		strbuf_add(b, " none");
	for (i = 0; i < l->n; i++)
		strbuf_addf(b, " %s", l->v[i]);
	strbuf_add(b, "\n");
}

static void
dump_forwards(
    struct strbuf *b, const char *name, int code, const struct fwd *v, size_t n)
{
	const struct fwd *f;
	size_t i;

	/* code: 0 dynamic, 1 local, 2 remote */
	for (i = 0; i < n; i++) {
		f = &v[i];
		if (code == 0 && f->connect_host != NULL &&
		    strcmp(f->connect_host, "socks") != 0)
			continue;
		if (code == 1 && f->connect_host != NULL &&
		    strcmp(f->connect_host, "socks") == 0)
			continue;
		strbuf_add(b, name);
		if (f->listen_port == FORWARD_PORT_STREAMLOCAL)
			strbuf_addf(b, " %s", f->listen_path);
		else if (f->listen_host == NULL)
			strbuf_addf(b, " %d", f->listen_port);
		else
			strbuf_addf(
			    b, " [%s]:%d", f->listen_host, f->listen_port);
		if (code != 0) {
			if (f->connect_port == FORWARD_PORT_STREAMLOCAL)
				strbuf_addf(b, " %s", f->connect_path);
			else if (f->connect_host == NULL)
				strbuf_addf(b, " %d", f->connect_port);
			else
				strbuf_addf(b, " [%s]:%d", f->connect_host,
				    f->connect_port);
		}
		strbuf_add(b, "\n");
	}
}

/* OpenBSD vis(3) of one byte with VIS_WHITE, C locale. */
static void
dump_vis(char *dst, int c)
{
	unsigned char u = (unsigned char)c;

	if ((u < 128 && isgraph(u)) || u == '\\') {
		if (u == '\\')
			*dst++ = '\\';
		*dst++ = (char)u;
		*dst = '\0';
		return;
	}
	if ((u & 0177) == ' ' || (u < 128 && isgraph(u))) {
		snprintf(dst, 5, "\\%03o", u);
		return;
	}
	*dst++ = '\\';
	if (u & 0200) {
		u &= 0177;
		*dst++ = 'M';
	}
	if (iscntrl(u)) {
		*dst++ = '^';
		*dst++ = u == 0177 ? '?' : (char)(u + '@');
	} else {
		*dst++ = '-';
		*dst++ = (char)u;
	}
	*dst = '\0';
}

static const char *
dump_ipqos(int v, char *buf, size_t len)
{
	const char *n = keywords_state_name(kw_ipqos, v);

	if (strcmp(n, "UNKNOWN") != 0)
		return n;
	snprintf(buf, len, "0x%02x", (unsigned)v);
	return buf;
}

char *
config_dump(const struct options *o)
{
	struct strbuf b = STRBUF_INIT;
	size_t i;
	char buf[32], qb1[16], qb2[16];
	int num;

	dump_str(&b, "host", o->host_arg);
	dump_str(&b, "user", o->user);
	dump_str(&b, "hostname", o->hostname);
	dump_int(&b, "port", o->port);
	dump_state(&b, "addressfamily", kw_address_family, o->address_family);
	dump_flag(&b, "batchmode", o->batch_mode);
	dump_flag(
	    &b, "canonicalizefallbacklocal", o->canonicalize_fallback_local);
	dump_state(&b, "canonicalizehostname", kw_canonicalize,
	    o->canonicalize_hostname);
	dump_flag(&b, "checkhostip", o->check_host_ip);
	dump_flag(&b, "compression", o->compression);
	dump_state(&b, "controlmaster", kw_control_master, o->control_master);
	dump_flag(&b, "enablesshkeysign", o->enable_ssh_keysign);
	dump_flag(&b, "clearallforwardings", o->clear_forwardings);
	dump_flag(&b, "exitonforwardfailure", o->exit_on_forward_failure);
	dump_state(&b, "fingerprinthash", kw_fingerprint, o->fingerprint_hash);
	dump_flag(&b, "forwardx11", o->forward_x11);
	dump_flag(&b, "forwardx11trusted", o->forward_x11_trusted);
	dump_flag(&b, "gatewayports", o->gateway_ports);
	dump_flag(&b, "gssapiauthentication", o->gss_authentication);
	dump_flag(&b, "gssapikeyexchange", o->gss_keyex);
	dump_flag(&b, "gssapidelegatecredentials", o->gss_deleg_creds);
	dump_flag(&b, "gssapitrustdns", o->gss_trust_dns);
	dump_flag(&b, "gssapirenewalforcesrekey", o->gss_renewal_rekey);
	dump_str(&b, "gssapiclientidentity", o->gss_client_identity);
	dump_str(&b, "gssapiserveridentity", o->gss_server_identity);
	dump_str(&b, "gssapikexalgorithms", o->gss_kex_algorithms);
	dump_flag(&b, "hashknownhosts", o->hash_known_hosts);
	dump_flag(&b, "hostbasedauthentication", o->hostbased_authentication);
	dump_flag(&b, "identitiesonly", o->identities_only);
	dump_flag(&b, "kbdinteractiveauthentication",
	    o->kbd_interactive_authentication);
	dump_flag(&b, "nohostauthenticationforlocalhost",
	    o->no_host_authentication_for_localhost);
	dump_flag(&b, "passwordauthentication", o->password_authentication);
	dump_flag(&b, "permitlocalcommand", o->permit_local_command);
	dump_flag(&b, "proxyusefdpass", o->proxy_use_fdpass);
	dump_state(&b, "pubkeyauthentication", kw_pubkey_auth,
	    o->pubkey_authentication);
	dump_state(&b, "requesttty", kw_request_tty, o->request_tty);
	dump_state(&b, "sessiontype", kw_session_type, o->session_type);
	dump_flag(&b, "stdinnull", o->stdin_null);
	dump_flag(&b, "forkafterauthentication", o->fork_after_authentication);
	dump_flag(&b, "streamlocalbindunlink", o->stream_local_bind_unlink);
	dump_state(&b, "stricthostkeychecking", kw_strict_hostkey,
	    o->strict_host_key_checking);
	dump_flag(&b, "tcpkeepalive", o->tcp_keep_alive);
	dump_state(&b, "tunnel", kw_tunnel, o->tun_open);
	dump_state(&b, "verifyhostkeydns", kw_yesnoask, o->verify_host_key_dns);
	dump_flag(&b, "visualhostkey", o->visual_host_key);
	dump_state(&b, "updatehostkeys", kw_yesnoask, o->update_hostkeys);
	dump_flag(&b, "enableescapecommandline", o->enable_escape_commandline);

	dump_int(&b, "canonicalizemaxdots", o->canonicalize_max_dots);
	dump_int(&b, "connectionattempts", o->connection_attempts);
	dump_int(&b, "forwardx11timeout", o->forward_x11_timeout);
	dump_int(&b, "numberofpasswordprompts", o->number_of_password_prompts);
	dump_int(&b, "serveralivecountmax", o->server_alive_count_max);
	dump_int(&b, "serveraliveinterval", o->server_alive_interval);
	dump_int(&b, "requiredrsasize", o->required_rsa_size);

	dump_str(&b, "bindaddress", o->bind_address);
	dump_str(&b, "bindinterface", o->bind_interface);
	dump_str(&b, "ciphers", o->ciphers);
	dump_str(&b, "controlpath", o->control_path);
	dump_str(&b, "hostkeyalgorithms", o->host_key_algorithms);
	dump_str(&b, "hostkeyalias", o->host_key_alias);
	dump_str(
	    &b, "hostbasedacceptedalgorithms", o->hostbased_accepted_algos);
	dump_str(&b, "identityagent", o->identity_agent);
	dump_str(&b, "ignoreunknown", o->ignored_unknown);
	dump_str(&b, "kbdinteractivedevices", o->kbd_interactive_devices);
	dump_str(&b, "kexalgorithms", o->kex_algorithms);
	dump_str(&b, "casignaturealgorithms", o->ca_sign_algorithms);
	dump_str(&b, "localcommand", o->local_command);
	dump_str(&b, "remotecommand", o->remote_command);
	dump_str(
	    &b, "loglevel", keywords_state_name(kw_log_level, o->log_level));
	dump_str(&b, "macs", o->macs);
	dump_str(&b, "pkcs11provider", o->pkcs11_provider);
	dump_str(&b, "securitykeyprovider", o->sk_provider);
	dump_str(&b, "preferredauthentications", o->preferred_authentications);
	dump_str(&b, "pubkeyacceptedalgorithms", o->pubkey_accepted_algos);
	dump_str(&b, "revokedhostkeys", o->revoked_host_keys);
	dump_str(&b, "xauthlocation", o->xauth_location);
	dump_str(&b, "knownhostscommand", o->known_hosts_command);

	dump_forwards(
	    &b, "dynamicforward", 0, o->local_forwards, o->num_local_forwards);
	dump_forwards(
	    &b, "localforward", 1, o->local_forwards, o->num_local_forwards);
	dump_forwards(
	    &b, "remoteforward", 2, o->remote_forwards, o->num_remote_forwards);

	for (i = 0; i < o->num_identity_files; i++)
		dump_str(&b, "identityfile", o->identity_files[i].path);
	dump_oneline(&b, "canonicaldomains", &o->canonical_domains);
	for (i = 0; i < o->num_certificate_files; i++)
		dump_str(&b, "certificatefile", o->certificate_files[i].path);
	dump_oneline(&b, "globalknownhostsfile", &o->system_hostfiles);
	dump_oneline(&b, "userknownhostsfile", &o->user_hostfiles);
	for (i = 0; i < o->send_env.n; i++)
		dump_str(&b, "sendenv", o->send_env.v[i]);
	for (i = 0; i < o->set_env.n; i++)
		dump_str(&b, "setenv", o->set_env.v[i]);
	dump_oneline(&b, "logverbose", &o->log_verbose);

	if (o->permitted_remote_opens.n == 0)
		strbuf_add(&b, "permitremoteopen any\n");
	else
		dump_oneline(
		    &b, "permitremoteopen", &o->permitted_remote_opens);

	if (o->add_keys_to_agent_lifespan <= 0)
		dump_state(&b, "addkeystoagent", kw_yesnoaskconfirm,
		    o->add_keys_to_agent);
	else
		strbuf_addf(&b, "addkeystoagent%s %d\n",
		    o->add_keys_to_agent == 3 ? " confirm" : "",
		    o->add_keys_to_agent_lifespan);

	if (o->forward_agent_sock_path == NULL)
		dump_flag(&b, "forwardagent", o->forward_agent);
	else
		dump_str(&b, "forwardagent", o->forward_agent_sock_path);

	if (o->connection_timeout == -1)
		strbuf_add(&b, "connecttimeout none\n");
	else
		dump_int(&b, "connecttimeout", o->connection_timeout);

	strbuf_add(&b, "tunneldevice");
	if (o->tun_local == KW_TUNID_ANY)
		strbuf_add(&b, " any");
	else
		strbuf_addf(&b, " %d", o->tun_local);
	if (o->tun_remote == KW_TUNID_ANY)
		strbuf_add(&b, ":any");
	else
		strbuf_addf(&b, ":%d", o->tun_remote);
	strbuf_add(&b, "\n");

	strbuf_add(&b, "canonicalizePermittedcnames");
	if (o->permitted_cnames.n == 0)
		strbuf_add(&b, " none");
	for (i = 0; i < o->permitted_cnames.n; i++)
		strbuf_addf(&b, " %s", o->permitted_cnames.v[i]);
	strbuf_add(&b, "\n");

	if (o->control_persist == 0 || o->control_persist_timeout == 0)
		dump_flag(&b, "controlpersist", o->control_persist);
	else
		dump_int(&b, "controlpersist", o->control_persist_timeout);

	if (o->escape_char == KW_ESCAPE_NONE)
		strbuf_add(&b, "escapechar none\n");
	else {
		dump_vis(buf, o->escape_char);
		strbuf_addf(&b, "escapechar %s\n", buf);
	}

	strbuf_addf(&b, "ipqos %s ",
	    dump_ipqos(o->ip_qos_interactive, qb1, sizeof(qb1)));
	strbuf_addf(&b, "%s\n", dump_ipqos(o->ip_qos_bulk, qb2, sizeof(qb2)));

	strbuf_addf(&b, "rekeylimit %llu %d\n",
	    (unsigned long long)o->rekey_limit, o->rekey_interval);
	strbuf_addf(&b, "streamlocalbindmask 0%o\n",
	    (unsigned)o->stream_local_bind_mask);
	strbuf_addf(&b, "syslogfacility %s\n",
	    keywords_state_name(kw_log_facility, o->log_facility));

	if (o->jump_host == NULL)
		dump_str(&b, "proxycommand", o->proxy_command);
	else {
		num = strchr(o->jump_host, ':') != NULL ||
		    strspn(o->jump_host, "1234567890.") == strlen(o->jump_host);
		snprintf(buf, sizeof(buf), "%d", o->jump_port);
		strbuf_addf(&b, "proxyjump %s%s%s%s%s%s%s%s%s\n",
		    o->jump_extra == NULL ? "" : o->jump_extra,
		    o->jump_extra == NULL ? "" : ",",
		    o->jump_user == NULL ? "" : o->jump_user,
		    o->jump_user == NULL ? "" : "@", num ? "[" : "",
		    o->jump_host, num ? "]" : "", o->jump_port <= 0 ? "" : ":",
		    o->jump_port <= 0 ? "" : buf);
	}
	return strbuf_finish(&b);
}
