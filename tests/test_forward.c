/*
 * Unit tests for parser/forward.c and parser/jump.c.
 */
#include "autoconf.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parser/forward.h"
#include "parser/jump.h"

START_TEST(test_forward_parse_local_forms)
{
	struct fwd f;

	ck_assert_int_eq(forward_parse("8080:localhost:80", FWD_LOCAL, &f), 3);
	ck_assert_ptr_null(f.listen_host);
	ck_assert_int_eq(f.listen_port, 8080);
	ck_assert_str_eq(f.connect_host, "localhost");
	ck_assert_int_eq(f.connect_port, 80);
	forward_free(&f);
	ck_assert_int_eq(
	    forward_parse("[::1]:8080:[2001:db8::1]:80", FWD_LOCAL, &f), 4);
	ck_assert_str_eq(f.listen_host, "::1");
	ck_assert_str_eq(f.connect_host, "2001:db8::1");
	forward_free(&f);
	ck_assert_int_eq(forward_parse("8080:h\\:x:80", FWD_LOCAL, &f), 3);
	ck_assert_str_eq(f.connect_host, "h:x");
	forward_free(&f);
	ck_assert_int_eq(
	    forward_parse("/tmp/l.sock:/tmp/r.sock", FWD_LOCAL, &f), 2);
	ck_assert_int_eq(f.listen_port, FORWARD_PORT_STREAMLOCAL);
	ck_assert_str_eq(f.connect_path, "/tmp/r.sock");
	forward_free(&f);
}
END_TEST

START_TEST(test_forward_parse_rejects_bad_specs)
{
	struct fwd f;

	ck_assert_int_eq(forward_parse("8080", FWD_LOCAL, &f), 0);
	ck_assert_int_eq(forward_parse("0:h:80", FWD_LOCAL, &f), 0);
	ck_assert_int_eq(forward_parse("::1:8080", FWD_DYNAMIC, &f), 0);
	ck_assert_int_eq(forward_parse("1:2:3:4:5", FWD_LOCAL, &f), 0);
	ck_assert_int_eq(forward_parse("8080:h:0", FWD_LOCAL, &f), 0);
}
END_TEST

START_TEST(test_forward_parse_remote_port_zero_and_dynamic)
{
	struct fwd f;

	ck_assert_int_eq(forward_parse("0:localhost:80", FWD_REMOTE, &f), 3);
	ck_assert_int_eq(f.listen_port, 0);
	forward_free(&f);
	ck_assert_int_eq(forward_parse("8080", FWD_REMOTE_DYNAMIC, &f), 1);
	ck_assert_int_eq(f.kind, FWD_REMOTE_DYNAMIC);
	ck_assert_str_eq(f.connect_host, "socks");
	forward_free(&f);
	ck_assert_int_eq(forward_parse("127.0.0.1:1081", FWD_DYNAMIC, &f), 2);
	ck_assert_str_eq(f.listen_host, "127.0.0.1");
	forward_free(&f);
}
END_TEST

START_TEST(test_forward_parse_env_unset_reports_message)
{
	struct fwd f;
	char err[128];

	unsetenv("SSHFWD_T_NOPE");
	ck_assert_int_eq(forward_parse_err("${SSHFWD_T_NOPE}:h:80", FWD_LOCAL,
	                     &f, err, sizeof(err)),
	    0);
	ck_assert_str_eq(err, "env var ${SSHFWD_T_NOPE} has no value");
}
END_TEST

START_TEST(test_forward_spec_reads_back_the_same_forward)
{
	/* What -O forward sends the master: each spec, once parsed, written
	 * with forward_spec and parsed again (as control.c does: -R is a
	 * remote forward, else a remote dynamic one) is the same forward. */
	static const struct {
		const char *spec;
		enum fwd_kind kind;
	} c[] = {
		{ "8080:localhost:80", FWD_LOCAL },
		{ "127.0.0.1:8080:localhost:80", FWD_LOCAL },
		{ ":8080:localhost:80", FWD_LOCAL },
		{ "*:8080:localhost:80", FWD_LOCAL },
		{ "[::1]:8080:[2001:db8::1]:80", FWD_LOCAL },
		{ "8080:h\\:x\\\\y\\ z:80", FWD_LOCAL },
		{ "/tmp/l.sock:/tmp/r.sock", FWD_LOCAL },
		{ "/tmp/a\\:b.sock:h:22", FWD_LOCAL },
		{ "8080:/run/x.sock", FWD_LOCAL },
		{ "[::1]:8080:/run/[x].sock", FWD_LOCAL },
		{ "1080", FWD_DYNAMIC },
		{ "[::]:1080", FWD_DYNAMIC },
		{ "0:localhost:80", FWD_REMOTE },
		{ "*:7000:10.0.0.1:22", FWD_REMOTE },
		{ "/tmp/r.sock:localhost:80", FWD_REMOTE },
		{ "7102", FWD_REMOTE_DYNAMIC },
		{ "127.0.0.1:7102", FWD_REMOTE_DYNAMIC },
	};
	struct fwd f, g;
	char *spec;
	size_t i;
	int n;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		ck_assert_msg(forward_parse(c[i].spec, c[i].kind, &f) > 0,
		    "parse %s", c[i].spec);
		ck_assert_int_eq(forward_spec(&f, &spec), 0);
		n = forward_parse(spec,
		    c[i].kind == FWD_REMOTE_DYNAMIC ? FWD_REMOTE : c[i].kind,
		    &g);
		if (n <= 0 && c[i].kind == FWD_REMOTE_DYNAMIC)
			n = forward_parse(spec, FWD_REMOTE_DYNAMIC, &g);
		ck_assert_msg(
		    n > 0, "%s: '%s' does not parse", c[i].spec, spec);
		ck_assert_msg(forward_equals(&f, &g) && f.kind == g.kind,
		    "%s: '%s' reads back as another forward", c[i].spec, spec);
		free(spec);
		forward_free(&f);
		forward_free(&g);
	}
	/* Plain forms stay as typed. */
	ck_assert_int_gt(forward_parse("8080:localhost:80", FWD_LOCAL, &f), 0);
	ck_assert_int_eq(forward_spec(&f, &spec), 0);
	ck_assert_str_eq(spec, "8080:localhost:80");
	free(spec);
	forward_free(&f);
	/* A value forward_parse would expand again cannot be sent. */
	ck_assert_int_gt(forward_parse("8080:localhost:80", FWD_LOCAL, &f), 0);
	free(f.connect_host);
	f.connect_host = strdup("a${HOME}b");
	ck_assert_int_eq(forward_spec(&f, &spec), -1);
	ck_assert_ptr_null(spec);
	free(f.connect_host);
	f.connect_host = strdup("a\nb");
	ck_assert_int_eq(forward_spec(&f, &spec), -1);
	forward_free(&f);
}
END_TEST

START_TEST(test_jump_parse_last_hop_and_extra)
{
	struct jump_spec j;
	char err[128];

	ck_assert_int_eq(
	    jump_parse("u1@gw1:2200,u2@gw2", 0, &j, err, sizeof(err)), 0);
	ck_assert_str_eq(j.user, "u2");
	ck_assert_str_eq(j.host, "gw2");
	ck_assert_int_eq(j.port, -1);
	ck_assert_str_eq(j.extra, "u1@gw1:2200");
	jump_spec_free(&j);
	ck_assert_int_eq(jump_parse("gw extra", 0, &j, err, sizeof(err)), 0);
	ck_assert_str_eq(j.host, "gw");
	jump_spec_free(&j);
	ck_assert_int_eq(jump_parse("a,,b", 0, &j, err, sizeof(err)), -1);
	ck_assert_int_eq(
	    jump_parse("ssh://[::1]", 0, &j, err, sizeof(err)), -1);
	ck_assert_int_eq(jump_parse("[::1]:22", 0, &j, err, sizeof(err)), 0);
	ck_assert_str_eq(j.host, "::1");
	jump_spec_free(&j);
	ck_assert_int_eq(jump_parse("g$w", 1, &j, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "parse_jump: invalid hostname \"g$w\"");
}
END_TEST

START_TEST(test_jump_split_hops_in_order)
{
	struct jump_hop *h;
	size_t n;

	ck_assert_int_eq(jump_split("a,ssh://u@b:2,c@d:3", &h, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(h[0].host, "a");
	ck_assert_str_eq(h[1].user, "u");
	ck_assert_int_eq(h[1].port, 2);
	ck_assert_str_eq(h[2].host, "d");
	jump_hops_free(h, n);
	ck_assert_int_eq(jump_split("none", &h, &n), 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

static Suite *
forward_suite(void)
{
	Suite *s = suite_create("forward");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_forward_parse_local_forms);
	tcase_add_test(tc, test_forward_parse_rejects_bad_specs);
	tcase_add_test(tc, test_forward_parse_remote_port_zero_and_dynamic);
	tcase_add_test(tc, test_forward_parse_env_unset_reports_message);
	tcase_add_test(tc, test_forward_spec_reads_back_the_same_forward);
	tcase_add_test(tc, test_jump_parse_last_hop_and_extra);
	tcase_add_test(tc, test_jump_split_hops_in_order);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(forward_suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
