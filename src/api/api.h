/*
 * api.h - what the resource handlers (one file per resource under src/api)
 * share: the JSON shape of each resource and the scope rule.
 */
#ifndef MC_API_H
#define MC_API_H

#include "http/fields.h"
#include "http/server.h"
#include "core/buf.h"
#include "render/chart.h"
#include "render/form.h"

/* The route table (routes.c): every route of the API with its handler and
 * roles. The command hands it to the server (mc_server_config.routes). */
extern const mc_route mc_routes[];
extern const size_t mc_routes_count;

/* Scope: an officer acts within the subtree of the unit their role is held
 * in. Whether unit_id lies there (from the unit tree held in memory). */
bool mc_api_in_scope(mc_req *r, int64_t unit_id);
/* The same, replying 403 out-of-scope and returning -1 when unit_id lies
 * outside. */
int mc_api_in_scope_or_reply(mc_req *r, int64_t unit_id);
/* Whether the officer may read what is held at unit_id: it lies within their
 * scope, or it has ended and its heir today (mc_time_ctx_heir) does. What
 * may then be done is mc_app_dossier_may's (common.c). */
bool mc_api_in_scope_or_heir(mc_req *r, int64_t unit_id);
/* Whether the officer may read a list of the dossiers of unit_id's subtree
 * (GET /api/v1/dossiers?unit=): mc_api_in_scope, or mc_api_in_scope_or_heir
 * of the unit and of every unit under it. */
bool mc_api_subtree_readable(mc_req *r, int64_t unit_id);
/* 429 too-many-attempts with Retry-After: wait seconds (at least 1), the
 * detail "<why>; try again in <wait> seconds". */
void mc_api_too_many(mc_req *r, int wait, const char *why);
/* The key an address's counters (sign-in, recovery, the exchange's
 * refusals) go by: "a:" and the client's address, for an IPv6 client its
 * /64 (one subscriber's, RFC 6177), as filings are counted (app/filing.h):
 * counted per address, it would have 2^64 of them. */
void mc_api_address_key(const mc_req *r, char *out, size_t cap);
/* Whether the caller may upload size bytes more within its daily upload
 * budget (upload_daily_bytes, app/upload.h): replies 429 upload-quota and
 * returns -1 when not, before a byte is stored (api/attachments.c). */
int mc_api_upload_daily_or_reply(mc_req *r, int64_t size);
/* The version in an If-Match header ("3", W/"3"); 0 when absent or "*" (any
 * current version, RFC 9110 13.1.1), -1 when malformed. One reading for
 * every resource with versions (dossiers, documents, tasks, the index). */
int64_t mc_api_if_match_version(mc_req *r);
/* A unit code given in the request's field into its id (from the unit tree
 * held in memory); replies 422 unknown-unit naming the field and returns -1
 * when no unit has that code. */
int mc_api_unit_or_reply(mc_req *r, int64_t *out, const char *field, const char *code);
/* Replies 422 unit-ended naming the field and the successor, and returns
 * -1, when the unit has ended today (docs/units.md): an ended unit gets no
 * new officer; 0 while it is in force. */
int mc_api_unit_in_force_or_reply(mc_req *r, const mc_unit *u, const char *field);
/* The "cooperating" array of unit codes (a task's, a document's assignment;
 * at most MC_LIMIT_TASK_UNITS, checked by the field spec) into ids the
 * request owns; replies 422 naming cooperating[i] and returns -1 when one is
 * no unit code or names no unit. */
int mc_api_cooperating_or_reply(mc_req *r, json_t *units, int64_t **out, size_t *n);
/* The unit of ?unit= (default: the caller's own) when it lies within the
 * caller's scope; replies 400 for an unknown code, 403 out-of-scope for a
 * unit outside it or an account holding its role in no unit. */
int mc_api_scope_unit_or_reply(mc_req *r, int64_t *out);
/*
 * Administrators are scoped like everyone else (docs/operations.md, "Who
 * administers what"): an administrator acts inside the subtree of its unit.
 * What belongs to no subtree but the whole tree's - the root unit itself,
 * the working calendar, procedures owned by no unit, citizen and
 * administrator accounts - is for an administrator held in a root unit (the
 * province): the root's administrator.
 */
bool mc_api_is_root_admin(mc_req *r);
/* Replies 403 out-of-scope ("only an administrator of the province ... may
 * <action>") and returns -1 unless the caller is the root's administrator. */
int mc_api_root_admin_or_reply(mc_req *r, const char *action);
/* Whether the caller may see (read) this dossier: its owner (citizen), or an
 * officer whose scope holds its current, receiving or reception unit, or
 * the heir of one that has ended (mc_api_in_scope_or_heir), or its return
 * unit once the result is ready. */
bool mc_api_may_see(mc_req *r, const mc_dossier *d);
/* The same without the heir's reads: what starting a payment and taking a
 * dossier's file into another need. */
bool mc_api_may_see_in_scope(mc_req *r, const mc_dossier *d);
/* The dossier a file is to be attached to: the one acted on (its id), or
 * the one being filed (id 0), by whose applicant (owner, identity number). */
typedef struct {
	int64_t dossier_id;
	int64_t owner_id;
	const char *id_number;
} mc_attach_target;
/* Whether the caller may attach the uploaded file sha256 to the target: they
 * uploaded it (app/upload.h), or it belongs to a dossier they may see that is
 * the target itself or one of the same applicant (the same account, or the
 * same identity number), which is how an applicant's earlier papers are used
 * again. A file of someone else's dossier, an unknown file and someone
 * else's upload give the same false. */
int mc_api_may_use_attachment(mc_req *r, bool *out, const char *sha256, const mc_attach_target *t);

/*
 * Records an officer's read of personal data (api/personal.c): `what`
 * (dossier, attachment, form, register, export) of dossier d (its id may be 0
 * for the register of a unit; d NULL for an export of the citizen account
 * subject_id), by the caller, through the request's path. Queued on the
 * group committer without waiting; a citizen's read of their own is not
 * recorded. Call before replying (d is read at once).
 */
void mc_api_log_read(mc_req *r, const mc_dossier *d, int64_t subject_id, const char *what);
/* The same for a list that showed personal data of `records` dossiers (the
 * dossier list, the desk's submissions): one record per request, naming the
 * path and the count, in scope of the unit listed (unit_id). An empty page is
 * no read. */
void mc_api_log_list_read(mc_req *r, int64_t unit_id, size_t records, const char *what);
/* Records of reads that could not be written since the start, for /metrics. */
uint64_t mc_api_reads_lost(void);
/* Whether the caller may read the file: as mc_api_may_use_attachment, or it
 * is the evidence of a reform-index mark of a unit whose sheet the caller
 * may read (docs/par-index.md §4). *via (when not NULL) gets the id, owner
 * and units of the dossier through which the caller may read it (id 0 when
 * it is their own upload or such evidence). */
int mc_api_attachment_access(mc_req *r, bool *out, mc_dossier *via, const char *sha256);
/* Reorganisation plans (unit_plans.c). */
void mc_api_unit_plans_list(mc_req *r);
void mc_api_unit_plan_create(mc_req *r);
void mc_api_unit_plan_get(mc_req *r);
void mc_api_unit_plan_apply(mc_req *r);

/* JSON of a unit (code, name, level, parent, ...). New reference. */
json_t *mc_api_unit_json(const mc_unit *u, const char *parent_code);
/* {"code","name"} of a unit by id, or null. New reference. */
json_t *mc_api_unit_ref(const mc_time_ctx *tc, int64_t id);
json_t *mc_api_user_json(const mc_time_ctx *tc, const mc_user *u);
/* The User-Agent header as kept with a sign-in: printable ASCII (anything
 * else a '?'), at most cap - 1 bytes; "" for none. */
void mc_api_user_agent(char *out, size_t cap, const char *header);
json_t *mc_api_procedure_json(const mc_procedure *p, bool with_parts);
/* Hands the strings of a unit or user the store filled to the request, which
 * frees them with itself (mc_req_own): the struct may then live in a job of
 * the request, and its fields be pointed at other strings of the request,
 * without being cleared. */
void mc_api_unit_own(mc_req *r, mc_unit *u);
void mc_api_user_own(mc_req *r, mc_user *u);
/* Full dossier for its owner and officers; with its documents (an array, empty
 * when there are none) when with_docs, with events when given. */
json_t *mc_api_dossier_json(mc_req *r, const mc_dossier *d, bool with_docs, const mc_event *ev, size_t n_ev);
/* The same, with its documents, for a dossier this request has just filed:
 * procedure_name is its procedure's (NULL: read), and there is no rating or
 * payment to read. */
json_t *mc_api_dossier_json_created(mc_req *r, const mc_dossier *d, const char *procedure_name);
/* A timestamp as local ISO 8601, or null for 0. New reference. */
json_t *mc_api_time(int64_t t);
/* "within_time" | "due_soon" | "overdue" for open dossiers, "early" |
 * "on_time" | "late" for finished ones, null when there is no due time. */
json_t *mc_api_timeliness(const mc_time_ctx *tc, const mc_dossier *d, int64_t now);

/* The name of rating criterion i (MC_RATE_...) in the API, "total_time" ...;
 * NULL outside the range. Borrowed, static. */
const char *mc_api_rating_criterion(int i);
/* {"criteria":{...}, "overall", "comment", "at"}. New reference. */
json_t *mc_api_rating_json(const mc_rating *rt);

/* A payment of fees (reference, amount, state, receipt...). New reference. */
json_t *mc_api_payment_json(const mc_payment *p);

/* Query parameter helpers: reply 400 and return -1 on a bad value. */
int mc_api_query_int_or_reply(mc_req *r, const char *name, int64_t *out, int64_t min, int64_t max);
/* The page of a log asked for by ?before= (a step's id, 0 when absent: the
 * newest) and ?limit= (MC_LIMIT_EVENTS_PAGE when absent); replies 400 and
 * returns -1 on a bad one. */
int mc_api_events_page_or_reply(mc_req *r, int64_t *before, int *limit);

/* The unit and period of a statistics question (?unit=&from=&to=, as
 * docs/statistics.md defines them; the unit checked against the caller's
 * scope). Replies 400/403 and returns -1 on a bad one. */
typedef struct {
	const mc_unit *unit; /* borrowed from the time context */
	int32_t from_day;    /* local days since 1970-01-01 */
	int32_t to_day;
	int64_t from, to; /* UTC seconds of the local midnights */
	int64_t at;	  /* min(to, now) */
} mc_api_stats_params;
int mc_api_stats_params_or_reply(mc_req *r, mc_api_stats_params *out);

/* A chart of the statistics with its texts, owned: free them with
 * mc_api_chart_clear. */
#define MC_API_CHART_TOP 15
typedef struct {
	mc_chart chart;
	mc_chart_item items[MC_API_CHART_TOP];
	char *labels[MC_API_CHART_TOP];
	char texts[MC_API_CHART_TOP][64]; /* figures: "87,5 % (35/40)" */
	char *subtitle;
	char *desc; /* the figures in words, for those who do not see the bars */
} mc_api_chart;
/* Fills *out with the dashboard chart `kind` (received, resolved, units) of
 * the figures grouped by unit (rows of mc_store_stats), in Vietnamese or
 * English; clear it with mc_api_chart_clear. MC_EINVAL for an unknown kind,
 * MC_ETOOBIG when a text passes its limit (it is never cut); on failure
 * *out holds nothing to free. */
int mc_api_stats_chart_fill(mc_api_chart *out, const mc_time_ctx *tc, const char *kind, bool english,
			    const mc_api_stats_params *p, const mc_stats_row *rows, size_t n);
/* Frees the texts of c and zeroes it. NULL-safe. */
void mc_api_chart_clear(mc_api_chart *c);

/* The place name a unit dates its papers from ("Quảng Xương"). Borrowed. */
const char *mc_api_unit_place(const mc_time_ctx *tc, const mc_unit *u);
/* The title a leader signs under (form 04, 07): the head of the agency, or
 * a deputy for the head ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"). Static. */
const char *mc_api_signer_title(const mc_unit *u, bool deputy);
/* Form 04 of apology a of dossier d as it stands (api/forms.c), appended to
 * out: the PDF GET …/forms/04 gives for it; sign_box (may be NULL) gets
 * where its signer's block went. Codes of mc_form_pdf. */
int mc_api_apology_form_pdf(mc_store *st, const mc_time_ctx *tc, const mc_dossier *d, const mc_apology *a,
			    mc_buf *out, mc_form_box *sign_box);

/* Handlers (routes.c lists them with their paths). */
void mc_api_healthz(mc_req *r);
void mc_api_readyz(mc_req *r);
void mc_api_metrics(mc_req *r);
void mc_api_session_create(mc_req *r);
void mc_api_session_get(mc_req *r);
void mc_api_session_delete(mc_req *r);
/* Sets the cookies of a new session (token, until expires_at) on the coming
 * reply: the same for every way of signing in. */
void mc_api_session_cookies(mc_req *r, const char *token, int64_t expires_at);
/* Sign-in through the identity provider (api/oidc.c, app/oidc.h). */
void mc_api_oidc_status(mc_req *r);
void mc_api_oidc_start(mc_req *r);
void mc_api_oidc_callback(mc_req *r);
void mc_api_user_identity_put(mc_req *r);
void mc_api_user_identity_delete(mc_req *r);
void mc_api_units_list(mc_req *r);
void mc_api_unit_get(mc_req *r);
void mc_api_unit_create(mc_req *r);
void mc_api_unit_update(mc_req *r);
void mc_api_unit_officers(mc_req *r);
void mc_api_users_list(mc_req *r);
void mc_api_user_create(mc_req *r);
void mc_api_citizen_register(mc_req *r);
void mc_api_user_get(mc_req *r);
void mc_api_user_update(mc_req *r);
void mc_api_user_reset_password(mc_req *r);
void mc_api_user_handover(mc_req *r);
void mc_api_user_signins(mc_req *r);
void mc_api_account_actions(mc_req *r);
void mc_api_portal_sync_list(mc_req *r);
void mc_api_portal_sync_retry(mc_req *r);
void mc_api_portal_lookup(mc_req *r);
void mc_api_profile_update(mc_req *r);
void mc_api_profile_signins(mc_req *r);
void mc_api_recovery_start(mc_req *r);
void mc_api_recovery_finish(mc_req *r);
void mc_api_procedures_list(mc_req *r);
void mc_api_procedure_template(mc_req *r);
void mc_api_procedure_get(mc_req *r);
void mc_api_procedure_create(mc_req *r);
void mc_api_procedure_update(mc_req *r);
void mc_api_procedure_fields(mc_req *r);
void mc_api_dossier_rate(mc_req *r);
void mc_api_ratings_summary(mc_req *r);
void mc_api_dossier_create(mc_req *r);
void mc_api_dossiers_list(mc_req *r);
void mc_api_dossier_get(mc_req *r);
void mc_api_dossier_action(mc_req *r);
void mc_api_submissions_list(mc_req *r);
void mc_api_submissions_refuse(mc_req *r);
void mc_api_public_dossier(mc_req *r);
void mc_api_public_dossier_qr(mc_req *r);
void mc_api_calendar_year(mc_req *r);
void mc_api_calendar_set_year(mc_req *r);
void mc_api_calendar_delete_year(mc_req *r);
void mc_api_calendar_due(mc_req *r);
void mc_api_attachment_upload(mc_req *r);
void mc_api_attachment_get(mc_req *r);
void mc_api_dossier_form(mc_req *r);
void mc_api_register_form(mc_req *r);
void mc_api_stats_get(mc_req *r);
void mc_api_stats_overdue(mc_req *r);
void mc_api_stats_chart(mc_req *r);
void mc_api_payment_start(mc_req *r);
void mc_api_payment_callback(mc_req *r);
void mc_api_payment_test_page(mc_req *r);
void mc_api_payment_test_pay(mc_req *r);
void mc_api_apology_create(mc_req *r);
void mc_api_apologies_list(mc_req *r);
void mc_api_apology_issue(mc_req *r);
void mc_api_public_apologies(mc_req *r);
void mc_api_public_results(mc_req *r);
void mc_api_stats_report_xlsx(mc_req *r);
void mc_api_stats_report_pdf(mc_req *r);
void mc_api_personal_export(mc_req *r);
void mc_api_personal_erase(mc_req *r);
void mc_api_personal_reads(mc_req *r);
void mc_api_citizen_export(mc_req *r);
void mc_api_document_types(mc_req *r);
void mc_api_document_registers_list(mc_req *r);
void mc_api_document_register_create(mc_req *r);
void mc_api_document_register_pdf(mc_req *r);
void mc_api_document_register_xlsx(mc_req *r);
/* The document's PDF (api/document_files.c). */
void mc_api_document_file(mc_req *r);
/* GET /api/v1/documents/{id}/signatures: its file's signatures verified. */
void mc_api_document_signatures(mc_req *r);
/* POST /api/v1/documents/{id}/attachment-seal: a PDF attachment sealed. */
void mc_api_document_attachment_seal(mc_req *r);
/* Signing on the leader's own device: prepare, then complete. */
/* A draft's uploaded versions (api/document_versions.c). */
void mc_api_document_version_upload(mc_req *r);
void mc_api_document_versions_list(mc_req *r);
void mc_api_document_version_file(mc_req *r);
/* A document's attachments (api/document_attachments.c). */
void mc_api_document_attachment_upload(mc_req *r);
void mc_api_document_attachments_list(mc_req *r);
void mc_api_document_attachment_file(mc_req *r);
/* DELETE /api/v1/documents/{id}/attachments/{n}: the drafter takes it off the draft. */
void mc_api_document_attachment_remove(mc_req *r);
void mc_api_document_signature_prepare(mc_req *r);
void mc_api_document_signature_complete(mc_req *r);
void mc_api_documents_list(mc_req *r);
void mc_api_document_create(mc_req *r);
void mc_api_document_receive(mc_req *r);
void mc_api_document_get(mc_req *r);
void mc_api_document_events(mc_req *r);
void mc_api_document_update(mc_req *r);
void mc_api_document_action(mc_req *r);
/* edXML exchange with peers (exchange.c). */
void mc_api_edxml_receive(mc_req *r);
void mc_api_document_send(mc_req *r);
void mc_api_document_recall(mc_req *r);
void mc_api_document_exchange_status(mc_req *r);
void mc_api_document_exchange(mc_req *r);
void mc_api_document_edxml(mc_req *r);
/* Work files (workfiles.c). */
void mc_api_workfiles_list(mc_req *r);
void mc_api_workfile_create(mc_req *r);
void mc_api_workfile_get(mc_req *r);
void mc_api_workfile_update(mc_req *r);
void mc_api_workfile_action(mc_req *r);
void mc_api_workfile_document_put(mc_req *r);
void mc_api_workfile_document_delete(mc_req *r);
void mc_api_workfiles_handover_pdf(mc_req *r);
void mc_api_workfiles_handover_xlsx(mc_req *r);
void mc_api_workfiles_catalogue_pdf(mc_req *r);
void mc_api_workfiles_catalogue_xlsx(mc_req *r);
void mc_api_workfiles_disposal(mc_req *r);
void mc_api_workfiles_disposal_pdf(mc_req *r);
void mc_api_workfiles_disposal_xlsx(mc_req *r);

/* The administrative-reform index (par.c). */
void mc_api_par_frameworks_list(mc_req *r);
void mc_api_par_framework_create(mc_req *r);
void mc_api_par_framework_import(mc_req *r);
void mc_api_par_results_pdf(mc_req *r);
void mc_api_par_framework_get(mc_req *r);
void mc_api_par_framework_copy(mc_req *r);
void mc_api_par_results(mc_req *r);
void mc_api_par_results_xlsx(mc_req *r);
void mc_api_par_unit_get(mc_req *r);
void mc_api_par_unit_log(mc_req *r);
void mc_api_par_self(mc_req *r);
void mc_api_par_appraise(mc_req *r);
void mc_api_par_submit(mc_req *r);
void mc_api_par_rating(mc_req *r);
void mc_api_par_survey(mc_req *r);
void mc_api_par_compute(mc_req *r);
void mc_api_par_publish(mc_req *r);
void mc_api_par_rules_put(mc_req *r);
void mc_api_par_council_put(mc_req *r);
void mc_api_par_council_delete(mc_req *r);
void mc_api_par_public(mc_req *r);
/* Tasks (tasks.c; docs/tasks.md). */
void mc_api_tasks_list(mc_req *r);
void mc_api_tasks_stats(mc_req *r);
void mc_api_tasks_stats_pdf(mc_req *r);
void mc_api_tasks_stats_xlsx(mc_req *r);
void mc_api_task_create(mc_req *r);
void mc_api_task_get(mc_req *r);
void mc_api_task_events(mc_req *r);
void mc_api_task_action(mc_req *r);
void mc_api_task_delegate(mc_req *r);

#endif
