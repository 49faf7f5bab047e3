#include "app/dossier.h"

#include "app/portal.h"

#include "app/form_number.h"
#include "app/payment.h"
#include "core/audit.h"
#include "core/code.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/onestop.h"
#include "core/text.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* The statutory time that applies: online filing may have its own. */
static int32_t period_hours(const mc_procedure *p, mc_channel ch)
{
	if (ch == MC_CH_ONLINE && p->online_duration_hours > 0)
		return p->online_duration_hours;
	return p->duration_hours;
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

/* A unit may receive a procedure it owns, or an unowned one of its level. */
static bool unit_handles(const mc_unit *u, const mc_procedure *p)
{
	if (p->unit_id)
		return p->unit_id == u->id;
	return level_listed(p->levels, u->level);
}

/* Characters (code points) of a UTF-8 text: the bytes that do not continue one. */
static size_t chars(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* The limits of core/limits.h, checked again here for callers other than
 * the API (which refuses a longer text field by field): a text over its
 * limit is refused whole, never cut. */
static int check_len(const char *what, const char *value, size_t max)
{
	if (chars(value) <= max)
		return 0;
	return mc_err_set(MC_ETOOBIG, MC_REASON_INVALID_FIELD, "%s is longer than %zu characters", what, max);
}

static int check_docs(const mc_dossier_doc *docs, size_t n)
{
	int rc = n > MC_LIMIT_DOSSIER_DOCS
		     ? mc_err_set(MC_ETOOBIG, MC_REASON_INVALID_FIELD,
				  "a dossier takes at most %d documents at once", MC_LIMIT_DOSSIER_DOCS)
		     : 0;

	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = check_len("a document's name", docs[i].name, MC_LIMIT_DOSSIER_DOC_NAME);
		if (rc == 0)
			rc = check_len("a document's file name", docs[i].filename,
				       MC_LIMIT_DOSSIER_DOC_FILENAME);
	}
	return rc;
}

/* Replaces the dossier's owned string *field with a copy of value (NULL: ""). */
static void set_text(char **field, const char *value)
{
	free(*field);
	*field = mc_xstrdup(value ? value : "");
}

void mc_app_dossier_event_make(mc_event *e, const mc_dossier *d, const mc_actor *actor, const char *action,
			       int from, const char *note, int64_t at)
{
	memset(e, 0, sizeof *e);
	e->dossier_id = d->id;
	e->at = at;
	e->actor_id = actor->user_id;
	e->unit_id = d->current_unit_id;
	e->from_state = from;
	e->to_state = d->state;
	e->step = d->step;
	/* Borrowed for the append, which only reads them (store.h). */
	e->actor_name = (char *)actor->name;
	e->action = (char *)(action ? action : "");
	e->note = (char *)(note ? note : "");
}

/* Appends e after the event whose hash is prev ("" for a dossier's first). */
static int event_append_after(mc_store *st, mc_event *e, const char *prev)
{
	/* The hash covers what is stored: "" for a text left NULL. */
	if (!e->actor_name)
		e->actor_name = "";
	if (!e->action)
		e->action = "";
	if (!e->note)
		e->note = "";
	/* Version 2 (core/audit.h): the personal texts enter the chain through
	 * their salted hash, so that they can be pseudonymised later. A caller
	 * may give the salt (tests); else it is drawn here. */
	e->hash_version = MC_AUDIT_V2;
	if (!e->personal_salt[0]) {
		unsigned char salt[16];

		if (sodium_init() < 0)
			return MC_ERROR;
		randombytes_buf(salt, sizeof salt);
		sodium_bin2hex(e->personal_salt, sizeof e->personal_salt, salt, sizeof salt);
	}
	mc_audit_personal_hash(e->personal_hash, e->personal_salt, e->actor_name, e->note);
	mc_audit_event_hash_v2(e->hash, prev, e->dossier_id, e->at, e->actor_id, e->unit_id, e->action,
			       e->from_state, e->to_state, e->step, e->personal_hash);
	int rc = mc_store_event_append(st, e);
	/* The national portal hears of the change in the same transaction. */
	if (rc == 0)
		rc = mc_portal_queue_event(st, e);
	return rc;
}

int mc_app_dossier_event_append(mc_store *st, mc_event *e)
{
	char prev[MC_AUDIT_HASH_LEN];
	int rc = mc_store_event_head(st, prev, e->dossier_id);

	return rc != 0 ? rc : event_append_after(st, e, prev);
}

static int append_event(mc_store *st, const mc_dossier *d, const mc_actor *actor, const char *action,
			int from, const char *note, int64_t at)
{
	mc_event e;
	mc_app_dossier_event_make(&e, d, actor, action, from, note, at);
	return mc_app_dossier_event_append(st, &e);
}

int mc_app_dossier_event(mc_store *st, const mc_dossier *d, const mc_actor *actor, const char *action,
			 int from_state, const char *note, int64_t at)
{
	return append_event(st, d, actor, action, from_state, note, at);
}

/* MC_EINVAL naming the successor when u is no longer in force on day: an
 * ended unit takes no dossier (docs/units.md); 0 while it is in force. */
static int unit_ended_or_zero(const mc_time_ctx *tc, const mc_unit *u, int32_t day, const char *field)
{
	if (mc_unit_in_force(u, day))
		return 0;
	if (u->valid_from && day < u->valid_from) {
		int y, m, dd;
		mc_civil_from_days(u->valid_from, &y, &m, &dd);
		return mc_err_set(MC_EINVAL, MC_REASON_UNIT_ENDED,
				  "%s: unit %s is in force only from %04d-%02d-%02d", field, u->code, y, m,
				  dd);
	}
	const mc_unit *heir = mc_time_ctx_heir(tc, u->id, day);
	if (heir && heir->id != u->id)
		return mc_err_set(MC_EINVAL, MC_REASON_UNIT_ENDED,
				  "%s: unit %s (%s) has ended; its successor is %s (%s)", field, u->code,
				  u->name, heir->code, heir->name);
	return mc_err_set(MC_EINVAL, MC_REASON_UNIT_ENDED, "%s: unit %s (%s) has ended and has no successor",
			  field, u->code, u->name);
}

int mc_app_unit_ended_or_zero(const mc_time_ctx *tc, const mc_unit *u, int32_t day, const char *field)
{
	if (u->valid_to && day >= u->valid_to)
		return unit_ended_or_zero(tc, u, day, field);
	return 0;
}

/* Whether the desk's unit (its scope) holds unit_id. */
static bool desk_holds(const mc_time_ctx *tc, int64_t desk_unit_id, int64_t unit_id)
{
	if (!tc)
		return desk_unit_id == unit_id;
	return mc_time_ctx_within(tc, unit_id, desk_unit_id);
}

/*
 * Whether the desk of actor may receive, on local day `day`, a dossier of
 * procedure p for the competent unit u (core/onestop.h): 0 with *reception
 * 0 for a unit of its scope, or the desk's unit when it receives regardless
 * of administrative boundary (Nghị định 118/2025/NĐ-CP); else the reason.
 */
static int desk_may_receive(const mc_time_ctx *tc, const mc_actor *actor, const mc_unit *u,
			    const mc_procedure *p, int32_t day, int64_t *reception)
{
	const mc_unit *desk = tc ? mc_time_ctx_unit(tc, actor->unit_id) : NULL;
	bool same_province = desk && desk->province_code && u->province_code &&
			     strcmp(desk->province_code, u->province_code) == 0;
	const char *desk_code = desk ? desk->code : "?";
	int rc = 0;

	*reception = 0;
	switch (mc_onestop_receive(desk_holds(tc, actor->unit_id, u->id), p->anywhere, same_province, day)) {
	case MC_RECV_OWN:
		break;
	case MC_RECV_ANYWHERE:
		*reception = actor->unit_id;
		break;
	case MC_RECV_BEFORE_2025:
		rc =
		    mc_err_set(MC_EFORBIDDEN, MC_REASON_SCOPE,
			       "unit %s is outside your unit's scope: before 2025-07-01 a desk receives only "
			       "for the units of its scope",
			       u->code);
		break;
	case MC_RECV_NOT_MARKED:
		rc = mc_err_set(
		    MC_EINVAL, MC_REASON_BOUNDARY,
		    "procedure %s is not received regardless of administrative boundary "
		    "(Nghị định 118/2025/NĐ-CP): it is received at the centre of %s (%s), not at %s",
		    p->code, u->code, u->name, desk_code);
		break;
	case MC_RECV_OTHER_PROVINCE:
		rc = mc_err_set(MC_EINVAL, MC_REASON_BOUNDARY,
				"unit %s belongs to another province: a centre receives for the units of its "
				"own province only",
				u->code);
		break;
	}
	return rc;
}

int mc_app_dossier_receivable(const mc_time_ctx *tc, const mc_actor *actor, const mc_unit *u,
			      const mc_procedure *p, int64_t at, int64_t *reception)
{
	*reception = 0;
	if (!unit_handles(u, p))
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD, "unit %s does not receive procedure %s",
				  u->code, p->code);
	if (actor->role != MC_ROLE_DESK)
		return 0;
	return desk_may_receive(tc, actor, u, p, mc_local_day(at), reception);
}

/*
 * The centre an applicant filing online chose to receive the dossier: judged
 * by the rule its desk would follow on local day `day` (core/onestop.h). 0
 * with *reception the centre when it receives for a unit outside its scope,
 * 0 when its scope holds the competent unit u; else the reason, MC_REASON_BOUNDARY
 * for the rule of the day.
 */
static int centre_may_receive(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor,
			      const mc_dossier_new *in, const mc_unit *u, const mc_procedure *p, int32_t day,
			      int64_t *reception)
{
	mc_unit read = {0};
	const mc_unit *c = tc ? mc_time_ctx_unit(tc, in->centre_id) : NULL;
	int rc = 0;

	*reception = 0;
	/* A desk receives at its own centre: only the applicant chooses one. */
	if (actor->role != MC_ROLE_CITIZEN || in->channel != MC_CH_ONLINE) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				"centre: only an applicant filing online chooses the centre; a desk receives "
				"at its own");
		goto cleanup;
	}
	if (!c) {
		rc = mc_store_unit_get(st, &read, in->centre_id);
		if (rc == MC_ENOTFOUND)
			rc = mc_err_set(rc, MC_REASON_UNKNOWN_UNIT, "centre: the unit does not exist");
		if (rc != 0)
			goto cleanup;
		c = &read;
	}
	rc = unit_ended_or_zero(tc, c, day, "centre");
	if (rc != 0)
		goto cleanup;
	bool same_province =
	    c->province_code && u->province_code && strcmp(c->province_code, u->province_code) == 0;
	switch (mc_onestop_receive(desk_holds(tc, c->id, u->id), p->anywhere, same_province, day)) {
	case MC_RECV_OWN:
		break;
	case MC_RECV_ANYWHERE:
		*reception = c->id;
		break;
	case MC_RECV_BEFORE_2025:
		rc =
		    mc_err_set(MC_EINVAL, MC_REASON_BOUNDARY,
			       "centre: before 2025-07-01 a dossier is received by the competent unit's desk "
			       "only: %s (%s), not %s",
			       u->code, u->name, c->code);
		break;
	case MC_RECV_NOT_MARKED:
		rc = mc_err_set(
		    MC_EINVAL, MC_REASON_BOUNDARY,
		    "procedure %s is not received regardless of administrative boundary "
		    "(Nghị định 118/2025/NĐ-CP): it is received at the centre of %s (%s), not at %s",
		    p->code, u->code, u->name, c->code);
		break;
	case MC_RECV_OTHER_PROVINCE:
		rc = mc_err_set(MC_EINVAL, MC_REASON_BOUNDARY,
				"centre %s belongs to another province than the competent unit %s: a centre "
				"receives for the units of its own province only",
				c->code, u->code);
		break;
	}
cleanup:
	mc_unit_clear(&read);
	return rc;
}

/*
 * The centre chosen, at the desk or online, to hand back the result: a centre
 * of the competent unit u's province, for a procedure received regardless of
 * administrative boundary, from 1 July 2025 (core/onestop.h). 0 with *ret the
 * centre, or 0 when its scope holds u (u's desk, or one above it, returns it
 * anyway); else MC_REASON_RETURN_BOUNDARY. A centre recorded must have a desk
 * officer to hand the result back: an active desk account whose scope holds
 * the centre, as the `return` of mc_app_dossier_may asks; else
 * MC_REASON_RETURN_NO_DESK, so that no result waits where nobody can hand it
 * back.
 */
static int return_centre(mc_store *st, const mc_time_ctx *tc, const mc_dossier_new *in, const mc_unit *u,
			 const mc_procedure *p, int32_t day, int64_t *ret)
{
	mc_unit read = {0};
	const mc_unit *c = tc ? mc_time_ctx_unit(tc, in->return_id) : NULL;
	int rc = 0;

	*ret = 0;
	if (!c) {
		rc = mc_store_unit_get(st, &read, in->return_id);
		if (rc == MC_ENOTFOUND)
			rc = mc_err_set(rc, MC_REASON_UNKNOWN_UNIT, "return_centre: the unit does not exist");
		if (rc != 0)
			goto cleanup;
		c = &read;
	}
	rc = unit_ended_or_zero(tc, c, day, "return_centre");
	if (rc != 0)
		goto cleanup;
	bool same_province =
	    c->province_code && u->province_code && strcmp(c->province_code, u->province_code) == 0;
	switch (mc_onestop_receive(desk_holds(tc, c->id, u->id), p->anywhere, same_province, day)) {
	case MC_RECV_OWN:
		break;
	case MC_RECV_ANYWHERE: {
		int64_t desks = 0;
		rc = mc_store_unit_desk_officers(st, &desks, c->id);
		if (rc == 0 && desks == 0)
			rc = mc_err_set(
			    MC_EINVAL, MC_REASON_RETURN_NO_DESK,
			    "return_centre %s (%s) has no desk officer to hand back results; choose "
			    "another centre",
			    c->code, c->name);
		if (rc == 0)
			*ret = c->id;
		break;
	}
	case MC_RECV_BEFORE_2025:
		rc = mc_err_set(MC_EINVAL, MC_REASON_RETURN_BOUNDARY,
				"return_centre: before 2025-07-01 the result is returned by the competent "
				"unit's desk: %s (%s), not %s",
				u->code, u->name, c->code);
		break;
	case MC_RECV_NOT_MARKED:
		rc =
		    mc_err_set(MC_EINVAL, MC_REASON_RETURN_BOUNDARY,
			       "procedure %s is not received regardless of administrative boundary "
			       "(Nghị định 118/2025/NĐ-CP): its result is returned at the centre of %s (%s), "
			       "not at %s",
			       p->code, u->code, u->name, c->code);
		break;
	case MC_RECV_OTHER_PROVINCE:
		rc = mc_err_set(MC_EINVAL, MC_REASON_RETURN_BOUNDARY,
				"return_centre %s belongs to another province than the competent unit %s: "
				"results are returned at the centres of its own province only",
				c->code, u->code);
		break;
	}
cleanup:
	mc_unit_clear(&read);
	return rc;
}

bool mc_app_reception_overdue(const mc_time_ctx *tc, int64_t unit_id, int64_t submitted_at, int64_t now)
{
	const mc_office_hours *oh = mc_time_ctx_hours(tc, unit_id);
	int64_t day = 0;
	for (int i = 0; i < oh->n; i++)
		day += oh->span[i].end - oh->span[i].start;
	return submitted_at > 0 && mc_deadline_worked(mc_time_ctx_calendar(tc), oh, submitted_at, now) > day;
}

/* Due time of a period starting at `from` at the dossier's receiving unit,
 * by the rules the dossier was filed under. */
static int64_t due_from(const mc_time_ctx *tc, const mc_dossier *d, int64_t from)
{
	return mc_deadline_due(mc_time_ctx_calendar(tc), mc_time_ctx_hours(tc, d->receiving_unit_id), from,
			       d->duration_hours, d->cutoff_min);
}

int mc_app_dossier_build(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_dossier_new *in,
			 mc_dossier *out)
{
	int rc;
	mc_procedure proc = {0};
	mc_unit unit = {0};
	char code[MC_CODE_MAX];
	mc_dossier *d = out;
	memset(out, 0, sizeof *out);

	if (in->channel == MC_CH_ONLINE) {
		if (actor->role != MC_ROLE_CITIZEN && actor->role != MC_ROLE_DESK) {
			rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE, "the role %s files no dossiers",
					mc_role_name(actor->role));
			goto cleanup;
		}
	} else if (in->channel == MC_CH_DIRECT || in->channel == MC_CH_POSTAL) {
		/* Paper dossiers are taken at the one-stop desk. */
		if (actor->role == MC_ROLE_CITIZEN) {
			rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					"citizens file online: channel must be online");
			goto cleanup;
		}
		if (actor->role != MC_ROLE_DESK) {
			rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE,
					"dossiers on paper are received at the desk");
			goto cleanup;
		}
	} else {
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				"channel must be direct, online or postal");
		goto cleanup;
	}
	rc = check_len("applicant.name", in->applicant_name, MC_LIMIT_DOSSIER_APPLICANT_NAME);
	if (rc == 0)
		rc = check_len("applicant.id_number", in->applicant_id_number,
			       MC_LIMIT_DOSSIER_APPLICANT_ID_NUMBER);
	if (rc == 0)
		rc = check_len("applicant.phone", in->applicant_phone, MC_LIMIT_DOSSIER_APPLICANT_PHONE);
	if (rc == 0)
		rc = check_len("applicant.email", in->applicant_email, MC_LIMIT_DOSSIER_APPLICANT_EMAIL);
	if (rc == 0)
		rc =
		    check_len("applicant.address", in->applicant_address, MC_LIMIT_DOSSIER_APPLICANT_ADDRESS);
	if (rc == 0)
		rc = check_docs(in->docs, in->n_docs);
	if (rc != 0)
		goto cleanup;
	/* The caller's read of the procedure (the handler's, a moment ago),
	 * else one here. */
	const mc_procedure *pr = in->procedure;
	if (!pr || !pr->code || !in->procedure_code || strcmp(pr->code, in->procedure_code) != 0) {
		rc = mc_store_procedure_get(st, &proc, in->procedure_code, false);
		if (rc == MC_ENOTFOUND)
			rc = mc_err_set(rc, MC_REASON_UNKNOWN_PROCEDURE, "no procedure has code %s",
					in->procedure_code);
		if (rc != 0)
			goto cleanup;
		pr = &proc;
	}
	if (strcmp(pr->status, "active") != 0) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				"procedure %s is %s and takes no new dossiers", pr->code, pr->status);
		goto cleanup;
	}
	int64_t unit_id = in->unit_id;
	bool desk = actor->role == MC_ROLE_DESK;
	/* A desk files for its own unit, or for the unit that owns the
	 * procedure when that unit lies outside its scope: the rule of the day
	 * (below) says whether this desk may receive for it. */
	if (!unit_id && desk && pr->unit_id && !desk_holds(tc, actor->unit_id, pr->unit_id))
		unit_id = pr->unit_id;
	if (!unit_id)
		unit_id = desk ? actor->unit_id : pr->unit_id;
	if (!unit_id) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				"procedure %s is run by many units: an online filing must name the unit",
				pr->code);
		goto cleanup;
	}
	/* The units are in the time context, whose deadlines the dossier gets
	 * anyway (an edit of a unit reloads it): no read in the writer's
	 * transaction. A unit it does not know yet is read. */
	const mc_unit *u = tc ? mc_time_ctx_unit(tc, unit_id) : NULL;
	if (!u) {
		rc = mc_store_unit_get(st, &unit, unit_id);
		if (rc == MC_ENOTFOUND)
			rc = mc_err_set(rc, MC_REASON_UNKNOWN_UNIT, "the receiving unit does not exist");
		if (rc != 0)
			goto cleanup;
		u = &unit;
	}
	rc = unit_ended_or_zero(tc, u, (int32_t)((in->at + MC_TZ_OFFSET) / 86400), "unit");
	if (rc != 0)
		goto cleanup;
	int32_t local_day = (int32_t)((in->at + MC_TZ_OFFSET) / 86400);
	int64_t reception_unit_id = 0;
	rc = mc_app_dossier_receivable(tc, actor, u, pr, in->at, &reception_unit_id);
	if (rc == 0 && in->centre_id)
		rc = centre_may_receive(st, tc, actor, in, u, pr, local_day, &reception_unit_id);
	int64_t return_unit_id = 0;
	if (rc == 0 && in->return_id)
		rc = return_centre(st, tc, in, u, pr, local_day, &return_unit_id);
	if (rc != 0)
		goto cleanup;

	/* Online filings of a procedure that is not offered online are refused:
	 * by its level before its class, by its class after (core/onestop.h). */
	if (in->channel == MC_CH_ONLINE && !mc_online_filing_allowed(pr->online_level, pr->online_class,
								     pr->online_class_since, local_day)) {
		if (mc_online_in_force(pr->online_class, pr->online_class_since, local_day) ==
		    MC_ONLINE_LEVEL)
			rc = mc_err_set(
			    MC_EINVAL, MC_REASON_INVALID_FIELD,
			    "procedure %s is not offered online (service level %d); it is filed at the desk",
			    pr->code, pr->online_level);
		else
			rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					"procedure %s is not offered online (neither full nor partial online "
					"service); it is filed at the desk",
					pr->code);
		goto cleanup;
	}
	int seq = 0;
	d->state = mc_dossier_initial_state(in->channel);
	/* A dossier received at the desk numbers in the desk's four digits; one
	 * submitted online, which waits for the desk, in the online space (six
	 * digits and more), so that no flood of submissions can take the numbers
	 * the desk needs for the people in front of it (core/code.h). The code
	 * is kept for life, also once the desk receives it. */
	mc_code_space space = d->state == MC_ST_RECEIVED ? MC_CODE_DESK : MC_CODE_ONLINE;
	rc = mc_store_dossier_next_seq(st, &seq, u->id, local_day, space);
	if (rc != 0)
		goto cleanup;
	/* Each space has its end: a unit's ten thousandth walk-in of a day (or
	 * billionth submission) has no code to take. */
	rc = mc_code_format(code, sizeof code, u->code, local_day, space, seq);
	if (rc != 0) {
		if (space == MC_CODE_ONLINE)
			rc = mc_err_set(
			    MC_EFULL, MC_REASON_CODES_EXHAUSTED,
			    "the receiving unit has taken %d online submissions today, every number of the "
			    "day",
			    MC_CODE_ONLINE_MAX);
		else
			rc = mc_err_set(
			    MC_EFULL, MC_REASON_CODES_EXHAUSTED,
			    "the receiving unit has received %d dossiers at the desk today; desk codes hold "
			    "four digits",
			    MC_CODE_DESK_MAX);
		goto cleanup;
	}
	d->code = mc_xstrdup(code);
	d->procedure_id = pr->id;
	d->receiving_unit_id = u->id;
	d->current_unit_id = u->id;
	d->reception_unit_id = reception_unit_id;
	d->return_unit_id = return_unit_id;
	d->channel = in->channel;
	/* The dossier owns copies: nothing it is built from need outlive it. */
	set_text(&d->province_code, u->province_code);
	set_text(&d->procedure_code, pr->code);
	set_text(&d->applicant_name, in->applicant_name);
	set_text(&d->applicant_id_number, in->applicant_id_number);
	set_text(&d->applicant_phone, in->applicant_phone);
	set_text(&d->applicant_email, in->applicant_email);
	set_text(&d->applicant_address, in->applicant_address);
	set_text(&d->note, NULL);
	d->owner_id = actor->role == MC_ROLE_CITIZEN ? actor->user_id : 0;
	d->duration_hours = period_hours(pr, in->channel);
	/* as the insert copies them from the procedure's row (store.h) */
	d->cutoff_min = pr->cutoff_min;
	d->restart_on_supplement = pr->restart_on_supplement;
	if (d->state == MC_ST_RECEIVED) {
		d->received_at = in->at;
		d->due_at = due_from(tc, d, in->at);
		d->step = 1;
	} else {
		d->submitted_at = in->at;
	}
	d->updated_at = in->at;
cleanup:
	if (rc != 0)
		mc_dossier_clear(out);
	mc_procedure_clear(&proc);
	mc_unit_clear(&unit);
	return rc;
}

int mc_app_dossier_create(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor,
			  const mc_dossier_new *in, mc_dossier *out)
{
	mc_dossier d = {0};
	int rc;

	mc_err_clear();
	rc = mc_app_dossier_build(st, tc, actor, in, &d);
	if (rc != 0)
		goto cleanup;
	/* The documents are lent to the insert, which only reads them. */
	d.docs = (mc_dossier_doc *)in->docs;
	d.n_docs = in->n_docs;
	rc = mc_store_dossier_insert(st, &d);
	d.docs = NULL;
	d.n_docs = 0;
	if (rc != 0)
		goto cleanup;
	/* The first event of the dossier's log: no earlier one to chain to, and
	 * nothing to read for it. */
	mc_event e;
	mc_app_dossier_event_make(&e, &d, actor, "create", 0, NULL, in->at);
	rc = event_append_after(st, &e, "");
	if (rc != 0)
		goto cleanup;
	/* The dossier as stored is the one just written (the insert set its id,
	 * version, province and procedure code): no read back. Its documents as
	 * a read gives them: every text set, the kind stored for "". */
	if (in->n_docs) {
		d.docs = mc_xcalloc(in->n_docs, sizeof *d.docs);
		for (size_t i = 0; i < in->n_docs; i++) {
			mc_dossier_doc *x = &d.docs[i];

			mc_dossier_doc_copy(x, &in->docs[i]);
			if (!x->name)
				x->name = mc_xstrdup("");
			if (!x->filename)
				x->filename = mc_xstrdup("");
			if (!x->mime)
				x->mime = mc_xstrdup("");
			if (!x->kind || !x->kind[0])
				set_text(&x->kind, "input");
		}
		d.n_docs = in->n_docs;
	}
	*out = d;
	d = (mc_dossier){0};
cleanup:
	mc_dossier_clear(&d);
	return rc;
}

static bool blank(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++) {
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	}
	return true;
}

/* Appends copies of documents of this kind (input from a supplement, result
 * from a resolution) to the dossier's list, which owns them. */
static void add_docs(mc_dossier *d, const mc_dossier_doc *docs, size_t n, const char *kind)
{
	if (!n)
		return;
	d->docs = mc_xrealloc(d->docs, (d->n_docs + n) * sizeof *d->docs);
	for (size_t i = 0; i < n; i++) {
		mc_dossier_doc *x = &d->docs[d->n_docs];

		mc_dossier_doc_copy(x, &docs[i]);
		x->seq = (int)d->n_docs + 1;
		set_text(&x->kind, kind);
		d->n_docs++;
	}
}

bool mc_app_action_desk_side(mc_action action)
{
	return action == MC_ACT_RECEIVE || action == MC_ACT_REFUSE || action == MC_ACT_RETURN ||
	       action == MC_ACT_SUPPLEMENT || action == MC_ACT_PAY || action == MC_ACT_WITHDRAW;
}

mc_may mc_app_dossier_may(const mc_time_ctx *tc, const mc_actor *actor, const mc_dossier *d, mc_action action)
{
	mc_may may = MC_MAY;
	mc_state to;

	/* The system acts only on the payment platform's verified confirmation. */
	mc_state resume = (mc_state)d->resume_state;
	if (actor->system) {
		if (action != MC_ACT_PAY)
			may = MC_MAY_NOT_ROLE;
		else if (mc_dossier_next_state(&to, (mc_state)d->state, action, resume) != 0)
			may = MC_MAY_NOT_STATE;
		goto cleanup;
	}
	if (actor->role == MC_ROLE_CITIZEN) {
		if (d->owner_id == 0 || d->owner_id != actor->user_id) {
			may = MC_MAY_NOT_OWNER;
			goto cleanup;
		}
	} else {
		int64_t unit = mc_app_action_desk_side(action) ? d->receiving_unit_id : d->current_unit_id;
		/* The desk of a unit that has ended is also its successor's (docs/units.md). */
		const mc_unit *heir = unit ? mc_time_ctx_heir(tc, unit, mc_local_day(mc_now())) : NULL;
		/* An online submission waits for the centre its applicant chose
		 * (Nghị định 118/2025/NĐ-CP): that centre's desk receives it or
		 * refuses it, as the competent unit's desk may. */
		bool at_centre = d->state == MC_ST_SUBMITTED && d->reception_unit_id && actor->unit_id &&
				 mc_app_action_desk_side(action) &&
				 mc_time_ctx_within(tc, d->reception_unit_id, actor->unit_id);
		/* The result of a dossier whose applicant chose where to collect
		 * it is handed back there, and there only: at the centre, or at
		 * its successor's once a reorganisation ended it. */
		if (action == MC_ACT_RETURN && d->return_unit_id) {
			const mc_unit *centre =
			    mc_time_ctx_heir(tc, d->return_unit_id, mc_local_day(mc_now()));
			if (!actor->unit_id ||
			    (!mc_time_ctx_within(tc, d->return_unit_id, actor->unit_id) &&
			     !(centre && mc_time_ctx_within(tc, centre->id, actor->unit_id)))) {
				may = MC_MAY_NOT_SCOPE;
				goto cleanup;
			}
		} else if (!actor->unit_id || !unit ||
			   (!at_centre && !mc_time_ctx_within(tc, unit, actor->unit_id) &&
			    !(heir && mc_time_ctx_within(tc, heir->id, actor->unit_id)))) {
			may = MC_MAY_NOT_SCOPE;
			goto cleanup;
		}
	}
	if (!mc_dossier_role_may(actor->role, action)) {
		may = MC_MAY_NOT_ROLE;
		goto cleanup;
	}
	if (mc_dossier_next_state(&to, (mc_state)d->state, action, (mc_state)d->resume_state) != 0) {
		may = MC_MAY_NOT_STATE;
		goto cleanup;
	}
	/* The desk hands a received dossier on; inside processing only the
	 * processing unit's specialists and leaders assign. */
	if (action == MC_ACT_ASSIGN && (d->state == MC_ST_RECEIVED) != (actor->role == MC_ROLE_DESK))
		may = MC_MAY_NOT_ROLE;
cleanup:
	return may;
}

/* What an action does to the fee the dossier owes (app/payment.h). */
int mc_app_dossier_follow_payment(mc_store *st, const mc_actor *actor, const mc_dossier *d,
				  const mc_action_req *req, const mc_procedure *proc, int from, int64_t at)
{
	int64_t amount = req->amount;

	switch (req->action) {
	case MC_ACT_REQUEST_PAYMENT:
		if (!amount) {
			for (size_t i = 0; i < proc->n_fees; i++)
				amount += proc->fees[i].amount;
		}
		/* Nothing to pay here: an obligation settled elsewhere (a tax notice). */
		return amount > 0 ? mc_app_payment_owe(st, d->id, amount, at) : 0;
	case MC_ACT_PAY:
		/* The platform's own confirmation has settled the payment already. */
		return actor->system ? 0 : mc_app_payment_close(st, actor, d->id, "paid", req->note, at);
	case MC_ACT_WITHDRAW:
	case MC_ACT_STOP:
		if (from != MC_ST_AWAITING_PAYMENT)
			return 0;
		return mc_app_payment_close(st, actor, d->id, "cancelled", req->note, at);
	default:
		return 0;
	}
}

/*
 * 0 when the dossier has had no supplement request yet, or when actor is a
 * leader (the note giving the reason is required of every request). The
 * applicant is told everything missing at one time (Nghị định 61/2018/NĐ-CP,
 * art. 15 and 16): a further request is the leader's decision.
 */
bool mc_app_refuse_past_due(const mc_dossier *d, int64_t at)
{
	return d->state == MC_ST_RECEIVED && d->due_at && at > d->due_at;
}

int mc_app_supplements_asked(const mc_event *ev, size_t n)
{
	int asked = 0;
	for (size_t i = 0; i < n; i++) {
		if (!ev[i].action)
			continue;
		/* What the desk asked of an online submission before receiving it
		 * is the reception's guidance: the once-only rule starts again
		 * from the reception. */
		if (strcmp(ev[i].action, "receive") == 0)
			asked = 0;
		else if (strcmp(ev[i].action, "request_supplement") == 0)
			asked++;
	}
	return asked;
}

bool mc_app_supplement_again_ok(const mc_actor *actor, int asked)
{
	return asked == 0 || actor->role == MC_ROLE_LEADER;
}

static int supplement_again_or_zero(mc_store *st, const mc_actor *actor, const mc_dossier *d)
{
	mc_event *ev = NULL;
	size_t n = 0;
	int asked = 0;
	int rc = mc_store_event_list(st, &ev, &n, d->id);
	if (rc == 0)
		asked = mc_app_supplements_asked(ev, n);
	mc_event_free_list(ev, n);
	if (rc == 0 && !mc_app_supplement_again_ok(actor, asked))
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_SUPPLEMENT_AGAIN,
				"a supplement was requested %d time(s) already for dossier %s; the applicant "
				"is told everything missing at one time, so only a leader asks again, with "
				"the reason",
				asked, d->code);
	return rc;
}

int mc_app_dossier_act(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const char *code,
		       const mc_action_req *req, mc_dossier *out)
{
	int rc;
	mc_dossier d = {0};
	mc_procedure proc = {0};

	mc_err_clear();
	bool with_docs =
	    (req->action == MC_ACT_SUPPLEMENT || req->action == MC_ACT_RESOLVE) && req->n_docs > 0;
	rc = mc_store_dossier_get(st, &d, code, with_docs);
	if (rc == MC_ENOTFOUND)
		rc = mc_err_set(rc, MC_REASON_NOT_FOUND, "no dossier has code %s", code);
	if (rc != 0)
		goto cleanup;
	if (req->if_version && d.version != req->if_version) {
		rc = mc_err_set(MC_ESTALE, MC_REASON_STALE, "the dossier has changed; reload it");
		goto cleanup;
	}
	/* The fees are read when the amount owed defaults to their sum. */
	bool with_fees = req->action == MC_ACT_REQUEST_PAYMENT && !req->amount;
	rc = mc_store_procedure_get_id(st, &proc, d.procedure_id, with_fees);
	if (rc != 0)
		goto cleanup;
	int from = d.state;
	rc = mc_app_dossier_apply(st, tc, actor, &d, req);
	if (rc == 0 && req->action == MC_ACT_REQUEST_SUPPLEMENT)
		rc = supplement_again_or_zero(st, actor, &d);
	if (rc != 0)
		goto cleanup;
	rc = mc_store_dossier_update(st, &d, d.version);
	if (rc == MC_ECONFLICT)
		rc = mc_err_set(MC_ESTALE, MC_REASON_STALE, "the dossier has changed; reload it");
	if (rc != 0)
		goto cleanup;
	rc = append_event(st, &d, actor, mc_action_name(req->action), from, req->note, req->at);
	/* Form 02 gets its number with the request, in the asking unit's series. */
	if (rc == 0 && req->action == MC_ACT_REQUEST_SUPPLEMENT)
		rc = mc_app_form_number_take(st, MC_FORM_NUMBER_SUPPLEMENT, d.id, req->at, d.current_unit_id,
					     req->at);
	if (rc != 0)
		goto cleanup;
	rc = mc_app_dossier_follow_payment(st, actor, &d, req, &proc, from, req->at);
	if (rc != 0)
		goto cleanup;
	mc_dossier_clear(&d);
	rc = mc_store_dossier_get(st, out, code, true);
cleanup:
	mc_dossier_clear(&d);
	mc_procedure_clear(&proc);
	return rc;
}

int mc_app_dossier_apply(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, mc_dossier *d,
			 const mc_action_req *req)
{
	int rc;
	mc_state to;

	const char *action = mc_action_name(req->action);
	switch (mc_app_dossier_may(tc, actor, d, req->action)) {
	case MC_MAY:
		break;
	case MC_MAY_NOT_STATE:
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE, "cannot %s a dossier that is %s", action,
				mc_state_name((mc_state)d->state));
		goto cleanup;
	case MC_MAY_NOT_SCOPE:
		rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_SCOPE,
				mc_app_action_desk_side(req->action)
				    ? "dossier %s was filed at a unit outside your scope"
				    : "dossier %s is at a unit outside your scope",
				d->code);
		goto cleanup;
	case MC_MAY_NOT_OWNER:
	case MC_MAY_NOT_ROLE:
		rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE, "your role may not %s this dossier now",
				action);
		goto cleanup;
	}
	rc = mc_dossier_next_state(&to, (mc_state)d->state, req->action, (mc_state)d->resume_state);
	if (rc != 0)
		goto cleanup;
	rc = check_len("note", req->note, MC_LIMIT_DOSSIER_NOTE);
	if (rc == 0)
		rc = check_docs(req->docs, req->n_docs);
	if (rc != 0)
		goto cleanup;

	const mc_workcal *wc = mc_time_ctx_calendar(tc);
	const mc_office_hours *oh = mc_time_ctx_hours(tc, d->receiving_unit_id);
	int64_t at = req->at;
	switch (req->action) {
	case MC_ACT_RECEIVE:
		d->received_at = at;
		d->due_at = due_from(tc, d, at);
		d->step = 1;
		break;
	case MC_ACT_REFUSE:
		/* Refusal at reception is for a dossier that should not have been
		 * taken; one received and left past its due time is decided
		 * instead (resolve, outcome refused), which counts as late. */
		if (mc_app_refuse_past_due(d, at)) {
			rc =
			    mc_err_set(MC_ECONFLICT, MC_REASON_REFUSE_OVERDUE,
				       "dossier %s was received and is past its due time: it is not refused "
				       "at reception but resolved with outcome refused, which counts as late",
				       d->code);
			goto cleanup;
		}
		/* fall through */
	case MC_ACT_STOP:
		if (blank(req->note)) {
			rc = mc_err_set(MC_EINVAL, MC_REASON_MISSING_FIELD,
					"%s needs a note giving the reasons", action);
			goto cleanup;
		}
		d->finished_at = at;
		/* A stopped dossier is no longer waiting for anything. */
		d->paused_at = 0;
		d->resume_state = 0;
		break;
	case MC_ACT_REQUEST_SUPPLEMENT:
		if (blank(req->note)) {
			rc = mc_err_set(MC_EINVAL, MC_REASON_MISSING_FIELD,
					"%s needs a note giving the reasons", action);
			goto cleanup;
		}
		d->resume_state = d->state;
		/* Before reception the clock has not started; nothing to pause. */
		d->paused_at = d->received_at ? at : 0;
		break;
	case MC_ACT_REQUEST_PAYMENT:
		if (req->amount < 0) {
			rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD, "amount may not be negative");
			goto cleanup;
		}
		d->resume_state = d->state;
		d->paused_at = at;
		break;
	case MC_ACT_SUPPLEMENT:
		/* The answer to a supplement request is what was asked for: without
		 * it, answering would only move the due time by the pause. */
		if (req->n_docs == 0) {
			rc = mc_err_set(MC_EINVAL, MC_REASON_MISSING_FIELD,
					"supplement needs documents: what the request asked for");
			goto cleanup;
		}
		/* fall through */
	case MC_ACT_PAY:
		if (d->paused_at && d->due_at) {
			/* by the rules the dossier was filed under */
			bool restart = req->action == MC_ACT_SUPPLEMENT && d->restart_on_supplement;
			d->due_at = mc_deadline_resume(wc, oh, d->due_at, d->paused_at, at, restart,
						       d->duration_hours, d->cutoff_min);
			/* The statutory due time kept by an apology moves with the pause;
			 * a restarted period is a new one, which no apology concerns. */
			if (d->statutory_due_at)
				d->statutory_due_at =
				    restart ? 0
					    : mc_deadline_resume(wc, oh, d->statutory_due_at, d->paused_at,
								 at, false, d->duration_hours, d->cutoff_min);
		}
		d->paused_at = 0;
		d->resume_state = 0;
		if (req->action == MC_ACT_SUPPLEMENT)
			add_docs(d, req->docs, req->n_docs, "input");
		break;
	case MC_ACT_ASSIGN:
		if (req->handler_id) {
			mc_user h;
			rc = mc_store_user_get(st, &h, req->handler_id);
			int64_t handler_unit = h.unit_id;
			mc_user_clear(&h);
			if (rc == MC_ENOTFOUND || (rc == 0 && handler_unit != d->current_unit_id))
				rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
						"handler must be an officer of the dossier's current unit");
			if (rc != 0)
				goto cleanup;
			d->handler_id = req->handler_id;
		}
		d->step++;
		break;
	case MC_ACT_TRANSFER: {
		mc_unit target;
		if (!req->to_unit_id || req->to_unit_id == d->current_unit_id) {
			rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					"transfer needs to_unit, another unit than the current one");
			goto cleanup;
		}
		rc = mc_store_unit_get(st, &target, req->to_unit_id);
		if (rc == MC_ENOTFOUND)
			rc = mc_err_set(MC_EINVAL, MC_REASON_UNKNOWN_UNIT, "to_unit names no unit");
		if (rc == 0)
			rc = unit_ended_or_zero(tc, &target, mc_local_day(req->at), "to_unit");
		mc_unit_clear(&target);
		if (rc != 0)
			goto cleanup;
		d->current_unit_id = req->to_unit_id;
		d->handler_id = 0;
		break;
	}
	case MC_ACT_RESOLVE:
		if (req->outcome != 1 && req->outcome != 2) {
			rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					"resolve needs outcome approved or refused");
			goto cleanup;
		}
		if (req->outcome == 2 && blank(req->note)) {
			rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					"a refused outcome needs a note giving the reasons");
			goto cleanup;
		}
		d->outcome = req->outcome;
		d->finished_at = at;
		add_docs(d, req->docs, req->n_docs, "result");
		break;
	case MC_ACT_RETURN:
		d->returned_at = at;
		break;
	case MC_ACT_WITHDRAW:
		/* Only the applicant withdraws a dossier: an officer does it on the
		 * applicant's request, which the note records. */
		if (actor->role != MC_ROLE_CITIZEN && blank(req->note)) {
			rc = mc_err_set(MC_EINVAL, MC_REASON_MISSING_FIELD,
					"an officer's withdrawal needs a note: the applicant's request");
			goto cleanup;
		}
		d->finished_at = at;
		d->paused_at = 0;
		d->resume_state = 0;
		break;
	}
	d->state = to;
	if (!blank(req->note))
		set_text(&d->note, req->note);
	d->updated_at = at;
cleanup:
	return rc;
}

mc_timing mc_app_dossier_timing(const mc_dossier *d)
{
	return (mc_timing){.state = d->state,
			   .received_at = d->received_at,
			   .finished_at = d->finished_at,
			   .due_at = d->due_at,
			   .statutory_due_at = d->statutory_due_at,
			   .paused_at = d->paused_at};
}
