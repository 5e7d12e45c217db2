/*
 * Unit tests for parser/lexer.c: strdelim and argv_split as ssh has them
 * (with comments for config lines, without for commands).
 */
#include "autoconf.h"

#include <check.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "parser/lexer.h"

START_TEST(test_lexer_strdelim_key_value_forms)
{
	const char *forms[] = { "Port 22", "Port=22", "Port = 22", "Port =22",
		"Port= 22", "Port\t22" };
	char buf[64], *s, *k;
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", forms[i]);
		s = buf;
		k = lexer_strdelim(&s);
		ck_assert_str_eq(k, "Port");
		ck_assert_ptr_nonnull(s);
		ck_assert_str_eq(s, "22");
	}
}
END_TEST

START_TEST(test_lexer_strdelim_only_one_equals)
{
	char buf[] = "Port==22", *s = buf;

	ck_assert_str_eq(lexer_strdelim(&s), "Port");
	ck_assert_str_eq(s, "=22");
}
END_TEST

START_TEST(test_lexer_strdelim_unmatched_quote_is_null)
{
	char buf[] = "\"Port 22", *s = buf;

	ck_assert_ptr_null(lexer_strdelim(&s));
}
END_TEST

START_TEST(test_lexer_strdelim_quoted_token)
{
	char buf[] = "\"a b\" c", *s = buf;

	ck_assert_str_eq(lexer_strdelim(&s), "a b");
	ck_assert_str_eq(lexer_strdelim(&s), "c");
	ck_assert_ptr_null(s);
}
END_TEST

START_TEST(test_lexer_argv_split_quotes_and_escapes)
{
	char **av;
	int ac;

	ck_assert_int_eq(
	    lexer_argv_split("b\"o b\"b 'it''s' a\\tb \\\"x", &ac, &av), 0);
	ck_assert_int_eq(ac, 4);
	ck_assert_str_eq(av[0], "bo bb");
	ck_assert_str_eq(av[1], "its");
	ck_assert_str_eq(av[2], "a\\tb");
	ck_assert_str_eq(av[3], "\"x");
	lexer_argv_free(av, ac);
}
END_TEST

START_TEST(test_lexer_argv_split_comment_ends_line)
{
	char **av;
	int ac;

	ck_assert_int_eq(lexer_argv_split("bob#x y #z w", &ac, &av), 0);
	ck_assert_int_eq(ac, 2);
	ck_assert_str_eq(av[0], "bob#x");
	ck_assert_str_eq(av[1], "y");
	lexer_argv_free(av, ac);
}
END_TEST

/* Split s as a command; expect n words equal to want[]. */
static void
lxt_split_cmd(const char *s, int n, const char *const *want)
{
	char **v = NULL;
	int c = -1, i;

	ck_assert_msg(lexer_argv_split_cmd(s, &c, &v) == 0, "split %s", s);
	ck_assert_msg(c == n, "%s: %d words, expected %d", s, c, n);
	for (i = 0; i < n; i++)
		ck_assert_str_eq(v[i], want[i]);
	ck_assert_ptr_null(v[n]);
	lexer_argv_free(v, c);
}

/* KnownHostsCommand's split (ssh: argv_split(..., 0)): the same words,
 * and `#` is an ordinary byte. */
START_TEST(test_lexer_argv_split_cmd_as_ssh)
{
	static const char *const w1[] = { "/bin/x", "a", "b" };
	static const char *const w2[] = { "/bin/x", "a b", "c d" };
	static const char *const w3[] = { "/bin/x", "it's", "q\"q" };
	static const char *const w4[] = { "/bin/x", "a b", "c\\d", "\\n" };
	static const char *const w5[] = { "a'b'c" };
	static const char *const w6[] = { "/bin/x", "#h", "a#b", "#" };
	char **v = NULL;
	int c = 0;

	lxt_split_cmd("  /bin/x\ta   b  ", 3, w1);
	lxt_split_cmd("/bin/x 'a b' \"c d\"", 3, w2);
	lxt_split_cmd("/bin/x it\\'s 'q\"q'", 3, w3);
	/* A backslash escapes a blank, a quote or itself; before anything
	 * else it stays. */
	lxt_split_cmd("/bin/x a\\ b c\\\\d \\n", 4, w4);
	lxt_split_cmd("\"a'b'c\"", 1, w5);
	lxt_split_cmd("/bin/x #h a#b #", 4, w6);
	lxt_split_cmd("", 0, NULL);
	lxt_split_cmd("   ", 0, NULL);
	ck_assert_int_eq(lexer_argv_split_cmd("/bin/x 'open", &c, &v), -1);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(lexer_argv_split_cmd("/bin/x \"open", &c, &v), -1);
}
END_TEST

START_TEST(test_lexer_argv_split_unterminated_quote_fails)
{
	char **av;
	int ac;

	ck_assert_int_eq(lexer_argv_split("\"bob", &ac, &av), -1);
	ck_assert_ptr_null(av);
}
END_TEST

START_TEST(test_lexer_argv_split_empty_quoted_argument)
{
	char **av;
	int ac;

	ck_assert_int_eq(lexer_argv_split("\"\" x", &ac, &av), 0);
	ck_assert_int_eq(ac, 2);
	ck_assert_str_eq(av[0], "");
	lexer_argv_free(av, ac);
}
END_TEST

START_TEST(test_lexer_argv_split_buf_small_and_large)
{
	char *buf[32], **av, big[600];
	int ac;
	size_t i;

	/* short: built in the caller's buffer */
	ck_assert_int_eq(lexer_argv_split_buf(
	                     "a 'b c' d\\ e #x", buf, sizeof(buf), &ac, &av),
	    0);
	ck_assert_ptr_eq(av, buf);
	ck_assert_int_eq(ac, 3);
	ck_assert_str_eq(av[0], "a");
	ck_assert_str_eq(av[1], "b c");
	ck_assert_str_eq(av[2], "d e");
	ck_assert_ptr_null(av[3]);
	/* too long for it: malloc'd, same tokens (many 1-byte args) */
	for (i = 0; i + 1 < sizeof(big); i += 2) {
		big[i] = 'x';
		big[i + 1] = ' ';
	}
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(
	    lexer_argv_split_buf(big, buf, sizeof(buf), &ac, &av), 0);
	ck_assert_ptr_ne(av, buf);
	ck_assert_int_eq(ac, (int)(sizeof(big) / 2));
	ck_assert_str_eq(av[ac - 1], "x");
	ck_assert_ptr_null(av[ac]);
	lexer_argv_free(av, ac);
	/* unterminated quote in the buffer: -1, nothing to free */
	ck_assert_int_eq(
	    lexer_argv_split_buf("a \"b", buf, sizeof(buf), &ac, &av), -1);
}
END_TEST

START_TEST(test_lexer_chop_keeps_first_byte)
{
	char a[] = "User bob \t\r\n\f", b[] = " ";

	lexer_chop(a);
	ck_assert_str_eq(a, "User bob");
	lexer_chop(b);
	ck_assert_str_eq(b, " ");
}
END_TEST

START_TEST(test_lexer_chop_n_returns_new_length)
{
	char a[] = "Port 22 \t\r\n", b[] = "\t", c[] = "";

	ck_assert_uint_eq(lexer_chop_n(a, strlen(a)), 7);
	ck_assert_str_eq(a, "Port 22");
	ck_assert_uint_eq(lexer_chop_n(b, 1), 1); /* first byte stays */
	ck_assert_uint_eq(lexer_chop_n(c, 0), 0);
}
END_TEST

START_TEST(test_lexer_argv_split_n_bound_is_enough)
{
	/* the bound is the whole line's length; the argument part is less */
	const char *line = "LocalForward 1 h:2 'x y'";
	char *buf[16], **av;
	int ac;

	ck_assert_int_eq(lexer_argv_split_n(line + 13, strlen(line), buf,
	                     sizeof(buf), &ac, &av),
	    0);
	ck_assert_int_eq(ac, 3);
	ck_assert_str_eq(av[0], "1");
	ck_assert_str_eq(av[2], "x y");
	if (av != buf)
		lexer_argv_free(av, ac);
}
END_TEST

static Suite *
lexer_suite(void)
{
	Suite *s = suite_create("lexer");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_lexer_strdelim_key_value_forms);
	tcase_add_test(tc, test_lexer_strdelim_only_one_equals);
	tcase_add_test(tc, test_lexer_strdelim_unmatched_quote_is_null);
	tcase_add_test(tc, test_lexer_strdelim_quoted_token);
	tcase_add_test(tc, test_lexer_argv_split_quotes_and_escapes);
	tcase_add_test(tc, test_lexer_argv_split_comment_ends_line);
	tcase_add_test(tc, test_lexer_argv_split_cmd_as_ssh);
	tcase_add_test(tc, test_lexer_argv_split_unterminated_quote_fails);
	tcase_add_test(tc, test_lexer_argv_split_empty_quoted_argument);
	tcase_add_test(tc, test_lexer_argv_split_buf_small_and_large);
	tcase_add_test(tc, test_lexer_chop_keeps_first_byte);
	tcase_add_test(tc, test_lexer_chop_n_returns_new_length);
	tcase_add_test(tc, test_lexer_argv_split_n_bound_is_enough);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(lexer_suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
