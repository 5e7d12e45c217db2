/*
 * khcommand: run KnownHostsCommand and collect what it prints (see
 * khcommand.h for what ssh does and where sshfwd bounds it).
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "launcher/khcommand.h"
#include "launcher/log.h"
#include "launcher/loop.h"
#include "parser/expand.h"
#include "parser/lexer.h"
#include "parser/options.h"
#include "parser/strbuf.h"

/* ssh's argv_assemble(): the words as one printable command line. */
static char *
khcommand_assemble(int argc, char **argv)
{
	struct strbuf b = STRBUF_INIT;
	const char *p;
	int i, ws;

	for (i = 0; i < argc; i++) {
		ws = strpbrk(argv[i], " \t") != NULL;
		strbuf_add(&b, i != 0 ? " " : "");
		strbuf_add(&b, ws ? "\"" : "");
		for (p = argv[i]; *p != '\0'; p++) {
			if (*p == '\\' || *p == '\'' || *p == '"')
				strbuf_add(&b, "\\");
			strbuf_addn(&b, p, 1);
		}
		strbuf_add(&b, ws ? "\"" : "");
	}
	return strbuf_finish(&b);
}

/*
 * %-tokens and ${} in every word but the first: xv (argc + 1 zeroed
 * pointers) gets argv[0] itself and a malloc'd expansion of each other
 * word. 0, -1 (logged), -2.
 */
static int
khcommand_expand(const struct options *o, const char *invocation,
    const char *name, const struct khcommand_key *k, int argc, char **argv,
    char **xv)
{
	struct expand_token toks[EXPAND_MAX_KEYS];
	struct expand_conn ci;
	struct passwd *pw = getpwuid(getuid());
	char host[256], err[256], *keytext = NULL, *x;
	size_t n;
	int i, missing, r = -2;

	if (gethostname(host, sizeof(host)) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	if (expand_conn_init(&ci, host, o->hostname, o->port > 0 ? o->port : 22,
	        o->user, o->host_arg,
	        o->host_key_alias != NULL ? o->host_key_alias : o->host_arg,
	        pw != NULL ? pw->pw_dir : "", pw != NULL ? pw->pw_name : "",
	        (long)getuid()) != 0)
		return -2;
	/* "ORDER" runs before the key exchange: no key yet. */
	if (k != NULL && k->cert_b64 == NULL &&
	    ssh_pki_export_pubkey_base64(k->key, &keytext) != SSH_OK)
		goto out;
	n = expand_conn_tokens(&ci, toks);
	toks[n].key = 'H';
	toks[n++].value = name;
	toks[n].key = 'I';
	toks[n++].value = invocation;
	toks[n].key = 't';
	toks[n++].value = k == NULL ? "NONE"
	    : k->cert_name != NULL  ? k->cert_name
	                           : ssh_key_type_to_char(ssh_key_type(k->key));
	toks[n].key = 'f';
	toks[n++].value = k != NULL && k->fp != NULL ? k->fp : "NONE";
	toks[n].key = 'K';
	toks[n++].value = k != NULL && k->cert_b64 != NULL ? k->cert_b64
	    : keytext != NULL                              ? keytext
	                                                   : "NONE";
	xv[0] = argv[0];
	for (i = 1; i < argc; i++) {
		r = expand_string(
		    argv[i], 1, 1, toks, n, &x, err, sizeof(err), &missing);
		if (r == -2)
			goto out;
		if (r != 0) {
			log_msg(LOG_ERROR, "vdollar_percent_expand: %s", err);
			log_msg(LOG_ERROR, "percent_dollar_expand: failed");
			goto out;
		}
		xv[i] = x;
	}
	r = 0;
out:
	ssh_string_free_char(keytext);
	expand_conn_free(&ci);
	return r;
}

/*
 * Read the child's output from fd until EOF, the deadline or the size
 * bound. 0 at EOF, -1 timed out, -3 too much, -2 out of memory.
 */
static int
khcommand_read(int fd, struct strbuf *b, uint64_t deadline)
{
	char buf[16384];
	struct pollfd p;
	ssize_t got;
	uint64_t now;

	for (;;) {
		now = loop_now_ms();
		if (now >= deadline)
			return -1;
		p.fd = fd;
		p.events = POLLIN;
		p.revents = 0;
		if (poll(&p, 1, (int)(deadline - now)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (p.revents == 0)
			continue;
		got = read(fd, buf, sizeof(buf));
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0)
			return 0;
		if (b->len + (size_t)got > KHCOMMAND_OUTPUT_MAX)
			return -3;
		strbuf_addn(b, buf, (size_t)got);
		if (b->oom)
			return -2;
	}
}

int
khcommand_run(const struct options *o, const char *invocation, const char *name,
    const struct khcommand_key *k, char **out, size_t *len)
{
	struct strbuf b = STRBUF_INIT;
	char tag[64], **av = NULL, **xv = NULL, *cmd = NULL;
	struct stat st;
	sigset_t none;
	int ac = 0, p[2] = { -1, -1 }, devnull, rc, status = 0, r = -2, i;
	uint64_t deadline;
	pid_t pid = -1, w = 0;

	*out = NULL;
	*len = 0;
	snprintf(tag, sizeof(tag), "KnownHostsCommand-%s", invocation);
	rc = lexer_argv_split_cmd(o->known_hosts_command, &ac, &av);
	if (rc == -2)
		return -2;
	if (rc != 0) {
		log_msg(LOG_ERROR, "%s \"%s\" contains invalid quotes", tag,
		    o->known_hosts_command);
		return 0;
	}
	if (ac == 0) {
		log_msg(LOG_ERROR, "%s \"%s\" yielded no arguments", tag,
		    o->known_hosts_command);
		r = 0;
		goto out;
	}
	if ((xv = calloc((size_t)ac + 1, sizeof(*xv))) == NULL)
		goto out;
	rc = khcommand_expand(o, invocation, name, k, ac, av, xv);
	if (rc != 0) {
		r = rc == -2 ? -2 : -1;
		goto out;
	}
	if ((cmd = khcommand_assemble(ac, xv)) == NULL)
		goto out;
	if (av[0][0] != '/') {
		log_msg(LOG_ERROR, "%s path is not absolute", tag);
		log_hint("give KnownHostsCommand the program's full path (ssh "
		         "runs it without a shell or PATH search)");
		r = 0;
		goto out;
	}
	if (stat(av[0], &st) != 0) {
		log_msg(LOG_ERROR, "Could not stat %s \"%s\": %s", tag, av[0],
		    strerror(errno));
		r = 0;
		goto out;
	}
	log_msg(LOG_DEBUG3, "%s command \"%s\"", tag, cmd);
	if (pipe2(p, O_CLOEXEC) != 0) {
		log_msg(LOG_ERROR, "%s: pipe: %s", tag, strerror(errno));
		r = -1;
		goto out;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		log_msg(LOG_ERROR, "%s: fork: %s", tag, strerror(errno));
		r = -1;
		goto out;
	}
	if (pid == 0) {
		/* stdin from /dev/null, stdout to us, stderr left alone;
		 * every other descriptor is close-on-exec or closed here. */
		devnull = open("/dev/null", O_RDONLY);
		if (devnull < 0 || dup2(devnull, STDIN_FILENO) < 0 ||
		    dup2(p[1], STDOUT_FILENO) < 0)
			_exit(1);
		closefrom(STDERR_FILENO + 1);
		/* The engine blocks the signals it reads from a signalfd and
		 * ignores SIGPIPE; the program gets the defaults, as ssh's. */
		sigemptyset(&none);
		(void)sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		execv(xv[0], xv);
		fprintf(
		    stderr, "%s execv \"%s\": %s\n", tag, cmd, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	p[1] = -1;
	deadline = loop_now_ms() + KHCOMMAND_TIMEOUT_MS;
	rc = khcommand_read(p[0], &b, deadline);
	close(p[0]);
	p[0] = -1;
	/* Output ended: the exit is awaited until the same deadline. */
	while (rc == 0 && (w = waitpid(pid, &status, WNOHANG)) == 0) {
		if (loop_now_ms() >= deadline)
			rc = -1;
		else
			(void)poll(NULL, 0, 10);
	}
	if (rc == 0 && w < 0) {
		log_msg(LOG_ERROR, "%s waitpid: %s", tag, strerror(errno));
		r = -1;
		goto out;
	}
	if (rc != 0) {
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, &status, 0);
		if (rc == -2)
			goto out;
		if (rc == -1)
			log_msg(LOG_ERROR,
			    "%s %s had not finished after %d s; killed it", tag,
			    cmd, KHCOMMAND_TIMEOUT_MS / 1000);
		else
			log_msg(LOG_ERROR,
			    "%s %s printed more than %u bytes; killed it", tag,
			    cmd, KHCOMMAND_OUTPUT_MAX);
		log_hint("KnownHostsCommand should print a few known_hosts "
		         "lines and exit");
		r = -1;
		goto out;
	}
	if (WIFSIGNALED(status)) {
		log_msg(LOG_ERROR, "%s %s exited on signal %d", tag, cmd,
		    WTERMSIG(status));
		r = -1;
		goto out;
	}
	if (WEXITSTATUS(status) != 0) {
		log_msg(LOG_INFO, "%s %s failed, status %d", tag, cmd,
		    WEXITSTATUS(status));
		r = -1;
		goto out;
	}
	*len = b.len;
	if ((*out = strbuf_finish(&b)) == NULL) {
		*len = 0;
		goto out;
	}
	log_msg(LOG_DEBUG3, "%s printed %zu bytes", tag, *len);
	r = 0;
out:
	/* ssh's fatal() after a failed run. */
	if (r == -1)
		log_msg(LOG_ERROR, "KnownHostsCommand failed");
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	strbuf_free(&b);
	free(cmd);
	for (i = 1; xv != NULL && i < ac; i++)
		free(xv[i]);
	free(xv);
	lexer_argv_free(av, ac);
	return r;
}
