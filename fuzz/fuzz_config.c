/*
 * fuzz_config: libFuzzer harness for the ssh_config resolver.
 *
 * The input bytes are the -F file's content (config_buffer, parsed from
 * memory), resolved for a fixed destination in a fixed environment with no
 * Match exec and no name resolution, then dumped as -G would; everything is
 * freed so LeakSanitizer sees any leak. The destination is picked from a
 * small table by the input length, so one file still reproduces one run.
 *
 * Run as a check program without arguments (make check in a
 * --enable-fuzzing build), LLVMFuzzerInitialize supplies a short, seeded
 * run over fuzz/corpus/ (new inputs go to a temporary directory, never into
 * the source tree). With arguments it is plain libFuzzer.
 */
#include "autoconf.h"

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parser/config.h"
#include "parser/diag.h"
#include "parser/options.h"

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const char *const fuzz_destinations[] = {
	"h1", "alias", "H1", "127.1", "u@h1", "ssh://u@h1:2222", "::1",
	"a.b.invalid",
};

/* No DNS: every lookup fails, as on a machine without a resolver. */
static int
fuzz_resolve(void *ctx, const char *name, int family, char **canonical,
    int *naddrs)
{
	(void)ctx;
	(void)name;
	(void)family;
	*canonical = NULL;
	*naddrs = 0;
	return -1;
}

static char fuzz_tmpdir[] = "/tmp/fuzz_config.XXXXXX";
static int fuzz_tmpdir_made;

static void
fuzz_cleanup(void)
{
	DIR *d;
	struct dirent *e;
	char p[4096];

	if (!fuzz_tmpdir_made || (d = opendir(fuzz_tmpdir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", fuzz_tmpdir,
		    e->d_name) < sizeof(p))
			unlink(p);
	}
	closedir(d);
	rmdir(fuzz_tmpdir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char *nargv[8];
	static char dict[4096], corpus[4096];
	int n = 0;

	if (*argc != 1)
		return 0;
	/* make check: a short deterministic run over the seed corpus. */
	if (mkdtemp(fuzz_tmpdir) == NULL)
		return 0;
	fuzz_tmpdir_made = 1;
	atexit(fuzz_cleanup);
	snprintf(dict, sizeof(dict), "-dict=%s/fuzz/config.dict", FUZZ_SRCDIR);
	snprintf(corpus, sizeof(corpus), "%s/fuzz/corpus", FUZZ_SRCDIR);
	nargv[n++] = (*argv)[0];
	nargv[n++] = "-seed=1";
	nargv[n++] = "-runs=20000";
	nargv[n++] = "-max_total_time=60";
	nargv[n++] = dict;
	nargv[n++] = fuzz_tmpdir; /* new units go here, not into srcdir */
	nargv[n++] = corpus;
	nargv[n] = NULL;
	*argc = n;
	*argv = nargv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_env env;
	struct config_request req;
	struct options o;
	struct diag_list dl;
	char *dump, buf[1024];
	size_t i;

	memset(&env, 0, sizeof(env));
	env.pw_dir = "/nonexistent/fuzz-home";
	env.env_home = "/nonexistent/fuzz-home";
	env.local_user = "fuzzer";
	env.uid = 1000;
	env.local_hostname = "fuzzhost.example";
	env.user_config = "/nonexistent/fuzz-home/.ssh/config";
	env.system_config = "/nonexistent/fuzz-ssh_config";
	env.shell = "/bin/false";
	env.resolve = fuzz_resolve;
	env.no_exec = 1;
	env.no_dns = 1;

	memset(&req, 0, sizeof(req));
	req.destination = fuzz_destinations[size %
	    (sizeof(fuzz_destinations) / sizeof(fuzz_destinations[0]))];
	req.config_file = "fuzz.conf";
	/* config_buffer must not be NULL even for an empty input. */
	req.config_buffer = size > 0 ? (const char *)data : "";
	req.config_buffer_len = size;

	diag_list_init(&dl);
	if (config_resolve(&req, &env, &o, &dl) == 0) {
		dump = config_dump(&o);
		free(dump);
	}
	for (i = 0; i < dl.n; i++)
		(void)diag_format_ssh(&dl.v[i], buf, sizeof(buf));
	options_free(&o);
	diag_list_free(&dl);
	return 0;
}
