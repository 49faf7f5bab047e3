#include "http/fields.h"

#include "core/text.h"

#include <string.h>

static const char *type_name(mc_ftype t)
{
	switch (t) {
	case MC_F_STRING:
	case MC_F_TEXT:
	case MC_F_NAME: return "a string";
	case MC_F_INT: return "an integer";
	case MC_F_BOOL: return "true or false";
	case MC_F_OBJECT: return "an object";
	case MC_F_ARRAY: return "an array";
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

int mc_fields_or_reply(mc_req *r, json_t *obj, const char *where, const mc_field *spec, size_t n)
{
	if (!where)
		where = "";
	if (!json_is_object(obj)) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD, "%s must be an object", where[0] ? where : "the body");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const mc_field *f = &spec[i];
		json_t *v = json_object_get(obj, f->name);
		if (!v || json_is_null(v)) {
			if (f->required) {
				mc_reply_problem(r, MC_PROB_MISSING_FIELD, "%s%s is required", where, f->name);
				return -1;
			}
			continue;
		}
		switch (f->type) {
		case MC_F_STRING:
		case MC_F_TEXT:
		case MC_F_NAME: {
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
			int rc = mc_text_clean(&clean, json_string_value(v), json_string_length(v), (size_t)f->max, kind);
			if (rc == MC_ETOOBIG) {
				mc_reply_problem(r, MC_PROB_INVALID_FIELD, "%s%s is longer than %lld characters", where,
						 f->name, (long long)f->max);
				return -1;
			}
			/* Say which character a name may not hold: the user may not see it. */
			int bad = -1;
			if (rc == MC_EINVAL && kind == MC_TEXT_NAME)
				bad = mc_text_first_refused(json_string_value(v), json_string_length(v), kind);
			if (bad >= 0) {
				mc_reply_problem(r, MC_PROB_INVALID_FIELD,
						 "%s%s must be a name without control, formatting or invisible characters "
						 "(it holds U+%04X)",
						 where, f->name, (unsigned)bad);
				return -1;
			}
			if (rc != 0) {
				mc_reply_problem(r, MC_PROB_INVALID_FIELD,
						 "%s%s must be non-empty text without control characters", where, f->name);
				return -1;
			}
			mc_req_own(r, clean);
			if (char_count(clean) < f->min) {
				mc_reply_problem(r, MC_PROB_INVALID_FIELD, "%s%s must be at least %lld characters", where,
						 f->name, (long long)f->min);
				return -1;
			}
			if (f->cap && strlen(clean) >= f->cap) {
				mc_reply_problem(r, MC_PROB_INVALID_FIELD, "%s%s is longer than %zu bytes of UTF-8", where,
						 f->name, f->cap - 1);
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
				mc_reply_problem(r, MC_PROB_INVALID_FIELD, "%s%s must be between %lld and %lld", where,
						 f->name, (long long)f->min, (long long)f->max);
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
				mc_reply_problem(r, MC_PROB_INVALID_FIELD, "%s%s has more than %lld items", where,
						 f->name, (long long)f->max);
				return -1;
			}
			*(json_t **)f->out = v;
			break;
		}
		continue;
wrong_type:
		mc_reply_problem(r, MC_PROB_INVALID_FIELD, "%s%s must be %s", where, f->name, type_name(f->type));
		return -1;
	}
	return 0;
}
