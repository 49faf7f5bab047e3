/* Tests for src/core/text.c: UTF-8 validity, NFC, search keys, name masking
 * and field cleaning. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mc.h"
#include "core/text.h"

/* The twelve Vietnamese vowels, each with no tone and the five tones
 * (huyền, sắc, hỏi, ngã, nặng), precomposed. */
static const char vowels_lower[] = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ";
static const char vowels_upper[] = "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬEÈÉẺẼẸÊỀẾỂỄỆIÌÍỈĨỊOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢUÙÚỦŨỤƯỪỨỬỮỰYỲÝỶỸỴ";
static const char vowels_folded[] =
    "aaaaaaaaaaaaaaaaaaeeeeeeeeeeeeiiiiiioooooooooooooooooouuuuuuuuuuuuyyyyyy";

#define S(lit) (lit), (sizeof(lit) - 1)

static void test_valid_utf8(void **state)
{
	(void)state;
	assert_true(mc_text_valid_utf8(S("")));
	assert_true(mc_text_valid_utf8(NULL, 0));
	assert_true(mc_text_valid_utf8(S("abc")));
	assert_true(mc_text_valid_utf8(S("Việt Nam")));
	assert_true(mc_text_valid_utf8(S("\x7F")));
	assert_true(mc_text_valid_utf8(S("\xC2\x80")));		/* U+0080 */
	assert_true(mc_text_valid_utf8(S("\xE0\xA0\x80")));	/* U+0800 */
	assert_true(mc_text_valid_utf8(S("\xED\x9F\xBF")));	/* U+D7FF */
	assert_true(mc_text_valid_utf8(S("\xEE\x80\x80")));	/* U+E000 */
	assert_true(mc_text_valid_utf8(S("\xF0\x90\x80\x80"))); /* U+10000 */
	assert_true(mc_text_valid_utf8(S("\xF0\x9F\x98\x80"))); /* an emoji */
	assert_true(mc_text_valid_utf8(S("\xF4\x8F\xBF\xBF"))); /* U+10FFFF */

	static const struct {
		const char *s;
		size_t len;
		const char *why;
	} bad[] = {
	    {S("\xC0\x80"), "overlong NUL"},
	    {S("\xC1\xBF"), "overlong U+007F"},
	    {S("\xE0\x80\x80"), "overlong three bytes"},
	    {S("\xE0\x9F\xBF"), "overlong U+07FF"},
	    {S("\xF0\x80\x80\x80"), "overlong four bytes"},
	    {S("\xF0\x8F\xBF\xBF"), "overlong U+FFFF"},
	    {S("\xED\xA0\x80"), "surrogate U+D800"},
	    {S("\xED\xBF\xBF"), "surrogate U+DFFF"},
	    {S("\xED\xA0\xBD\xED\xB8\x80"), "surrogate pair (CESU-8)"},
	    {S("\xF4\x90\x80\x80"), "U+110000"},
	    {S("\xF5\x80\x80\x80"), "lead F5"},
	    {S("\xF8\x88\x80\x80\x80"), "five bytes"},
	    {S("\xFF"), "byte FF"},
	    {S("\xFE"), "byte FE"},
	    {S("\x80"), "lone continuation"},
	    {S("a\xBF"
	       "b"),
	     "continuation between letters"},
	    {S("\xC3"), "truncated two bytes"},
	    {S("\xE1\xBB"), "truncated ệ"},
	    {S("Vi\xE1\xBB"), "truncated at the end"},
	    {S("\xF0\x9F\x98"), "truncated four bytes"},
	    {S("\xC3\x28"), "bad continuation"},
	    {S("\xE1\x28\xA1"), "bad second byte"},
	    {S("\xE1\xBB\x28"), "bad third byte"},
	    {S("a\0b"), "NUL inside"},
	    {S("\0"), "NUL alone"},
	};
	for (size_t i = 0; i < MC_ARRAY_LEN(bad); i++) {
		char *out = (char *)"untouched";
		if (mc_text_valid_utf8(bad[i].s, bad[i].len))
			fail_msg("accepted %s", bad[i].why);
		assert_int_equal(mc_text_nfc(&out, bad[i].s, bad[i].len), MC_EINVAL);
		assert_null(out);
		out = (char *)"untouched";
		assert_int_equal(mc_text_fold(&out, bad[i].s, bad[i].len), MC_EINVAL);
		assert_null(out);
		out = (char *)"untouched";
		assert_int_equal(mc_text_clean(&out, bad[i].s, bad[i].len, 100, MC_TEXT_LINES), MC_EINVAL);
		assert_null(out);
	}
	/* A sequence cut by len is truncated even when the bytes go on. */
	assert_false(mc_text_valid_utf8("\xE1\xBB\x87", 2));
	assert_true(mc_text_valid_utf8("\xE1\xBB\x87", 3));
}

static void expect_nfc(const char *in, size_t len, const char *want)
{
	char *out = NULL;
	assert_int_equal(mc_text_nfc(&out, in, len), 0);
	assert_string_equal(out, want);
	free(out);
}

static void test_nfc(void **state)
{
	(void)state;
	expect_nfc(S(""), "");
	expect_nfc(S("e\xCC\x81"), "\xC3\xA9");		       /* e + acute = é */
	expect_nfc(S("Vie\xCC\xA3\xCC\x82t Nam"), "Việt Nam"); /* dot below, then circumflex */
	expect_nfc(S("Vie\xCC\x82\xCC\xA3t Nam"), "Việt Nam"); /* circumflex, then dot below */
	expect_nfc(S("D\xCC\x9B"), "D\xCC\x9B");	       /* no precomposed D with horn */
	expect_nfc(S("u\xCC\x9B\xCC\x80"), "ừ");	       /* horn and grave */
	expect_nfc(S("Nguye\xCC\x82\xCC\x83n"), "Nguyễn");
	expect_nfc(S("Đăng ký"), "Đăng ký"); /* already NFC */

	/* Every Vietnamese vowel with every tone, decomposed from its marks,
	 * composes to the precomposed table. */
	char *nfd = NULL;
	static const char *const bases[] = {"a", "a\xCC\x86", "a\xCC\x82", "e", "e\xCC\x82", "i",
					    "o", "o\xCC\x82", "o\xCC\x9B", "u", "u\xCC\x9B", "y"};
	static const char *const tones[] = {"", "\xCC\x80", "\xCC\x81", "\xCC\x89", "\xCC\x83", "\xCC\xA3"};
	nfd = calloc(1, 1024);
	assert_non_null(nfd);
	for (size_t b = 0; b < MC_ARRAY_LEN(bases); b++) {
		for (size_t t = 0; t < MC_ARRAY_LEN(tones); t++) {
			strcat(nfd, bases[b]);
			strcat(nfd, tones[t]);
		}
	}
	expect_nfc(nfd, strlen(nfd), vowels_lower);
	free(nfd);
}

static void expect_fold(const char *in, size_t len, const char *want)
{
	char *out = NULL;
	assert_int_equal(mc_text_fold(&out, in, len), 0);
	if (strcmp(out, want) != 0)
		fail_msg("fold(\"%.*s\") = \"%s\", want \"%s\"", (int)len, in, out, want);
	free(out);
}

static void test_fold(void **state)
{
	(void)state;
	expect_fold(S("Đăng ký  khai sinh!"), "dang ky khai sinh");
	expect_fold(S(""), "");
	expect_fold(S("  !!! ... "), "");
	expect_fold(S("đ Đ đĐ"), "d d dd");
	expect_fold(S("ĐỒNG KHÁNH — Đô la; Đường"), "dong khanh do la duong");
	expect_fold(S("Giấy phép xây dựng (cấp mới)/2024"), "giay phep xay dung cap moi 2024");
	expect_fold(S("\t Chứng thực\nbản sao,\"từ\" bản chính  "), "chung thuc ban sao tu ban chinh");
	expect_fold(S("Nguye\xCC\x82\xCC\x83n Va\xCC\x86n A\xCC\x80"), "nguyen van a");
	expect_fold(S("ẮẶỜỮỸ ắặờữỹ"), "aaouy aaouy");
	expect_fold(S("ＶＩỆＴ　ＮＡＭ"), "viet nam"); /* full-width letters, ideographic space */
	expect_fold(S("Hồ sơ số 000.00.15.H56-170302-0001"), "ho so so 000 00 15 h56 170302 0001");
	expect_fold(S("Strasse Straße"), "strasse strasse");
	expect_fold(S("한국"), "한국");

	/* Every vowel with every tone, upper and lower case, alone and together. */
	expect_fold(vowels_lower, strlen(vowels_lower), vowels_folded);
	expect_fold(vowels_upper, strlen(vowels_upper), vowels_folded);
	const char *p = vowels_upper;
	const char *q = vowels_lower;
	for (size_t i = 0; i < strlen(vowels_folded); i++) {
		/* Each precomposed vowel is 1 to 3 bytes; step one code point. */
		size_t np = 1, nq = 1;
		while ((p[np] & 0xC0) == 0x80)
			np++;
		while ((q[nq] & 0xC0) == 0x80)
			nq++;
		char want[2] = {vowels_folded[i], '\0'};
		expect_fold(p, np, want);
		expect_fold(q, nq, want);
		p += np;
		q += nq;
	}
	assert_int_equal(*p, '\0');
	assert_int_equal(*q, '\0');
}

static void expect_mask(const char *in, const char *want)
{
	char *out = NULL;
	assert_int_equal(mc_text_mask_name(&out, in), 0);
	assert_string_equal(out, want);
	free(out);
}

static void test_mask_name(void **state)
{
	(void)state;
	expect_mask("Nguyễn Văn An", "N***** V** A*");
	expect_mask("Nguye\xCC\x82\xCC\x83n Va\xCC\x86n An", "N***** V** A*");
	expect_mask("  Lê   Thị\tHoa  ", "L* T** H**");
	expect_mask("Đỗ Ánh", "Đ* Á**");
	expect_mask("A", "A");
	expect_mask("", "");
	expect_mask("   ", "");
	expect_mask("Trần-Lê Ngọc", "T****** N***");
	/* A letter and a mark with no precomposed form are one character. */
	expect_mask("D\xCC\x9Bo", "D\xCC\x9B*");
	expect_mask("Ax\xCC\x81y", "A**");

	char *out = (char *)"untouched";
	assert_int_equal(mc_text_mask_name(&out, "Nguy\xE1\xBB"), MC_EINVAL);
	assert_null(out);
	out = (char *)"untouched";
	assert_int_equal(mc_text_mask_name(&out, NULL), MC_EINVAL);
	assert_null(out);
}

static void expect_clean(const char *in, size_t len, size_t max, mc_text_kind kind, const char *want)
{
	char *out = NULL;
	int rc = mc_text_clean(&out, in, len, max, kind);
	if (rc != 0)
		fail_msg("clean(\"%.*s\") = %d", (int)len, in, rc);
	assert_string_equal(out, want);
	free(out);
}

static void expect_clean_error(const char *in, size_t len, size_t max, mc_text_kind kind, int want)
{
	char *out = (char *)"untouched";
	int rc = mc_text_clean(&out, in, len, max, kind);
	if (rc != want)
		fail_msg("clean(\"%.*s\") = %d, want %d", (int)len, in, rc, want);
	assert_null(out);
}

static void test_clean(void **state)
{
	(void)state;
	expect_clean(S("  Hồ sơ  "), 100, MC_TEXT_LINE, "Hồ sơ");
	expect_clean(S("\xC2\xA0Hồ sơ\xE3\x80\x80"), 100, MC_TEXT_LINE,
		     "Hồ sơ"); /* no-break and ideographic spaces */
	expect_clean(S("abc\n"), 100, MC_TEXT_LINE, "abc");
	expect_clean(S("Hồ  sơ"), 100, MC_TEXT_LINE, "Hồ  sơ"); /* inner spaces are the user's */
	expect_clean(S("Vie\xCC\xA3\xCC\x82t"), 100, MC_TEXT_LINE, "Việt");

	/* Limits count code points after NFC and trimming. */
	expect_clean(S("Việt"), 4, MC_TEXT_LINE, "Việt");
	expect_clean_error(S("Việt"), 3, MC_TEXT_LINE, MC_ETOOBIG);
	expect_clean(S("Vie\xCC\xA3\xCC\x82t"), 4, MC_TEXT_LINE, "Việt");
	expect_clean(S("   Việt   "), 4, MC_TEXT_LINE, "Việt");
	expect_clean_error(S("a"), 0, MC_TEXT_LINE, MC_ETOOBIG);
	expect_clean(S("a"), 1, MC_TEXT_LINE, "a");

	expect_clean_error(S(""), 10, MC_TEXT_LINE, MC_EINVAL);
	expect_clean_error(NULL, 0, 10, MC_TEXT_LINE, MC_EINVAL);
	expect_clean_error(S("  \t\n \xC2\xA0 "), 10, MC_TEXT_LINE, MC_EINVAL);
	expect_clean_error(S("  \t\r\n "), 10, MC_TEXT_LINES, MC_EINVAL);

	/* Control characters. */
	expect_clean_error(S("a\x01"
			     "b"),
			   10, MC_TEXT_LINE, MC_EINVAL);
	expect_clean_error(S("a\x01"
			     "b"),
			   10, MC_TEXT_LINES, MC_EINVAL);
	expect_clean_error(S("a\x7F"), 10, MC_TEXT_LINES, MC_EINVAL);
	expect_clean_error(S("a\x1B[31m"), 10, MC_TEXT_LINES, MC_EINVAL);
	expect_clean_error(S("a\xC2\x85"
			     "b"),
			   10, MC_TEXT_LINES, MC_EINVAL); /* U+0085 */
	expect_clean_error(S("a\nb"), 10, MC_TEXT_LINE, MC_EINVAL);
	expect_clean_error(S("a\tb"), 10, MC_TEXT_LINE, MC_EINVAL);
	expect_clean_error(S("a\xE2\x80\xA8"
			     "b"),
			   10, MC_TEXT_LINE, MC_EINVAL); /* U+2028 */
	expect_clean(S("a\xE2\x80\xA8"
		       "b"),
		     10, MC_TEXT_LINES,
		     "a\xE2\x80\xA8"
		     "b");
	expect_clean(S("a\nb\tc"), 10, MC_TEXT_LINES, "a\nb\tc");
	expect_clean_error(S("a\vb"), 10, MC_TEXT_LINES, MC_EINVAL);
	expect_clean_error(S("a\0b"), 10, MC_TEXT_LINES, MC_EINVAL);

	/* Browser line ends become "\n". */
	expect_clean(S("\r\n dòng 1\r\ndòng 2\rdòng 3\r\n\r\n"), 100, MC_TEXT_LINES,
		     "dòng 1\ndòng 2\ndòng 3");
	expect_clean(S("a\r\r\nb"), 10, MC_TEXT_LINES, "a\n\nb");
	expect_clean_error(S("a\rb"), 10, MC_TEXT_LINE, MC_EINVAL);
	/* "a\r\nb" is three characters once the line end is one. */
	expect_clean(S("a\r\nb"), 3, MC_TEXT_LINES, "a\nb");
}

/* The UTF-8 of cp into buf (at least 5 bytes); returns its length. */
static size_t utf8_of(char *buf, int32_t cp)
{
	size_t n = 0;
	if (cp < 0x80) {
		buf[n++] = (char)cp;
	} else if (cp < 0x800) {
		buf[n++] = (char)(0xC0 | (cp >> 6));
		buf[n++] = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		buf[n++] = (char)(0xE0 | (cp >> 12));
		buf[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		buf[n++] = (char)(0x80 | (cp & 0x3F));
	} else {
		buf[n++] = (char)(0xF0 | (cp >> 18));
		buf[n++] = (char)(0x80 | ((cp >> 12) & 0x3F));
		buf[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		buf[n++] = (char)(0x80 | (cp & 0x3F));
	}
	buf[n] = '\0';
	return n;
}

/* Names: the invisible and formatting characters that would let two names
 * look alike, or one read differently from what is stored, are refused - in
 * the middle, at either end - and named by mc_text_first_refused; an
 * ordinary line keeps those that neither reorder nor hide text (addresses,
 * notes are not names), and refuses the others (test_clean_direction). */
static void test_clean_name(void **state)
{
	(void)state;
	static const int32_t refused[] = {
	    0x00AD,				/* soft hyphen (Cf) */
	    0x034F,				/* combining grapheme joiner (Mn, default ignorable) */
	    0x061C,				/* Arabic letter mark */
	    0x115F,  0x1160,  0x3164,	0xFFA0, /* Hangul fillers (Lo, default ignorable) */
	    0x17B4,  0x180E,			/* Khmer inherent vowel, Mongolian vowel separator */
	    0x200B,  0x200C,  0x200D,		/* zero-width space, non-joiner, joiner */
	    0x200E,  0x200F,			/* left-to-right and right-to-left marks */
	    0x202A,  0x202B,  0x202C,	0x202D, 0x202E, /* embeddings and overrides */
	    0x2060,  0x2061,  0x2062,	0x2063, 0x2064, /* word joiner, invisible operators */
	    0x2066,  0x2067,  0x2068,	0x2069,		/* isolates */
	    0x2800,					/* braille pattern blank */
	    0xFE00,  0xFE0F,				/* variation selectors */
	    0xFEFF,					/* zero-width no-break space (BOM) */
	    0xFFF9,					/* interlinear annotation anchor */
	    0xE000,  0xF8FF,  0xF0000,			/* private use */
	    0x0378,  0xFFFF,  0x10FFFF,			/* unassigned, non-characters */
	    0x1D173,					/* musical symbol begin beam (Cf) */
	    0xE0001, 0xE0041, 0xE01EF,			/* language tag, tag letter, variation selector 256 */
	};
	char cpbuf[8], in[64];
	for (size_t i = 0; i < MC_ARRAY_LEN(refused); i++) {
		int32_t cp = refused[i];
		utf8_of(cpbuf, cp);
		const char *forms[] = {"Nguyễn %sVăn An", "%sNguyễn Văn An", "Nguyễn Văn An%s", "  %s  "};
		for (size_t k = 0; k < MC_ARRAY_LEN(forms); k++) {
			snprintf(in, sizeof in, forms[k], cpbuf);
			char *out = (char *)"untouched";
			int rc = mc_text_clean(&out, in, strlen(in), 100, MC_TEXT_NAME);
			if (rc != MC_EINVAL)
				fail_msg("a name holding U+%04X (\"%s\") gave %d", (unsigned)cp, forms[k],
					 rc);
			assert_null(out);
			assert_int_equal(mc_text_first_refused(in, strlen(in), MC_TEXT_NAME), cp);
		}
		/* Not a name: a line keeps what is not a control character, unless it
		 * reorders or hides text. */
		snprintf(in, sizeof in, "Thôn %sĐông", cpbuf);
		char *line = NULL;
		int rc = mc_text_clean(&line, in, strlen(in), 100, MC_TEXT_LINE);
		if (mc_text_reorders_or_hides(cp)) {
			assert_int_equal(rc, MC_EINVAL);
			assert_null(line);
			assert_int_equal(mc_text_first_refused(in, strlen(in), MC_TEXT_LINE), cp);
			continue;
		}
		if (rc != 0)
			fail_msg("a line holding U+%04X was refused", (unsigned)cp);
		assert_string_equal(line, in);
		free(line);
		assert_int_equal(mc_text_first_refused(in, strlen(in), MC_TEXT_LINE), -1);
	}

	/* Real names, of people and of organisations, pass, normalised and trimmed. */
	expect_clean(S("  Nguyễn Văn An "), 100, MC_TEXT_NAME, "Nguyễn Văn An");
	expect_clean(S("Nguye\xCC\x82\xCC\x83n Thi\xCC\xA3 Hoa"), 100, MC_TEXT_NAME, "Nguyễn Thị Hoa");
	expect_clean(S("Trần-Lê Ngọc"), 100, MC_TEXT_NAME, "Trần-Lê Ngọc");
	expect_clean(S("Công ty TNHH Xây dựng & Thương mại Hòa Bình (HB Corp.)"), 100, MC_TEXT_NAME,
		     "Công ty TNHH Xây dựng & Thương mại Hòa Bình (HB Corp.)");
	expect_clean(S("UBND xã Quảng Thử"), 100, MC_TEXT_NAME, "UBND xã Quảng Thử");
	expect_clean(S("O'Brien Đặng"), 100, MC_TEXT_NAME, "O'Brien Đặng");
	expect_clean(S("\xC2\xA0Hoàng Văn Minh\xE3\x80\x80"), 100, MC_TEXT_NAME, "Hoàng Văn Minh");
	expect_clean(S("Sùng A Páo 李明"), 100, MC_TEXT_NAME, "Sùng A Páo 李明");
	/* A name is one line, like any line. */
	expect_clean_error(S("Nguyễn\nVăn An"), 100, MC_TEXT_NAME, MC_EINVAL);
	assert_int_equal(mc_text_first_refused(S("Nguyễn\tAn"), MC_TEXT_NAME), '\t');
	expect_clean_error(S("Nguyễn Văn An"), 5, MC_TEXT_NAME, MC_ETOOBIG);
	expect_clean_error(S(" "), 5, MC_TEXT_NAME, MC_EINVAL);
	/* Nothing to name: clean text, empty text, invalid UTF-8. */
	assert_int_equal(mc_text_first_refused(S("Nguyễn Văn An"), MC_TEXT_NAME), -1);
	assert_int_equal(mc_text_first_refused(S("  "), MC_TEXT_NAME), -1);
	assert_int_equal(mc_text_first_refused(S("Nguy\xE1\xBB"), MC_TEXT_NAME), -1);
}

/* Every text field, of one line or several: the characters that change the
 * direction of what follows (a reversed address on a receipt) or show
 * nothing (a hidden word in a note) are refused wherever they stand and
 * named; right-to-left letters themselves, the joiners of emoji sequences
 * and the soft hyphen of a pasted text stay. */
/* At most MC_TEXT_MARKS_MAX combining marks on one character; Vietnamese
 * typed decomposed (NFD) composes and carries none, a few on another
 * script's letter pass, a stack of them is refused naming the first past it. */
static void test_clean_mark_runs(void **state)
{
	(void)state;
	char *out = NULL;
	/* "Nguyễn" decomposed: e + U+0302 + U+0303 */
	static const char nfd[] = "Nguye\xcc\x82\xcc\x83n";
	assert_int_equal(mc_text_clean(&out, nfd, strlen(nfd), 100, MC_TEXT_LINE), 0);
	assert_string_equal(out, "Nguyễn");
	free(out);
	/* x with four acute accents (x has no precomposed form): kept */
	static const char four[] = "x\xcc\x81\xcc\x81\xcc\x81\xcc\x81y";
	assert_int_equal(mc_text_clean(&out, four, strlen(four), 100, MC_TEXT_LINES), 0);
	free(out);
	/* five: refused, the fifth named */
	static const char five[] = "x\xcc\x81\xcc\x81\xcc\x81\xcc\x81\xcc\x80y";
	out = (char *)"untouched";
	assert_int_equal(mc_text_clean(&out, five, strlen(five), 100, MC_TEXT_LINE), MC_EINVAL);
	assert_null(out);
	assert_int_equal(mc_text_first_refused(five, strlen(five), MC_TEXT_LINES), 0x0300);
	assert_true(mc_text_is_mark(0x0300));
	assert_false(mc_text_is_mark('a'));
	/* runs are counted per character: four on each of two letters pass */
	static const char two[] = "x\xcc\x81\xcc\x81\xcc\x81\xcc\x81z\xcc\x81\xcc\x81\xcc\x81\xcc\x81";
	assert_int_equal(mc_text_clean(&out, two, strlen(two), 100, MC_TEXT_LINE), 0);
	free(out);
}

static void test_clean_direction(void **state)
{
	(void)state;
	static const int32_t refused[] = {
	    0x061C,					    /* Arabic letter mark */
	    0x200B,					    /* zero-width space */
	    0x200E, 0x200F,				    /* left-to-right and right-to-left marks */
	    0x202A, 0x202B, 0x202C, 0x202D, 0x202E,	    /* embeddings and overrides */
	    0x2060, 0x2061, 0x2062, 0x2063, 0x2064,	    /* word joiner, invisible operators */
	    0x2066, 0x2067, 0x2068, 0x2069,		    /* isolates */
	    0x206A, 0x206B, 0x206C, 0x206D, 0x206E, 0x206F, /* deprecated format characters */
	    0xFEFF,					    /* zero-width no-break space (BOM) */
	};
	static const mc_text_kind kinds[] = {MC_TEXT_LINE, MC_TEXT_LINES};
	char cpbuf[8], in[64];
	for (size_t i = 0; i < MC_ARRAY_LEN(refused); i++) {
		int32_t cp = refused[i];
		assert_true(mc_text_reorders_or_hides(cp));
		utf8_of(cpbuf, cp);
		const char *forms[] = {"Số 1 %sLê Lợi", "%sSố 1 Lê Lợi", "Số 1 Lê Lợi%s", " %s ",
				       "dòng 1\n%sdòng 2"};
		for (size_t k = 0; k < MC_ARRAY_LEN(forms); k++) {
			snprintf(in, sizeof in, forms[k], cpbuf);
			for (size_t j = 0; j < MC_ARRAY_LEN(kinds); j++) {
				char *out = (char *)"untouched";
				int rc = mc_text_clean(&out, in, strlen(in), 100, kinds[j]);
				if (rc != MC_EINVAL)
					fail_msg("kind %d holding U+%04X (\"%s\") gave %d", (int)kinds[j],
						 (unsigned)cp, forms[k], rc);
				assert_null(out);
				/* a line refuses the "\n" of the last form first */
				int first = kinds[j] == MC_TEXT_LINE && k == 4 ? '\n' : cp;
				assert_int_equal(mc_text_first_refused(in, strlen(in), kinds[j]), first);
			}
		}
	}
	/* The neighbours of the refused ranges are not refused by this rule. */
	static const int32_t kept[] = {0x200C, 0x200D, 0x2010, 0x2028, 0x2029, 0x2065, 0x2070,
				       0x00AD, 0xFEFE, 0x0600, 0x061B, 0x061D, 0x2800};
	for (size_t i = 0; i < MC_ARRAY_LEN(kept); i++)
		assert_false(mc_text_reorders_or_hides(kept[i]));

	/* Right-to-left letters are text; the joiners stay in emoji sequences
	 * (family, flag of a region, skin tone) and in words that need them. */
	expect_clean(S("Số 1 עברית عربى"), 100, MC_TEXT_LINE, "Số 1 עברית عربى");
	expect_clean(S("Gia đình \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7"),
		     100, MC_TEXT_LINES,
		     "Gia đình \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7");
	expect_clean(S("\xD9\x85\xE2\x80\x8C\xD9\x86"), 10, MC_TEXT_LINE, "\xD9\x85\xE2\x80\x8C\xD9\x86");
	expect_clean(S("Thanh\xC2\xADHóa"), 100, MC_TEXT_LINE, "Thanh\xC2\xADHóa");
	assert_int_equal(mc_text_first_refused(S("Số 1 Lê Lợi"), MC_TEXT_LINES), -1);
}

/* The one copy that may shorten a text: whole characters only, so the copy
 * stays valid UTF-8 whatever the room (store columns read back, messages). */
static void test_cut(void **state)
{
	(void)state;
	char out[16];
	/* What fits is copied whole. */
	assert_int_equal(mc_text_cut(out, sizeof out, "Việt Nam"), strlen("Việt Nam"));
	assert_string_equal(out, "Việt Nam");
	assert_int_equal(mc_text_cut(out, sizeof out, ""), 0);
	assert_string_equal(out, "");
	/* "Việt" is V, i, ệ (3 bytes), t: with room for 4 bytes the ệ does not fit. */
	assert_int_equal(mc_text_cut(out, 5, "Việt Nam"), 2);
	assert_string_equal(out, "Vi");
	assert_int_equal(mc_text_cut(out, 6, "Việt Nam"), 5);
	assert_string_equal(out, "Việ");
	/* Exactly the room: 15 bytes and the NUL. */
	assert_int_equal(mc_text_cut(out, sizeof out, "ữữữữữ"), 15);
	assert_string_equal(out, "ữữữữữ");
	assert_int_equal(mc_text_cut(out, sizeof out, "ữữữữữa"), 15);
	assert_string_equal(out, "ữữữữữ");
	assert_int_equal(mc_text_cut(out, sizeof out, "aữữữữữ"), 13);
	assert_string_equal(out, "aữữữữ");
	/* A four-byte character is not split either. */
	assert_int_equal(mc_text_cut(out, 4, "\xF0\x9F\x98\x80"), 0);
	assert_string_equal(out, "");
	/* One byte of room holds only the NUL; no room writes nothing. */
	out[0] = 'x';
	assert_int_equal(mc_text_cut(out, 1, "abc"), 0);
	assert_string_equal(out, "");
	out[0] = 'x';
	assert_int_equal(mc_text_cut(out, 0, "abc"), 0);
	assert_int_equal(out[0], 'x');
	/* Every cut of a long Vietnamese text is valid UTF-8 and a prefix of it. */
	char big[64];
	for (size_t cap = 1; cap <= sizeof big; cap++) {
		size_t n = mc_text_cut(big, cap, vowels_lower);
		assert_true(n < cap);
		assert_true(mc_text_valid_utf8(big, n));
		assert_memory_equal(big, vowels_lower, n);
		/* The next character would not have fitted. */
		assert_true(n + 3 >= cap);
	}
	/* A byte that begins no character ends a cut there, so the copy is valid. */
	assert_int_equal(mc_text_cut(out, 4, "ab\x80\x80\x80"), 2);
	assert_string_equal(out, "ab");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_utf8),
	    cmocka_unit_test(test_nfc),
	    cmocka_unit_test(test_fold),
	    cmocka_unit_test(test_mask_name),
	    cmocka_unit_test(test_clean),
	    cmocka_unit_test(test_clean_name),
	    cmocka_unit_test(test_clean_direction),
	    cmocka_unit_test(test_clean_mark_runs),
	    cmocka_unit_test(test_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
