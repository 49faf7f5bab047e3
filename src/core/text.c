#include "core/text.h"

#include "core/mc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/*
 * Decodes the code point at s (len bytes available) into *cp and returns its
 * length, or 0 when the bytes there are not well-formed UTF-8 or encode NUL.
 * utf8proc_iterate refuses what RFC 3629 §4 forbids (overlong forms,
 * surrogates, lead bytes C0, C1 and F5..FF, anything above U+10FFFF, a
 * truncated sequence); NUL is valid UTF-8 but C strings cannot carry it.
 */
static size_t next_cp(const char *s, size_t len, int32_t *cp)
{
	utf8proc_int32_t c = -1;
	/* A code point takes at most 4 bytes: no conversion of a huge len. */
	utf8proc_ssize_t n =
	    utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)(len < 4 ? len : 4), &c);
	*cp = c;
	return n > 0 && c != 0 ? (size_t)n : 0;
}

/* The White_Space property of Unicode (PropList.txt). */
static bool is_space(int32_t c)
{
	return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
	       c == 0x3000;
}

static bool is_letter_or_digit(int32_t c)
{
	utf8proc_category_t cat = utf8proc_category(c);
	return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
	       (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

bool mc_text_valid_utf8(const char *s, size_t len)
{
	size_t pos = 0;
	int32_t cp;
	bool ok = len == 0 || s != NULL;

	while (ok && pos < len) {
		size_t n = next_cp(s + pos, len - pos, &cp);
		ok = n > 0;
		pos += n;
	}
	return ok;
}

size_t mc_text_cut(char *dst, size_t cap, const char *src)
{
	size_t len = strlen(src), keep = 0;

	if (cap == 0)
		return 0;
	if (len < cap) {
		keep = len;
	} else {
		/* Whole characters while they fit; a byte that starts none ends
		 * the copy, so that what is kept is valid UTF-8. */
		while (keep < len) {
			int32_t cp;
			size_t n = next_cp(src + keep, len - keep, &cp);
			if (n == 0 || n > cap - 1 - keep)
				break;
			keep += n;
		}
	}
	memcpy(dst, src, keep);
	dst[keep] = '\0';
	return keep;
}

/* Validates and maps s through utf8proc with the given options. */
static int map(char **out, const char *s, size_t len, utf8proc_option_t options)
{
	int rc = 0;
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t n;

	*out = NULL;
	if (len > (size_t)PTRDIFF_MAX / 8 || !mc_text_valid_utf8(s, len)) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	n = utf8proc_map((const utf8proc_uint8_t *)(len ? s : ""), (utf8proc_ssize_t)len, &dst,
			 options | UTF8PROC_STABLE);
	if (n < 0) {
		rc = MC_ERROR;
		goto cleanup;
	}
	*out = (char *)dst;
cleanup:
	return rc;
}

int mc_text_nfc(char **out, const char *s, size_t len)
{
	return map(out, s, len, UTF8PROC_COMPOSE);
}

/* NFKC, case folding, and the marks (tones, breve, circumflex, horn) removed. */
#define FOLD_OPTIONS (UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD)

int mc_text_fold(char **out, const char *s, size_t len)
{
	char *mapped = NULL;
	char *key = NULL;
	size_t mlen, pos = 0, klen = 0;
	bool gap = false;
	int rc;

	*out = NULL;
	/* Composing after the marks are stripped keeps letters that have no
	 * decomposition of their own (Hangul syllables) whole. */
	rc = map(&mapped, s, len, FOLD_OPTIONS);
	if (rc != 0)
		goto cleanup;
	mlen = strlen(mapped);
	/* The key is never longer than the mapped text: letters are copied or
	 * shortened (đ), and each run of separators gives at most one byte. */
	key = mc_xmalloc(mlen + 1);
	while (pos < mlen) {
		int32_t cp;
		size_t n = next_cp(mapped + pos, mlen - pos, &cp);
		if (is_letter_or_digit(cp)) {
			if (gap && klen > 0)
				key[klen++] = ' ';
			gap = false;
			/* đ is a letter of its own in Unicode, not d with a mark, so
			 * stripping marks leaves it; Vietnamese searches expect d. */
			if (cp == 0x0111) {
				key[klen++] = 'd';
			} else {
				memcpy(key + klen, mapped + pos, n);
				klen += n;
			}
		} else {
			gap = true;
		}
		pos += n;
	}
	key[klen] = '\0';
	*out = key;
	key = NULL;
cleanup:
	free(mapped);
	free(key);
	return rc;
}

int mc_text_mask_name(char **out, const char *name)
{
	char *nfc = NULL;
	char *masked = NULL;
	size_t len, pos = 0, mlen = 0;
	bool in_word = false, in_first = false;
	int32_t prev = 0;
	utf8proc_int32_t gstate = 0;
	int rc;

	*out = NULL;
	if (!name) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	/* NFC first, so that a name typed with combining accents masks the same. */
	rc = mc_text_nfc(&nfc, name, strlen(name));
	if (rc != 0)
		goto cleanup;
	len = strlen(nfc);
	/* Each grapheme gives at most its own bytes, each run of space one byte. */
	masked = mc_xmalloc(len + 1);
	while (pos < len) {
		int32_t cp;
		size_t n = next_cp(nfc + pos, len - pos, &cp);
		if (is_space(cp)) {
			in_word = false;
		} else if (!in_word) {
			if (mlen > 0)
				masked[mlen++] = ' ';
			memcpy(masked + mlen, nfc + pos, n);
			mlen += n;
			in_word = true;
			in_first = true;
			gstate = 0;
		} else if (utf8proc_grapheme_break_stateful(prev, cp, &gstate)) {
			masked[mlen++] = '*';
			in_first = false;
		} else if (in_first) {
			/* A combining mark or joiner still part of the first letter. */
			memcpy(masked + mlen, nfc + pos, n);
			mlen += n;
		}
		prev = cp;
		pos += n;
	}
	masked[mlen] = '\0';
	*out = masked;
	masked = NULL;
cleanup:
	free(nfc);
	free(masked);
	return rc;
}

/* Turns "\r\n" and lone "\r" into "\n" in place; returns the new length. The
 * bytes are ASCII, so they never occur inside a multi-byte sequence. */
static size_t unify_line_ends(char *s, size_t len)
{
	size_t r = 0, w = 0;
	while (r < len) {
		if (s[r] == '\r') {
			s[w++] = '\n';
			r += (r + 1 < len && s[r + 1] == '\n') ? 2 : 1;
		} else {
			s[w++] = s[r++];
		}
	}
	s[w] = '\0';
	return w;
}

/* Byte offsets of the text between the leading and trailing white space;
 * *start == *end when it is all white space. */
static void trim_bounds(const char *s, size_t len, size_t *start, size_t *end)
{
	size_t pos = 0;
	bool seen = false;
	*start = *end = 0;
	while (pos < len) {
		int32_t cp;
		size_t n = next_cp(s + pos, len - pos, &cp);
		if (!is_space(cp)) {
			if (!seen)
				*start = pos;
			seen = true;
			*end = pos + n;
		}
		pos += n;
	}
}

/* Characters a name may not hold because they show nothing, or nothing of
 * their own (text.h, MC_TEXT_NAME). U+2800 BRAILLE PATTERN BLANK is a
 * symbol, but prints as a space. */
static bool invisible(int32_t cp)
{
	utf8proc_category_t cat = utf8proc_category(cp);
	if (cat == UTF8PROC_CATEGORY_CF || cat == UTF8PROC_CATEGORY_CO || cat == UTF8PROC_CATEGORY_CN)
		return true;
	return utf8proc_get_property(cp)->ignorable || cp == 0x2800;
}

bool mc_text_reorders_or_hides(int cp)
{
	return cp == 0x061C || cp == 0x200B || cp == 0x200E || cp == 0x200F ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) ||
	       (cp >= 0x2066 && cp <= 0x206F) || cp == 0xFEFF;
}

bool mc_text_is_mark(int cp)
{
	utf8proc_category_t cat = utf8proc_category(cp);
	return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_ME;
}

static bool allowed_in_field(int32_t cp, mc_text_kind kind)
{
	bool multiline = kind == MC_TEXT_LINES;
	if (utf8proc_category(cp) == UTF8PROC_CATEGORY_CC)
		return multiline && (cp == '\n' || cp == '\t');
	if (!multiline && (cp == 0x2028 || cp == 0x2029))
		return false;
	if (mc_text_reorders_or_hides(cp))
		return false;
	return kind != MC_TEXT_NAME || !invisible(cp);
}

/* mc_text_clean, telling in *bad the code point refused (-1 for none). */
static int clean(char **out, int32_t *bad, const char *s, size_t len, size_t max_chars, mc_text_kind kind)
{
	char *text = NULL;
	size_t tlen, pos, start, end, chars = 0;
	int rc;

	*out = NULL;
	*bad = -1;
	rc = mc_text_nfc(&text, s, len);
	if (rc != 0)
		goto cleanup;
	tlen = strlen(text);
	if (kind == MC_TEXT_LINES)
		tlen = unify_line_ends(text, tlen);
	trim_bounds(text, tlen, &start, &end);
	if (start == end) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	pos = start;
	size_t marks = 0; /* combining marks in a row, on one character */
	while (pos < end) {
		int32_t cp;
		size_t n = next_cp(text + pos, end - pos, &cp);
		marks = mc_text_is_mark(cp) ? marks + 1 : 0;
		if (!allowed_in_field(cp, kind) || marks > MC_TEXT_MARKS_MAX) {
			*bad = cp;
			rc = MC_EINVAL;
			goto cleanup;
		}
		chars++;
		pos += n;
	}
	if (chars > max_chars) {
		rc = MC_ETOOBIG;
		goto cleanup;
	}
	memmove(text, text + start, end - start);
	text[end - start] = '\0';
	*out = text;
	text = NULL;
cleanup:
	free(text);
	return rc;
}

int mc_text_clean(char **out, const char *s, size_t len, size_t max_chars, mc_text_kind kind)
{
	int32_t bad;
	return clean(out, &bad, s, len, max_chars, kind);
}

int mc_text_first_refused(const char *s, size_t len, mc_text_kind kind)
{
	char *text = NULL;
	int32_t bad;
	clean(&text, &bad, s, len, SIZE_MAX, kind);
	free(text);
	return bad;
}
