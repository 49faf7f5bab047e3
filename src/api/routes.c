/*
 * routes.c - every route of the API with the roles that may use it. The router
 * (http/router.c, called from http/dispatch.c) reads this table; a route
 * without an entry does not exist. Where patterns overlap, the literal one
 * comes first (tests/unit/test_router.c checks that every route is reached).
 */
#include "api/api.h"

#define STAFF MC_ROLES_STAFF
#define CITIZEN MC_ROLE_BIT(MC_ROLE_CITIZEN)
#define DESK MC_ROLE_BIT(MC_ROLE_DESK)
#define ADMIN MC_ROLE_BIT(MC_ROLE_ADMIN)
#define SPECIALIST MC_ROLE_BIT(MC_ROLE_SPECIALIST)
#define LEADERS (MC_ROLE_BIT(MC_ROLE_LEADER) | MC_ROLE_BIT(MC_ROLE_SUPERVISOR) | ADMIN)
#define OFFICERS (DESK | SPECIALIST | MC_ROLE_BIT(MC_ROLE_LEADER))
#define ACTORS (CITIZEN | DESK | MC_ROLE_BIT(MC_ROLE_SPECIALIST) | MC_ROLE_BIT(MC_ROLE_LEADER))

const mc_route mc_routes[] = {
    {MC_M_GET, "/healthz", mc_api_healthz, MC_AUTH_PUBLIC, 0, 0},
    {MC_M_GET, "/readyz", mc_api_readyz, MC_AUTH_PUBLIC, 0, 0},
    {MC_M_GET, "/metrics", mc_api_metrics, MC_AUTH_PUBLIC, 0, 0},

    {MC_M_POST, "/api/v1/session", mc_api_session_create, MC_AUTH_PUBLIC, 0,
     MC_ROUTE_JSON | MC_ROUTE_SIGNS_IN},
    {MC_M_GET, "/api/v1/session", mc_api_session_get, MC_AUTH_SESSION, MC_ROLES_ALL, MC_ROUTE_PASSWORD_DUE},
    {MC_M_DELETE, "/api/v1/session", mc_api_session_delete, MC_AUTH_SESSION, MC_ROLES_ALL,
     MC_ROUTE_PASSWORD_DUE},
    /* Sign-in through the identity provider (api/oidc.c): the browser goes there and comes back. */
    {MC_M_GET, "/api/v1/session/oidc", mc_api_oidc_start, MC_AUTH_PUBLIC, 0, 0},
    {MC_M_GET, "/api/v1/session/oidc/status", mc_api_oidc_status, MC_AUTH_PUBLIC, 0, 0},
    {MC_M_GET, "/api/v1/session/oidc/callback", mc_api_oidc_callback, MC_AUTH_PUBLIC, 0, 0},
    /* One's own account: contacts and password (the current one required), sign-ins. */
    {MC_M_PATCH, "/api/v1/profile", mc_api_profile_update, MC_AUTH_SESSION, MC_ROLES_ALL,
     MC_ROUTE_JSON | MC_ROUTE_PASSWORD_DUE},
    {MC_M_GET, "/api/v1/profile/signins", mc_api_profile_signins, MC_AUTH_SESSION, MC_ROLES_ALL,
     MC_ROUTE_PASSWORD_DUE},
    /* Password recovery by a one-time code sent by e-mail or SMS. */
    {MC_M_POST, "/api/v1/recovery", mc_api_recovery_start, MC_AUTH_PUBLIC, 0, MC_ROUTE_JSON},
    {MC_M_POST, "/api/v1/recovery/confirm", mc_api_recovery_finish, MC_AUTH_PUBLIC, 0, MC_ROUTE_JSON},

    {MC_M_GET, "/api/v1/units", mc_api_units_list, MC_AUTH_PUBLIC, 0, 0},
    {MC_M_POST, "/api/v1/units", mc_api_unit_create, MC_AUTH_SESSION, ADMIN, MC_ROUTE_JSON},
    {MC_M_GET, "/api/v1/units/{code}", mc_api_unit_get, MC_AUTH_PUBLIC, 0, 0},
    {MC_M_PATCH, "/api/v1/units/{code}", mc_api_unit_update, MC_AUTH_SESSION, ADMIN, MC_ROUTE_JSON},
    /* Whom a dossier can be handed to, with the dossiers each has in hand. */
    {MC_M_GET, "/api/v1/units/{code}/officers", mc_api_unit_officers, MC_AUTH_SESSION, STAFF, 0},
    /* Reorganisation plans (docs/units.md): the root's administrator only. */
    {MC_M_GET, "/api/v1/unit-plans", mc_api_unit_plans_list, MC_AUTH_SESSION, ADMIN, 0},
    {MC_M_POST, "/api/v1/unit-plans", mc_api_unit_plan_create, MC_AUTH_SESSION, ADMIN, MC_ROUTE_JSON},
    {MC_M_GET, "/api/v1/unit-plans/{id}", mc_api_unit_plan_get, MC_AUTH_SESSION, ADMIN, 0},
    {MC_M_POST, "/api/v1/unit-plans/{id}/apply", mc_api_unit_plan_apply, MC_AUTH_SESSION, ADMIN, 0},

    {MC_M_GET, "/api/v1/users", mc_api_users_list, MC_AUTH_SESSION, LEADERS, 0},
    {MC_M_POST, "/api/v1/users", mc_api_user_create, MC_AUTH_SESSION, ADMIN, MC_ROUTE_JSON},
    {MC_M_GET, "/api/v1/users/{username}", mc_api_user_get, MC_AUTH_SESSION, ADMIN, 0},
    {MC_M_PATCH, "/api/v1/users/{username}", mc_api_user_update, MC_AUTH_SESSION, ADMIN, MC_ROUTE_JSON},
    {MC_M_POST, "/api/v1/users/{username}/password", mc_api_user_reset_password, MC_AUTH_SESSION, ADMIN, 0},
    {MC_M_POST, "/api/v1/users/{username}/handover", mc_api_user_handover, MC_AUTH_SESSION, ADMIN,
     MC_ROUTE_JSON},
    {MC_M_GET, "/api/v1/users/{username}/signins", mc_api_user_signins, MC_AUTH_SESSION, ADMIN, 0},
    /* An official's account linked to its identity at the provider, by an administrator. */
    {MC_M_PUT, "/api/v1/users/{username}/identity", mc_api_user_identity_put, MC_AUTH_SESSION, ADMIN,
     MC_ROUTE_JSON},
    {MC_M_DELETE, "/api/v1/users/{username}/identity", mc_api_user_identity_delete, MC_AUTH_SESSION, ADMIN,
     0},
    /* The append-only record of account actions: the root's administrator only. */
    {MC_M_GET, "/api/v1/account-actions", mc_api_account_actions, MC_AUTH_SESSION, ADMIN, 0},
    /* The national portal's sync (app/portal.h): the root's administrator only. */
    {MC_M_GET, "/api/v1/portal-sync", mc_api_portal_sync_list, MC_AUTH_SESSION, ADMIN, 0},
    {MC_M_POST, "/api/v1/portal-sync/{id}/retry", mc_api_portal_sync_retry, MC_AUTH_SESSION, ADMIN, 0},
    {MC_M_GET, "/api/v1/portal-sync/dossiers/{code}", mc_api_portal_lookup, MC_AUTH_SESSION, ADMIN, 0},
    {MC_M_POST, "/api/v1/citizens", mc_api_citizen_register, MC_AUTH_PUBLIC, 0, MC_ROUTE_JSON},

    {MC_M_GET, "/api/v1/procedures", mc_api_procedures_list, MC_AUTH_PUBLIC, 0, 0},
    {MC_M_POST, "/api/v1/procedures", mc_api_procedure_create, MC_AUTH_SESSION, ADMIN, MC_ROUTE_JSON},
    /* Before {code}: "fields" is not a procedure code. */
    {MC_M_GET, "/api/v1/procedures/fields", mc_api_procedure_fields, MC_AUTH_PUBLIC, 0, 0},
    {MC_M_GET, "/api/v1/procedures/{code}", mc_api_procedure_get, MC_AUTH_PUBLIC, 0, 0},
    /* The file of a document's form template (mẫu đơn, tờ khai), for anyone. */
    {MC_M_GET, "/api/v1/procedures/{code}/documents/{seq}/template", mc_api_procedure_template,
     MC_AUTH_PUBLIC, 0, 0},
    {MC_M_PUT, "/api/v1/procedures/{code}", mc_api_procedure_update, MC_AUTH_SESSION, ADMIN, MC_ROUTE_JSON},

    {MC_M_POST, "/api/v1/dossiers", mc_api_dossier_create, MC_AUTH_SESSION, CITIZEN | DESK, MC_ROUTE_JSON},
    {MC_M_GET, "/api/v1/dossiers", mc_api_dossiers_list, MC_AUTH_SESSION, MC_ROLES_ALL, 0},
    /* Before {code}: the desk's waiting online submissions, and their refusal in bulk. */
    {MC_M_GET, "/api/v1/dossiers/submissions", mc_api_submissions_list, MC_AUTH_SESSION, DESK, 0},
    {MC_M_POST, "/api/v1/dossiers/refusals", mc_api_submissions_refuse, MC_AUTH_SESSION, DESK, MC_ROUTE_JSON},
    {MC_M_GET, "/api/v1/dossiers/{code}", mc_api_dossier_get, MC_AUTH_SESSION, MC_ROLES_ALL, 0},
    {MC_M_POST, "/api/v1/dossiers/{code}/actions", mc_api_dossier_action, MC_AUTH_SESSION, ACTORS,
     MC_ROUTE_JSON},
    {MC_M_POST, "/api/v1/dossiers/{code}/rating", mc_api_dossier_rate, MC_AUTH_SESSION, CITIZEN,
     MC_ROUTE_JSON},
    {MC_M_GET, "/api/v1/ratings/summary", mc_api_ratings_summary, MC_AUTH_SESSION, LEADERS, 0},

    /* Fees paid online (docs/payments.md): the applicant or the receiving desk
     * starts; the provider confirms with a signed callback, without a session. */
    {MC_M_POST, "/api/v1/dossiers/{code}/payments", mc_api_payment_start, MC_AUTH_SESSION, CITIZEN | DESK, 0},
    {MC_M_POST, "/api/v1/payments/callback", mc_api_payment_callback, MC_AUTH_PUBLIC, 0, MC_ROUTE_JSON},
    /* The in-process test provider (demo, tests); 404 when a real one is configured. */
    {MC_M_GET, "/api/v1/payments/test-provider/pay", mc_api_payment_test_page, MC_AUTH_PUBLIC, 0, 0},
    {MC_M_POST, "/api/v1/payments/test-provider/pay", mc_api_payment_test_pay, MC_AUTH_PUBLIC, 0,
     MC_ROUTE_UPLOAD},

    {MC_M_GET, "/api/v1/dossiers/{code}/forms/{form}", mc_api_dossier_form, MC_AUTH_SESSION, MC_ROLES_ALL, 0},
    {MC_M_GET, "/api/v1/forms/register", mc_api_register_form, MC_AUTH_SESSION, STAFF, 0},

    {MC_M_GET, "/api/v1/public/dossiers/{code}", mc_api_public_dossier, MC_AUTH_PUBLIC, 0, 0},
    {MC_M_GET, "/api/v1/public/dossiers/{code}/qr.svg", mc_api_public_dossier_qr, MC_AUTH_PUBLIC, 0, 0},
    {MC_M_GET, "/api/v1/public/apologies", mc_api_public_apologies, MC_AUTH_PUBLIC, 0, 0},
    {MC_M_GET, "/api/v1/public/results", mc_api_public_results, MC_AUTH_PUBLIC, 0, 0},

    /* Apologies for late dossiers: officers prepare, leaders issue (app/apology.h). */
    {MC_M_POST, "/api/v1/dossiers/{code}/apologies", mc_api_apology_create, MC_AUTH_SESSION,
     DESK | MC_ROLE_BIT(MC_ROLE_SPECIALIST) | MC_ROLE_BIT(MC_ROLE_LEADER), MC_ROUTE_JSON},
    {MC_M_GET, "/api/v1/dossiers/{code}/apologies", mc_api_apologies_list, MC_AUTH_SESSION, MC_ROLES_ALL, 0},
    {MC_M_POST, "/api/v1/dossiers/{code}/apologies/{id}/issue", mc_api_apology_issue, MC_AUTH_SESSION,
     MC_ROLE_BIT(MC_ROLE_LEADER), MC_ROUTE_JSON_OPTIONAL},

    {MC_M_GET, "/api/v1/calendar/due", mc_api_calendar_due, MC_AUTH_PUBLIC, 0, 0},
    {MC_M_GET, "/api/v1/calendar/{year}", mc_api_calendar_year, MC_AUTH_PUBLIC, 0, 0},
    {MC_M_PUT, "/api/v1/calendar/{year}", mc_api_calendar_set_year, MC_AUTH_SESSION, ADMIN, MC_ROUTE_JSON},
    {MC_M_DELETE, "/api/v1/calendar/{year}", mc_api_calendar_delete_year, MC_AUTH_SESSION, ADMIN, 0},

    /* Specialists and leaders upload the result (the signed licence) that resolve attaches. */
    {MC_M_POST, "/api/v1/attachments", mc_api_attachment_upload, MC_AUTH_SESSION, ACTORS | ADMIN,
     MC_ROUTE_UPLOAD},
    {MC_M_GET, "/api/v1/attachments/{sha256}", mc_api_attachment_get, MC_AUTH_SESSION, MC_ROLES_ALL, 0},

    /* Personal data (Nghị định 13/2023/NĐ-CP; app/personal.h): a citizen's
     * export and erasure, the log of officers' reads (a citizen's own, an
     * administrator's subtree), an administrator's export of a citizen. */
    {MC_M_GET, "/api/v1/personal/export", mc_api_personal_export, MC_AUTH_SESSION, CITIZEN, 0},
    {MC_M_POST, "/api/v1/personal/erasure", mc_api_personal_erase, MC_AUTH_SESSION, CITIZEN, MC_ROUTE_JSON},
    {MC_M_GET, "/api/v1/personal/reads", mc_api_personal_reads, MC_AUTH_SESSION, CITIZEN | ADMIN, 0},
    {MC_M_GET, "/api/v1/citizens/{key}/export", mc_api_citizen_export, MC_AUTH_SESSION, ADMIN, 0},

    {MC_M_GET, "/api/v1/stats", mc_api_stats_get, MC_AUTH_SESSION, LEADERS, 0},
    {MC_M_GET, "/api/v1/stats/overdue", mc_api_stats_overdue, MC_AUTH_SESSION, LEADERS, 0},
    {MC_M_GET, "/api/v1/stats/chart.svg", mc_api_stats_chart, MC_AUTH_SESSION, LEADERS, 0},
    {MC_M_GET, "/api/v1/stats/report.xlsx", mc_api_stats_report_xlsx, MC_AUTH_SESSION, LEADERS, 0},
    {MC_M_GET, "/api/v1/stats/report.pdf", mc_api_stats_report_pdf, MC_AUTH_SESSION, LEADERS, 0},

    /* Official documents (docs/documents.md): specialists draft, leaders
     * review, sign and assign, clerks (the desk role) issue and register. */
    {MC_M_GET, "/api/v1/document-types", mc_api_document_types, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_GET, "/api/v1/document-registers", mc_api_document_registers_list, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_POST, "/api/v1/document-registers", mc_api_document_register_create, MC_AUTH_SESSION, ADMIN,
     MC_ROUTE_JSON},
    {MC_M_GET, "/api/v1/document-registers/{id}/register.pdf", mc_api_document_register_pdf, MC_AUTH_SESSION,
     STAFF, 0},
    {MC_M_GET, "/api/v1/document-registers/{id}/register.xlsx", mc_api_document_register_xlsx,
     MC_AUTH_SESSION, STAFF, 0},
    {MC_M_GET, "/api/v1/documents", mc_api_documents_list, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_POST, "/api/v1/documents", mc_api_document_create, MC_AUTH_SESSION, SPECIALIST, MC_ROUTE_JSON},
    /* Before {id}: a document the clerk received on paper or otherwise. */
    {MC_M_POST, "/api/v1/documents/incoming", mc_api_document_receive, MC_AUTH_SESSION, DESK, MC_ROUTE_JSON},
    {MC_M_GET, "/api/v1/documents/{id}", mc_api_document_get, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_GET, "/api/v1/documents/{id}/events", mc_api_document_events, MC_AUTH_SESSION, STAFF, 0},
    /* The document's PDF: rendered, or as signed when issued. */
    {MC_M_GET, "/api/v1/documents/{id}/file", mc_api_document_file, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_GET, "/api/v1/documents/{id}/signatures", mc_api_document_signatures, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_POST, "/api/v1/documents/{id}/attachment-seal", mc_api_document_attachment_seal, MC_AUTH_SESSION,
     DESK, MC_ROUTE_UPLOAD},
    /* The leader signs on their own device: the server prepares, the device signs, the server embeds. */
    {MC_M_POST, "/api/v1/documents/{id}/signature/prepare", mc_api_document_signature_prepare,
     MC_AUTH_SESSION, MC_ROLE_BIT(MC_ROLE_LEADER), MC_ROUTE_JSON},
    {MC_M_POST, "/api/v1/documents/{id}/signature", mc_api_document_signature_complete, MC_AUTH_SESSION,
     MC_ROLE_BIT(MC_ROLE_LEADER), MC_ROUTE_JSON},
    /* A draft uploaded as PDF or DOCX, each upload a version kept for good. */
    {MC_M_POST, "/api/v1/documents/{id}/versions", mc_api_document_version_upload, MC_AUTH_SESSION,
     SPECIALIST, MC_ROUTE_UPLOAD},
    {MC_M_GET, "/api/v1/documents/{id}/versions", mc_api_document_versions_list, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_GET, "/api/v1/documents/{id}/versions/{n}/file", mc_api_document_version_file, MC_AUTH_SESSION,
     STAFF, 0},
    /* Its attachments (PDF), sealed at issue; the drafter may take one off a draft. */
    {MC_M_POST, "/api/v1/documents/{id}/attachments", mc_api_document_attachment_upload, MC_AUTH_SESSION,
     SPECIALIST, MC_ROUTE_UPLOAD},
    {MC_M_GET, "/api/v1/documents/{id}/attachments", mc_api_document_attachments_list, MC_AUTH_SESSION, STAFF,
     0},
    {MC_M_GET, "/api/v1/documents/{id}/attachments/{n}/file", mc_api_document_attachment_file,
     MC_AUTH_SESSION, STAFF, 0},
    {MC_M_DELETE, "/api/v1/documents/{id}/attachments/{n}", mc_api_document_attachment_remove,
     MC_AUTH_SESSION, SPECIALIST, 0},
    {MC_M_PATCH, "/api/v1/documents/{id}", mc_api_document_update, MC_AUTH_SESSION, SPECIALIST,
     MC_ROUTE_JSON},
    {MC_M_POST, "/api/v1/documents/{id}/actions", mc_api_document_action, MC_AUTH_SESSION,
     SPECIALIST | DESK | MC_ROLE_BIT(MC_ROLE_LEADER), MC_ROUTE_JSON},
    /* edXML exchange with peers (docs/documents.md §9): the peers' inbox is
     * authenticated by the package's signature, not a session. */
    {MC_M_POST, "/api/v1/edxml", mc_api_edxml_receive, MC_AUTH_PUBLIC, 0, MC_ROUTE_UPLOAD},
    {MC_M_POST, "/api/v1/documents/{id}/send", mc_api_document_send, MC_AUTH_SESSION, DESK, MC_ROUTE_JSON},
    {MC_M_POST, "/api/v1/documents/{id}/recall", mc_api_document_recall, MC_AUTH_SESSION, DESK,
     MC_ROUTE_JSON},
    {MC_M_POST, "/api/v1/documents/{id}/exchange-status", mc_api_document_exchange_status, MC_AUTH_SESSION,
     DESK | MC_ROLE_BIT(MC_ROLE_LEADER), MC_ROUTE_JSON},
    {MC_M_GET, "/api/v1/documents/{id}/exchange", mc_api_document_exchange, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_GET, "/api/v1/documents/{id}/edxml", mc_api_document_edxml, MC_AUTH_SESSION, STAFF, 0},
    /* Work files (docs/documents.md §12): the clerk or head lists them, their
     * officer opens, fills and closes them, the unit archives them. */
    {MC_M_GET, "/api/v1/workfiles", mc_api_workfiles_list, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_POST, "/api/v1/workfiles", mc_api_workfile_create, MC_AUTH_SESSION,
     DESK | MC_ROLE_BIT(MC_ROLE_LEADER), MC_ROUTE_JSON},
    {MC_M_GET, "/api/v1/workfiles/handover.pdf", mc_api_workfiles_handover_pdf, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_GET, "/api/v1/workfiles/handover.xlsx", mc_api_workfiles_handover_xlsx, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_GET, "/api/v1/workfiles/catalogue.pdf", mc_api_workfiles_catalogue_pdf, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_GET, "/api/v1/workfiles/catalogue.xlsx", mc_api_workfiles_catalogue_xlsx, MC_AUTH_SESSION, STAFF,
     0},
    {MC_M_POST, "/api/v1/workfiles/disposal", mc_api_workfiles_disposal, MC_AUTH_SESSION,
     DESK | MC_ROLE_BIT(MC_ROLE_LEADER), MC_ROUTE_JSON},
    {MC_M_GET, "/api/v1/workfiles/disposal.pdf", mc_api_workfiles_disposal_pdf, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_GET, "/api/v1/workfiles/disposal.xlsx", mc_api_workfiles_disposal_xlsx, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_GET, "/api/v1/workfiles/{id}", mc_api_workfile_get, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_PATCH, "/api/v1/workfiles/{id}", mc_api_workfile_update, MC_AUTH_SESSION,
     DESK | MC_ROLE_BIT(MC_ROLE_LEADER), MC_ROUTE_JSON},
    {MC_M_POST, "/api/v1/workfiles/{id}/actions", mc_api_workfile_action, MC_AUTH_SESSION, OFFICERS,
     MC_ROUTE_JSON},
    {MC_M_PUT, "/api/v1/workfiles/{id}/documents/{doc}", mc_api_workfile_document_put, MC_AUTH_SESSION,
     OFFICERS, 0},
    {MC_M_DELETE, "/api/v1/workfiles/{id}/documents/{doc}", mc_api_workfile_document_delete, MC_AUTH_SESSION,
     OFFICERS, 0},

    /* The administrative-reform index and the yearly rating (docs/par-index.md):
     * the province's administrator defines, units assess themselves, the
     * council (par_council) appraises and publishes; app/par.c checks who. */
    {MC_M_GET, "/api/v1/par/frameworks", mc_api_par_frameworks_list, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_POST, "/api/v1/par/frameworks", mc_api_par_framework_create, MC_AUTH_SESSION, ADMIN, MC_ROUTE_JSON},
    {MC_M_POST, "/api/v1/par/frameworks/import", mc_api_par_framework_import, MC_AUTH_SESSION, ADMIN,
     MC_ROUTE_UPLOAD},
    {MC_M_GET, "/api/v1/par/frameworks/{id}", mc_api_par_framework_get, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_POST, "/api/v1/par/frameworks/{id}/copy", mc_api_par_framework_copy, MC_AUTH_SESSION, ADMIN,
     MC_ROUTE_JSON},
    {MC_M_GET, "/api/v1/par/frameworks/{id}/results", mc_api_par_results, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_GET, "/api/v1/par/frameworks/{id}/results.xlsx", mc_api_par_results_xlsx, MC_AUTH_SESSION, STAFF,
     0},
    {MC_M_GET, "/api/v1/par/frameworks/{id}/results.pdf", mc_api_par_results_pdf, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_POST, "/api/v1/par/frameworks/{id}/survey", mc_api_par_survey, MC_AUTH_SESSION, STAFF,
     MC_ROUTE_UPLOAD},
    {MC_M_POST, "/api/v1/par/frameworks/{id}/compute", mc_api_par_compute, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_POST, "/api/v1/par/frameworks/{id}/publish", mc_api_par_publish, MC_AUTH_SESSION, STAFF,
     MC_ROUTE_JSON},
    {MC_M_GET, "/api/v1/par/frameworks/{id}/units/{unit}", mc_api_par_unit_get, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_GET, "/api/v1/par/frameworks/{id}/units/{unit}/log", mc_api_par_unit_log, MC_AUTH_SESSION, STAFF,
     0},
    {MC_M_POST, "/api/v1/par/frameworks/{id}/units/{unit}/submit", mc_api_par_submit, MC_AUTH_SESSION,
     SPECIALIST | MC_ROLE_BIT(MC_ROLE_LEADER), 0},
    {MC_M_PUT, "/api/v1/par/frameworks/{id}/units/{unit}/rating", mc_api_par_rating, MC_AUTH_SESSION, STAFF,
     MC_ROUTE_JSON},
    {MC_M_PUT, "/api/v1/par/frameworks/{id}/units/{unit}/self/{code}", mc_api_par_self, MC_AUTH_SESSION,
     SPECIALIST | MC_ROLE_BIT(MC_ROLE_LEADER), MC_ROUTE_JSON},
    {MC_M_PUT, "/api/v1/par/frameworks/{id}/units/{unit}/appraisal/{code}", mc_api_par_appraise,
     MC_AUTH_SESSION, STAFF, MC_ROUTE_JSON},
    {MC_M_PUT, "/api/v1/par/rules/{year}", mc_api_par_rules_put, MC_AUTH_SESSION, ADMIN, MC_ROUTE_JSON},
    {MC_M_PUT, "/api/v1/par/council/{username}", mc_api_par_council_put, MC_AUTH_SESSION, ADMIN, 0},
    {MC_M_DELETE, "/api/v1/par/council/{username}", mc_api_par_council_delete, MC_AUTH_SESSION, ADMIN, 0},
    {MC_M_GET, "/api/v1/public/par", mc_api_par_public, MC_AUTH_PUBLIC, 0, 0},
    /* Tasks (docs/tasks.md): leaders assign and decide, the unit in charge
     * reports, asks for more time and proposes completion, cooperating units
     * report their part. */
    {MC_M_GET, "/api/v1/tasks", mc_api_tasks_list, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_POST, "/api/v1/tasks", mc_api_task_create, MC_AUTH_SESSION, MC_ROLE_BIT(MC_ROLE_LEADER),
     MC_ROUTE_JSON},
    {MC_M_GET, "/api/v1/tasks/stats", mc_api_tasks_stats, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_GET, "/api/v1/tasks/stats.pdf", mc_api_tasks_stats_pdf, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_GET, "/api/v1/tasks/stats.xlsx", mc_api_tasks_stats_xlsx, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_GET, "/api/v1/tasks/{id}", mc_api_task_get, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_GET, "/api/v1/tasks/{id}/events", mc_api_task_events, MC_AUTH_SESSION, STAFF, 0},
    {MC_M_POST, "/api/v1/tasks/{id}/actions", mc_api_task_action, MC_AUTH_SESSION,
     SPECIALIST | MC_ROLE_BIT(MC_ROLE_LEADER), MC_ROUTE_JSON},
    {MC_M_POST, "/api/v1/tasks/{id}/subtasks", mc_api_task_delegate, MC_AUTH_SESSION,
     MC_ROLE_BIT(MC_ROLE_LEADER), MC_ROUTE_JSON},
};

const size_t mc_routes_count = MC_ARRAY_LEN(mc_routes);
