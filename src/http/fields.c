#include "http/fields.h"

#include "core/text.h"

#include <string.h>

static const char *type_name(mc_ftype t)
{
	switch (t) {
	case MC_F_STRING:
	case MC_F_TEXT:
	case MC_F_NAME:
	case MC_F_PHONE:
	case MC_F_ID_NUMBER:
	case MC_F_EMAIL:
		return "a string";
	case MC_F_INT:
		return "an integer";
	case MC_F_BOOL:
		return "true or false";
	case MC_F_OBJECT:
		return "an object";
	case MC_F_ARRAY:
		return "an array";
	}
	return "?";
}

static bool blank(const char *s)
{
	for (; *s; s++) {
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	}
	return true;
}

/* Characters (code points) of valid UTF-8 text, counted as mc_text_clean counts them. */
static int64_t char_count(const char *s)
{
	int64_t n = 0;
	for (; *s; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return n;
}

bool mc_fields_phone_valid(const char *s)
{
	char digits[16];
	size_t n = 0;
	bool after_digit = false;
	if (strncmp(s, "+84", 3) == 0) {
		/* +84 stands for the first 0 of the number dialled at home. */
		digits[n++] = '0';
		s += 3;
		if (*s == ' ' || *s == '.' || *s == '-')
			s++;
	}
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (n == sizeof digits - 1)
				return false;
			digits[n++] = *s;
			after_digit = true;
		} else if ((*s == ' ' || *s == '.' || *s == '-') && after_digit && s[1] >= '0' &&
			   s[1] <= '9') {
			after_digit = false;
		} else {
			return false;
		}
	}
	if (n < 2 || digits[0] != '0')
		return false;
	return (n == 10 && digits[1] != '0') || (n == 11 && digits[1] == '2');
}

bool mc_fields_id_number_valid(const char *s)
{
	size_t n = strlen(s);
	if (n != 9 && n != 12)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
	}
	return true;
}

bool mc_fields_email_valid(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@') || strpbrk(s, " \t"))
		return false;
	const char *dot = strchr(at + 1, '.');
	return dot && dot > at + 1 && s[strlen(s) - 1] != '.';
}

/* Whether a string of this type keeps the rule of its type beyond being text. */
static bool format_ok(mc_ftype t, const char *s)
{
	switch (t) {
	case MC_F_PHONE:
		return mc_fields_phone_valid(s);
	case MC_F_ID_NUMBER:
		return mc_fields_id_number_valid(s);
	case MC_F_EMAIL:
		return mc_fields_email_valid(s);
	default:
		return true;
	}
}

static const char *format_text(mc_ftype t)
{
	switch (t) {
	case MC_F_PHONE:
		return "a telephone number: 10 digits starting with 0, 11 starting with 02, or +84 in place "
		       "of the 0";
	case MC_F_ID_NUMBER:
		return "an identity number of 12 digits (CCCD) or 9 digits (CMND)";
	case MC_F_EMAIL:
		return "an e-mail address";
	default:
		return "valid";
	}
}

int mc_fields_or_reply(mc_req *r, json_t *obj, const char *where, const mc_field *spec, size_t n)
{
	char path[160];
	if (!where)
		where = "";
	if (!json_is_object(obj)) {
		/* "applicant." names the field "applicant"; the body is no field. */
		size_t len = strlen(where);
		if (len > 0 && where[len - 1] == '.')
			len--;
		snprintf(path, sizeof path, "%.*s", (int)len, where);
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, path[0] ? path : NULL,
				       path[0] ? "type" : NULL, "%s must be an object",
				       where[0] ? where : "the body");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const mc_field *f = &spec[i];
		json_t *v = json_object_get(obj, f->name);
		snprintf(path, sizeof path, "%s%s", where, f->name);
		if (!v || json_is_null(v)) {
			if (f->required) {
				mc_reply_field_problem(r, MC_PROB_MISSING_FIELD, path, "required",
						       "%s is required", path);
				return -1;
			}
			continue;
		}
		switch (f->type) {
		case MC_F_STRING:
		case MC_F_TEXT:
		case MC_F_NAME:
		case MC_F_PHONE:
		case MC_F_ID_NUMBER:
		case MC_F_EMAIL: {
			if (!json_is_string(v))
				goto wrong_type;
			if (!f->required && blank(json_string_value(v)))
				continue; /* an optional field sent blank counts as absent */
			char *clean = NULL;
			mc_text_kind kind = MC_TEXT_LINE;
			if (f->type == MC_F_TEXT)
				kind = MC_TEXT_LINES;
			else if (f->type == MC_F_NAME)
				kind = MC_TEXT_NAME;
			int rc = mc_text_clean(&clean, json_string_value(v), json_string_length(v),
					       (size_t)f->max, kind);
			if (rc == MC_ETOOBIG) {
				mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, path, "too-long",
						       "%s is longer than %lld characters", path,
						       (long long)f->max);
				return -1;
			}
			/* Say which character the field may not hold: the user may not see it. */
			int bad = -1;
			if (rc == MC_EINVAL)
				bad =
				    mc_text_first_refused(json_string_value(v), json_string_length(v), kind);
			if (bad >= 0 && kind != MC_TEXT_NAME && mc_text_reorders_or_hides(bad)) {
				mc_reply_field_problem(
				    r, MC_PROB_INVALID_FIELD, path, "characters",
				    "%s must be text without direction-changing or invisible formatting "
				    "characters (it holds U+%04X)",
				    path, (unsigned)bad);
				return -1;
			}
			if (bad >= 0 && mc_text_is_mark(bad) && kind != MC_TEXT_NAME) {
				mc_reply_field_problem(
				    r, MC_PROB_INVALID_FIELD, path, "characters",
				    "%s must not stack more than %d combining marks on one "
				    "character (it holds U+%04X past them)",
				    path, MC_TEXT_MARKS_MAX, (unsigned)bad);
				return -1;
			}
			if (bad >= 0 && kind == MC_TEXT_NAME) {
				mc_reply_field_problem(
				    r, MC_PROB_INVALID_FIELD, path, "characters",
				    "%s must be a name without control, formatting or invisible "
				    "characters (it holds U+%04X)",
				    path, (unsigned)bad);
				return -1;
			}
			if (rc != 0) {
				mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, path, "text",
						       "%s must be non-empty text without control characters",
						       path);
				return -1;
			}
			mc_req_own(r, clean);
			if (char_count(clean) < f->min) {
				mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, path, "too-short",
						       "%s must be at least %lld characters", path,
						       (long long)f->min);
				return -1;
			}
			if (f->cap && strlen(clean) >= f->cap) {
				mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, path, "too-long",
						       "%s is longer than %zu bytes of UTF-8", path,
						       f->cap - 1);
				return -1;
			}
			if (!format_ok(f->type, clean)) {
				mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, path, "format",
						       "%s must be %s", path, format_text(f->type));
				return -1;
			}
			*(const char **)f->out = clean;
			break;
		}
		case MC_F_INT: {
			if (!json_is_integer(v))
				goto wrong_type;
			int64_t x = (int64_t)json_integer_value(v);
			if (x < f->min || x > f->max) {
				mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, path, "range",
						       "%s must be between %lld and %lld", path,
						       (long long)f->min, (long long)f->max);
				return -1;
			}
			*(int64_t *)f->out = x;
			break;
		}
		case MC_F_BOOL:
			if (!json_is_boolean(v))
				goto wrong_type;
			*(bool *)f->out = json_is_true(v);
			break;
		case MC_F_OBJECT:
			if (!json_is_object(v))
				goto wrong_type;
			*(json_t **)f->out = v;
			break;
		case MC_F_ARRAY:
			if (!json_is_array(v))
				goto wrong_type;
			if ((int64_t)json_array_size(v) > f->max) {
				mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, path, "too-many",
						       "%s has more than %lld items", path,
						       (long long)f->max);
				return -1;
			}
			*(json_t **)f->out = v;
			break;
		}
		continue;
	wrong_type:
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, path, "type", "%s must be %s", path,
				       type_name(f->type));
		return -1;
	}
	return 0;
}
