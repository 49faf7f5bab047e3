/*
 * text.h - rules for the text people type: strict UTF-8, NFC normalisation,
 * the search key that lets "dang ky khai sinh" find "Đăng ký khai sinh",
 * masking of names on public pages, and the cleaning of required fields.
 *
 * Pure functions over byte strings, built on utf8proc. Every string returned
 * is NUL-terminated and allocated with malloc; the caller frees it with free().
 * On failure *out is set to NULL.
 */
#ifndef MC_TEXT_H
#define MC_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether the len bytes at s are well-formed UTF-8 (RFC 3629): no overlong
 * forms, no surrogates, nothing above U+10FFFF, no truncated sequence and no
 * NUL byte, which C strings could not carry.
 */
bool mc_text_valid_utf8(const char *s, size_t len);

/*
 * The NFC (canonically composed) form of the len bytes at s, so that "e" +
 * U+0301 and U+00E9 are stored and compared alike. Returns 0, MC_EINVAL for
 * invalid UTF-8, or MC_ERROR when utf8proc fails. Caller frees *out.
 */
int mc_text_nfc(char **out, const char *s, size_t len);

/*
 * The search key of a text: compatibility-composed (NFKC, so full-width and
 * ligature forms match their plain letters), case-folded, without diacritics
 * (đ/Đ become d), every run of characters that are not letters or digits
 * made one space, and trimmed. "Đăng ký  khai sinh!" gives "dang ky khai
 * sinh". Returns 0, MC_EINVAL for invalid UTF-8, or MC_ERROR. Caller frees *out.
 */
int mc_text_fold(char **out, const char *s, size_t len);

/*
 * A person's name masked for public display (the public lookup and the
 * result registers): the first character of each word is kept, each further
 * character (grapheme cluster, after NFC) becomes '*', and words are joined
 * by one space. "Nguyễn Văn An" gives "N***** V** A*". Returns 0 or MC_EINVAL
 * for NULL or invalid UTF-8. Caller frees *out.
 */
int mc_text_mask_name(char **out, const char *name);

/*
 * A required text field made ready for storage: checked to be valid UTF-8,
 * NFC-normalised, trimmed of white space at both ends, and checked to be not
 * empty, at most max_chars code points, and free of control characters. A
 * multiline field may hold "\n" and "\t"; its "\r\n" and lone "\r" (as
 * browsers send from a textarea) become "\n". A single-line field holds no
 * control character nor U+2028/U+2029.
 * Returns 0; MC_EINVAL for invalid UTF-8, an empty field or a forbidden
 * character; MC_ETOOBIG when longer than max_chars; MC_ERROR when utf8proc
 * fails. Caller frees *out.
 */
int mc_text_clean(char **out, const char *s, size_t len, size_t max_chars, bool multiline);

#endif
