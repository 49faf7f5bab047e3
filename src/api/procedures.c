/* /api/v1/procedures - the catalogue of administrative procedures. */
#include "api/api.h"

#include "core/limits.h"
#include "core/onestop.h"

#include <stdlib.h>
#include <string.h>

void mc_api_procedures_list(mc_req *r)
{
	int64_t limit = 20, offset = 0, online_level = 0;
	if (mc_api_query_int_or_reply(r, "limit", &limit, 1, 200) != 0 ||
	    mc_api_query_int_or_reply(r, "offset", &offset, 0, 1000000) != 0 ||
	    mc_api_query_int_or_reply(r, "online_level", &online_level, 0, 4) != 0)
		return;
	mc_proc_query q = {0};
	q.q = mc_req_query(r, "q");
	q.field = mc_req_query(r, "field");
	q.level = mc_req_query(r, "level");
	/* Abolished procedures too, for the catalogue's administrators. */
	const char *abolished = mc_req_query(r, "include_abolished");
	if (abolished && strcmp(abolished, "true") != 0 && strcmp(abolished, "false") != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "include_abolished", "choice",
				       "include_abolished must be true or false");
		return;
	}
	q.include_abolished = abolished && strcmp(abolished, "true") == 0;
	q.online_level = (int)online_level;
	q.limit = (int)limit;
	q.offset = (int)offset;
	if (q.q && strlen(q.q) > 200) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "q is limited to 200 bytes");
		return;
	}
	const char *unit = mc_req_query(r, "unit");
	if (unit) {
		mc_unit u;
		int rc = mc_store_unit_by_code(mc_req_store(r), &u, unit);
		if (rc != 0) {
			mc_reply_problem(r, MC_PROB_INVALID_QUERY, "no unit has code %s", unit);
			return;
		}
		q.unit_id = u.id;
		mc_unit_clear(&u);
	}
	mc_procedure *list = NULL;
	size_t n = 0;
	mc_proc_found found;
	int rc = mc_store_procedure_find(mc_req_store(r), &list, &n, &found, &q);
	int64_t total = found.total;
	json_t *extra = json_object();
	/* What the search did with q: whether it had to drop words, and what
	 * the catalogue spells nearest to words it does not hold. */
	if (q.q && rc == 0) {
		json_object_set_new(extra, "relaxed", json_boolean(found.relaxed));
		json_object_set_new(extra, "did_you_mean",
				    found.did_you_mean ? json_string(found.did_you_mean) : json_null());
	}
	mc_proc_found_clear(&found);
	if (rc != 0)
		json_decref(extra);
	if (rc == MC_EINVAL) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "q must be valid UTF-8 text");
		return;
	}
	if (rc != 0) {
		mc_reply_error(r, rc, "the procedure search");
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, mc_api_procedure_json(&list[i], false));
	mc_procedure_free_list(list, n);
	json_t *body = json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total, "limit",
				 (json_int_t)limit, "offset", (json_int_t)offset);
	json_object_update(body, extra);
	json_decref(extra);
	mc_reply_json(r, 200, body);
}

void mc_api_procedure_get(mc_req *r)
{
	mc_procedure p = {0};
	int rc = mc_store_procedure_get(mc_req_store(r), &p, mc_req_param(r, 0), true);
	if (rc != 0) {
		mc_reply_error(r, rc, "the procedure");
		return;
	}
	json_t *j = mc_api_procedure_json(&p, true);
	if (p.unit_id)
		json_object_set_new(j, "unit", mc_api_unit_ref(mc_req_time(r), p.unit_id));
	mc_procedure_clear(&p);
	mc_reply_json(r, 200, j);
}

/* ---- fields ------------------------------------------------------------ */

static const char *const unit_levels[] = {"province", "department", "district", "commune"};

static bool level_valid(const char *s, size_t len)
{
	for (size_t i = 0; i < MC_ARRAY_LEN(unit_levels); i++) {
		if (strlen(unit_levels[i]) == len && strncmp(s, unit_levels[i], len) == 0)
			return true;
	}
	return false;
}

void mc_api_procedure_fields(mc_req *r)
{
	const char *level = mc_req_query(r, "level");
	if (level && !level_valid(level, strlen(level))) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY,
				 "level must be province, department, district or commune");
		return;
	}
	mc_proc_field *list = NULL;
	size_t n = 0;
	int rc = mc_store_procedure_fields(mc_req_store(r), &list, &n, level);
	if (rc != 0) {
		mc_reply_error(r, rc, "the list of fields");
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:s, s:I}", "field", list[i].field, "count",
						       (json_int_t)list[i].count));
	mc_proc_field_free_list(list, n);
	mc_reply_header(r, "Cache-Control", "no-cache");
	mc_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ---- administration ---------------------------------------------------- */

#define MAX_STEPS 30
#define MAX_PROC_DOCS 50
#define MAX_FEES 20
#define MAX_PUBS 50
#define MAX_HOURS 10000 /* 1,250 working days: far above any statutory time */

static const char *const step_roles[] = {"desk", "specialist", "leader"};
static const char *const pub_kinds[] = {"new", "modified", "standardised", "abolished"};

static bool one_of(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(s, list[i]) == 0)
			return true;
	}
	return false;
}

/* A procedure code is a path segment of the catalogue: letters, digits, dots,
 * dashes and underscores ("1.001193", "BTP-THA-277"). */
static bool proc_code_valid(const char *s)
{
	if (!*s || strcmp(s, "fields") == 0)
		return false;
	for (; *s; s++) {
		char c = *s;
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      c == '.' || c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* Adds one level named by item[0..len) to the comma list out, each level once. */
static bool add_level(char *out, size_t cap, char *seen, const char *item, size_t len)
{
	while (len > 0 && *item == ' ') {
		item++;
		len--;
	}
	while (len > 0 && item[len - 1] == ' ')
		len--;
	for (size_t k = 0; k < MC_ARRAY_LEN(unit_levels); k++) {
		if (strlen(unit_levels[k]) != len || strncmp(item, unit_levels[k], len) != 0)
			continue;
		if (seen[k])
			return false;
		seen[k] = 1;
		size_t used = strlen(out);
		snprintf(out + used, cap - used, "%s%s", used ? "," : "", unit_levels[k]);
		return true;
	}
	return false;
}

/* "levels": a comma list, as GET shows it, or an array of levels. Writes the
 * comma list. */
static int read_levels_or_reply(mc_req *r, json_t *v, char *out, size_t cap)
{
	char seen[MC_ARRAY_LEN(unit_levels)] = {0};
	bool ok = json_is_string(v) || (json_is_array(v) && json_array_size(v) > 0);
	out[0] = '\0';
	if (ok && json_is_string(v)) {
		for (const char *s = json_string_value(v); ok;) {
			size_t len = strcspn(s, ",");
			ok = add_level(out, cap, seen, s, len);
			if (s[len] != ',')
				break;
			s += len + 1;
		}
	}
	for (size_t i = 0; ok && json_is_array(v) && i < json_array_size(v); i++) {
		json_t *e = json_array_get(v, i);
		ok = json_is_string(e) &&
		     add_level(out, cap, seen, json_string_value(e), strlen(json_string_value(e)));
	}
	if (!ok) {
		mc_reply_problem(
		    r, MC_PROB_INVALID_FIELD,
		    "levels must list one or more of province, department, district, commune, each once");
		return -1;
	}
	return 0;
}

static bool level_listed(const char *levels, const char *level)
{
	size_t n = strlen(level);
	for (const char *s = levels; *s;) {
		size_t len = strcspn(s, ",");
		if (len == n && strncmp(s, level, n) == 0)
			return true;
		s += len;
		if (*s == ',')
			s++;
	}
	return false;
}

/* "HH:MM" → minutes after midnight; -1 when malformed. */
static int cutoff_minutes(const char *s)
{
	if (strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++) {
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	}
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return -1;
	return h * 60 + m;
}

static int read_steps_or_reply(mc_req *r, json_t *arr, mc_procedure *p)
{
	size_t n = json_array_size(arr);
	p->steps = mc_req_own(r, mc_xcalloc(n ? n : 1, sizeof *p->steps));
	int64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		mc_proc_step *x = &p->steps[i];
		const char *name = NULL, *role = NULL, *unit_level = NULL;
		int64_t seq = (int64_t)i + 1, hours = 0;
		char where[48];
		snprintf(where, sizeof where, "steps[%zu].", i);
		mc_field spec[] = {
		    {"seq", MC_F_INT, false, 1, 100, &seq, 0},
		    {"name", MC_F_STRING, true, 1, MC_LIMIT_PROCEDURE_STEP_NAME, &name, 0},
		    {"role", MC_F_STRING, true, 1, MC_LIMIT_PROCEDURE_STEP_ROLE, &role, 0},
		    {"unit_level", MC_F_STRING, true, 1, MC_LIMIT_PROCEDURE_STEP_UNIT_LEVEL, &unit_level, 0},
		    {"hours", MC_F_INT, true, 0, MAX_HOURS, &hours, 0},
		};
		if (mc_fields_or_reply(r, json_array_get(arr, i), where, spec, MC_ARRAY_LEN(spec)) != 0)
			return -1;
		if (!one_of(role, step_roles, MC_ARRAY_LEN(step_roles))) {
			mc_reply_problem(r, MC_PROB_INVALID_FIELD,
					 "%srole must be desk, specialist or leader", where);
			return -1;
		}
		if (!level_valid(unit_level, strlen(unit_level))) {
			mc_reply_problem(r, MC_PROB_INVALID_FIELD,
					 "%sunit_level must be province, department, district or commune",
					 where);
			return -1;
		}
		/* The request's strings, which the store only reads. */
		x->seq = (int)seq;
		x->name = (char *)name;
		x->role = (char *)role;
		x->unit_level = (char *)unit_level;
		x->hours = (int32_t)hours;
		total += hours;
	}
	p->n_steps = n;
	/* The steps share out the statutory time (trình tự thực hiện). */
	if (n && total != p->duration_hours) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD,
				 "the hours of the steps add up to %lld, not to duration_hours (%d)",
				 (long long)total, p->duration_hours);
		return -1;
	}
	return 0;
}

/* Whether the procedure with this code (NULL: none yet) has the file sha256
 * as a form template already: sending back what GET showed keeps it. */
static bool template_kept(mc_req *r, const char *code, const char *sha256)
{
	mc_procedure cur = {0};
	bool kept = false;
	if (code && mc_store_procedure_get(mc_req_store(r), &cur, code, true) == 0) {
		for (size_t i = 0; i < cur.n_docs && !kept; i++)
			kept =
			    cur.docs[i].template_sha256 && strcmp(cur.docs[i].template_sha256, sha256) == 0;
	}
	mc_procedure_clear(&cur);
	return kept;
}

/* "template": {"attachment": sha256, "filename": ...} or null: the form's
 * file, uploaded first (POST /api/v1/attachments) by the administrator, or
 * the one the document has already. */
static int read_template_or_reply(mc_req *r, json_t *v, const char *where, const char *code, mc_proc_doc *x)
{
	const char *attachment = NULL, *filename = NULL;
	char field[96];
	if (!v || json_is_null(v))
		return 0;
	snprintf(field, sizeof field, "%stemplate.", where);
	mc_field spec[] = {
	    {"attachment", MC_F_STRING, true, 64, 64, &attachment, 0},
	    {"filename", MC_F_STRING, true, 1, MC_LIMIT_DOSSIER_DOC_FILENAME, &filename, 0},
	};
	if (!json_is_object(v)) {
		snprintf(field, sizeof field, "%stemplate", where);
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, field, "type",
				       "%s must be {\"attachment\": ..., \"filename\": ...} or null", field);
		return -1;
	}
	if (mc_fields_or_reply(r, v, field, spec, MC_ARRAY_LEN(spec)) != 0)
		return -1;
	int64_t size = 0;
	bool usable = false;
	char mime[64];
	int rc = mc_store_attachment_stat(mc_req_store(r), &size, mime, sizeof mime, attachment);
	/* Only the administrator's own upload: a template is served to anyone,
	 * and a file merely readable through a dossier is its applicant's. */
	if (rc == 0)
		rc = mc_store_upload_owned(mc_req_store(r), &usable, mc_req_user(r)->id, attachment);
	if (rc == 0 && !usable && !template_kept(r, code, attachment))
		rc = MC_ENOTFOUND;
	if (rc == MC_ENOTFOUND || rc == MC_EINVAL) {
		snprintf(field, sizeof field, "%stemplate.attachment", where);
		mc_reply_field_problem(
		    r, MC_PROB_INVALID_FIELD, field, "unknown",
		    "%s names no uploaded file; upload it first with POST /api/v1/attachments", field);
		return -1;
	}
	if (rc != 0) {
		mc_reply_error(r, rc, "the template's file");
		return -1;
	}
	x->template_sha256 = (char *)attachment;
	x->template_filename = (char *)filename;
	return 0;
}

static int read_proc_docs_or_reply(mc_req *r, json_t *arr, mc_procedure *p)
{
	size_t n = json_array_size(arr);
	p->docs = mc_req_own(r, mc_xcalloc(n ? n : 1, sizeof *p->docs));
	for (size_t i = 0; i < n; i++) {
		mc_proc_doc *x = &p->docs[i];
		const char *name = NULL, *form = NULL;
		int64_t seq = (int64_t)i + 1, originals = 0, copies = 0;
		bool required = true;
		char where[48];
		snprintf(where, sizeof where, "documents[%zu].", i);
		mc_field spec[] = {
		    {"seq", MC_F_INT, false, 1, 100, &seq, 0},
		    {"name", MC_F_STRING, true, 1, MC_LIMIT_PROCEDURE_DOCUMENT_NAME, &name, 0},
		    {"originals", MC_F_INT, false, 0, 100, &originals, 0},
		    {"copies", MC_F_INT, false, 0, 100, &copies, 0},
		    {"form", MC_F_STRING, false, 1, MC_LIMIT_PROCEDURE_DOCUMENT_FORM, &form, 0},
		    {"required", MC_F_BOOL, false, 0, 0, &required, 0},
		};
		if (mc_fields_or_reply(r, json_array_get(arr, i), where, spec, MC_ARRAY_LEN(spec)) != 0 ||
		    read_template_or_reply(r, json_object_get(json_array_get(arr, i), "template"), where,
					   p->code, x) != 0)
			return -1;
		x->seq = (int)seq;
		x->name = (char *)name;
		x->originals = (int)originals;
		x->copies = (int)copies;
		x->form = (char *)form;
		x->required = required;
	}
	p->n_docs = n;
	return 0;
}

static int read_fees_or_reply(mc_req *r, json_t *arr, mc_procedure *p)
{
	size_t n = json_array_size(arr);
	p->fees = mc_req_own(r, mc_xcalloc(n ? n : 1, sizeof *p->fees));
	for (size_t i = 0; i < n; i++) {
		mc_proc_fee *x = &p->fees[i];
		const char *code = NULL, *name = NULL;
		int64_t amount = 0;
		char where[48];
		snprintf(where, sizeof where, "fees[%zu].", i);
		mc_field spec[] = {
		    {"code", MC_F_STRING, false, 1, MC_LIMIT_PROCEDURE_FEE_CODE, &code, 0},
		    {"name", MC_F_STRING, true, 1, MC_LIMIT_PROCEDURE_FEE_NAME, &name, 0},
		    {"amount", MC_F_INT, true, 0, 1000000000000, &amount, 0},
		};
		if (mc_fields_or_reply(r, json_array_get(arr, i), where, spec, MC_ARRAY_LEN(spec)) != 0)
			return -1;
		x->code = (char *)code;
		x->name = (char *)name;
		x->amount = amount;
	}
	p->n_fees = n;
	return 0;
}

static int read_pubs_or_reply(mc_req *r, json_t *arr, mc_procedure *p)
{
	size_t n = json_array_size(arr);
	p->pubs = mc_req_own(r, mc_xcalloc(n ? n : 1, sizeof *p->pubs));
	for (size_t i = 0; i < n; i++) {
		mc_proc_pub *x = &p->pubs[i];
		const char *kind = NULL, *decision = NULL, *date = NULL;
		char where[48];
		snprintf(where, sizeof where, "publications[%zu].", i);
		mc_field spec[] = {
		    {"kind", MC_F_STRING, true, 1, MC_LIMIT_PROCEDURE_PUBLICATION_KIND, &kind, 0},
		    {"decision", MC_F_STRING, true, 1, MC_LIMIT_PROCEDURE_PUBLICATION_DECISION, &decision, 0},
		    {"date", MC_F_STRING, true, 10, MC_LIMIT_PROCEDURE_PUBLICATION_DATE, &date, 0},
		};
		if (mc_fields_or_reply(r, json_array_get(arr, i), where, spec, MC_ARRAY_LEN(spec)) != 0)
			return -1;
		if (!one_of(kind, pub_kinds, MC_ARRAY_LEN(pub_kinds))) {
			mc_reply_problem(r, MC_PROB_INVALID_FIELD,
					 "%skind must be new, modified, standardised or abolished", where);
			return -1;
		}
		int64_t t = 0;
		if (mc_time_parse(&t, date) != 0) {
			mc_reply_problem(r, MC_PROB_INVALID_FIELD, "%sdate must be a date YYYY-MM-DD", where);
			return -1;
		}
		x->kind = (char *)kind;
		x->decision = (char *)decision;
		x->day = (int32_t)((t + MC_TZ_OFFSET) / 86400);
	}
	p->n_pubs = n;
	return 0;
}

typedef struct {
	mc_procedure p;
	bool create;
} proc_job;

static int proc_write(mc_store *st, void *payload)
{
	proc_job *j = payload;
	return j->create ? mc_store_procedure_create(st, &j->p) : mc_store_procedure_update(st, &j->p);
}

static void proc_after(mc_req *r, int rc, void *payload)
{
	proc_job *j = payload;
	if (rc == MC_ECONFLICT && j->create) {
		mc_reply_problem(r, MC_PROB_DUPLICATE, "a procedure with code %s exists already", j->p.code);
		return;
	}
	if (rc == MC_ENOTFOUND && !j->create) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no procedure has code %s", j->p.code);
		return;
	}
	if (rc != 0) {
		mc_reply_error(r, rc, "the procedure");
		return;
	}
	/* The reply is what GET shows now. */
	mc_procedure p = {0};
	rc = mc_store_procedure_get(mc_req_store(r), &p, j->p.code, true);
	if (rc != 0) {
		mc_reply_error(r, rc, "the procedure");
		return;
	}
	json_t *body = mc_api_procedure_json(&p, true);
	if (p.unit_id)
		json_object_set_new(body, "unit", mc_api_unit_ref(mc_req_time(r), p.unit_id));
	mc_procedure_clear(&p);
	if (j->create) {
		char location[96];
		snprintf(location, sizeof location, "/api/v1/procedures/%s", j->p.code);
		mc_reply_header(r, "Location", location);
	}
	mc_reply_json(r, j->create ? 201 : 200, body);
}

/* The class of online service (Nghị định 42/2022/NĐ-CP) and the day it was
 * given: both or neither; the day not before the decree took effect. */
static int read_online_class_or_reply(mc_req *r, mc_procedure *p, const char *klass, const char *since)
{
	int64_t t = 0;

	if (!klass && !since)
		return 0;
	if (!klass || mc_online_class_parse(klass) < 0) {
		mc_reply_field_problem(r, klass ? MC_PROB_INVALID_FIELD : MC_PROB_MISSING_FIELD,
				       "online_class", klass ? "choice" : "required",
				       "online_class must be full, partial or \"\" (not online), given with "
				       "online_class_since");
		return -1;
	}
	if (!since) {
		mc_reply_field_problem(r, MC_PROB_MISSING_FIELD, "online_class_since", "required",
				       "online_class_since is required with online_class: the day the class "
				       "took the place of the level");
		return -1;
	}
	if (mc_time_parse(&t, since) != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "online_class_since", "format",
				       "online_class_since must be a date YYYY-MM-DD");
		return -1;
	}
	int32_t day = mc_local_day(t);
	if (day < MC_ONLINE_CLASS_DAY) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "online_class_since", "range",
				       "online_class_since must not be before 2022-08-01, when Nghị định "
				       "42/2022/NĐ-CP took effect");
		return -1;
	}
	p->online_class = (char *)klass;
	p->online_class_since = day;
	return 0;
}

/* Reads the whole procedure from the body, in the shape GET returns; code is
 * the one in the path for an update, NULL on creation. */
static int read_procedure_or_reply(mc_req *r, mc_procedure *p, const char *path_code)
{
	const char *code = NULL, *name = NULL, *field = NULL, *cutoff = NULL, *status = NULL, *target = NULL,
		   *result = NULL, *legal_basis = NULL, *place = NULL, *online_class = NULL,
		   *online_class_since = NULL;
	json_t *levels = NULL, *unit = NULL, *steps = NULL, *docs = NULL, *fees = NULL, *pubs = NULL;
	int64_t duration = 0, online_duration = 0, online_level = 2;
	bool restart = false, anywhere = false;
	mc_field spec[] = {
	    {"code", MC_F_STRING, path_code == NULL, 1, MC_LIMIT_PROCEDURE_CODE, &code, 0},
	    {"name", MC_F_STRING, true, 3, MC_LIMIT_PROCEDURE_NAME, &name, 0},
	    {"field", MC_F_STRING, true, 1, MC_LIMIT_PROCEDURE_FIELD, &field, 0},
	    {"duration_hours", MC_F_INT, true, 1, MAX_HOURS, &duration, 0},
	    {"online_duration_hours", MC_F_INT, false, 0, MAX_HOURS, &online_duration, 0},
	    {"cutoff", MC_F_STRING, false, 5, MC_LIMIT_PROCEDURE_CUTOFF, &cutoff, 0},
	    {"restart_on_supplement", MC_F_BOOL, false, 0, 0, &restart, 0},
	    {"online_level", MC_F_INT, false, 2, 4, &online_level, 0},
	    {"status", MC_F_STRING, false, 1, MC_LIMIT_PROCEDURE_STATUS, &status, 0},
	    {"target", MC_F_STRING, false, 1, MC_LIMIT_PROCEDURE_TARGET, &target, 0},
	    {"result", MC_F_STRING, false, 1, MC_LIMIT_PROCEDURE_RESULT, &result, 0},
	    {"legal_basis", MC_F_TEXT, false, 1, MC_LIMIT_PROCEDURE_LEGAL_BASIS, &legal_basis, 0},
	    {"place", MC_F_STRING, false, 1, MC_LIMIT_PROCEDURE_PLACE, &place, 0},
	    {"steps", MC_F_ARRAY, false, 0, MAX_STEPS, &steps, 0},
	    {"documents", MC_F_ARRAY, false, 0, MAX_PROC_DOCS, &docs, 0},
	    {"fees", MC_F_ARRAY, false, 0, MAX_FEES, &fees, 0},
	    {"publications", MC_F_ARRAY, false, 0, MAX_PUBS, &pubs, 0},
	    {"anywhere", MC_F_BOOL, false, 0, 0, &anywhere, 0},
	    {"online_class", MC_F_STRING, false, 0, 7, &online_class, 0},
	    {"online_class_since", MC_F_STRING, false, 10, 10, &online_class_since, 0},
	};
	json_t *body = mc_req_body(r);
	if (mc_fields_or_reply(r, body, NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return -1;
	if (path_code && code && strcmp(code, path_code) != 0) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD,
				 "code %s differs from the code in the path; codes do not change", code);
		return -1;
	}
	if (!path_code && !proc_code_valid(code)) {
		mc_reply_problem(
		    r, MC_PROB_INVALID_FIELD,
		    "code must be letters, digits, dots, dashes or underscores, such as 1.001193");
		return -1;
	}
	/* The request's strings, which the store only reads (p is not cleared). */
	p->code = (char *)(path_code ? path_code : code);
	levels = json_object_get(body, "levels");
	if (!levels || json_is_null(levels)) {
		mc_reply_field_problem(r, MC_PROB_MISSING_FIELD, "levels", "required", "levels is required");
		return -1;
	}
	/* Each of the four levels once, with commas. */
	p->levels = mc_req_own(r, mc_xcalloc(1, MC_LIMIT_PROCEDURE_LEVELS + 1));
	if (read_levels_or_reply(r, levels, p->levels, MC_LIMIT_PROCEDURE_LEVELS + 1) != 0)
		return -1;
	/* "unit": the owner's code, or {"code": ...} as GET shows it, or null. */
	unit = json_object_get(body, "unit");
	if (json_is_object(unit))
		unit = json_object_get(unit, "code");
	if (unit && !json_is_null(unit)) {
		if (!json_is_string(unit)) {
			mc_reply_problem(r, MC_PROB_INVALID_FIELD,
					 "unit must be the code of the owner unit, or null");
			return -1;
		}
		mc_unit u;
		int rc = mc_store_unit_by_code(mc_req_store(r), &u, json_string_value(unit));
		if (rc == MC_ENOTFOUND) {
			mc_reply_problem(r, MC_PROB_UNKNOWN_UNIT, "unit: no unit has code %.40s",
					 json_string_value(unit));
			return -1;
		}
		if (rc != 0) {
			mc_reply_error(r, rc, "the unit");
			return -1;
		}
		if (!level_listed(p->levels, u.level)) {
			mc_reply_problem(r, MC_PROB_INVALID_FIELD,
					 "unit %s is a %s, which is not among the levels %s", u.code, u.level,
					 p->levels);
			mc_unit_clear(&u);
			return -1;
		}
		p->unit_id = u.id;
		mc_unit_clear(&u);
	}
	p->name = (char *)name;
	p->field = (char *)field;
	p->duration_hours = (int32_t)duration;
	p->online_duration_hours = (int32_t)online_duration;
	p->cutoff_min = -1;
	if (cutoff) {
		p->cutoff_min = cutoff_minutes(cutoff);
		if (p->cutoff_min < 0) {
			mc_reply_problem(r, MC_PROB_INVALID_FIELD, "cutoff must be a time HH:MM, or null");
			return -1;
		}
	}
	p->restart_on_supplement = restart;
	p->online_level = (int)online_level;
	p->anywhere = anywhere;
	/* "" is a class (not online), which the field reader takes for absent. */
	json_t *oc = json_object_get(body, "online_class");
	if (!online_class && json_is_string(oc) && json_string_length(oc) == 0)
		online_class = "";
	if (read_online_class_or_reply(r, p, online_class, online_class_since) != 0)
		return -1;
	if (status && strcmp(status, "active") != 0 && strcmp(status, "abolished") != 0) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD, "status must be active or abolished");
		return -1;
	}
	p->status = (char *)(status ? status : "active");
	p->target = (char *)target;
	p->result = (char *)result;
	p->legal_basis = (char *)legal_basis;
	p->place = (char *)place;
	if (read_steps_or_reply(r, steps, p) != 0 || read_proc_docs_or_reply(r, docs, p) != 0 ||
	    read_fees_or_reply(r, fees, p) != 0 || read_pubs_or_reply(r, pubs, p) != 0)
		return -1;
	return 0;
}

/* A procedure owned by a unit is its subtree's administrators' to edit; one
 * owned by no unit runs at every unit of its levels, so its times are the
 * whole province's and the root's administrator's. */
static int owner_in_scope_or_reply(mc_req *r, int64_t unit_id)
{
	if (!unit_id)
		return mc_api_root_admin_or_reply(r, "change a procedure owned by no unit");
	return mc_api_in_scope_or_reply(r, unit_id);
}

void mc_api_procedure_create(mc_req *r)
{
	proc_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	j->create = true;
	if (read_procedure_or_reply(r, &j->p, NULL) != 0 || owner_in_scope_or_reply(r, j->p.unit_id) != 0)
		return;
	mc_req_write(r, proc_write, proc_after, j);
}

void mc_api_procedure_update(mc_req *r)
{
	proc_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	mc_procedure cur = {0};
	/* Both owners: the one it has, and the one the body gives it. */
	int rc = mc_store_procedure_get(mc_req_store(r), &cur, mc_req_param(r, 0), false);
	int64_t owner = cur.unit_id;
	mc_procedure_clear(&cur);
	if (rc == MC_ENOTFOUND) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no procedure has code %s", mc_req_param(r, 0));
		return;
	}
	if (rc != 0) {
		mc_reply_error(r, rc, "the procedure");
		return;
	}
	if (owner_in_scope_or_reply(r, owner) != 0 ||
	    read_procedure_or_reply(r, &j->p, mc_req_param(r, 0)) != 0 ||
	    owner_in_scope_or_reply(r, j->p.unit_id) != 0)
		return;
	mc_req_write(r, proc_write, proc_after, j);
}

/* The form's file name for Content-Disposition: RFC 6266 with RFC 8187's
 * UTF-8 form, every byte outside attr-char percent-encoded. */
static void disposition(char *out, size_t cap, const char *filename)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = (size_t)snprintf(out, cap, "attachment; filename=\"mau-don\"; filename*=UTF-8''");
	for (const unsigned char *c = (const unsigned char *)filename; *c && n + 4 < cap; c++) {
		if ((*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		    strchr("!#$&+-.^_`|~", *c)) {
			out[n++] = (char)*c;
		} else {
			out[n++] = '%';
			out[n++] = hex[*c >> 4];
			out[n++] = hex[*c & 15];
		}
	}
	out[n] = '\0';
}

/* GET /api/v1/procedures/{code}/documents/{seq}/template: the form's file of
 * a document, for anyone, as a download. */
void mc_api_procedure_template(mc_req *r)
{
	mc_procedure p = {0};
	const mc_proc_doc *doc = NULL;
	const char *seq = mc_req_param(r, 1);
	char *end = NULL;
	long n = strtol(seq, &end, 10);
	int fd = -1;
	int64_t size = 0;
	char mime[64], header[600];
	int rc = mc_store_procedure_get(mc_req_store(r), &p, mc_req_param(r, 0), true);
	if (rc != 0) {
		mc_reply_error(r, rc, "the procedure");
		return;
	}
	for (size_t i = 0; i < p.n_docs && end != seq && !*end; i++) {
		if (p.docs[i].seq == n && p.docs[i].template_sha256 && p.docs[i].template_sha256[0])
			doc = &p.docs[i];
	}
	if (!doc) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "document %.20s of procedure %s has no form template",
				 seq, p.code);
		goto cleanup;
	}
	rc = mc_store_attachment_open(mc_req_store(r), &fd, &size, mime, sizeof mime, doc->template_sha256);
	if (rc != 0) {
		mc_reply_error(r, rc, "the form template");
		goto cleanup;
	}
	disposition(header, sizeof header, doc->template_filename);
	mc_reply_header(r, "Content-Disposition", header);
	mc_reply_file(r, 200, mime, fd, size);
cleanup:
	mc_procedure_clear(&p);
}
