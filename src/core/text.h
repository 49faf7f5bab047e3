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
 * Copies src into dst of cap bytes (cap > 0 for anything to be written); when
 * src does not fit it is cut after the last whole character (code point)
 * that does, so the copy stays valid UTF-8. Returns the bytes copied, without
 * the NUL. For the few fixed buffers where a shortened text is acceptable
 * (an error message kept for display, a value read back for a log line);
 * text that must arrive whole is built in an mc_buf, which refuses instead.
 */
size_t mc_text_cut(char *dst, size_t cap, const char *src);

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

/* What a text field holds, for mc_text_clean. */
typedef enum {
	/* One line: no control character, no U+2028/U+2029, and none of the
	 * characters that reorder or hide text, which no kind may hold: the
	 * direction marks U+200E/U+200F/U+061C, embeddings and overrides
	 * U+202A-U+202E, isolates U+2066-U+2069, and the invisible format
	 * characters U+200B, U+2060-U+2064, U+206A-U+206F, U+FEFF. A reversed
	 * address or a hidden word in a note would show so on an officer's
	 * screen, a receipt and an e-mail. The joiners U+200C/U+200D are kept
	 * (emoji sequences). */
	MC_TEXT_LINE,
	MC_TEXT_LINES, /* may hold line breaks ("\n") and tabs; otherwise as a line */
	/* A person's or an organisation's name: one line, and nothing that
	 * shows nothing. Refused: the format characters (Unicode category Cf:
	 * zero-width space and joiners U+200B-U+200D, the direction marks and
	 * overrides U+200E/U+200F, U+202A-U+202E, U+2066-U+2069, U+2060-U+2064,
	 * U+FEFF, the soft hyphen...), every Default_Ignorable_Code_Point
	 * (fillers such as U+3164, variation selectors, U+034F), private-use
	 * and unassigned code points. Such characters make two names that look
	 * the same differ, or one name look like another (a right-to-left
	 * override reverses what follows it on screen and on paper). */
	MC_TEXT_NAME,
} mc_text_kind;

/*
 * A required text field made ready for storage: checked to be valid UTF-8,
 * NFC-normalised, trimmed of white space at both ends, and checked to be not
 * empty, at most max_chars code points, and free of control characters. A
 * MC_TEXT_LINES field may hold "\n" and "\t"; its "\r\n" and lone "\r" (as
 * browsers send from a textarea) become "\n". A MC_TEXT_LINE field holds no
 * control character nor U+2028/U+2029; neither kind holds the characters
 * that reorder or hide text; a MC_TEXT_NAME field is a line that holds none
 * of the invisible characters listed above either.
 * Returns 0; MC_EINVAL for invalid UTF-8, an empty field or a forbidden
 * character; MC_ETOOBIG when longer than max_chars; MC_ERROR when utf8proc
 * fails. Caller frees *out.
 */
int mc_text_clean(char **out, const char *s, size_t len, size_t max_chars, mc_text_kind kind);

/*
 * The first code point of the len bytes at s that a field of this kind may
 * not hold (what made mc_text_clean refuse it), for telling the user which;
 * -1 when there is none or s is not valid UTF-8. White space at the ends is
 * not looked at: mc_text_clean trims it.
 */
int mc_text_first_refused(const char *s, size_t len, mc_text_kind kind);

/*
 * Whether the code point cp reorders or hides text (a direction mark,
 * embedding, override or isolate, or an invisible format character, as
 * listed at MC_TEXT_LINE), which no text field may hold. U+200C/U+200D are
 * not: emoji sequences and some scripts need them.
 */
bool mc_text_reorders_or_hides(int cp);

/* The most combining marks (Unicode categories Mn, Me) one character of a
 * text field carries. Vietnamese in NFC carries none (its letters are
 * precomposed), other scripts a few; hundreds stacked on one letter spill
 * over the lines above and below on a screen and a printed receipt. A longer
 * run is refused by mc_text_clean (MC_EINVAL), mc_text_first_refused naming
 * the first mark past it. */
#define MC_TEXT_MARKS_MAX 4
/* Whether cp is a combining mark (categories Mn, Me). */
bool mc_text_is_mark(int cp);

#endif
