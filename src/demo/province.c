/*
 * province.c - loads the demo province from the embedded data/demo files:
 * units (province.json, then the communes of communes.json), procedures (the
 * detailed ones of province.json, then the catalogue entries of
 * catalogue.json) and the demo accounts, in one transaction.
 */
#include "demo/demo.h"

#include "app/auth.h"
#include "core/dossier.h"
#include "core/embed.h"
#include "core/mc.h"
#include "core/onestop.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define DEMO_PATH "data/demo/province.json"
#define COMMUNES_PATH "data/demo/communes.json"
#define CATALOGUE_PATH "data/demo/catalogue.json"

/* ---- reading the JSON -------------------------------------------------- */

/* Reads members of one JSON object; the first error sticks in rc and makes
 * the later reads no-ops, so a record reads top to bottom. */
typedef struct {
	const char *what; /* the record, for messages */
	int rc;
} reader;

/* Copies the string member key of obj into dst. A missing or null member
 * gives "" unless required. */
static void rd_str(reader *r, char *dst, size_t cap, const json_t *obj, const char *key, bool required)
{
	const json_t *v = json_object_get(obj, key);
	dst[0] = '\0';
	if (r->rc != 0)
		return;
	if (!v || json_is_null(v)) {
		if (required) {
			fprintf(stderr, "demo: %s has no %s\n", r->what, key);
			r->rc = MC_EINVAL;
		}
		return;
	}
	if (!json_is_string(v)) {
		fprintf(stderr, "demo: %s: %s is not a string\n", r->what, key);
		r->rc = MC_EINVAL;
		return;
	}
	if (mc_strlcpy(dst, json_string_value(v), cap) != 0) {
		fprintf(stderr, "demo: %s: %s is longer than %zu bytes\n", r->what, key, cap - 1);
		r->rc = MC_EINVAL;
	}
}

/* The string member key of obj, borrowed from obj (it lives as long as the
 * parsed file); "" for a missing or null member unless required. */
static char *rd_text(reader *r, const json_t *obj, const char *key, bool required)
{
	const json_t *v = json_object_get(obj, key);
	if (r->rc != 0)
		return "";
	if (!v || json_is_null(v)) {
		if (required) {
			fprintf(stderr, "demo: %s has no %s\n", r->what, key);
			r->rc = MC_EINVAL;
		}
		return "";
	}
	if (!json_is_string(v)) {
		fprintf(stderr, "demo: %s: %s is not a string\n", r->what, key);
		r->rc = MC_EINVAL;
		return "";
	}
	return (char *)json_string_value(v);
}

/* The same, an owned copy. */
static char *rd_dup(reader *r, const json_t *obj, const char *key, bool required)
{
	return mc_xstrdup(rd_text(r, obj, key, required));
}

static int64_t rd_int(reader *r, const json_t *obj, const char *key, int64_t min, int64_t max)
{
	const json_t *v = json_object_get(obj, key);
	if (r->rc != 0)
		return min;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		fprintf(stderr, "demo: %s: %s must be an integer in %lld..%lld\n", r->what, key,
			(long long)min, (long long)max);
		r->rc = MC_EINVAL;
		return min;
	}
	return json_integer_value(v);
}

/* The id of the unit with this code; "" gives 0. */
static int64_t rd_unit(reader *r, mc_store *st, const char *code)
{
	mc_unit u;
	int rc;
	if (r->rc != 0 || !code[0])
		return 0;
	rc = mc_store_unit_by_code(st, &u, code);
	if (rc != 0) {
		fprintf(stderr, "demo: %s: unknown unit %s\n", r->what, code);
		r->rc = rc == MC_ENOTFOUND ? MC_EINVAL : rc;
		return 0;
	}
	int64_t id = u.id;
	mc_unit_clear(&u);
	return id;
}

/* "15:00" -> 900 minutes; null -> -1. */
/* The demo's online-service class from 1 August 2022 (Nghị định 42/2022/NĐ-CP),
 * taken from its 2017 level: a level 4 service as "toàn trình", level 3 as
 * "một phần", level 2 (information only) as not online. An assumption of the
 * demo, not a rule of law: each province publishes its own list. */
static const char *demo_online_class(int level)
{
	return level >= 4 ? "full" : level == 3 ? "partial" : "";
}

static int rd_cutoff(reader *r, const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	int h = 0, m = 0;
	char tail;
	if (r->rc != 0 || !v || json_is_null(v))
		return -1;
	if (!json_is_string(v) || sscanf(json_string_value(v), "%d:%d%c", &h, &m, &tail) != 2 || h < 0 ||
	    h > 23 || m < 0 || m > 59) {
		fprintf(stderr, "demo: %s: %s must be \"HH:MM\" or null\n", r->what, key);
		r->rc = MC_EINVAL;
		return -1;
	}
	return h * 60 + m;
}

/* "2017-04-10" -> days since 1970-01-01. */
static int32_t parse_day(reader *r, const char *s)
{
	int y = 0, m = 0, d = 0;
	char tail;
	if (r->rc != 0)
		return 0;
	if (!s || sscanf(s, "%d-%d-%d%c", &y, &m, &d, &tail) != 3 || y < 1970 || y > 2100 || m < 1 ||
	    m > 12 || d < 1 || d > 31) {
		fprintf(stderr, "demo: %s: bad date \"%s\"\n", r->what, s ? s : "");
		r->rc = MC_EINVAL;
		return 0;
	}
	return mc_days_from_civil(y, m, d);
}

/* A date member; a missing or null optional one gives 0. */
static int32_t rd_date(reader *r, const json_t *obj, const char *key, bool required)
{
	char s[16];
	rd_str(r, s, sizeof s, obj, key, required);
	if (r->rc != 0 || !s[0])
		return 0;
	return parse_day(r, s);
}

static int32_t rd_day(reader *r, const json_t *obj, const char *key)
{
	return rd_date(r, obj, key, true);
}

static const char *const unit_levels[] = {"province", "department", "district", "commune"};

static int load_units(mc_store *st, const json_t *units, size_t counts[4])
{
	size_t i;
	const json_t *ju;
	json_array_foreach(units, i, ju)
	{
		/* Its strings are the file's (the store only reads them). */
		mc_unit u;
		char parent[32];
		reader r = {"unit", 0};
		int rc;
		memset(&u, 0, sizeof u);
		u.code = rd_text(&r, ju, "code", true);
		r.what = u.code;
		u.name = rd_text(&r, ju, "name", true);
		u.level = rd_text(&r, ju, "level", true);
		u.province_code = rd_text(&r, ju, "province_code", true);
		u.address = rd_text(&r, ju, "address", false);
		u.phone = rd_text(&r, ju, "phone", false);
		u.office_hours = rd_text(&r, ju, "office_hours", false);
		rd_str(&r, parent, sizeof parent, ju, "parent", false);
		u.parent_id = rd_unit(&r, st, parent);
		u.one_stop_since = rd_date(&r, ju, "one_stop_since", false);
		u.electronic_one_stop_since = rd_date(&r, ju, "electronic_one_stop_since", false);
		if (r.rc != 0)
			return r.rc;
		rc = mc_store_unit_create(st, &u);
		if (rc != 0) {
			fprintf(stderr, "demo: could not create unit %s (%d)\n", u.code, rc);
			return rc;
		}
		for (size_t l = 0; l < MC_ARRAY_LEN(unit_levels); l++) {
			if (strcmp(u.level, unit_levels[l]) == 0)
				counts[l]++;
		}
	}
	return 0;
}

static void rd_levels(reader *r, char *dst, size_t cap, const json_t *arr)
{
	size_t i, len = 0;
	const json_t *x;
	dst[0] = '\0';
	if (r->rc != 0)
		return;
	if (!json_is_array(arr) || json_array_size(arr) == 0) {
		fprintf(stderr, "demo: %s: levels must be a non-empty array\n", r->what);
		r->rc = MC_EINVAL;
		return;
	}
	json_array_foreach(arr, i, x)
	{
		if (!json_is_string(x) || len + strlen(json_string_value(x)) + 2 > cap) {
			fprintf(stderr, "demo: %s: bad levels\n", r->what);
			r->rc = MC_EINVAL;
			return;
		}
		len += (size_t)snprintf(dst + len, cap - len, "%s%s", len ? "," : "", json_string_value(x));
	}
}

static void read_procedure(reader *r, mc_store *st, mc_procedure *p, const json_t *jp)
{
	char owner[32];
	const json_t *arr, *x;
	size_t i;

	char levels[64];

	/* p owns its strings and parts: the caller clears it. */
	p->code = rd_dup(r, jp, "code", true);
	r->what = p->code;
	p->name = rd_dup(r, jp, "name", true);
	p->field = rd_dup(r, jp, "field", true);
	p->status = rd_dup(r, jp, "status", true);
	p->target = rd_dup(r, jp, "target", false);
	p->result = rd_dup(r, jp, "result", false);
	p->legal_basis = rd_dup(r, jp, "legal_basis", false);
	p->place = rd_dup(r, jp, "place", false);
	rd_str(r, owner, sizeof owner, jp, "owner", false);
	p->unit_id = rd_unit(r, st, owner);
	rd_levels(r, levels, sizeof levels, json_object_get(jp, "levels"));
	p->levels = mc_xstrdup(levels);
	p->duration_hours = (int32_t)rd_int(r, jp, "duration_hours", 1, 8 * 365);
	p->online_duration_hours = (int32_t)rd_int(r, jp, "online_duration_hours", 0, 8 * 365);
	p->online_level = (int)rd_int(r, jp, "online_level", 2, 4);
	p->online_class = mc_xstrdup(demo_online_class(p->online_level));
	p->online_class_since = MC_ONLINE_CLASS_DAY;
	p->cutoff_min = rd_cutoff(r, jp, "cutoff");
	p->restart_on_supplement = json_is_true(json_object_get(jp, "restart_on_supplement"));

	arr = json_object_get(jp, "steps");
	p->n_steps = json_array_size(arr);
	p->steps = mc_xcalloc(p->n_steps ? p->n_steps : 1, sizeof *p->steps);
	json_array_foreach(arr, i, x)
	{
		mc_proc_step *s = &p->steps[i];
		s->seq = (int)i + 1;
		s->name = rd_dup(r, x, "name", true);
		s->role = rd_dup(r, x, "role", true);
		s->unit_level = rd_dup(r, x, "unit_level", true);
		s->hours = (int32_t)rd_int(r, x, "hours", 0, 8 * 365);
	}
	arr = json_object_get(jp, "documents");
	p->n_docs = json_array_size(arr);
	p->docs = mc_xcalloc(p->n_docs ? p->n_docs : 1, sizeof *p->docs);
	json_array_foreach(arr, i, x)
	{
		mc_proc_doc *d = &p->docs[i];
		d->seq = (int)i + 1;
		d->name = rd_dup(r, x, "name", true);
		d->form = rd_dup(r, x, "form", false);
		d->originals = (int)rd_int(r, x, "originals", 0, 100);
		d->copies = (int)rd_int(r, x, "copies", 0, 100);
		d->required = !json_is_false(json_object_get(x, "required"));
	}
	arr = json_object_get(jp, "fees");
	p->n_fees = json_array_size(arr);
	p->fees = mc_xcalloc(p->n_fees ? p->n_fees : 1, sizeof *p->fees);
	json_array_foreach(arr, i, x)
	{
		mc_proc_fee *f = &p->fees[i];
		f->code = rd_dup(r, x, "code", true);
		f->name = rd_dup(r, x, "name", true);
		f->amount = rd_int(r, x, "amount", 0, INT64_C(1000000000000));
	}
	arr = json_object_get(jp, "publications");
	p->n_pubs = json_array_size(arr);
	p->pubs = mc_xcalloc(p->n_pubs ? p->n_pubs : 1, sizeof *p->pubs);
	json_array_foreach(arr, i, x)
	{
		mc_proc_pub *pb = &p->pubs[i];
		pb->kind = rd_dup(r, x, "kind", true);
		pb->decision = rd_dup(r, x, "decision", true);
		pb->day = rd_day(r, x, "date");
	}
}

static int load_procedures(mc_store *st, const json_t *procs, size_t *n_active, size_t *n_abolished)
{
	size_t i;
	const json_t *jp;
	json_array_foreach(procs, i, jp)
	{
		mc_procedure p;
		reader r = {"procedure", 0};
		int rc;
		memset(&p, 0, sizeof p);
		read_procedure(&r, st, &p, jp);
		rc = r.rc;
		if (rc == 0) {
			rc = mc_store_procedure_create(st, &p);
			if (rc != 0)
				fprintf(stderr, "demo: could not create procedure %s (%d)\n", p.code, rc);
		}
		if (rc == 0 && strcmp(p.status, "abolished") == 0)
			(*n_abolished)++;
		else if (rc == 0)
			(*n_active)++;
		mc_procedure_clear(&p);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int load_users(mc_store *st, const json_t *users, const char *hash, FILE *log)
{
	size_t i;
	const json_t *ju;
	json_array_foreach(users, i, ju)
	{
		/* Its strings are the file's (the store only reads them). */
		mc_user u;
		char role[16], unit[32];
		mc_role parsed;
		reader r = {"user", 0};
		int rc;
		memset(&u, 0, sizeof u);
		u.username = rd_text(&r, ju, "username", true);
		r.what = u.username;
		u.full_name = rd_text(&r, ju, "full_name", true);
		u.email = rd_text(&r, ju, "email", false);
		u.phone = rd_text(&r, ju, "phone", false);
		u.id_number = rd_text(&r, ju, "id_number", false);
		rd_str(&r, role, sizeof role, ju, "role", true);
		rd_str(&r, unit, sizeof unit, ju, "unit", false);
		u.unit_id = rd_unit(&r, st, unit);
		if (r.rc != 0)
			return r.rc;
		if (mc_role_parse(&parsed, role) != 0) {
			fprintf(stderr, "demo: %s: unknown role %s\n", u.username, role);
			return MC_EINVAL;
		}
		if (parsed != MC_ROLE_CITIZEN && !u.unit_id) {
			fprintf(stderr, "demo: %s: a %s needs a unit\n", u.username, role);
			return MC_EINVAL;
		}
		u.role = (int)parsed;
		u.active = true;
		u.created_at = mc_now();
		u.id_number_verified = true; /* as an administrator's entry */
		rc = mc_store_user_create(st, &u, hash);
		if (rc != 0) {
			fprintf(stderr, "demo: could not create user %s (%d)\n", u.username, rc);
			return rc;
		}
		if (log)
			fprintf(log, "  %-18s %-11s %s%s%s\n", u.username, role, u.full_name,
				unit[0] ? ", " : "", unit);
	}
	return 0;
}

/* Parses an embedded JSON file; NULL (with a message) when it is missing or
 * malformed. Caller frees with json_decref. */
static json_t *load_embedded(const char *path)
{
	const struct mc_embedded *e = mc_embed_find(path);
	json_error_t jerr;
	json_t *root;
	if (!e) {
		fprintf(stderr, "demo: %s is not built into this binary\n", path);
		return NULL;
	}
	root = json_loadb((const char *)e->data, e->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		fprintf(stderr, "demo: %s:%d: %s\n", path, jerr.line, jerr.text);
	return root;
}

/* "UBND huyện Quảng Xương" -> "huyện Quảng Xương". */
static const char *without_ubnd(const char *name)
{
	return strncmp(name, "UBND ", 5) == 0 ? name + 5 : name;
}

/* The communes of data/demo/communes.json, each district's numbered after the
 * ones province.json already gave it: code 000.NN.DD.H56, an address in the
 * district and a phone number in the style of the others. */
static int load_communes(mc_store *st, const json_t *root, size_t counts[4])
{
	size_t i;
	const json_t *jd;
	json_array_foreach(json_object_get(root, "districts"), i, jd)
	{
		char code[32], dd[8];
		reader r = {"communes", 0};
		mc_unit district = {0};
		mc_unit *units = NULL;
		size_t n_units = 0, j;
		int seq = 0, rc;
		int32_t one_stop, electronic;
		const json_t *jc, *without = json_object_get(jd, "without_one_stop");

		rd_str(&r, code, sizeof code, jd, "district", true);
		one_stop = rd_date(&r, jd, "one_stop_since", false);
		electronic = rd_date(&r, jd, "electronic_one_stop_since", false);
		if (r.rc != 0)
			return r.rc;
		rc = mc_store_unit_by_code(st, &district, code);
		if (rc == 0 && sscanf(code, "000.00.%7[0-9].", dd) != 1)
			rc = MC_EINVAL;
		if (rc == 0)
			rc = mc_store_unit_list(st, &units, &n_units);
		if (rc != 0) {
			fprintf(stderr, "demo: communes: bad district %s\n", code);
			mc_unit_free_list(units, n_units);
			mc_unit_clear(&district);
			return rc == MC_ENOTFOUND ? MC_EINVAL : rc;
		}
		for (j = 0; j < n_units; j++) {
			int nn = 0;
			if (units[j].parent_id == district.id && sscanf(units[j].code, "000.%d.", &nn) == 1 &&
			    nn > seq)
				seq = nn;
		}
		mc_unit_free_list(units, n_units);
		json_array_foreach(json_object_get(jd, "communes"), j, jc)
		{
			/* Its strings are these buffers (the store only reads them). */
			mc_unit u;
			char u_code[32], u_name[256], address[512], phone[32];
			const char *name = json_string_value(jc);
			bool excluded = false;
			size_t k;
			const json_t *x;
			if (!name || strlen(name) > 200) {
				fprintf(stderr, "demo: communes of %s: a name is not a short string\n", code);
				mc_unit_clear(&district);
				return MC_EINVAL;
			}
			json_array_foreach(without, k, x)
			{
				if (json_is_string(x) && strcmp(json_string_value(x), name) == 0)
					excluded = true;
			}
			memset(&u, 0, sizeof u);
			seq++;
			snprintf(u_code, sizeof u_code, "000.%02d.%s.H56", seq, dd);
			snprintf(u_name, sizeof u_name, "UBND %s", name);
			/* "Xã Quảng Lưu, huyện Quảng Xương": the address starts with a capital
			 * (names start with xã, phường or thị trấn). */
			snprintf(address, sizeof address, "%c%s, %s, tỉnh Thanh Hóa",
				 name[0] >= 'a' && name[0] <= 'z' ? name[0] - 'a' + 'A' : name[0], name + 1,
				 without_ubnd(district.name));
			snprintf(phone, sizeof phone, "0237 36%s %03d", dd, 100 + 13 * seq);
			u.code = u_code;
			u.name = u_name;
			u.level = "commune";
			u.province_code = district.province_code;
			u.address = address;
			u.phone = phone;
			u.parent_id = district.id;
			u.one_stop_since = excluded ? 0 : one_stop;
			u.electronic_one_stop_since = excluded ? 0 : electronic;
			rc = mc_store_unit_create(st, &u);
			if (rc != 0) {
				fprintf(stderr, "demo: could not create unit %s (%d)\n", u.code, rc);
				mc_unit_clear(&district);
				return rc;
			}
			counts[3]++;
		}
		mc_unit_clear(&district);
	}
	return 0;
}

/* The catalogue entries of data/demo/catalogue.json: procedures as the
 * national database lists them, without the steps and documents of the
 * detailed ones (so the dossier generator leaves them alone). */
static int load_catalogue(mc_store *st, const json_t *root, size_t *n_active, size_t *n_abolished)
{
	const json_t *decisions = json_object_get(root, "decisions");
	size_t i, j;
	const json_t *jg, *jp;
	json_array_foreach(json_object_get(root, "groups"), i, jg)
	{
		/* p's strings are the file's and these buffers (the store only
		 * reads them), its publications the array pb: it is not cleared. */
		mc_procedure p;
		mc_unit owner;
		char owner_code[32], levels[64], place[512];
		reader r = {"catalogue", 0};
		memset(&p, 0, sizeof p);
		memset(&owner, 0, sizeof owner);
		p.field = rd_text(&r, jg, "field", true);
		rd_str(&r, owner_code, sizeof owner_code, jg, "owner", false);
		rd_levels(&r, levels, sizeof levels, json_object_get(jg, "levels"));
		if (r.rc == 0 && owner_code[0] && mc_store_unit_by_code(st, &owner, owner_code) != 0) {
			fprintf(stderr, "demo: catalogue: unknown owner %s\n", owner_code);
			r.rc = MC_EINVAL;
		}
		if (r.rc != 0)
			return r.rc;
		p.levels = levels;
		p.unit_id = owner.id;
		p.cutoff_min = -1;
		p.target = "Tổ chức, cá nhân";
		if (owner.id)
			snprintf(place, sizeof place, "Bộ phận tiếp nhận và trả kết quả %s", owner.name);
		else
			snprintf(place, sizeof place, "Bộ phận tiếp nhận và trả kết quả UBND cấp %s",
				 strcmp(levels, "commune") == 0 ? "xã" : "huyện");
		p.place = place;
		mc_unit_clear(&owner);
		json_array_foreach(json_object_get(jg, "procedures"), j, jp)
		{
			/* [code, name, online_level, working_days, status, [[kind, decision], ...]] */
			const json_t *pubs = json_array_get(jp, 5), *x;
			mc_proc_pub pb[8];
			size_t k;
			int rc;
			if (!json_is_string(json_array_get(jp, 0)) ||
			    !json_is_string(json_array_get(jp, 1)) ||
			    !json_is_integer(json_array_get(jp, 2)) ||
			    !json_is_integer(json_array_get(jp, 3)) ||
			    !json_is_string(json_array_get(jp, 4)) ||
			    json_array_size(pubs) > MC_ARRAY_LEN(pb)) {
				fprintf(stderr, "demo: catalogue: entry %zu of %s is malformed\n", j,
					p.field);
				return MC_EINVAL;
			}
			p.code = (char *)json_string_value(json_array_get(jp, 0));
			p.name = (char *)json_string_value(json_array_get(jp, 1));
			p.status = (char *)json_string_value(json_array_get(jp, 4));
			p.online_level = (int)json_integer_value(json_array_get(jp, 2));
			p.online_class = (char *)demo_online_class(p.online_level);
			p.online_class_since = MC_ONLINE_CLASS_DAY;
			p.duration_hours = (int32_t)json_integer_value(json_array_get(jp, 3)) * 8;
			memset(pb, 0, sizeof pb);
			json_array_foreach(pubs, k, x)
			{
				const char *key = json_string_value(json_array_get(x, 1));
				const json_t *dec = json_object_get(decisions, key ? key : "");
				if (!json_is_string(json_array_get(x, 0)) ||
				    !json_is_string(json_array_get(dec, 0))) {
					r.rc = MC_EINVAL;
					break;
				}
				pb[k].kind = (char *)json_string_value(json_array_get(x, 0));
				pb[k].decision = (char *)json_string_value(json_array_get(dec, 0));
				pb[k].day = parse_day(&r, json_string_value(json_array_get(dec, 1)));
			}
			if (r.rc != 0) {
				fprintf(stderr, "demo: catalogue: %s has a bad publication\n", p.code);
				return r.rc;
			}
			p.pubs = pb;
			p.n_pubs = json_array_size(pubs);
			rc = mc_store_procedure_create(st, &p);
			if (rc != 0) {
				fprintf(stderr, "demo: could not create procedure %s (%d)\n", p.code, rc);
				return rc;
			}
			if (strcmp(p.status, "abolished") == 0)
				(*n_abolished)++;
			else
				(*n_active)++;
		}
	}
	return 0;
}

int mc_demo_load(mc_store *st, const char *password, FILE *log)
{
	int rc = MC_ERROR;
	json_t *root = NULL, *communes = NULL, *catalogue = NULL;
	json_error_t jerr;
	char hash[MC_PASSWORD_HASH_MAX];
	bool in_tx = false;
	size_t units[4] = {0}, n_active = 0, n_abolished = 0;
	const struct mc_embedded *e = mc_embed_find(DEMO_PATH);
	const json_t *ju, *jp, *jus;

	if (!e) {
		fprintf(stderr, "demo: %s is not built into this binary\n", DEMO_PATH);
		goto cleanup;
	}
	root = json_loadb((const char *)e->data, e->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		fprintf(stderr, "demo: %s:%d: %s\n", DEMO_PATH, jerr.line, jerr.text);
		rc = MC_EINVAL;
		goto cleanup;
	}
	ju = json_object_get(root, "units");
	jp = json_object_get(root, "procedures");
	jus = json_object_get(root, "users");
	if (!json_is_array(ju) || !json_is_array(jp) || !json_is_array(jus)) {
		fprintf(stderr, "demo: %s needs arrays units, procedures and users\n", DEMO_PATH);
		rc = MC_EINVAL;
		goto cleanup;
	}
	communes = load_embedded(COMMUNES_PATH);
	catalogue = load_embedded(CATALOGUE_PATH);
	if (!communes || !catalogue) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	/* argon2id is slow on purpose: hash once, share the hash. */
	if (mc_auth_init() != 0 || mc_auth_hash_password(hash, password) != 0) {
		fprintf(stderr, "demo: could not hash the demo password\n");
		goto cleanup;
	}
	rc = mc_store_begin(st);
	if (rc != 0)
		goto cleanup;
	in_tx = true;
	if (log)
		fprintf(log, "demo accounts (password as given):\n");
	rc = load_units(st, ju, units);
	if (rc == 0)
		rc = load_communes(st, communes, units);
	if (rc == 0)
		rc = load_procedures(st, jp, &n_active, &n_abolished);
	if (rc == 0)
		rc = load_catalogue(st, catalogue, &n_active, &n_abolished);
	if (rc == 0)
		rc = load_users(st, jus, hash, log);
	if (rc == 0)
		rc = mc_demo_documents(st, log);
	if (rc != 0)
		goto cleanup;
	rc = mc_store_commit(st);
	if (rc != 0)
		goto cleanup;
	in_tx = false;
	if (log)
		fprintf(log,
			"demo province loaded: %zu province, %zu departments, %zu districts, %zu communes; "
			"%zu procedures (%zu abolished); %zu accounts\n",
			units[0], units[1], units[2], units[3], n_active + n_abolished, n_abolished,
			json_array_size(jus));
cleanup:
	if (in_tx)
		mc_store_rollback(st);
	json_decref(root);
	json_decref(communes);
	json_decref(catalogue);
	memset(hash, 0, sizeof hash);
	return rc;
}

void mc_demo_account_address(char *out, size_t cap, const char *username)
{
	const struct mc_embedded *e = mc_embed_find(DEMO_PATH);
	json_t *root = e ? json_loadb((const char *)e->data, e->len, 0, NULL) : NULL;
	size_t i;
	const json_t *ju;
	out[0] = '\0';
	json_array_foreach(json_object_get(root, "users"), i, ju)
	{
		const char *name = json_string_value(json_object_get(ju, "username"));
		const char *addr = json_string_value(json_object_get(ju, "address"));
		if (name && addr && strcmp(name, username) == 0)
			mc_strlcpy(out, addr, cap);
	}
	json_decref(root);
}
