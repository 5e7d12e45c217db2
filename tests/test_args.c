/*
 * Unit tests for parser/args.c: ssh-style command-line parsing.
 */
#include "autoconf.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/args.h"

/* Parse a NULL-terminated list of words as if they followed "sshfwd". */
static int
parse_words(struct args *a, ...)
{
	char *argv[64];
	int argc = 0;
	const char *w;
	va_list ap;

	argv[argc++] = strdup("sshfwd");
	va_start(ap, a);
	while ((w = va_arg(ap, const char *)) != NULL && argc < 63)
		argv[argc++] = strdup(w);
	va_end(ap);
	argv[argc] = NULL;
	w = NULL;
	{
		int r = args_parse(argc, argv, a), i;

		for (i = 0; i < argc; i++)
			free(argv[i]);
		return r;
	}
}

#define PARSE(a, ...) parse_words((a), __VA_ARGS__, (const char *)NULL)

START_TEST(test_args_parse_events_in_order)
{
	struct args a;

	ck_assert_int_eq(PARSE(&a, "-o", "Port=5", "-p", "6", "-L",
	    "8080:h:80", "host"), 0);
	ck_assert_str_eq(a.destination, "host");
	ck_assert_uint_eq(a.num_events, 3);
	ck_assert_int_eq(a.events[0].flag, 'o');
	ck_assert_str_eq(a.events[0].value, "Port=5");
	ck_assert_int_eq(a.events[1].flag, 'p');
	ck_assert_int_eq(a.events[2].flag, 'L');
	ck_assert_int_eq(a.mode, ARGS_MODE_CONNECT);
	args_free(&a);
}
END_TEST

START_TEST(test_args_parse_options_after_destination)
{
	struct args a;

	ck_assert_int_eq(PARSE(&a, "-G", "host", "-p", "2222", "-v"), 0);
	ck_assert_int_eq(a.mode, ARGS_MODE_DUMP);
	ck_assert_str_eq(a.destination, "host");
	ck_assert_uint_eq(a.num_events, 2);
	ck_assert_int_eq(a.events[0].flag, 'p');
	ck_assert_str_eq(a.events[0].value, "2222");
	ck_assert_int_eq(a.verbose, 1);
	ck_assert_uint_eq(a.num_positionals, 0);
	args_free(&a);
}
END_TEST

START_TEST(test_args_parse_dashdash_stops_options)
{
	struct args a;

	ck_assert_int_eq(PARSE(&a, "--", "host", "-p", "1"), 0);
	ck_assert_str_eq(a.destination, "host");
	ck_assert_uint_eq(a.num_events, 0);
	ck_assert_uint_eq(a.num_positionals, 2);
	ck_assert_str_eq(a.positionals[0], "-p");
	args_free(&a);
}
END_TEST

START_TEST(test_args_parse_unknown_option_is_error)
{
	struct args a;

	ck_assert_int_eq(PARSE(&a, "-Z", "host"), -1);
	ck_assert_str_eq(a.error, "unknown option -- Z");
	args_free(&a);
	ck_assert_int_eq(PARSE(&a, "--frobnicate", "host"), -1);
	ck_assert_ptr_nonnull(strstr(a.error, "--frobnicate"));
	args_free(&a);
}
END_TEST

START_TEST(test_args_parse_missing_argument_is_error)
{
	struct args a;

	ck_assert_int_eq(PARSE(&a, "host", "-p"), -1);
	ck_assert_str_eq(a.error, "option requires an argument -- p");
	args_free(&a);
}
END_TEST

START_TEST(test_args_parse_single_jump_only)
{
	struct args a;

	/* both recorded: config_resolve refuses the second in ssh's words */
	ck_assert_int_eq(PARSE(&a, "-J", "a", "-J", "b", "host"), 0);
	ck_assert_uint_eq(a.num_events, 2);
	ck_assert_int_eq(a.jump_given, 1);
	args_free(&a);
}
END_TEST

START_TEST(test_args_parse_modes)
{
	struct args a;

	ck_assert_int_eq(PARSE(&a, "--dry-run", "--json", "h"), 0);
	ck_assert_int_eq(a.mode, ARGS_MODE_DRY_RUN);
	ck_assert_int_eq(a.json, 1);
	args_free(&a);
	ck_assert_int_eq(PARSE(&a, "--lint", "-F", "x.conf", "a", "b"), 0);
	ck_assert_int_eq(a.mode, ARGS_MODE_LINT);
	ck_assert_str_eq(a.config_file, "x.conf");
	ck_assert_uint_eq(a.num_lint_targets, 2);
	ck_assert_str_eq(a.lint_targets[1], "b");
	args_free(&a);
	ck_assert_int_eq(PARSE(&a, "-O", "check", "-S", "/tmp/c", "h"), 0);
	ck_assert_int_eq(a.mode, ARGS_MODE_CONTROL);
	ck_assert_str_eq(a.control_command, "check");
	args_free(&a);
	ck_assert_int_eq(PARSE(&a, "--help"), 0);
	ck_assert_int_eq(a.mode, ARGS_MODE_HELP);
	args_free(&a);
}
END_TEST

START_TEST(test_args_usage_lists_every_option)
{
	char u[8192];
	const char *opts[] = { "-F", "-o", "-p", "-l", "-i", "-J", "-L", "-R",
		"-D", "-v", "-q", "-4", "-6", "-C", "-c", "-m", "-E", "-f",
		"-N", "-T", "-S", "-O", "-G", "--dry-run", "--json", "--lint",
		"--help", "--version" };
	size_t i;

	snprintf(u, sizeof(u), "%s%s", args_usage(), args_help());
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		ck_assert_msg(strstr(u, opts[i]) != NULL, "usage lacks %s",
		    opts[i]);
}
END_TEST

static Suite *
args_suite(void)
{
	Suite *s = suite_create("args");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_args_parse_events_in_order);
	tcase_add_test(tc, test_args_parse_options_after_destination);
	tcase_add_test(tc, test_args_parse_dashdash_stops_options);
	tcase_add_test(tc, test_args_parse_unknown_option_is_error);
	tcase_add_test(tc, test_args_parse_missing_argument_is_error);
	tcase_add_test(tc, test_args_parse_single_jump_only);
	tcase_add_test(tc, test_args_parse_modes);
	tcase_add_test(tc, test_args_usage_lists_every_option);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(args_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
