/*
 * Unit tests for parser/diag.c: collecting and formatting diagnostics.
 */
#include "autoconf.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parser/diag.h"

START_TEST(test_diag_add_collects_in_order)
{
	struct diag_list dl;

	diag_list_init(&dl);
	ck_assert_int_eq(diag_add(&dl, "a.conf", 3, 1, DIAG_ERROR, "bad-port",
	    "Bad port '%s'.", "x"), 0);
	ck_assert_int_eq(diag_add(&dl, "a.conf", 7, 5, DIAG_WARNING, "dead",
	    "never applies"), 0);
	ck_assert_uint_eq(dl.n, 2);
	ck_assert_uint_eq(diag_count_errors(&dl), 1);
	ck_assert_str_eq(dl.v[0].message, "Bad port 'x'.");
	ck_assert_int_eq(dl.v[1].line, 7);
	diag_list_free(&dl);
	ck_assert_uint_eq(dl.n, 0);
}
END_TEST

START_TEST(test_diag_format_ssh_styles)
{
	struct diag_list dl;
	char buf[256];

	diag_list_init(&dl);
	diag_add(&dl, "c.conf", 1, 1, DIAG_ERROR, "bad-port", "Bad port 'abc'.");
	diag_format_ssh(&dl.v[0], buf, sizeof(buf));
	ck_assert_str_eq(buf, "c.conf line 1: Bad port 'abc'.");
	dl.v[0].style = DIAG_STYLE_COLON;
	diag_format_ssh(&dl.v[0], buf, sizeof(buf));
	ck_assert_str_eq(buf, "c.conf: line 1: Bad port 'abc'.");
	dl.v[0].style = DIAG_STYLE_BARE;
	diag_format_ssh(&dl.v[0], buf, sizeof(buf));
	ck_assert_str_eq(buf, "Bad port 'abc'.");
	diag_list_free(&dl);
}
END_TEST

START_TEST(test_diag_format_gcc)
{
	struct diag_list dl;
	char buf[256];

	diag_list_init(&dl);
	diag_add(&dl, "c.conf", 4, 9, DIAG_WARNING, "dead-directive",
	    "User is never used");
	ck_assert_int_eq(diag_set_hint(diag_last(&dl), "move it %s", "up"), 0);
	diag_format_gcc(&dl.v[0], buf, sizeof(buf));
	ck_assert_str_eq(buf,
	    "c.conf:4:9: warning: User is never used [dead-directive]");
	ck_assert_str_eq(dl.v[0].hint, "move it up");
	diag_list_free(&dl);
}
END_TEST

START_TEST(test_diag_fmt_formats_into_new_string)
{
	char *s;

	s = diag_fmt("%s line %d: %s", "command-line", 0, "Bad port");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "command-line line 0: Bad port");
	free(s);
	s = diag_fmt("%s", "");
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

START_TEST(test_diag_format_ssh_debug_prefix)
{
	struct diag_list dl;
	char buf[256];

	diag_list_init(&dl);
	diag_add(&dl, "c.conf", 3, 0, DIAG_DEBUG1, "debug",
	    "Applying options for %s", "web*");
	diag_add(&dl, "", 0, 0, DIAG_DEBUG3, "debug", "kex names ok: [x]");
	diag_format_ssh(&dl.v[0], buf, sizeof(buf));
	ck_assert_str_eq(buf, "debug1: c.conf line 3: Applying options for web*");
	dl.v[1].style = DIAG_STYLE_BARE;
	diag_format_ssh(&dl.v[1], buf, sizeof(buf));
	ck_assert_str_eq(buf, "debug3: kex names ok: [x]");
	ck_assert_str_eq(diag_severity_name(DIAG_DEBUG2), "debug2");
	ck_assert_uint_eq(diag_count_errors(&dl), 0);
	diag_list_free(&dl);
}
END_TEST

static Suite *
diag_suite(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_diag_add_collects_in_order);
	tcase_add_test(tc, test_diag_format_ssh_styles);
	tcase_add_test(tc, test_diag_format_gcc);
	tcase_add_test(tc, test_diag_fmt_formats_into_new_string);
	tcase_add_test(tc, test_diag_format_ssh_debug_prefix);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(diag_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
