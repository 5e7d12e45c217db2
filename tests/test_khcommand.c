/*
 * Tests for launcher/khcommand.c (its words are split by
 * lexer_argv_split_cmd, tested in test_lexer.c): real runs of small
 * programs: tokens expanded in the arguments
 * (not in the program), output collected, a failing, relative, missing or
 * too talkative command handled as documented.
 */
#include "autoconf.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "launcher/khcommand.h"
#include "launcher/log.h"
#include "parser/options.h"

struct kht {
	char dir[64];
	char script[128];
	struct options o;
	ssh_key key;
	struct khcommand_key kk; /* key, "SHA256:fp", no certificate */
};

/* A scratch dir, a generated key, options for host "h.example". */
static void
kht_setup(struct kht *t)
{
	char cmd[256], path[128];

	snprintf(t->dir, sizeof(t->dir), "/tmp/test_khcommand.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t->dir));
	snprintf(cmd, sizeof(cmd),
	    "ssh-keygen -q -t ed25519 -N '' -C kht -f %s/k </dev/null", t->dir);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/k.pub", t->dir);
	ck_assert_int_eq(ssh_pki_import_pubkey_file(path, &t->key), SSH_OK);
	memset(&t->kk, 0, sizeof(t->kk));
	t->kk.key = t->key;
	t->kk.fp = "SHA256:fp";
	options_init(&t->o);
	t->o.hostname = strdup("h.example");
	t->o.host_arg = strdup("halias");
	t->o.user = strdup("ruser");
	t->o.port = 2222;
	(void)log_init(0, 0, NULL);
}

static void
kht_teardown(struct kht *t)
{
	char cmd[128];

	options_free(&t->o);
	ssh_key_free(t->key);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", t->dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Write an executable script body to t->script. */
static void
kht_script(struct kht *t, const char *body)
{
	FILE *f;

	snprintf(t->script, sizeof(t->script), "%s/cmd.sh", t->dir);
	f = fopen(t->script, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(t->script, 0755), 0);
}

static int
kht_run(struct kht *t, const char *command, char **out)
{
	size_t len = 0;
	int r;

	free(t->o.known_hosts_command);
	t->o.known_hosts_command = strdup(command);
	r = khcommand_run(&t->o, "HOSTNAME", "[h.example]:2222", &t->kk, out,
	    &len);
	if (*out != NULL)
		ck_assert_uint_eq(len, strlen(*out));
	return r;
}

START_TEST(test_khcommand_run_expands_and_reads)
{
	struct kht t;
	char cmd[512], want[2048], *out = NULL, *b64 = NULL;

	kht_setup(&t);
	kht_script(&t, "printf '%s|' \"$@\"; echo; echo second line");
	/* %-tokens in the arguments only; %% is a percent sign. */
	snprintf(cmd, sizeof(cmd),
	    "%s %%H %%I %%t %%f %%h %%p %%r %%n %%%% %%K", t.script);
	ck_assert_int_eq(kht_run(&t, cmd, &out), 0);
	ck_assert_int_eq(ssh_pki_export_pubkey_base64(t.key, &b64), SSH_OK);
	snprintf(want, sizeof(want),
	    "[h.example]:2222|HOSTNAME|ssh-ed25519|SHA256:fp|h.example|2222|"
	    "ruser|halias|%%|%s|\nsecond line\n",
	    b64);
	ck_assert_str_eq(out, want);
	ssh_string_free_char(b64);
	free(out);
	/* A certificate: its type and blob, the plain key's fingerprint. */
	t.kk.cert_name = "ssh-ed25519-cert-v01@openssh.com";
	t.kk.cert_b64 = "AAAAIHNzaC1lZDI1NTE5LWNlcnQ=";
	snprintf(cmd, sizeof(cmd), "%s %%t %%f %%K", t.script);
	ck_assert_int_eq(kht_run(&t, cmd, &out), 0);
	ck_assert_str_eq(out,
	    "ssh-ed25519-cert-v01@openssh.com|SHA256:fp|"
	    "AAAAIHNzaC1lZDI1NTE5LWNlcnQ=|\nsecond line\n");
	free(out);
	t.kk.cert_name = t.kk.cert_b64 = NULL;
	/* Nothing printed: an empty output, not a skip. */
	kht_script(&t, "exit 0");
	ck_assert_int_eq(kht_run(&t, t.script, &out), 0);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, "");
	free(out);
	kht_teardown(&t);
}
END_TEST

START_TEST(test_khcommand_run_failures)
{
	struct kht t;
	char cmd[512], *out = NULL;

	kht_setup(&t);
	/* A non-zero status fails (ssh: fatal), even after output. */
	kht_script(&t, "echo h.example ssh-ed25519 AAAA; exit 3");
	ck_assert_int_eq(kht_run(&t, t.script, &out), -1);
	ck_assert_ptr_null(out);
	/* A signal too. */
	kht_script(&t, "kill -TERM $$");
	ck_assert_int_eq(kht_run(&t, t.script, &out), -1);
	/* Relative, missing, unbalanced quotes, no words: skipped. */
	ck_assert_int_eq(kht_run(&t, "cmd.sh %H", &out), 0);
	ck_assert_ptr_null(out);
	snprintf(cmd, sizeof(cmd), "%s/nothing-here", t.dir);
	ck_assert_int_eq(kht_run(&t, cmd, &out), 0);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(kht_run(&t, "/bin/echo 'x", &out), 0);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(kht_run(&t, "  ", &out), 0);
	ck_assert_ptr_null(out);
	/* An unknown token fails. */
	snprintf(cmd, sizeof(cmd), "%s %%Z", t.script);
	ck_assert_int_eq(kht_run(&t, cmd, &out), -1);
	/* Output past the bound: the command is killed, the run fails. */
	ck_assert_int_eq(kht_run(&t, "/usr/bin/yes known_hosts", &out), -1);
	ck_assert_ptr_null(out);
	kht_teardown(&t);
}
END_TEST

static Suite *
khcommand_suite(void)
{
	Suite *s = suite_create("khcommand");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_khcommand_run_expands_and_reads);
	tcase_add_test(tc, test_khcommand_run_failures);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(khcommand_suite());
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
