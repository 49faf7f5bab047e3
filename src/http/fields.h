/*
 * fields.h - reading request fields from JSON with a declarative spec
 * (name, type, required, limits) instead of by hand in every handler.
 * Strings are checked as UTF-8, normalised to NFC, trimmed and limited in
 * length; what is read belongs to the request and is freed with it.
 */
#ifndef MC_HTTP_FIELDS_H
#define MC_HTTP_FIELDS_H

#include "http/server.h"

typedef enum {
	MC_F_STRING,	/* out: const char ** (one line) */
	MC_F_TEXT,	/* out: const char ** (may hold line breaks) */
	MC_F_NAME,	/* out: const char ** (a person's or organisation's name: one
			 * line without invisible characters, MC_TEXT_NAME of core/text.h) */
	MC_F_INT,	/* out: int64_t *, within [min, max] */
	MC_F_BOOL,	/* out: bool * */
	MC_F_OBJECT,	/* out: json_t ** (borrowed) */
	MC_F_ARRAY,	/* out: json_t ** (borrowed), at most max items */
	MC_F_PHONE,	/* out: const char ** (a telephone number, mc_fields_phone_valid) */
	MC_F_ID_NUMBER, /* out: const char ** (a citizen identity number, mc_fields_id_number_valid) */
	MC_F_EMAIL,	/* out: const char ** (an e-mail address, mc_fields_email_valid) */
} mc_ftype;

typedef struct {
	const char *name;
	mc_ftype type;
	bool required;
	int64_t min; /* INT: least value; STRING/TEXT: least length in characters (0 → 1 when required) */
	int64_t max; /* INT: greatest value; STRING/TEXT: most characters; ARRAY: most items */
	void *out;   /* left untouched when the field is absent */
	size_t cap;  /* STRING/TEXT: when not 0, the bytes the value must fit in with its NUL */
} mc_field;

/*
 * Whether s is a Vietnamese telephone number: 10 digits starting with 0
 * (mobile, "0912 345 678"), 11 digits starting with 02 (a landline with its
 * area code since 2017, "0237 3852 366"), or either written from abroad with
 * +84 in place of the first 0; one space, dot or hyphen may stand between
 * digits.
 */
bool mc_fields_phone_valid(const char *s);
/* Whether s is a citizen identity number: 12 digits (căn cước công dân,
 * CCCD) or 9 digits (the old chứng minh nhân dân, CMND). */
bool mc_fields_id_number_valid(const char *s);
/* Whether s looks like an e-mail address: local@domain, the domain with a
 * dot inside, no spaces. */
bool mc_fields_email_valid(const char *s);

/*
 * Reads every field of spec from obj (a JSON object; `where` prefixes names in
 * messages, e.g. "applicant."). Fields not in spec are ignored. On a bad or
 * missing field, replies with 422 naming it (the problem's `field` and
 * `rule`, mc_reply_field_problem) and returns -1.
 */
int mc_fields_or_reply(mc_req *r, json_t *obj, const char *where, const mc_field *spec, size_t n);

#endif
