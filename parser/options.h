/*
 * options: the resolved client configuration of one host, as ssh would see it.
 *
 * This struct is the contract between the parser (which fills it), the plan
 * (which builds a chain of them, one per hop) and the launcher (which reads
 * them). Field meanings and units follow OpenSSH 9.2's readconf.h.
 *
 * Sentinels: every int field starts at OPT_UNSET (-1), every string at NULL,
 * every list empty. A config line assigns a field only if it is still unset
 * (first value wins); options_fill_defaults() then fills what is left.
 * After options_fill_defaults() no int field is OPT_UNSET unless documented.
 *
 * Provenance: origin[OPT_x] records where the value of option OPT_x came from
 * (file and line, command line, or default). List options record the origin
 * of their first contribution; each forward and identity carries its own.
 */
#ifndef SSHFWD_OPTIONS_H
#define SSHFWD_OPTIONS_H

#include <stddef.h>

#define OPT_UNSET (-1)

/* Bounds, as in OpenSSH. */
#define OPT_MAX_IDENTITY_FILES 100
#define OPT_MAX_CERTIFICATE_FILES 100
#define OPT_MAX_HOSTS_FILES 32
#define OPT_MAX_CANON_DOMAINS 32
#define OPT_MAX_PERMITTED_CNAMES 32
#define OPT_MAX_FORWARDS 4096 /* ours: bound on forwards per host */

/* One id per option (not per keyword: aliases share the id). */
enum opt_id {
	OPT_HOST = 0, /* the typed destination; not a keyword */
	OPT_ADD_KEYS_TO_AGENT,
	OPT_ADDRESS_FAMILY,
	OPT_BATCH_MODE,
	OPT_BIND_ADDRESS,
	OPT_BIND_INTERFACE,
	OPT_CANONICAL_DOMAINS,
	OPT_CANONICALIZE_FALLBACK_LOCAL,
	OPT_CANONICALIZE_HOSTNAME,
	OPT_CANONICALIZE_MAX_DOTS,
	OPT_CANONICALIZE_PERMITTED_CNAMES,
	OPT_CA_SIGNATURE_ALGORITHMS,
	OPT_CERTIFICATE_FILE,
	OPT_CHECK_HOST_IP,
	OPT_CIPHERS,
	OPT_CLEAR_ALL_FORWARDINGS,
	OPT_COMPRESSION,
	OPT_CONNECTION_ATTEMPTS,
	OPT_CONNECT_TIMEOUT,
	OPT_CONTROL_MASTER,
	OPT_CONTROL_PATH,
	OPT_CONTROL_PERSIST,
	OPT_DYNAMIC_FORWARD,
	OPT_ENABLE_ESCAPE_COMMANDLINE,
	OPT_ENABLE_SSH_KEYSIGN,
	OPT_ESCAPE_CHAR,
	OPT_EXIT_ON_FORWARD_FAILURE,
	OPT_FINGERPRINT_HASH,
	OPT_FORK_AFTER_AUTHENTICATION,
	OPT_FORWARD_AGENT,
	OPT_FORWARD_X11,
	OPT_FORWARD_X11_TIMEOUT,
	OPT_FORWARD_X11_TRUSTED,
	OPT_GATEWAY_PORTS,
	OPT_GLOBAL_KNOWN_HOSTS_FILE,
	OPT_GSSAPI_AUTHENTICATION,
	OPT_GSSAPI_CLIENT_IDENTITY,
	OPT_GSSAPI_DELEGATE_CREDENTIALS,
	OPT_GSSAPI_KEX_ALGORITHMS,
	OPT_GSSAPI_KEY_EXCHANGE,
	OPT_GSSAPI_RENEWAL_FORCES_REKEY,
	OPT_GSSAPI_SERVER_IDENTITY,
	OPT_GSSAPI_TRUST_DNS,
	OPT_HASH_KNOWN_HOSTS,
	OPT_HOSTBASED_ACCEPTED_ALGORITHMS,
	OPT_HOSTBASED_AUTHENTICATION,
	OPT_HOST_KEY_ALGORITHMS,
	OPT_HOST_KEY_ALIAS,
	OPT_HOSTNAME,
	OPT_IDENTITIES_ONLY,
	OPT_IDENTITY_AGENT,
	OPT_IDENTITY_FILE,
	OPT_IGNORE_UNKNOWN,
	OPT_IPQOS,
	OPT_KBD_INTERACTIVE_AUTHENTICATION,
	OPT_KBD_INTERACTIVE_DEVICES,
	OPT_KEX_ALGORITHMS,
	OPT_KNOWN_HOSTS_COMMAND,
	OPT_LOCAL_COMMAND,
	OPT_LOCAL_FORWARD,
	OPT_LOG_LEVEL,
	OPT_LOG_VERBOSE,
	OPT_MACS,
	OPT_NO_HOST_AUTHENTICATION_FOR_LOCALHOST,
	OPT_NUMBER_OF_PASSWORD_PROMPTS,
	OPT_PASSWORD_AUTHENTICATION,
	OPT_PERMIT_LOCAL_COMMAND,
	OPT_PERMIT_REMOTE_OPEN,
	OPT_PKCS11_PROVIDER,
	OPT_PORT,
	OPT_PREFERRED_AUTHENTICATIONS,
	OPT_PROXY_COMMAND,
	OPT_PROXY_JUMP,
	OPT_PROXY_USE_FDPASS,
	OPT_PUBKEY_ACCEPTED_ALGORITHMS,
	OPT_PUBKEY_AUTHENTICATION,
	OPT_REKEY_LIMIT,
	OPT_REMOTE_COMMAND,
	OPT_REMOTE_FORWARD,
	OPT_REQUEST_TTY,
	OPT_REQUIRED_RSA_SIZE,
	OPT_REVOKED_HOST_KEYS,
	OPT_SECURITY_KEY_PROVIDER,
	OPT_SEND_ENV,
	OPT_SERVER_ALIVE_COUNT_MAX,
	OPT_SERVER_ALIVE_INTERVAL,
	OPT_SESSION_TYPE,
	OPT_SET_ENV,
	OPT_STDIN_NULL,
	OPT_STREAM_LOCAL_BIND_MASK,
	OPT_STREAM_LOCAL_BIND_UNLINK,
	OPT_STRICT_HOST_KEY_CHECKING,
	OPT_SYSLOG_FACILITY,
	OPT_TCP_KEEP_ALIVE,
	OPT_TUNNEL,
	OPT_TUNNEL_DEVICE,
	OPT_UPDATE_HOST_KEYS,
	OPT_USER,
	OPT_USER_KNOWN_HOSTS_FILE,
	OPT_VERIFY_HOST_KEY_DNS,
	OPT_VISUAL_HOST_KEY,
	OPT_XAUTH_LOCATION,
	OPT_COUNT
};

/* Where a value came from. */
enum origin_kind {
	ORIGIN_UNSET = 0,
	ORIGIN_DEFAULT, /* filled by options_fill_defaults() */
	ORIGIN_COMMAND_LINE, /* -o, -p, -l, -i, -L, user@host, ... */
	ORIGIN_FILE, /* a config file line */
	ORIGIN_DERIVED, /* computed from other options (e.g. -J chain) */
};

struct origin {
	enum origin_kind kind;
	const char *file; /* interned in struct options' string pool; or NULL */
	int line;
	const char
	    *flag; /* for ORIGIN_COMMAND_LINE: "-p", "-o", ...; or NULL */
};

/* StrictHostKeyChecking values (ssh's SSH_STRICT_HOSTKEY_*). */
enum strict_hostkey {
	STRICT_HOSTKEY_OFF = 0,
	STRICT_HOSTKEY_NEW = 1, /* accept-new */
	STRICT_HOSTKEY_YES = 2,
	STRICT_HOSTKEY_ASK = 3,
};

enum address_family_opt { AF_OPT_ANY = 0, AF_OPT_INET = 1, AF_OPT_INET6 = 2 };

/* A forward, as parsed (before runtime defaulting of bind addresses). */
enum fwd_kind {
	FWD_LOCAL = 0, /* LocalForward / -L */
	FWD_REMOTE = 1, /* RemoteForward / -R with a target */
	FWD_DYNAMIC = 2, /* DynamicForward / -D: local SOCKS server */
	FWD_REMOTE_DYNAMIC = 3, /* RemoteForward / -R with one argument */
};

/* Unix-socket sides: path set and port -2 (ssh's PORT_STREAMLOCAL);
 * dynamic forwards keep ssh's connect_host "socks" marker. */
struct fwd {
	enum fwd_kind kind;
	char *listen_host; /* NULL = not given; "" and "*" kept as given */
	int listen_port; /* 0 allowed for remote (server allocates) */
	char *listen_path; /* Unix socket listener, or NULL */
	char *connect_host; /* NULL for Unix target; "socks" for dynamic */
	int connect_port;
	char *connect_path; /* Unix socket target, or NULL */
	struct origin origin;
};

struct ident {
	char *path; /* raw, as written (tilde/% expanded at use) */
	int userprovided; /* ssh's tag: 1 = -i, 2 = user config, 0 = system */
	struct origin origin;
};

struct strlist {
	char **v;
	size_t n;
};

struct options {
	/* The destination as typed, after removing user@ / ssh://. */
	char *host_arg;

	/* Scalars: ints are OPT_UNSET until set, strings NULL. */
	int add_keys_to_agent; /* 0 no, 1 yes, 2 ask, 3 confirm */
	int add_keys_to_agent_lifespan;
	int address_family; /* enum address_family_opt */
	int batch_mode;
	char *bind_address;
	char *bind_interface;
	int canonicalize_fallback_local;
	int canonicalize_hostname; /* 0 no, 1 yes, 2 always */
	int canonicalize_max_dots;
	int check_host_ip;
	int clear_forwardings;
	int compression;
	int connection_attempts;
	int connection_timeout; /* seconds; OPT_UNSET = none */
	int control_master; /* 0 no, 1 yes, 2 ask, 3 auto, 4 autoask */
	char *control_path; /* expanded after resolve */
	int control_persist; /* 0 no, 1 yes */
	int control_persist_timeout;
	int enable_escape_commandline;
	int enable_ssh_keysign;
	int escape_char; /* byte, or -2 for none */
	int exit_on_forward_failure;
	int fingerprint_hash; /* SSH_DIGEST_* as in ssh: 0 md5,1 sha1,2 sha256,3 sha384,4 sha512 */
	int fork_after_authentication;
	int forward_agent;
	char *forward_agent_sock_path;
	int forward_x11;
	int forward_x11_timeout;
	int forward_x11_trusted;
	int gateway_ports;
	int gss_authentication;
	char *gss_client_identity;
	int gss_deleg_creds;
	char *gss_kex_algorithms;
	int gss_keyex;
	int gss_renewal_rekey;
	char *gss_server_identity;
	int gss_trust_dns;
	int hash_known_hosts;
	int hostbased_authentication;
	char *host_key_alias;
	char *hostname; /* final, after canonicalisation */
	int identities_only;
	char *identity_agent;
	char *ignored_unknown;
	int ip_qos_interactive;
	int ip_qos_bulk;
	int kbd_interactive_authentication;
	char *kbd_interactive_devices;
	char *known_hosts_command;
	char *local_command;
	int log_level; /* SYSLOG_LEVEL_* as in ssh: QUIET 0 .. DEBUG3 7 */
	int log_facility;
	int no_host_authentication_for_localhost;
	int number_of_password_prompts;
	int password_authentication;
	int permit_local_command;
	char *pkcs11_provider;
	int port;
	char *preferred_authentications;
	char *proxy_command;
	int proxy_use_fdpass;
	int pubkey_authentication; /* 0 no, 1 unbound, 2 host-bound, 3 all */
	long long rekey_limit; /* bytes; OPT_UNSET until set */
	int rekey_interval;
	char *remote_command;
	int request_tty; /* 0 no, 1 yes, 2 force, 3 auto */
	int required_rsa_size;
	char *revoked_host_keys;
	char *sk_provider;
	int server_alive_count_max;
	int server_alive_interval;
	int session_type; /* 0 none, 1 subsystem, 2 default */
	int stdin_null;
	int stream_local_bind_mask; /* octal mode */
	int stream_local_bind_unlink;
	int strict_host_key_checking; /* enum strict_hostkey */
	int tcp_keep_alive;
	int tun_open;
	int tun_local;
	int tun_remote;
	int update_hostkeys; /* 0 no, 1 yes, 2 ask */
	char *user;
	int verify_host_key_dns;
	int visual_host_key;
	char *xauth_location;

	/* Algorithm lists: raw (with +-^ prefix) until defaults, then final. */
	char *ciphers;
	char *macs;
	char *kex_algorithms;
	char *host_key_algorithms;
	char *hostbased_accepted_algos;
	char *pubkey_accepted_algos;
	char *ca_sign_algorithms;

	/* ProxyJump, split as ssh does: the last hop plus the raw rest. */
	char *jump_user;
	char *jump_host; /* "none" marker while parsing; NULL after fill */
	int jump_port;
	char *jump_extra; /* everything before the last comma, raw */

	/* Lists. */
	struct strlist system_hostfiles;
	struct strlist user_hostfiles;
	struct strlist canonical_domains;
	struct strlist permitted_cnames; /* "src:dst" */
	struct strlist send_env;
	struct strlist set_env;
	struct strlist log_verbose;
	struct strlist permitted_remote_opens;

	struct ident *identity_files;
	size_t num_identity_files;
	struct ident *certificate_files;
	size_t num_certificate_files;

	/* LocalForward and DynamicForward share one array in line order (ssh
	 * does, and its -G dump depends on it); RemoteForward (both kinds) has
	 * its own. */
	struct fwd *local_forwards;
	size_t num_local_forwards;
	struct fwd *remote_forwards;
	size_t num_remote_forwards;

	/* Provenance of each option, indexed by enum opt_id. */
	struct origin origin[OPT_COUNT];

	/* Set by config_resolve (additions to the original contract). */
	int cmdline_log_level; /* -q/-v/-o LogLevel: what ssh logs with
				     while parsing; OPT_UNSET = INFO */
	size_t log_init_index; /* diagnostics before this index were
				     printed before ssh's log_init */
	size_t log_reinit_index; /* from this index on, ssh logged with the
				     final LogLevel */
	char *stdio_forward_host; /* -W host, or NULL */
	int stdio_forward_port;

	/* Interned file names for origins (owned). */
	char **pool;
	size_t pool_n;
};

/*
 * Fill every still-unset option with ssh's default (Debian 9.2p1
 * fill_default_options), recording ORIGIN_DEFAULT. stdio_forward: -W was
 * given (ExitOnForwardFailure and ClearAllForwardings default to yes).
 * Returns 0; -1 when an algorithm list assembles to nothing (then *failed
 * names it as ssh does, e.g. "kex_algorithms", and, like ssh, the rest of
 * the pass -- later lists, "none" clearing -- is skipped); -2 on OOM.
 */
int options_fill_defaults(
    struct options *o, int stdio_forward, const char **failed);

/* ClearAllForwardings: drop every forward and reset Tunnel to no. */
void options_clear_forwardings(struct options *o);

/* Set every field to its unset sentinel. Never fails. */
void options_init(struct options *o);

/* Free everything o owns and re-initialise it. */
void options_free(struct options *o);

/*
 * Intern a file name for use in struct origin; the string lives as long as o.
 * Returns NULL on out of memory.
 */
const char *options_intern(struct options *o, const char *s);

#endif
