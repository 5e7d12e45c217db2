/*
 * Unit tests for parser/hosts.c: the Host aliases of a config tree, with
 * Include anchored as ssh anchors it.
 */
#include "autoconf.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parser/hosts.h"

static char tmpdir[256];

/* Write a file below tmpdir (parent directories must exist). */
static void
put(const char *rel, mode_t mode, const char *fmt, ...)
{
	char path[512];
	va_list ap;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void
mkd(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	ck_assert_int_eq(mkdir(path, 0700), 0);
}

static char *
tpath(const char *rel)
{
	static char bufs[4][512];
	static int k;
	char *b = bufs[k++ % 4];

	snprintf(b, sizeof(bufs[0]), "%s/%s", tmpdir, rel);
	return b;
}

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_hosts.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	mkd("home");
	mkd("home/.ssh");
	mkd("etc");
}

static void
teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* The aliases joined with spaces, for one comparison per test. */
static char *
joined(const struct hosts_names *n)
{
	static char buf[4096];
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < n->n; i++) {
		if (i > 0)
			strncat(buf, " ", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, n->v[i], sizeof(buf) - strlen(buf) - 1);
	}
	return buf;
}

static void
req_init(struct hosts_request *rq)
{
	memset(rq, 0, sizeof(*rq));
	rq->pw_dir = tpath("home");
	rq->home = tpath("home");
	rq->system_config = tpath("etc/ssh_config");
	rq->system_dir = tpath("etc");
}

START_TEST(test_hosts_plain_aliases_only)
{
	struct hosts_request rq;
	struct hosts_names n;
	struct diag_list dl;

	put("home/.ssh/config", 0600,
	    "# a comment\n"
	    "Host web db *.internal !bad ?x\n"
	    "  HostName 10.0.0.1\n"
	    "host=eq1\n"
	    "HOST = eq2 \"quoted name\" # trailing comment\n"
	    "  Host\tdb tab\\ alias\n"
	    "Match host foo\n"
	    "Host *\n"
	    "HostName notanalias\n"
	    "Host\n"
	    "\"Host\" quoted-keyword\n"
	    "Hostname=\"Host\" not-a-host-line\n");
	req_init(&rq);
	diag_list_init(&dl);
	ck_assert_int_eq(hosts_list(&rq, &n, &dl), 0);
	ck_assert_str_eq(
	    joined(&n), "web db eq1 eq2 quoted name tab alias quoted-keyword");
	ck_assert_uint_eq(n.n, 7);
	ck_assert_str_eq(n.v[4], "quoted name");
	ck_assert_str_eq(n.v[5], "tab alias");
	ck_assert_uint_eq(dl.n, 0);
	hosts_names_free(&n);
	diag_list_free(&dl);
}
END_TEST

START_TEST(test_hosts_user_then_system)
{
	struct hosts_request rq;
	struct hosts_names n;
	struct diag_list dl;

	put("home/.ssh/config", 0600, "Host u1\nHost shared\n");
	put("etc/ssh_config", 0644, "Host s1 shared\n");
	req_init(&rq);
	diag_list_init(&dl);
	ck_assert_int_eq(hosts_list(&rq, &n, &dl), 0);
	ck_assert_str_eq(joined(&n), "u1 shared s1");
	hosts_names_free(&n);

	/* a missing user config is not an error, as in ssh */
	ck_assert_int_eq(unlink(tpath("home/.ssh/config")), 0);
	ck_assert_int_eq(hosts_list(&rq, &n, &dl), 0);
	ck_assert_str_eq(joined(&n), "s1 shared");
	ck_assert_uint_eq(dl.n, 0);
	hosts_names_free(&n);
	diag_list_free(&dl);
}
END_TEST

START_TEST(test_hosts_include_anchored_in_dot_ssh)
{
	struct hosts_request rq;
	struct hosts_names n;
	struct diag_list dl;

	/* The -F file lives elsewhere, but its relative Include is read from
	 * ~/.ssh/, not from the -F file's directory (ssh's SSHCONF_USERCONF). */
	mkd("other");
	mkd("home/.ssh/conf.d");
	put("other/main", 0600,
	    "Host first\n"
	    "Include conf.d/*.conf\n"
	    "Host last\n");
	put("other/conf.d.decoy", 0600, "Host decoy\n");
	put("home/.ssh/conf.d/20-b.conf", 0600, "Host b\n");
	put("home/.ssh/conf.d/10-a.conf", 0600, "Host a\n");
	put("home/.ssh/conf.d/30-c.conf", 0600, "Host c\n");
	put("home/.ssh/conf.d/ignored.txt", 0600, "Host nope\n");
	put("etc/ssh_config", 0644, "Host system-only\n");
	req_init(&rq);
	rq.config_file = tpath("other/main");
	diag_list_init(&dl);
	ck_assert_int_eq(hosts_list(&rq, &n, &dl), 0);
	/* glob order (sorted); no system config with -F */
	ck_assert_str_eq(joined(&n), "first a b c last");
	hosts_names_free(&n);
	diag_list_free(&dl);
}
END_TEST

START_TEST(test_hosts_include_tilde_and_absolute)
{
	struct hosts_request rq;
	struct hosts_names n;
	struct diag_list dl;
	char cfg[1024];

	mkd("home/extra");
	put("home/extra/x.conf", 0600, "Host tilde\n");
	put("abs.conf", 0600, "Host absolute\n");
	snprintf(cfg, sizeof(cfg),
	    "Include ~/extra/x.conf \"%s\"\nInclude nomatch/*\n",
	    tpath("abs.conf"));
	put("home/.ssh/config", 0600, "%s", cfg);
	req_init(&rq);
	diag_list_init(&dl);
	ck_assert_int_eq(hosts_list(&rq, &n, &dl), 0);
	ck_assert_str_eq(joined(&n), "tilde absolute");
	ck_assert_uint_eq(dl.n, 0);
	hosts_names_free(&n);
	diag_list_free(&dl);
}
END_TEST

START_TEST(test_hosts_system_include_anchored_in_etc)
{
	struct hosts_request rq;
	struct hosts_names n;
	struct diag_list dl;

	mkd("etc/ssh_config.d");
	mkd("home/.ssh/ssh_config.d");
	put("etc/ssh_config.d/a.conf", 0644, "Host from-etc\n");
	put("home/.ssh/ssh_config.d/a.conf", 0600, "Host from-home\n");
	put("etc/ssh_config", 0644,
	    "Include ssh_config.d/*.conf\n"
	    "Include ~/.ssh/ssh_config.d/a.conf\n"
	    "Host after\n");
	req_init(&rq);
	diag_list_init(&dl);
	ck_assert_int_eq(hosts_list(&rq, &n, &dl), -1);
	/* relative: /etc/ssh (system_dir); a tilde is refused, as in ssh */
	ck_assert_str_eq(joined(&n), "from-etc after");
	ck_assert_uint_eq(dl.n, 1);
	ck_assert_str_eq(dl.v[0].message,
	    "bad include path "
	    "~/.ssh/ssh_config.d/a.conf.");
	ck_assert_int_eq(dl.v[0].line, 2);
	hosts_names_free(&n);
	diag_list_free(&dl);
}
END_TEST

START_TEST(test_hosts_include_in_inactive_blocks)
{
	struct hosts_request rq;
	struct hosts_names n;
	struct diag_list dl;

	put("home/.ssh/inc1", 0600, "Host in-host-block\n");
	put("home/.ssh/inc2", 0600, "Host in-match-block\n");
	put("home/.ssh/config", 0600,
	    "Host never-matches-anything\n"
	    "  Include inc1\n"
	    "Match exec false\n"
	    "  Include=inc2\n");
	req_init(&rq);
	diag_list_init(&dl);
	ck_assert_int_eq(hosts_list(&rq, &n, &dl), 0);
	ck_assert_str_eq(
	    joined(&n), "never-matches-anything in-host-block in-match-block");
	hosts_names_free(&n);
	diag_list_free(&dl);
}
END_TEST

START_TEST(test_hosts_recursive_include_bounded)
{
	struct hosts_request rq;
	struct hosts_names n;
	struct diag_list dl;

	put("home/.ssh/config", 0600, "Host loop\nInclude config\n");
	req_init(&rq);
	diag_list_init(&dl);
	ck_assert_int_eq(hosts_list(&rq, &n, &dl), -1);
	ck_assert_str_eq(joined(&n), "loop");
	ck_assert_uint_ge(dl.n, 1);
	ck_assert_str_eq(
	    dl.v[0].message, "Too many recursive configuration includes");
	hosts_names_free(&n);
	diag_list_free(&dl);
}
END_TEST

START_TEST(test_hosts_config_file_none_and_missing)
{
	struct hosts_request rq;
	struct hosts_names n;
	struct diag_list dl;

	put("home/.ssh/config", 0600, "Host user\n");
	req_init(&rq);
	rq.config_file = "none";
	diag_list_init(&dl);
	ck_assert_int_eq(hosts_list(&rq, &n, &dl), 0);
	ck_assert_uint_eq(n.n, 0);
	hosts_names_free(&n);

	rq.config_file = tpath("does-not-exist");
	ck_assert_int_eq(hosts_list(&rq, &n, &dl), -1);
	ck_assert_uint_eq(n.n, 0);
	ck_assert_uint_eq(dl.n, 1);
	ck_assert_ptr_nonnull(
	    strstr(dl.v[0].message, "Can't open user config file"));
	ck_assert_ptr_nonnull(
	    strstr(dl.v[0].message, "No such file or directory"));
	hosts_names_free(&n);
	diag_list_free(&dl);
}
END_TEST

START_TEST(test_hosts_bad_quotes_and_permissions)
{
	struct hosts_request rq;
	struct hosts_names n;
	struct diag_list dl;

	put("home/.ssh/writable", 0666, "Host from-writable\n");
	put("home/.ssh/config", 0600,
	    "Host \"unterminated\n"
	    "Include writable\n"
	    "Host ok\n");
	req_init(&rq);
	diag_list_init(&dl);
	ck_assert_int_eq(hosts_list(&rq, &n, &dl), -1);
	ck_assert_str_eq(joined(&n), "ok");
	ck_assert_uint_eq(dl.n, 2);
	ck_assert_str_eq(dl.v[0].message, "invalid quotes");
	ck_assert_int_eq(dl.v[0].line, 1);
	ck_assert_ptr_nonnull(
	    strstr(dl.v[1].message, "Bad owner or permissions on"));
	hosts_names_free(&n);
	diag_list_free(&dl);
}
END_TEST

static Suite *
hosts_suite(void)
{
	Suite *s = suite_create("hosts");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_hosts_plain_aliases_only);
	tcase_add_test(tc, test_hosts_user_then_system);
	tcase_add_test(tc, test_hosts_include_anchored_in_dot_ssh);
	tcase_add_test(tc, test_hosts_include_tilde_and_absolute);
	tcase_add_test(tc, test_hosts_system_include_anchored_in_etc);
	tcase_add_test(tc, test_hosts_include_in_inactive_blocks);
	tcase_add_test(tc, test_hosts_recursive_include_bounded);
	tcase_add_test(tc, test_hosts_config_file_none_and_missing);
	tcase_add_test(tc, test_hosts_bad_quotes_and_permissions);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(hosts_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
