/*
 * Tests for launcher/randomart.c: the picture of hand-traced walks (the
 * bishop slides along the edges, the end mark wins over the start), the
 * title rules, and the pictures of freshly generated ed25519, ecdsa and
 * rsa keys compared byte for byte with what ssh-keygen -lv draws for them
 * (SHA256 and MD5). Exits 77 (skip) without ssh-keygen.
 */
#include "autoconf.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "launcher/randomart.h"

/* Row y (0..RANDOMART_H-1) of the board inside pic, without the frame. */
static void
rat_row(const char *pic, int y, char *out)
{
	const char *p = pic;
	int i;

	for (i = 0; i <= y; i++) {
		p = strchr(p, '\n');
		ck_assert_ptr_nonnull(p);
		p++;
	}
	ck_assert_int_eq(p[0], '|');
	memcpy(out, p + 1, RANDOMART_W);
	out[RANDOMART_W] = '\0';
	ck_assert_int_eq(p[RANDOMART_W + 1], '|');
}

START_TEST(test_randomart_empty_digest_ends_where_it_starts)
{
	char *pic = randomart_picture("ED25519", 256, "SHA256", NULL, 0);
	char row[RANDOMART_W + 1];
	int y;

	ck_assert_ptr_nonnull(pic);
	/* 11 lines of 19 characters, no final newline. */
	ck_assert_uint_eq(strlen(pic), 11 * 19 + 10);
	ck_assert_int_ne(pic[strlen(pic) - 1], '\n');
	ck_assert(strncmp(pic, "+--[ED25519 256]--+\n", 20) == 0);
	ck_assert_str_eq(pic + strlen(pic) - 19, "+----[SHA256]-----+");
	for (y = 0; y < RANDOMART_H; y++) {
		rat_row(pic, y, row);
		ck_assert_str_eq(row,
		    y == RANDOMART_H / 2 ? "        E        "
		                         : "                 ");
	}
	free(pic);
}
END_TEST

START_TEST(test_randomart_walk_slides_along_the_edge)
{
	/* Every step goes right and down: four steps reach the bottom row,
	 * then the bishop slides right into the corner and stays. */
	unsigned char d[8];
	char *pic, row[RANDOMART_W + 1];

	memset(d, 0xff, sizeof(d));
	pic = randomart_picture("RSA", 3072, "MD5", d, sizeof(d));
	ck_assert_ptr_nonnull(pic);
	ck_assert(strncmp(pic, "+---[RSA 3072]----+\n", 20) == 0);
	ck_assert_str_eq(pic + strlen(pic) - 19, "+------[MD5]------+");
	rat_row(pic, 4, row);
	ck_assert_str_eq(row, "        S        ");
	rat_row(pic, 5, row);
	ck_assert_str_eq(row, "         .       ");
	rat_row(pic, 7, row);
	ck_assert_str_eq(row, "           .     ");
	rat_row(pic, 8, row);
	ck_assert_str_eq(row, "            ....E");
	free(pic);

	/* 0x00: left and up, into the other corner. */
	memset(d, 0x00, sizeof(d));
	pic = randomart_picture("ECDSA", 256, "SHA256", d, sizeof(d));
	ck_assert_ptr_nonnull(pic);
	rat_row(pic, 0, row);
	ck_assert_str_eq(row, "E....            ");
	rat_row(pic, 1, row);
	ck_assert_str_eq(row, "     .           ");
	rat_row(pic, 3, row);
	ck_assert_str_eq(row, "       .         ");
	free(pic);
}
END_TEST

START_TEST(test_randomart_visits_stop_counting_at_14)
{
	/* 25 visits to the bottom-right corner, then one byte back up-left:
	 * the corner shows '^' (14, the densest before the marks). */
	unsigned char d[9];
	char *pic, row[RANDOMART_W + 1];

	memset(d, 0xff, 8);
	d[8] = 0x00;
	pic = randomart_picture("ED25519", 256, "SHA256", d, sizeof(d));
	ck_assert_ptr_nonnull(pic);
	rat_row(pic, 4, row);
	ck_assert_str_eq(row, "        S   E    ");
	rat_row(pic, 6, row);
	ck_assert_str_eq(row, "          .   .  ");
	rat_row(pic, 8, row);
	ck_assert_str_eq(row, "            ....^");
	free(pic);
}
END_TEST

START_TEST(test_randomart_title_too_wide_drops_the_size)
{
	char *pic = randomart_picture("ED25519-CERT", 256, "SHA256", NULL, 0);

	ck_assert_ptr_nonnull(pic);
	/* "[ED25519-CERT 256]" is 18 characters: OpenSSH writes the type
	 * alone. */
	ck_assert(strncmp(pic, "+-[ED25519-CERT]--+\n", 20) == 0);
	free(pic);
	/* One character too wide even then: cut to 16. */
	pic = randomart_picture("ABCDEFGHIJKLMNOPQ", 1, "SHA256", NULL, 0);
	ck_assert_ptr_nonnull(pic);
	ck_assert(strncmp(pic, "+[ABCDEFGHIJKLMNO-+\n", 20) == 0);
	free(pic);
}
END_TEST

/* Run cmd, return its whole stdout (malloc'd). */
static char *
rat_run(const char *cmd)
{
	char buf[4096];
	size_t len = 0;
	FILE *f = popen(cmd, "r");
	int st;

	ck_assert_ptr_nonnull(f);
	len = fread(buf, 1, sizeof(buf) - 1, f);
	buf[len] = '\0';
	st = pclose(f);
	ck_assert_msg(st == 0, "'%s' exited %d", cmd, st);
	return strdup(buf);
}

/* Generate a key with ssh-keygen, then compare our picture of its public
 * key with ssh-keygen -lv's, under SHA256 and MD5. */
static void
rat_compare(const char *type, int bits)
{
	char dir[] = "/tmp/test_randomart.XXXXXX", cmd[1024], path[600];
	char size[32] = "";
	const char *hashes[2] = { "sha256", "md5" };
	enum ssh_publickey_hash_type ht[2] = { SSH_PUBLICKEY_HASH_SHA256,
		SSH_PUBLICKEY_HASH_MD5 };
	ssh_key key = NULL;
	char *out, *art, *want;
	int i;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/k", dir);
	if (bits > 0)
		snprintf(size, sizeof(size), " -b %d", bits);
	snprintf(cmd, sizeof(cmd),
	    "ssh-keygen -q -t %s%s -N '' -C randomart -f %s </dev/null", type,
	    size, path);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
	snprintf(path, sizeof(path), "%s/k.pub", dir);
	ck_assert_int_eq(ssh_pki_import_pubkey_file(path, &key), SSH_OK);
	for (i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd), "ssh-keygen -lv -E %s -f %s",
		    hashes[i], path);
		out = rat_run(cmd);
		/* Line 1 is "BITS HASH:... comment (TYPE)"; the picture
		 * follows, each line ending in a newline. */
		want = strchr(out, '\n');
		ck_assert_ptr_nonnull(want);
		want++;
		art = randomart_key(key, ht[i], NULL);
		ck_assert_ptr_nonnull(art);
		ck_assert_uint_eq(strlen(want), strlen(art) + 1);
		ck_assert_msg(strncmp(want, art, strlen(art)) == 0,
		    "%s %d %s:\nssh-keygen:\n%s\nours:\n%s\n", type, bits,
		    hashes[i], want, art);
		free(art);
		free(out);
	}
	ssh_key_free(key);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_randomart_matches_ssh_keygen_ed25519)
{
	int i;

	/* Several keys: several walks. */
	for (i = 0; i < 4; i++)
		rat_compare("ed25519", 0);
}
END_TEST

START_TEST(test_randomart_matches_ssh_keygen_ecdsa)
{
	rat_compare("ecdsa", 256);
	rat_compare("ecdsa", 384);
	rat_compare("ecdsa", 521);
}
END_TEST

START_TEST(test_randomart_matches_ssh_keygen_rsa)
{
	/* Sizes that are not a whole number of bytes' worth of bits too. */
	rat_compare("rsa", 2048);
	rat_compare("rsa", 1028);
	rat_compare("rsa", 3072);
}
END_TEST

static Suite *
randomart_suite(void)
{
	Suite *s = suite_create("randomart");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_randomart_empty_digest_ends_where_it_starts);
	tcase_add_test(tc, test_randomart_walk_slides_along_the_edge);
	tcase_add_test(tc, test_randomart_visits_stop_counting_at_14);
	tcase_add_test(tc, test_randomart_title_too_wide_drops_the_size);
	tcase_add_test(tc, test_randomart_matches_ssh_keygen_ed25519);
	tcase_add_test(tc, test_randomart_matches_ssh_keygen_ecdsa);
	tcase_add_test(tc, test_randomart_matches_ssh_keygen_rsa);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	if (system("command -v ssh-keygen >/dev/null 2>&1") != 0) {
		fprintf(stderr, "SKIP: no ssh-keygen to compare with\n");
		return 77;
	}
	sr = srunner_create(randomart_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
