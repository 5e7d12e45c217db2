/*
 * Unit tests for parser/strbuf.c: appending, formatting, the bound and its
 * sticky out-of-memory flag, JSON string escaping.
 */
#include "autoconf.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parser/strbuf.h"

START_TEST(test_strbuf_finish_empty_is_empty_string)
{
	struct strbuf b = STRBUF_INIT;
	char *s;

	s = strbuf_finish(&b);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

START_TEST(test_strbuf_add_concatenates)
{
	struct strbuf b;
	char *s;

	strbuf_init(&b);
	strbuf_add(&b, "host ");
	strbuf_addn(&b, "example.comXXX", 11);
	strbuf_addf(&b, " %d%c", 22, '\n');
	ck_assert_uint_eq(b.len, strlen("host example.com 22\n"));
	ck_assert_str_eq(b.s, "host example.com 22\n");
	s = strbuf_finish(&b);
	ck_assert_str_eq(s, "host example.com 22\n");
	ck_assert_ptr_null(b.s);
	ck_assert_uint_eq(b.len, 0);
	free(s);
}
END_TEST

START_TEST(test_strbuf_grows_over_many_appends)
{
	struct strbuf b = STRBUF_INIT;
	size_t i;
	char *s;

	for (i = 0; i < 10000; i++)
		strbuf_addf(&b, "%zu,", i % 10);
	ck_assert_int_eq(b.oom, 0);
	ck_assert_uint_eq(b.len, 20000);
	s = strbuf_finish(&b);
	for (i = 0; i < 10000; i++) {
		ck_assert_msg(s[2 * i] == (char)('0' + i % 10) &&
		        s[2 * i + 1] == ',',
		    "byte %zu wrong", 2 * i);
	}
	ck_assert_int_eq(s[20000], '\0');
	free(s);
}
END_TEST

START_TEST(test_strbuf_addf_longer_than_free_space)
{
	struct strbuf b = STRBUF_INIT;
	char big[5000];
	char *s;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_add(&b, "a");
	/* more than the first allocation holds: formatted a second time */
	strbuf_addf(&b, "<%s>", big);
	strbuf_addf(&b, "%s", "z");
	ck_assert_uint_eq(b.len, 1 + 1 + 4999 + 1 + 1);
	s = strbuf_finish(&b);
	ck_assert_int_eq(s[0], 'a');
	ck_assert_int_eq(s[1], '<');
	ck_assert_int_eq(s[2], 'x');
	ck_assert_int_eq(s[5000], 'x');
	ck_assert_str_eq(s + 5001, ">z");
	free(s);
}
END_TEST

START_TEST(test_strbuf_bound_sets_sticky_oom)
{
	struct strbuf b = STRBUF_INIT;
	char *s;

	strbuf_add(&b, "kept");
	/* never read: the bound is checked before anything is copied */
	strbuf_addn(&b, "", (size_t)STRBUF_MAX);
	ck_assert_int_eq(b.oom, 1);
	strbuf_add(&b, "more");
	strbuf_addf(&b, "%d", 1);
	strbuf_add_json(&b, "x", 0);
	ck_assert_uint_eq(b.len, 4);
	ck_assert_str_eq(b.s, "kept");
	s = strbuf_finish(&b);
	ck_assert_ptr_null(s);
	ck_assert_ptr_null(b.s);
	ck_assert_int_eq(b.oom, 0);
}
END_TEST

START_TEST(test_strbuf_free_resets)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_add(&b, "something");
	strbuf_free(&b);
	ck_assert_ptr_null(b.s);
	ck_assert_uint_eq(b.len, 0);
	strbuf_add(&b, "again");
	ck_assert_str_eq(b.s, "again");
	strbuf_free(&b);
}
END_TEST

/* One escaping case: input, expected JSON by default and with HEXBYTES. */
struct json_case {
	const char *in;
	const char *plain;
	const char *hex;
};

static const struct json_case json_cases[] = {
	{ "plain", "\"plain\"", "\"plain\"" },
	{ "q\"b\\", "\"q\\\"b\\\\\"", "\"q\\\"b\\\\\"" },
	{ "n\nr\rt\t", "\"n\\nr\\rt\\t\"", "\"n\\nr\\rt\\t\"" },
	{ "\b\f", "\"\\b\\f\"", "\"\\u0008\\u000c\"" },
	{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"",
	    "\"\\u0001\\u001f\\u007f\"" },
	/* é, €, 𝄞: valid UTF-8 passes through */
	{ "\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e",
	    "\"\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\"",
	    "\"\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\"" },
	/* a stray continuation byte and a truncated sequence */
	{ "a\x80z", "\"a\\ufffdz\"", "\"a\\u0080z\"" },
	{ "\xe2\x82", "\"\\ufffd\\ufffd\"", "\"\\u00e2\\u0082\"" },
	/* overlong '/' and a UTF-16 surrogate are not UTF-8 either */
	{ "\xc0\xaf", "\"\\ufffd\\ufffd\"", "\"\\u00c0\\u00af\"" },
	{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"",
	    "\"\\u00ed\\u00a0\\u0080\"" },
};

START_TEST(test_strbuf_add_json_table)
{
	const struct json_case *c = &json_cases[_i];
	struct strbuf b = STRBUF_INIT;
	char *s;

	strbuf_add_json(&b, c->in, 0);
	s = strbuf_finish(&b);
	ck_assert_msg(strcmp(s, c->plain) == 0, "row %d plain: got %s want %s",
	    _i, s, c->plain);
	free(s);
	strbuf_add_json(&b, c->in, STRBUF_JSON_HEXBYTES);
	s = strbuf_finish(&b);
	ck_assert_msg(strcmp(s, c->hex) == 0, "row %d hex: got %s want %s", _i,
	    s, c->hex);
	free(s);
}
END_TEST

START_TEST(test_strbuf_add_json_null)
{
	struct strbuf b = STRBUF_INIT;
	char *s;

	strbuf_add_json(&b, NULL, 0);
	strbuf_add(&b, ",");
	strbuf_add_json(&b, "", STRBUF_JSON_HEXBYTES);
	s = strbuf_finish(&b);
	ck_assert_str_eq(s, "null,\"\"");
	free(s);
}
END_TEST

static Suite *
strbuf_suite(void)
{
	Suite *s = suite_create("strbuf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_strbuf_finish_empty_is_empty_string);
	tcase_add_test(tc, test_strbuf_add_concatenates);
	tcase_add_test(tc, test_strbuf_grows_over_many_appends);
	tcase_add_test(tc, test_strbuf_addf_longer_than_free_space);
	tcase_add_test(tc, test_strbuf_bound_sets_sticky_oom);
	tcase_add_test(tc, test_strbuf_free_resets);
	tcase_add_loop_test(tc, test_strbuf_add_json_table, 0,
	    (int)(sizeof(json_cases) / sizeof(json_cases[0])));
	tcase_add_test(tc, test_strbuf_add_json_null);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(strbuf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
