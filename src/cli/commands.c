#include "cli/cli.h"

#include "api/api.h"
#include "app/audit.h"
#include "app/auth.h"
#include "app/dossier.h"
#include "app/due.h"
#include "app/exchange.h"
#include "app/jobs.h"
#include "app/notify.h"
#include "app/portal.h"
#include "app/upload.h"
#include "app/user.h"
#include "cli/config.h"
#include "cli/sd_notify.h"
#include "core/embed.h"
#include "core/code.h"
#include "core/limits.h"
#include "core/lunar.h"
#include "core/text.h"
#include "demo/demo.h"
#include "http/server.h"
#include "store/store.h"
#include "store/store_check.h"

#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define OFFICIAL_CALENDAR "data/calendar/vn-official.tsv"

/* Finds "--name" in argv; returns its value (or "" for a flag without one), NULL when absent. */
static const char *opt(int argc, char **argv, const char *name, bool has_value)
{
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], name) == 0) {
			if (!has_value)
				return "";
			return i + 1 < argc ? argv[i + 1] : NULL;
		}
	}
	return NULL;
}

/* Rejects options the command does not know, so a typo is not silently ignored. */
static int check_opts(int argc, char **argv, const char *const *known, int first_positional)
{
	for (int i = first_positional; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0)
			continue;
		bool ok = false;
		for (const char *const *k = known; *k; k++) {
			size_t n = strlen(*k);
			if (strncmp(argv[i], *k, n) == 0 && argv[i][n] == '\0') {
				ok = true;
				break;
			}
		}
		if (!ok) {
			fprintf(stderr, "motcua: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	return 0;
}

const char *mc_cli_opt(int argc, char **argv, const char *name, bool has_value)
{
	return opt(argc, argv, name, has_value);
}

int mc_cli_check_opts(int argc, char **argv, const char *const *known, int first_positional)
{
	return check_opts(argc, argv, known, first_positional);
}

static int seed_year(int year, const mc_day_entry *days, size_t n, const char *source, void *payload)
{
	return mc_store_calendar_set_year(payload, year, days, n, source ? source : "");
}

struct year_seen {
	bool years[2101];
};

static int note_year(int year, const mc_day_entry *days, size_t n, const char *source, void *payload)
{
	(void)days;
	(void)n;
	(void)source;
	struct year_seen *s = payload;
	if (year >= 0 && year <= 2100)
		s->years[year] = true;
	return 0;
}

struct seed_ctx {
	mc_store *st;
	struct year_seen *seen;
	const char *public_url;
};

static int seed_missing_year(int year, const mc_day_entry *days, size_t n, const char *source, void *payload)
{
	struct seed_ctx *c = payload;
	if (c->seen->years[year])
		return 0; /* an administrator's edit of that year stays */
	int rc = seed_year(year, days, n, source, c->st);
	/* A release that ships a year's notice reaches the dossiers received
	 * before it, as an administrator's edit does (app/due.h). */
	if (rc == 0) {
		mc_actor system = {.system = true};
		mc_due_recompute_result moved;
		snprintf(system.name, sizeof system.name, "Hệ thống (lịch nghỉ chính thức năm %d)", year);
		rc = mc_app_due_recompute_year(c->st, year, &system, c->public_url, mc_now(), &moved);
		if (rc == 0 && moved.recomputed)
			printf(
			    "motcua: the official calendar of %d moved the due times of %lld open dossiers\n",
			    year, (long long)moved.recomputed);
	}
	return rc;
}

/* Stores the official schedules shipped with motcua for the years the
 * database does not have yet. */
static int seed_calendar(mc_store *st, const char *public_url)
{
	const struct mc_embedded *f = mc_embed_find(OFFICIAL_CALENDAR);
	if (!f)
		return 0;
	struct year_seen *seen = mc_xcalloc(1, sizeof *seen);
	int rc = mc_store_calendar_each(st, note_year, seen);
	if (rc == 0)
		rc = mc_store_begin(st);
	if (rc == 0) {
		struct seed_ctx c = {st, seen, public_url};
		rc = mc_workcal_parse_tsv((const char *)f->data, f->len, seed_missing_year, &c);
		if (rc == 0)
			rc = mc_store_commit(st);
		else
			mc_store_rollback(st);
	}
	free(seen);
	return rc;
}

static int note_official_year(int year, const mc_day_entry *days, size_t n, const char *source, void *payload)
{
	(void)days;
	(void)source;
	struct year_seen *s = payload;
	/* A year stored without days is one returned to the rule. */
	if (year >= 0 && year <= 2100 && n > 0)
		s->years[year] = true;
	return 0;
}

/* Due times in a year without its official schedule are computed on the
 * Labour Code rule alone, and a notice published later (swapped days,
 * make-up Saturdays) changes them: the operator is told at every start, for
 * this year and the next, as /metrics and the admin page tell
 * (docs/operations.md §10). */
static void warn_calendar_coverage(mc_store *st, int64_t now)
{
	struct year_seen *seen = mc_xcalloc(1, sizeof *seen);
	int year = 0;

	mc_civil_from_days(mc_local_day(now), &year, NULL, NULL);
	if (mc_store_calendar_each(st, note_official_year, seen) == 0) {
		for (int y = year; y <= year + 1 && y <= 2100; y++) {
			if (seen->years[y])
				continue;
			fprintf(stderr,
				"motcua: WARNING: no official schedule of days off for %d is stored: "
				"due times in %d follow the Labour Code rule alone; enter the Government's "
				"notice when it is out (PUT /api/v1/calendar/%d, or the admin page)\n",
				y, y, y);
		}
	}
	free(seen);
}

static int open_migrated(mc_store **st, const char *db)
{
	int rc = mc_store_open(st, db);
	if (rc != 0) {
		fprintf(stderr, "motcua: could not open the database %s\n", mc_cli_shown(db));
		return rc;
	}
	rc = mc_store_migrate(*st);
	if (rc != 0) {
		fprintf(stderr, "motcua: could not migrate the database %s\n", mc_cli_shown(db));
		mc_store_close(*st);
		*st = NULL;
	}
	return rc;
}

int mc_cli_init(int argc, char **argv)
{
	static const char *const known[] = {"--db",	   "--demo",	    "--dossiers",
					    "--documents", "--reorganised", NULL};
	if (check_opts(argc, argv, known, 0) != 0)
		return 2;
	const char *db = opt(argc, argv, "--db", true);
	if (!db) {
		fprintf(stderr, "motcua init: --db PATH is required\n");
		return 2;
	}
	bool demo = opt(argc, argv, "--demo", false) != NULL;
	bool reorganised = opt(argc, argv, "--reorganised", false) != NULL;
	const char *count_s = opt(argc, argv, "--dossiers", true);
	int count = count_s ? atoi(count_s) : 400;
	if (count < 0 || count > 10000000) {
		fprintf(stderr, "motcua init: --dossiers must be from 0 to 10000000\n");
		return 2;
	}
	/* The demo's year of documents between its units (demo/documents.c
	 * mc_demo_year): a year's worth unless told, 0 for none (the tests). */
	const char *documents_s = opt(argc, argv, "--documents", true);
	char *end = NULL;
	long documents = documents_s ? strtol(documents_s, &end, 10) : 1200;
	if (documents < 0 || documents > 100000 || (documents_s && (end == documents_s || *end))) {
		fprintf(stderr, "motcua init: --documents must be from 0 to 100000\n");
		return 2;
	}
	if (mc_auth_init() != 0)
		return 1;
	mc_store *st = NULL;
	mc_time_ctx *tc = NULL;
	int status = 1;
	if (open_migrated(&st, db) != 0)
		goto cleanup;
	if (seed_calendar(st, NULL) != 0) {
		fprintf(stderr, "motcua: could not store the official calendar\n");
		goto cleanup;
	}
	int version = 0;
	mc_store_schema_version(st, &version);
	printf("motcua: database %s ready (schema %d)\n", mc_cli_shown(db), version);
	if (demo) {
		/* The password as given, whole (a copy into 32 bytes emptied a
		 * longer one), or a made-up one. */
		char made_up[32];
		const char *env = getenv("MOTCUA_DEMO_PASSWORD");
		const char *password = env;
		if (!env || !*env) {
			mc_auth_random_password(made_up, sizeof made_up, 14);
			password = made_up;
		}
		if (mc_demo_load(st, password, stdout) != 0) {
			fprintf(stderr, "motcua: could not load the demo province\n");
			goto cleanup;
		}
		if (mc_time_ctx_load(&tc, st) != 0)
			goto cleanup;
		int64_t from = 0, to = 0;
		mc_time_parse(&from, "2017-01-03T07:30");
		mc_time_parse(&to, "2017-06-30T16:00");
		if (count > 0 && mc_demo_dossiers(st, tc, count, 2017, from, to, stdout) != 0) {
			fprintf(stderr, "motcua: could not generate the demo dossiers\n");
			goto cleanup;
		}
		/* A department's and a district's documents of 2017, then the
		 * demo CA and the demo's documents signed and sent (cli/demo_sign.c). */
		if (mc_demo_unit_documents(st, stdout) != 0) {
			fprintf(stderr, "motcua: could not add the demo units' documents\n");
			goto cleanup;
		}
		if (mc_cli_demo_sign(st, tc, stdout) != 0)
			goto cleanup;
		if (documents > 0 && mc_demo_year(st, tc, (int)documents, 2017, stdout) != 0) {
			fprintf(stderr, "motcua: could not add the demo's year of documents\n");
			goto cleanup;
		}
		if (mc_demo_tasks(st, tc, stdout) != 0) {
			fprintf(stderr, "motcua: could not follow the demo's tasks\n");
			goto cleanup;
		}
		/* The reform index's 2016 and 2017 cycles (docs/par-index.md §7),
		 * after the tasks and documents its 2017 criteria count. */
		if (mc_demo_par(st, stdout) != 0) {
			fprintf(stderr, "motcua: could not seed the demo's reform index\n");
			goto cleanup;
		}
		/* A quarter of as many dossiers in 2025, open across the change. */
		if (reorganised && mc_demo_reorganise(st, tc, count / 4, 2025, stdout) != 0) {
			fprintf(stderr, "motcua: could not reorganise the demo province as of 2025-07-01\n");
			goto cleanup;
		}
		printf("motcua: demo accounts admin, tiepnhan, chuyenvien, lanhdao, giamsat, chutich, "
		       "congdan%s\n"
		       "motcua: demo password: %s\n",
		       env && *env ? " (password from MOTCUA_DEMO_PASSWORD)" : "", password);
	}
	/* What changed since the last anchor (the demo's dossiers, or every
	 * dossier of a database from before anchors). */
	if (mc_cli_anchor_all(st) != 0)
		goto cleanup;
	status = 0;
cleanup:
	mc_time_ctx_free(tc);
	mc_store_close(st);
	return status;
}

static int load_config_or_fail(mc_config *cfg, int argc, char **argv)
{
	if (mc_config_load(cfg, opt(argc, argv, "--config", true)) != 0)
		return -1;
	static const struct {
		const char *flag, *key;
	} flags[] = {{"--db", "db"},
		     {"--db-read", "db_read"},
		     {"--listen", "listen"},
		     {"--workers", "workers"},
		     {"--web-root", "web_root"}};
	for (size_t i = 0; i < MC_ARRAY_LEN(flags); i++) {
		const char *v = opt(argc, argv, flags[i].flag, true);
		if (v && mc_config_set(cfg, flags[i].key, v) != 0)
			return -1;
	}
	return 0;
}

/* Online payment (docs/payments.md §4). Off unless configured: a real
 * provider (payment_url, with its secret), or the in-process test provider
 * that takes no money (payment_test_provider, for the demo and the tests),
 * announced loudly since a fee "paid" there was never paid. Several servers
 * of one PostgreSQL database must sign with one secret, so none is made up
 * there. Returns 0, or -1 after saying why the server must not start. */
static int payment_setup(mc_config *cfg, char *url, size_t cap, mc_payment_config *out)
{
	out->partner_code = cfg->payment_partner_code;
	out->secret = cfg->payment_secret;
	if (cfg->payment_url[0]) {
		if (cfg->payment_test_provider) {
			fprintf(stderr,
				"motcua: payment_url and payment_test_provider are both set: choose the "
				"real provider or the test one\n");
			return -1;
		}
		if (!cfg->payment_secret[0]) {
			fprintf(stderr, "motcua: payment_url is set but payment_secret is not: set "
					"MOTCUA_PAYMENT_SECRET to the secret shared with the provider\n");
			return -1;
		}
		out->url = cfg->payment_url;
		out->provider = "gateway";
		fprintf(stderr, "motcua: online payment through %s\n", cfg->payment_url);
		return 0;
	}
	if (!cfg->payment_test_provider) {
		out->secret = NULL;
		fprintf(stderr, "motcua: online payment is not configured (payment_url is empty): fees are "
				"settled at the desk\n");
		return 0;
	}
	if (!cfg->payment_secret[0]) {
		if (mc_store_url_is_pg(cfg->db)) {
			fprintf(stderr,
				"motcua: payment_test_provider is on but payment_secret is not set: on "
				"PostgreSQL every server of the database must sign with the same secret; set "
				"MOTCUA_PAYMENT_SECRET\n");
			return -1;
		}
		if (mc_auth_init() != 0)
			return -1;
		mc_auth_random_password(cfg->payment_secret, sizeof cfg->payment_secret, 40);
		fprintf(stderr, "motcua: payment_secret is not set: made up one for this run, for the "
				"test provider (set MOTCUA_PAYMENT_SECRET to keep one)\n");
	}
	snprintf(url, cap, "%s/api/v1/payments/test-provider/pay", cfg->public_url);
	out->url = url;
	out->provider = "test";
	out->test_provider = true;
	fprintf(
	    stderr,
	    "motcua: WARNING: payment_test_provider is on: the TEST payment provider at %s takes no money;\n"
	    "motcua: WARNING: anyone can \"pay\" a fee there. For the demo and the tests only, never in "
	    "production\n",
	    url);
	return 0;
}

/* The national portal's sync (docs/operations.md, "The national portal"):
 * with portal_login_url set, the account's username and password are
 * required. Returns 0, or -1 after saying why the server must not start. */
static int portal_setup(const mc_config *cfg, mc_portal_config *out)
{
	*out = (mc_portal_config){.url = cfg->portal_url,
				  .token = cfg->portal_token,
				  .login_url = cfg->portal_login_url,
				  .username = cfg->portal_username,
				  .password = cfg->portal_password,
				  .max_attempts = (int)cfg->portal_max_attempts,
				  .backoff = (int)cfg->portal_backoff,
				  .timeout = (int)cfg->portal_timeout};
	if (cfg->portal_login_url[0] && (!cfg->portal_username[0] || !cfg->portal_password[0])) {
		fprintf(stderr, "motcua: portal_login_url is set but portal_username or portal_password is "
				"not: set both to the account the portal gave this province\n");
		return -1;
	}
	if (cfg->portal_login_url[0] && !cfg->portal_url[0]) {
		fprintf(stderr, "motcua: portal_login_url is set but portal_url is not\n");
		return -1;
	}
	return 0;
}

/* Sign-in through the identity provider (docs/operations.md): off unless
 * oidc_issuer is set; then the client id and secret are required, and the
 * redirect URL defaults to the callback under public_url. Returns 0, or -1
 * after saying why the server must not start. */
static int oidc_setup(mc_config *cfg, char *redirect, size_t cap, mc_oidc_config *out)
{
	memset(out, 0, sizeof *out);
	if (!cfg->oidc_issuer[0])
		return 0;
	if (strncmp(cfg->oidc_issuer, "https://", 8) != 0 && strncmp(cfg->oidc_issuer, "http://", 7) != 0) {
		fprintf(stderr, "motcua: oidc_issuer must be an https:// address, not \"%s\"\n",
			cfg->oidc_issuer);
		return -1;
	}
	if (!cfg->oidc_client_id[0] || !cfg->oidc_client_secret[0]) {
		fprintf(stderr,
			"motcua: oidc_issuer is set but oidc_client_id or oidc_client_secret is not: set "
			"both to what the identity provider registered for motcua\n");
		return -1;
	}
	if (cfg->oidc_redirect_url[0])
		snprintf(redirect, cap, "%s", cfg->oidc_redirect_url);
	else
		snprintf(redirect, cap, "%s/api/v1/session/oidc/callback", cfg->public_url);
	out->issuer = cfg->oidc_issuer;
	out->client_id = cfg->oidc_client_id;
	out->client_secret = cfg->oidc_client_secret;
	out->redirect_url = redirect;
	out->claim = cfg->oidc_id_claim;
	out->scopes = cfg->oidc_scopes;
	if (strncmp(cfg->oidc_issuer, "http://", 7) == 0)
		fprintf(stderr, "motcua: WARNING: oidc_issuer %s is not https: for tests only\n",
			cfg->oidc_issuer);
	fprintf(stderr, "motcua: citizens may sign in through the identity provider %s\n", cfg->oidc_issuer);
	return 0;
}

/* Links in messages, the QR code on each receipt and the payment provider's
 * return address are made from public_url: a server that made them point to
 * an address citizens cannot reach (127.0.0.1 behind nginx) would print them
 * on paper receipts for years. So it must be set, always (docs/operations.md
 * §3); a trailing '/' is dropped, since paths are appended to it. Returns 0,
 * or -1 after saying why the server must not start. */
static int public_url_or_fail(mc_config *cfg)
{
	char *u = cfg->public_url;
	size_t len = strlen(u);
	const char *host = NULL;

	while (len > 0 && u[len - 1] == '/')
		u[--len] = '\0';
	if (len == 0) {
		fprintf(stderr,
			"motcua: public_url is not set: set it to the address citizens reach the portal at "
			"(public_url = https://dichvucong.example.vn in the configuration file, or "
			"MOTCUA_PUBLIC_URL); links, QR codes and payment returns are made from it\n");
		return -1;
	}
	if (strncmp(u, "https://", 8) == 0)
		host = u + 8;
	else if (strncmp(u, "http://", 7) == 0)
		host = u + 7;
	bool clean = host && *host && *host != '/';
	for (const char *p = u; clean && *p; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '?' || *p == '#' || *p == '"' ||
		    *p == '<' || *p == '>' || *p == '\\')
			clean = false;
	}
	if (!clean) {
		fprintf(stderr,
			"motcua: public_url must be an http:// or https:// address without spaces, query or "
			"fragment (https://dichvucong.example.vn), not \"%s\"\n",
			u);
		return -1;
	}
	return 0;
}

static int rules_check(mc_store *st, void *arg)
{
	return mc_server_rules_check(arg, st);
}

/* Before serving a database: that it is whole (a server on a damaged file
 * would answer with half its data and write more damage), and that no
 * upload cut short by a crash has left its temporary file behind. */
static int check_at_start(mc_store *st, const mc_config *cfg)
{
	char problem[512];
	bool complete = true;
	int64_t removed = 0;
	int rc = 0;

	if (cfg->startup_check_seconds > 0) {
		rc = mc_store_check_integrity(st, &complete, problem, sizeof problem,
					      (int64_t)cfg->startup_check_seconds * 1000);
		if (rc == MC_ERROR) {
			fprintf(stderr,
				"motcua: the database %s is damaged (%s); not serving it: restore the last "
				"backup (motcua restore) or recover what is left (sqlite3 .recover)\n",
				mc_cli_shown(cfg->db), problem);
			return rc;
		}
		if (rc != 0) {
			fprintf(stderr, "motcua: could not check the database %s (%d)\n",
				mc_cli_shown(cfg->db), rc);
			return rc;
		}
		if (!complete)
			fprintf(
			    stderr,
			    "motcua: the integrity check of %s was stopped after %ld s "
			    "(startup_check_seconds); "
			    "run sqlite3 %s 'PRAGMA quick_check' with the server stopped to check it whole\n",
			    mc_cli_shown(cfg->db), cfg->startup_check_seconds, mc_cli_shown(cfg->db));
	}
	/* Older than any upload still being written, by another server too. */
	if (mc_store_files_clean_tmp(st, &removed, mc_now() - 600) == 0 && removed > 0)
		fprintf(stderr, "motcua: removed %lld temporary files of uploads cut short\n",
			(long long)removed);
	return 0;
}

int mc_cli_serve(int argc, char **argv)
{
	static const char *const known[] = {"--db",	"--db-read",  "--listen", "--workers",
					    "--config", "--web-root", NULL};
	if (check_opts(argc, argv, known, 0) != 0)
		return 2;
	mc_config cfg;
	if (load_config_or_fail(&cfg, argc, argv) != 0)
		return 2;
	/* Checked before the database is touched: a server that must not
	 * start changes nothing. */
	if (public_url_or_fail(&cfg) != 0)
		return 2;
	char payment_url[600];
	mc_payment_config payment = {0};
	if (payment_setup(&cfg, payment_url, sizeof payment_url, &payment) != 0)
		return 2;
	char oidc_redirect[600];
	mc_oidc_config oidc;
	if (oidc_setup(&cfg, oidc_redirect, sizeof oidc_redirect, &oidc) != 0)
		return 2;
	mc_portal_config portal;
	if (portal_setup(&cfg, &portal) != 0)
		return 2;
	/* the peers and the organisation's key too, before the database is touched */
	mc_exchange *exchange = NULL;
	mc_exchange_config xc = {.key_file = cfg.exchange_key_file,
				 .cert_file = cfg.exchange_cert_file,
				 .peers_file = cfg.exchange_peers,
				 .retry_seconds = (int)cfg.exchange_retry_seconds};
	if (mc_exchange_load(&exchange, &xc) != 0)
		return 2;
	mc_store *st = NULL;
	if (mc_store_open(&st, cfg.db) != 0) {
		fprintf(stderr, "motcua: could not open the database %s\n", mc_cli_shown(cfg.db));
		mc_exchange_free(exchange);
		return 1;
	}
	int rc = check_at_start(st, &cfg);
	if (rc == 0 && mc_store_migrate(st) != 0) {
		fprintf(stderr, "motcua: could not migrate the database %s\n", mc_cli_shown(cfg.db));
		rc = MC_ERROR;
	}
	if (rc == 0)
		rc = seed_calendar(st, cfg.public_url);
	if (rc == 0)
		warn_calendar_coverage(st, mc_now());
	char demo_ca[1100] = "";
	if (rc == 0)
		mc_cli_demo_ca_note(st, demo_ca, sizeof demo_ca);
	mc_store_close(st);
	mc_audit_config audit = {.anchor_seconds = (int)cfg.audit_anchor_seconds};
	if (rc != 0 || (cfg.audit_key_file[0] && mc_app_audit_key_load(&audit, cfg.audit_key_file) != 0)) {
		mc_exchange_free(exchange);
		return 1;
	}
	mc_server_config sc = {
	    .routes = mc_routes,
	    .n_routes = mc_routes_count,
	    .db_url = cfg.db,
	    .db_read_url = cfg.db_read[0] ? cfg.db_read : NULL,
	    .db_read_max_lag = (int)cfg.db_read_max_lag,
	    .ready_max_replica_lag = (int)cfg.ready_max_replica_lag,
	    .listen = cfg.listen,
	    .workers = (int)cfg.workers,
	    .max_body = (size_t)cfg.max_body,
	    .max_upload = (size_t)cfg.max_upload,
	    .max_request = (size_t)cfg.max_request,
	    .max_headers = (size_t)cfg.max_headers,
	    .document_draft_max = (size_t)cfg.document_draft_max,
	    .uploads = {.files = cfg.upload_quota_files,
			.bytes = cfg.upload_quota_bytes,
			.daily_bytes = cfg.upload_daily_bytes},
	    .audit = audit,
	    .session_hours = (int)cfg.session_hours,
	    .group_batch = (int)cfg.group_batch,
	    .access_log = cfg.access_log,
	    .web_root = cfg.web_root[0] ? cfg.web_root : NULL,
	    .public_url = cfg.public_url,
	    .group_lock_wait_ms = (int)cfg.group_lock_wait_ms,
	    .db_limits = {.lock_timeout_ms = (int)cfg.db_lock_timeout_ms,
			  .statement_timeout_ms = (int)cfg.db_statement_timeout_ms,
			  .idle_in_transaction_timeout_ms = (int)cfg.db_idle_in_transaction_timeout_ms},
	    .notify = {.smtp_url = cfg.smtp_url,
		       .smtp_user = cfg.smtp_user,
		       .smtp_password = cfg.smtp_password,
		       .mail_from = cfg.mail_from,
		       .sms_url = cfg.sms_url,
		       .public_url = cfg.public_url},
	    .notify_interval = (int)cfg.notify_interval,
	    .reload_interval_ms = (int)cfg.reload_interval_ms,
	    .payment = payment,
	    .oidc = oidc,
	    .portal = portal,
	    .idle_timeout = (int)cfg.idle_timeout,
	    .shutdown_grace = (int)cfg.shutdown_grace,
	    .conn = {.header_timeout = (int)cfg.header_timeout,
		     .body_timeout = (int)cfg.body_timeout,
		     .body_min_rate = (int)cfg.body_min_rate,
		     .body_budget = (size_t)cfg.body_budget},
	    .trusted_proxies = cfg.trusted_proxies,
	    .hash_threads = (int)cfg.hash_threads,
	    .hash_queue = (int)cfg.hash_queue,
	    .login_failures = (int)cfg.login_failures,
	    .login_window = (int)cfg.login_window,
	    .signin_account_max = (int)cfg.signin_account_max,
	    .signin_address_max = (int)cfg.signin_address_max,
	    .recovery_account_max = (int)cfg.recovery_account_max,
	    .recovery_address_max = (int)cfg.recovery_address_max,
	    .recovery_window = (int)cfg.recovery_window,
	    .personal_export_per_day = (int)cfg.personal_export_per_day,
	    .exchange_refusals_per_hour = (int)cfg.exchange_refusals_per_hour,
	    .signin_window = (int)cfg.signin_window,
	    .max_sessions = (int)cfg.max_sessions,
	    .metrics_allow = cfg.metrics_allow,
	    .metrics_token = cfg.metrics_token,
	    .cache_bytes = (size_t)cfg.cache_mb << 20,
	    .cache_entry_max = (size_t)cfg.cache_entry_kb << 10,
	    .cache_max_age = (int)cfg.cache_max_age,
	    .limiter_slots = (size_t)cfg.limiter_slots,
	    .listen_backlog = (int)cfg.listen_backlog,
	    .filing = {.account_per_hour = (int)cfg.filing_account_per_hour,
		       .account_per_day = (int)cfg.filing_account_per_day,
		       .address_per_hour = (int)cfg.filing_address_per_hour,
		       .address_per_day = (int)cfg.filing_address_per_day},
	    .sign_dir = cfg.sign_dir,
	    .sign_trust_file = cfg.sign_trust_file,
	    .sign_crl = cfg.sign_crl,
	    .sign_demo_ca = demo_ca[0] ? demo_ca : NULL,
	};
	mc_server *srv = NULL;
	mc_jobs *jobs = NULL;
	rc = 1;
	sc.exchange = exchange;
	if (mc_notify_global_init() != 0 || mc_server_new(&srv, &sc) != 0)
		goto done;
	/* Before any request: every state change from now on is queued for the portal. */
	mc_portal_set_enabled(cfg.portal_url[0] != '\0');
	mc_jobs_config jc = {
	    .db_url = cfg.db,
	    .db_limits = &sc.db_limits,
	    .group = mc_server_group(srv),
	    .notify = &sc.notify,
	    .exchange = exchange,
	    .portal = portal,
	    .notify_interval = (int)cfg.notify_interval,
	    .reload_interval_ms = (int)cfg.reload_interval_ms,
	    .purge_interval = (int)cfg.session_purge_interval,
	    .audit = &sc.audit,
	    .retention = {.dossier_years = (int)cfg.retention_dossier_years,
			  .message_days = (int)cfg.retention_message_days,
			  .read_log_days = (int)cfg.retention_read_log_days},
	    .personal_purge_interval = (int)cfg.personal_purge_interval,
	    .rules_check = rules_check,
	    .rules_arg = srv,
	};
	if (mc_jobs_start(&jobs, &jc) != 0) {
		fprintf(stderr, "motcua: could not start the background jobs\n");
		goto done;
	}
	/* The socket listens since mc_server_new: from here a connection is
	 * accepted (held in the backlog until the workers take it), which is
	 * what systemd waits for before starting the units ordered after this
	 * one (Type=notify). A failure to tell it is no reason not to serve. */
	if (mc_sd_notify("READY=1\nSTATUS=serving") != 0)
		fprintf(stderr, "motcua: could not tell systemd that the server is ready (NOTIFY_SOCKET)\n");
	rc = mc_server_run(srv) == 0 ? 0 : 1;
	mc_sd_notify("STOPPING=1");
done:
	/* Jobs write through the server's group committer: they stop (with a
	 * last anchor of the event log) before it, and are freed after it. */
	mc_jobs_stop(jobs);
	mc_server_free(srv);
	mc_jobs_free(jobs);
	mc_exchange_free(exchange);
	sodium_memzero(&sc.audit, sizeof sc.audit);
	sodium_memzero(&audit, sizeof audit);
	return rc;
}

int mc_cli_config(int argc, char **argv)
{
	mc_config cfg;
	if (load_config_or_fail(&cfg, argc, argv) != 0)
		return 2;
	mc_config_print(&cfg, stdout);
	return 0;
}

/* A name given on the command line, held to the API's rule for names
 * (core/text.h MC_TEXT_NAME: NFC, trimmed, no invisible or formatting
 * characters), into out (cap bytes). Prints why and returns -1 when refused. */
/* The cleaned --name (core/text.h) into *out, which the caller frees; a
 * message and -1 when it is not a name of at most max_chars characters. */
static int name_or_fail(char **out, const char *cmd, const char *name, size_t max_chars)
{
	char *clean = NULL;
	int rc = mc_text_clean(&clean, name, strlen(name), max_chars, MC_TEXT_NAME);
	if (rc == MC_ETOOBIG) {
		fprintf(stderr, "motcua %s: --name is longer than %zu characters\n", cmd, max_chars);
	} else if (rc != 0) {
		int bad = mc_text_first_refused(name, strlen(name), MC_TEXT_NAME);
		if (bad >= 0)
			fprintf(stderr,
				"motcua %s: --name holds U+%04X: a name may hold no control, formatting or "
				"invisible character\n",
				cmd, (unsigned)bad);
		else
			fprintf(stderr, "motcua %s: --name must be non-empty UTF-8 text\n", cmd);
	}
	if (rc != 0) {
		free(clean);
		clean = NULL;
	}
	*out = clean;
	return rc == 0 ? 0 : -1;
}

/* A message and -1 when the value of option holds more than max characters
 * (core/limits.h); NULL fits. */
static int fits_or_fail(const char *cmd, const char *option, const char *value, size_t max)
{
	if (mc_limit_fits(value, max))
		return 0;
	fprintf(stderr, "motcua %s: %s is longer than %zu characters\n", cmd, option, max);
	return -1;
}

/* What `motcua user VERB` does to an account besides adding it. */
typedef enum { ACC_LOCK, ACC_UNLOCK, ACC_RESET, ACC_FORCE, ACC_SIGNINS, ACC_HANDOVER } account_verb;

static const char *const account_verbs[] = {"lock",	"unlock", "reset-password", "force-change", "signins",
					    "handover", NULL};

/* One account's change, in one transaction, as the API makes it (src/api/accounts.c):
 * locking ends every session; a reset sets a random password shown once, ends the
 * sessions and requires a new one at the next sign-in. */
static int account_apply(mc_store *st, account_verb verb, mc_user *u, const char *hash, const char *to,
			 int *moved)
{
	int rc = 0;
	switch (verb) {
	case ACC_LOCK:
	case ACC_UNLOCK:
		/* As the API: an officer of an ended unit is unlocked once moved. */
		if (verb == ACC_UNLOCK && u->unit_id) {
			mc_unit home = {0};
			rc = mc_store_unit_get(st, &home, u->unit_id);
			bool ended = rc == 0 && !mc_unit_in_force(&home, mc_local_day(mc_now()));
			if (ended)
				fprintf(
				    stderr,
				    "motcua user unlock: unit %s of %s has ended; move the account to a unit "
				    "in force first\n",
				    home.code, u->username);
			mc_unit_clear(&home);
			if (rc != 0 || ended)
				return rc != 0 ? rc : MC_EINVAL;
		}
		u->active = verb == ACC_UNLOCK;
		rc = mc_store_user_update(st, u);
		if (rc == 0 && verb == ACC_LOCK)
			rc = mc_store_session_revoke(st, u->id, NULL);
		break;
	case ACC_FORCE:
		u->must_change_password = true;
		rc = mc_store_user_update(st, u);
		break;
	case ACC_RESET:
		u->must_change_password = true;
		rc = mc_store_user_update(st, u);
		if (rc == 0)
			rc = mc_store_user_set_password(st, u->id, hash);
		if (rc == 0)
			rc = mc_store_session_revoke(st, u->id, NULL);
		if (rc == 0)
			rc = mc_store_recovery_delete(st, u->id);
		break;
	case ACC_HANDOVER: {
		mc_user colleague;
		rc = mc_store_user_by_username(st, &colleague, NULL, 0, to);
		if (rc == MC_ENOTFOUND) {
			fprintf(stderr, "motcua user handover: no account has username %s\n", to);
			return MC_EINVAL;
		}
		if (rc != 0)
			return rc;
		/* The operator acts as the system: the events name no account. */
		mc_actor actor = {.role = MC_ROLE_ADMIN};
		snprintf(actor.name, sizeof actor.name, "Quản trị hệ thống");
		rc = mc_app_user_handover(st, &actor, u->id, colleague.id, mc_now(), moved);
		mc_user_clear(&colleague);
		if (rc == MC_EINVAL)
			fprintf(stderr,
				"motcua user handover: %s is not another active officer of the unit of %s\n",
				to, u->username);
		break;
	}
	case ACC_SIGNINS:
		break;
	}
	/* Recorded with the change, as the API records it (app/user.h). */
	if (rc == 0 && verb != ACC_SIGNINS) {
		static const char *const recorded[] = {
		    [ACC_LOCK] = "lock",
		    [ACC_UNLOCK] = "unlock",
		    [ACC_RESET] = "password_reset",
		    [ACC_FORCE] = "force_password_change",
		    [ACC_HANDOVER] = "handover",
		};
		char detail[160] = "{}";
		if (verb == ACC_FORCE)
			snprintf(detail, sizeof detail, "{\"on\":true}");
		if (verb == ACC_HANDOVER) {
			json_t *d = json_pack("{s:s, s:i}", "to", to, "moved", *moved);
			char *text = json_dumps(d, JSON_COMPACT);
			snprintf(detail, sizeof detail, "%s", text ? text : "{}");
			free(text);
			json_decref(d);
		}
		rc = mc_app_account_action(st, NULL, recorded[verb], u->id, u->username, detail, mc_now());
	}
	/* The owner is told, as by the API (app/notify.h). */
	if (rc == 0 && (verb == ACC_LOCK || verb == ACC_RESET))
		rc =
		    mc_notify_account(st, u, "(command line)",
				      verb == ACC_LOCK ? MC_NOTICE_LOCK : MC_NOTICE_PASSWORD_RESET, mc_now());
	return rc;
}

static int user_account(int argc, char **argv, account_verb verb)
{
	static const char *const known[] = {"--db", "--config", "--username", "--to", NULL};
	const char *cmd = account_verbs[verb];
	if (check_opts(argc, argv, known, 1) != 0)
		return 2;
	const char *username = opt(argc, argv, "--username", true), *to = opt(argc, argv, "--to", true);
	char db[1024];
	if ((!opt(argc, argv, "--db", true) && !opt(argc, argv, "--config", true)) || !username ||
	    (verb == ACC_HANDOVER && !to)) {
		fprintf(stderr,
			"motcua user %s: --db PATH (or --config FILE) and --username%s are required\n", cmd,
			verb == ACC_HANDOVER ? " and --to" : "");
		return 2;
	}
	if (mc_cli_database(db, sizeof db, argc, argv) != 0)
		return 2;
	if (mc_auth_init() != 0)
		return 1;
	int status = 1, moved = 0, rc;
	mc_store *st = NULL;
	mc_user u = {0};
	char password[16] = "", hash[MC_PASSWORD_HASH_MAX] = "";
	if (open_migrated(&st, db) != 0)
		return 1;
	rc = mc_store_user_by_username(st, &u, NULL, 0, username);
	if (rc != 0) {
		fprintf(stderr, "motcua user %s: %s\n", cmd,
			rc == MC_ENOTFOUND ? "no account has this username" : "could not read the account");
		goto cleanup;
	}
	if (verb == ACC_SIGNINS) {
		mc_signin *list = NULL;
		size_t n = 0;
		if (mc_store_signin_list(st, &list, &n, u.id, MC_SIGNIN_KEEP) != 0) {
			fprintf(stderr, "motcua user signins: could not read the sign-ins\n");
			goto cleanup;
		}
		for (size_t i = 0; i < n; i++) {
			char at[40];
			mc_time_format(at, sizeof at, list[i].at);
			printf("%s\t%s\t%s\t%s\n", at, list[i].ok ? "ok" : "failed", list[i].peer,
			       list[i].device);
		}
		mc_signin_free_list(list, n);
		status = 0;
		goto cleanup;
	}
	if (verb == ACC_RESET) {
		mc_auth_random_password(password, sizeof password, 12);
		if (mc_auth_hash_password(hash, password) != 0)
			goto cleanup;
	}
	rc = mc_store_begin(st);
	if (rc == 0)
		rc = account_apply(st, verb, &u, hash, to, &moved);
	if (rc == 0)
		rc = mc_store_commit(st);
	else
		mc_store_rollback(st);
	if (rc != 0) {
		if (rc != MC_EINVAL)
			fprintf(stderr, "motcua user %s: could not change the account; nothing was changed\n",
				cmd);
		goto cleanup;
	}
	switch (verb) {
	case ACC_LOCK:
		printf("motcua: user %s locked; its sessions are ended\n", username);
		break;
	case ACC_UNLOCK:
		printf("motcua: user %s unlocked\n", username);
		break;
	case ACC_FORCE:
		printf("motcua: user %s must choose a new password\n", username);
		break;
	case ACC_RESET:
		printf("motcua: user %s: temporary password %s (to be changed at the next sign-in); its "
		       "sessions are "
		       "ended\n",
		       username, password);
		break;
	case ACC_HANDOVER:
		printf("motcua: %d open dossiers of %s handed over to %s\n", moved, username, to);
		break;
	case ACC_SIGNINS:
		break;
	}
	status = 0;
cleanup:
	sodium_memzero(password, sizeof password);
	mc_user_clear(&u);
	mc_store_close(st);
	return status;
}

int mc_cli_user(int argc, char **argv)
{
	static const char *const known[] = {"--db",	  "--username", "--role",  "--unit", "--name",
					    "--password", "--email",	"--phone", NULL};
	for (int v = 0; argc >= 1 && account_verbs[v]; v++)
		if (strcmp(argv[0], account_verbs[v]) == 0)
			return user_account(argc, argv, (account_verb)v);
	if (argc < 1 || strcmp(argv[0], "add") != 0) {
		fprintf(stderr,
			"usage: motcua user add --db PATH --username U --role ROLE [--unit CODE] --name NAME "
			"[--password P]\n"
			"       motcua user lock|unlock|reset-password|force-change|signins --db PATH "
			"--username U\n"
			"       motcua user handover --db PATH --username U --to COLLEAGUE\n");
		return 2;
	}
	if (check_opts(argc, argv, known, 1) != 0)
		return 2;
	const char *db = opt(argc, argv, "--db", true), *username = opt(argc, argv, "--username", true),
		   *role_s = opt(argc, argv, "--role", true), *unit = opt(argc, argv, "--unit", true),
		   *name = opt(argc, argv, "--name", true), *password = opt(argc, argv, "--password", true);
	if (!db || !username || !role_s || !name) {
		fprintf(stderr, "motcua user add: --db, --username, --role and --name are required\n");
		return 2;
	}
	mc_role role;
	if (mc_role_parse(&role, role_s) != 0) {
		fprintf(stderr, "motcua user add: --role must be citizen, desk, specialist, leader, "
				"supervisor or admin\n");
		return 2;
	}
	if (role != MC_ROLE_CITIZEN && !unit) {
		fprintf(stderr, "motcua user add: --unit CODE is required for the role %s\n", role_s);
		return 2;
	}
	if (mc_auth_init() != 0)
		return 1;
	int status = 1;
	mc_store *st = NULL;
	if (open_migrated(&st, db) != 0)
		return 1;
	/* u points at the arguments and at full_name (the store only reads them). */
	mc_user u = {0};
	char *full_name = NULL;
	char generated[32] = "";
	if (!password) {
		mc_auth_random_password(generated, sizeof generated, 14);
		password = generated;
	}
	char hash[MC_PASSWORD_HASH_MAX];
	const char *email = opt(argc, argv, "--email", true), *phone = opt(argc, argv, "--phone", true);
	if (fits_or_fail("user add", "--username", username, MC_LIMIT_USER_USERNAME) != 0 ||
	    fits_or_fail("user add", "--email", email, MC_LIMIT_USER_EMAIL) != 0 ||
	    fits_or_fail("user add", "--phone", phone, MC_LIMIT_USER_PHONE) != 0 ||
	    name_or_fail(&full_name, "user add", name, MC_LIMIT_USER_FULL_NAME) != 0)
		goto cleanup;
	u.username = (char *)username;
	u.full_name = full_name;
	u.email = (char *)email;
	u.phone = (char *)phone;
	u.role = (int)role;
	u.active = true;
	u.created_at = mc_now();
	u.id_number_verified = true; /* the operator's account, as an administrator's */
	if (unit) {
		mc_unit un;
		if (mc_store_unit_by_code(st, &un, unit) != 0) {
			fprintf(stderr, "motcua user add: no unit has code %s\n", unit);
			goto cleanup;
		}
		u.unit_id = un.id;
		mc_unit_clear(&un);
	}
	if (mc_auth_hash_password(hash, password) != 0)
		goto cleanup;
	int rc = mc_store_begin(st);
	if (rc == 0)
		rc = mc_store_user_create(st, &u, hash);
	if (rc == 0) {
		char detail[160];
		json_t *d = json_pack("{s:s, s:s?}", "role", role_s, "unit", unit);
		char *text = json_dumps(d, JSON_COMPACT);
		snprintf(detail, sizeof detail, "%s", text ? text : "{}");
		free(text);
		json_decref(d);
		rc = mc_app_account_action(st, NULL, "create", u.id, u.username, detail, mc_now());
	}
	if (rc == 0)
		rc = mc_store_commit(st);
	else
		mc_store_rollback(st);
	if (rc == MC_ECONFLICT) {
		fprintf(stderr, "motcua user add: the username %s is taken\n", username);
		goto cleanup;
	}
	if (rc != 0) {
		fprintf(stderr, "motcua user add: could not store the account\n");
		goto cleanup;
	}
	printf("motcua: user %s (%s) added%s%s\n", username, role_s, generated[0] ? "; password: " : "",
	       generated);
	status = 0;
cleanup:
	free(full_name);
	mc_store_close(st);
	return status;
}

/* Adds a unit; on an empty database this makes the root (the province), so
 * that the first administrator has a unit to hold the role in. */
int mc_cli_unit(int argc, char **argv)
{
	static const char *const known[] = {"--db",	"--code",     "--name", "--level",
					    "--parent", "--province", NULL};
	int planned = mc_cli_unit_plan(argc, argv);
	if (planned >= 0)
		return planned;
	if (argc < 1 || strcmp(argv[0], "add") != 0) {
		fprintf(stderr,
			"usage: motcua unit (plan --file F | apply --plan ID | add ...)\n       motcua unit "
			"add --db PATH --code CODE --name NAME --level LEVEL [--parent CODE] "
			"[--province CODE]\n");
		return 2;
	}
	if (check_opts(argc, argv, known, 1) != 0)
		return 2;
	const char *db = opt(argc, argv, "--db", true), *code = opt(argc, argv, "--code", true),
		   *name = opt(argc, argv, "--name", true), *level = opt(argc, argv, "--level", true),
		   *parent = opt(argc, argv, "--parent", true),
		   *province = opt(argc, argv, "--province", true);
	if (!db || !code || !name || !level) {
		fprintf(stderr, "motcua unit add: --db, --code, --name and --level are required\n");
		return 2;
	}
	if (strcmp(level, "province") != 0 && strcmp(level, "department") != 0 &&
	    strcmp(level, "district") != 0 && strcmp(level, "commune") != 0) {
		fprintf(stderr,
			"motcua unit add: --level must be province, department, district or commune\n");
		return 2;
	}
	if (!mc_unit_code_valid(code)) {
		fprintf(stderr, "motcua unit add: --code must be 1-24 letters, digits or dots\n");
		return 2;
	}
	/* u points at the arguments, at name and at the parent's strings (the
	 * store only reads them). */
	mc_unit u = {0}, p = {0};
	char *clean_name = NULL;
	if (name_or_fail(&clean_name, "unit add", name, MC_LIMIT_UNIT_NAME) != 0)
		return 2;
	u.code = (char *)code;
	u.level = (char *)level;
	u.name = clean_name;
	int status = 1;
	mc_store *st = NULL;
	if (open_migrated(&st, db) != 0)
		goto cleanup;
	if (parent) {
		if (mc_store_unit_by_code(st, &p, parent) != 0) {
			fprintf(stderr, "motcua unit add: no unit has code %s\n", parent);
			goto cleanup;
		}
		u.parent_id = p.id;
		u.province_code = p.province_code;
	}
	if (province)
		u.province_code = (char *)province;
	if (!u.province_code) {
		/* An organisation code ends with the province's own code (H56 for Thanh Hóa). */
		const char *dot = strrchr(code, '.');
		u.province_code = (char *)(dot ? dot + 1 : code);
	}
	if (fits_or_fail("unit add", province ? "--province" : "the province code (the end of --code)",
			 u.province_code, MC_LIMIT_UNIT_PROVINCE_CODE) != 0)
		goto cleanup;
	int rc = mc_store_begin(st);
	if (rc == 0)
		rc = mc_store_unit_create(st, &u);
	if (rc == 0)
		rc = mc_store_commit(st);
	else
		mc_store_rollback(st);
	if (rc == MC_ECONFLICT) {
		fprintf(stderr, "motcua unit add: a unit with code %s exists already\n", code);
		goto cleanup;
	}
	if (rc != 0) {
		fprintf(stderr, "motcua unit add: could not store the unit\n");
		goto cleanup;
	}
	printf("motcua: unit %s (%s) added\n", code, level);
	status = 0;
cleanup:
	mc_unit_clear(&p);
	free(clean_name);
	mc_store_close(st);
	return status;
}

/* ---- backup and restore ------------------------------------------------- */

int mc_cli_backup(int argc, char **argv)
{
	static const char *const known[] = {"--db", "--config", "--out", NULL};
	if (check_opts(argc, argv, known, 0) != 0)
		return 2;
	const char *dest = opt(argc, argv, "--out", true);
	char db[1024];
	if ((!opt(argc, argv, "--db", true) && !opt(argc, argv, "--config", true)) || !dest) {
		fprintf(stderr,
			"usage: motcua backup --db PATH | --config FILE --out FILE (a consistent copy, while "
			"the server runs)\n");
		return 2;
	}
	/* From the configuration, a URL with a password is not on this
	 * command's own command line either. */
	if (mc_cli_database(db, sizeof db, argc, argv) != 0)
		return 2;
	mc_store *st = NULL;
	if (open_migrated(&st, db) != 0)
		return 1;
	/* A backup holds every citizen's personal data: readable by its owner
	 * only (files 0600, folders 0700), whatever the umask the command was
	 * run with; the files are created so (the umask applies to pg_dump too),
	 * never open to others for a moment. */
	mode_t old_mask = umask(077);
	int rc = mc_store_backup(st, dest);
	mc_store_close(st);
	umask(old_mask);
	if (rc == 0 && chmod(dest, 0600) != 0) {
		fprintf(stderr, "motcua backup: could not make %s readable by its owner only: %s\n", dest,
			strerror(errno));
		rc = MC_ERROR;
	}
	if (rc == 0)
		printf("motcua: %s backed up to %s (attachments in %s.files)\n", mc_cli_shown(db), dest,
		       dest);
	return rc == 0 ? 0 : 1;
}

int mc_cli_restore(int argc, char **argv)
{
	static const char *const known[] = {"--db", "--config", "--from", NULL};
	if (check_opts(argc, argv, known, 0) != 0)
		return 2;
	const char *src = opt(argc, argv, "--from", true);
	char db[1024];
	if ((!opt(argc, argv, "--db", true) && !opt(argc, argv, "--config", true)) || !src) {
		fprintf(stderr, "usage: motcua restore --db PATH | --config FILE --from FILE (with the "
				"server stopped)\n");
		return 2;
	}
	if (mc_cli_database(db, sizeof db, argc, argv) != 0)
		return 2;
	FILE *probe = fopen(src, "rb");
	if (!probe) {
		fprintf(stderr, "motcua restore: cannot read %s\n", src);
		return 1;
	}
	fclose(probe);
	mc_store *st = NULL;
	char who[512];
	if (mc_store_open(&st, db) != 0)
		return 1;
	/* A server still running would keep serving (and writing) what it had
	 * read of the old content. On SQLite the lock taken here is kept until
	 * the restore is done, so none can open it meanwhile either. */
	int rc = mc_store_hold_alone(st, who, sizeof who);
	if (rc == MC_EBUSY) {
		fprintf(
		    stderr,
		    "motcua restore: the database %s is in use (%s): stop every motcua server on it first "
		    "(systemctl stop motcua); nothing was changed\n",
		    mc_cli_shown(db), who[0] ? who : "another process has it open");
		mc_store_close(st);
		return 1;
	}
	if (rc == 0)
		rc = mc_store_restore(st, src);
	/* The backup may be from an older motcua: bring it to this one's schema. */
	if (rc == 0)
		rc = mc_store_migrate(st);
	mc_store_close(st);
	if (rc == 0)
		printf("motcua: %s restored from %s\n", mc_cli_shown(db), src);
	return rc == 0 ? 0 : 1;
}

/* ---- audit --------------------------------------------------------------- */

/* The key that signs anchors: --key FILE, else audit_key_file of the
 * configuration (file or MOTCUA_AUDIT_KEY_FILE). */
static int audit_key(mc_audit_config *out, int argc, char **argv)
{
	mc_config cfg;
	const char *path = opt(argc, argv, "--key", true);

	memset(out, 0, sizeof *out);
	if (!path) {
		if (mc_config_load(&cfg, opt(argc, argv, "--config", true)) != 0)
			return MC_EINVAL;
		path = cfg.audit_key_file[0] ? cfg.audit_key_file : NULL;
		if (path)
			return mc_app_audit_key_load(out, path);
		return 0;
	}
	return mc_app_audit_key_load(out, path);
}

int mc_cli_anchor_all(mc_store *st)
{
	mc_audit_config key;
	int64_t anchors = 0;
	char *none[] = {NULL};
	int rc = audit_key(&key, 0, none);

	if (rc == 0)
		rc = mc_app_audit_anchor_all(st, &key, mc_now(), &anchors);
	sodium_memzero(&key, sizeof key);
	if (rc != 0)
		fprintf(stderr, "motcua: could not anchor the event log (%d)\n", rc);
	return rc;
}

static int audit_verify(int argc, char **argv, const char *db)
{
	mc_audit_config key = {0};
	const char *pinned = opt(argc, argv, "--public-key", true);
	mc_audit_report rep;
	mc_store *st = NULL;
	char when[40];

	if (opt(argc, argv, "--key", true)) {
		if (audit_key(&key, argc, argv) != 0)
			return 2;
		pinned = key.public_key;
	}
	if (open_migrated(&st, db) != 0)
		return 1;
	int rc = mc_app_audit_verify(st, pinned, stdout, &rep);
	mc_store_close(st);
	sodium_memzero(key.secret_key, sizeof key.secret_key);
	if (rc == MC_EINVAL) {
		fprintf(stderr, "motcua audit: --public-key must be 64 hex digits\n");
		return 2;
	}
	if (rc != 0) {
		mc_audit_anchor_clear(&rep.last);
		fprintf(stderr, "motcua audit: could not read the event log\n");
		return 1;
	}
	if (rep.problems > 0) {
		printf("motcua audit: %lld problems found in %lld events of %lld dossiers and %lld anchors, "
		       "%lld events of %lld documents\n",
		       (long long)rep.problems, (long long)rep.events, (long long)rep.dossiers,
		       (long long)rep.anchors, (long long)rep.document_events, (long long)rep.documents);
		mc_audit_anchor_clear(&rep.last);
		return 1;
	}
	printf("motcua audit: %lld events of %lld dossiers verified, every link intact\n",
	       (long long)rep.events, (long long)rep.dossiers);
	printf("motcua audit: %lld events of %lld official documents verified, every link intact\n",
	       (long long)rep.document_events, (long long)rep.documents);
	if (rep.document_unchained > 0)
		printf("motcua audit: %lld document events written before their chain began (migration 030) "
		       "are not chained\n",
		       (long long)rep.document_unchained);
	if (rep.tasks > 0)
		printf("motcua audit: %lld events of %lld tasks verified, every link intact\n",
		       (long long)rep.task_events, (long long)rep.tasks);
	if (rep.pseudonymised > 0)
		printf("motcua audit: %lld events pseudonymised, verified through their personal-data hash\n",
		       (long long)rep.pseudonymised);
	if (rep.anchors > 0)
		printf(
		    "motcua audit: %lld anchors verified (%lld signed%s), the last %lld at %s with root %s\n",
		    (long long)rep.anchors, (long long)rep.signed_anchors,
		    pinned ? " with the given key" : " with the key stored beside each",
		    (long long)rep.last.id, mc_time_format(when, sizeof when, rep.last.at), rep.last.root);
	else
		printf("motcua audit: no anchors yet (motcua audit anchor)\n");
	if (rep.pending > 0)
		printf("motcua audit: %lld dossiers changed since the last anchor, checked against their own "
		       "log only\n",
		       (long long)rep.pending);
	mc_audit_anchor_clear(&rep.last);
	return 0;
}

static int audit_anchor(int argc, char **argv, const char *db)
{
	mc_audit_config key;
	mc_store *st = NULL;
	int64_t anchors = 0;

	if (audit_key(&key, argc, argv) != 0)
		return 2;
	if (open_migrated(&st, db) != 0)
		return 1;
	int rc = mc_app_audit_anchor_all(st, &key, mc_now(), &anchors);
	bool sign = key.sign;
	mc_store_close(st);
	sodium_memzero(&key, sizeof key);
	if (rc != 0) {
		fprintf(stderr, "motcua audit: could not anchor the event log (%d)\n", rc);
		return 1;
	}
	printf("motcua audit: %lld anchors made%s\n", (long long)anchors, sign && anchors ? ", signed" : "");
	return 0;
}

int mc_cli_audit(int argc, char **argv)
{
	static const char *const known[] = {"--db", "--key", "--public-key", "--config", "--out", NULL};
	if (argc < 1 || (strcmp(argv[0], "verify") != 0 && strcmp(argv[0], "anchor") != 0 &&
			 strcmp(argv[0], "keygen") != 0)) {
		fprintf(stderr, "usage: motcua audit verify --db PATH [--key FILE | --public-key HEX]\n"
				"       motcua audit anchor --db PATH [--key FILE]\n"
				"       motcua audit keygen --out FILE\n");
		return 2;
	}
	if (check_opts(argc, argv, known, 1) != 0)
		return 2;
	if (strcmp(argv[0], "keygen") == 0) {
		const char *out = opt(argc, argv, "--out", true);
		char pk[MC_AUDIT_KEY_HEX];
		if (!out) {
			fprintf(stderr, "motcua audit keygen: --out FILE is required\n");
			return 2;
		}
		int rc = mc_app_audit_keygen(out, pk);
		if (rc == MC_ECONFLICT) {
			fprintf(stderr, "motcua audit keygen: %s exists; it is not replaced\n", out);
			return 1;
		}
		if (rc != 0) {
			fprintf(stderr, "motcua audit keygen: could not write %s\n", out);
			return 1;
		}
		printf("motcua audit: key written to %s; its public key (for audit verify --public-key) "
		       "is\n%s\n",
		       out, pk);
		return 0;
	}
	const char *db = opt(argc, argv, "--db", true);
	if (!db) {
		fprintf(stderr, "motcua audit %s: --db PATH is required\n", argv[0]);
		return 2;
	}
	return strcmp(argv[0], "verify") == 0 ? audit_verify(argc, argv, db) : audit_anchor(argc, argv, db);
}

/* ---- files ---------------------------------------------------------------- */

/* `motcua files expire`: what the server does every hour, at a given time
 * (for tests and for a server stopped long), each step in a transaction of
 * its own. */
/* `motcua stats rebuild`: the roll-ups counted again from the dossiers and
 * the event log (docs/statistics.md §6), as the first start after their
 * migration does. */
int mc_cli_stats(int argc, char **argv)
{
	static const char *const known[] = {"--db", "--config", NULL};
	char db[1024];
	mc_store *st = NULL;
	int64_t n = 0;

	if (argc < 1 || strcmp(argv[0], "rebuild") != 0) {
		fprintf(stderr, "usage: motcua stats rebuild (--db URL | --config FILE)\n");
		return 2;
	}
	if (check_opts(argc, argv, known, 1) != 0 || mc_cli_database(db, sizeof db, argc, argv) != 0)
		return 2;
	if (open_migrated(&st, db) != 0)
		return 1;
	int rc = mc_store_stats_rebuild(st, &n);
	mc_store_close(st);
	if (rc != 0) {
		fprintf(stderr, "motcua stats rebuild: could not rebuild the statistics roll-ups (%d)\n", rc);
		return 1;
	}
	printf("statistics roll-ups rebuilt from %lld dossiers\n", (long long)n);
	return 0;
}

/* `motcua portal lookup CODE`: the national portal's answer on whether it
 * knows a dossier of this database (TraCuuHoSo, app/portal.h), asked with the
 * server's settings, for an operator checking a dead change at the console
 * (docs/operations.md, "The national portal"). */
int mc_cli_portal(int argc, char **argv)
{
	static const char *const known[] = {"--db", "--config", NULL};
	mc_config cfg;
	mc_portal_config portal;
	mc_store *st = NULL;
	mc_dossier d = {0};
	mc_unit u = {0};
	json_t *result = NULL;
	bool found = false;
	char why[300];
	int rc = 2;

	if (argc < 2 || strcmp(argv[0], "lookup") != 0 || strncmp(argv[1], "--", 2) == 0) {
		fprintf(stderr, "usage: motcua portal lookup CODE [--config FILE] [--db URL]\n");
		return 2;
	}
	const char *db = mc_cli_opt(argc, argv, "--db", true);
	if (check_opts(argc, argv, known, 2) != 0 ||
	    mc_config_load(&cfg, mc_cli_opt(argc, argv, "--config", true)) != 0 ||
	    (db && mc_config_set(&cfg, "db", db) != 0) || portal_setup(&cfg, &portal) != 0)
		return 2;
	if (!cfg.portal_url[0]) {
		fprintf(stderr, "motcua portal lookup: this server does not sync with the national portal "
				"(portal_url is empty)\n");
		return 2;
	}
	rc = 1;
	if (open_migrated(&st, cfg.db) != 0)
		goto cleanup;
	int gr = mc_store_dossier_get(st, &d, argv[1], false);
	if (gr != 0) {
		fprintf(stderr, "motcua portal lookup: %s %.64s\n",
			gr == MC_ENOTFOUND ? "no dossier has code" : "could not read the dossier", argv[1]);
		goto cleanup;
	}
	int64_t unit = d.receiving_unit_id ? d.receiving_unit_id : d.current_unit_id;
	if (unit && mc_store_unit_get(st, &u, unit) != 0)
		memset(&u, 0, sizeof u);
	if (mc_portal_lookup(&portal, u.code ? u.code : "", d.code, &found, &result, why, sizeof why) != 0) {
		fprintf(stderr, "motcua portal lookup: %s\n", why);
		goto cleanup;
	}
	json_t *out = json_pack("{s:s, s:s, s:b, s:O}", "dossier", d.code, "madonvi", u.code ? u.code : "",
				"known", found, "result", result);
	char *text = out ? json_dumps(out, JSON_INDENT(2)) : NULL;
	if (text)
		printf("%s\n", text);
	free(text);
	json_decref(out);
	rc = text ? 0 : 1;
cleanup:
	json_decref(result);
	mc_unit_clear(&u);
	mc_dossier_clear(&d);
	mc_store_close(st);
	return rc;
}

int mc_cli_files(int argc, char **argv)
{
	static const char *const known[] = {"--db", "--at", NULL};
	if (argc < 1 || strcmp(argv[0], "expire") != 0) {
		fprintf(stderr, "usage: motcua files expire --db PATH [--at YYYY-MM-DDTHH:MM]\n");
		return 2;
	}
	if (check_opts(argc, argv, known, 1) != 0)
		return 2;
	const char *db = opt(argc, argv, "--db", true);
	const char *at_s = opt(argc, argv, "--at", true);
	int64_t at = mc_now(), expired = 0, swept = 0, n = 0;
	if (!db) {
		fprintf(stderr, "motcua files expire: --db PATH is required\n");
		return 2;
	}
	if (at_s && mc_time_parse(&at, at_s) != 0) {
		fprintf(stderr, "motcua files expire: --at must be a time like 2025-07-01T08:00\n");
		return 2;
	}
	mc_store *st = NULL;
	if (open_migrated(&st, db) != 0)
		return 1;
	int rc = 0;
	/* The expiry first, committed; then the sweep of the files it named. */
	do {
		rc = mc_store_begin(st);
		if (rc != 0)
			break;
		rc = mc_app_upload_expire(st, at, 1000, &n);
		if (rc == 0)
			rc = mc_store_commit(st);
		else
			mc_store_rollback(st);
		expired += n;
	} while (rc == 0 && n > 0);
	while (rc == 0) {
		rc = mc_store_begin(st);
		if (rc != 0)
			break;
		rc = mc_store_files_sweep(st, &n, 1000);
		if (rc == 0)
			rc = mc_store_commit(st);
		else
			mc_store_rollback(st);
		swept += n;
		if (n == 0)
			break;
	}
	mc_store_close(st);
	if (rc != 0) {
		fprintf(stderr, "motcua files expire: could not finish (%d)\n", rc);
		return 1;
	}
	printf("motcua: uploads of %lld files expired, %lld files deleted\n", (long long)expired,
	       (long long)swept);
	return 0;
}

/* ---- calendar ----------------------------------------------------------- */

static int add_year(int year, const mc_day_entry *days, size_t n, const char *source, void *payload)
{
	(void)source;
	return mc_workcal_set_year(payload, year, days, n);
}

/* The working calendar from a database, or from the shipped official data. */
static int calendar_for(mc_workcal **out, mc_time_ctx **tc, const char *db)
{
	*tc = NULL;
	if (db) {
		mc_store *st = NULL;
		if (open_migrated(&st, db) != 0)
			return 1;
		int rc = mc_time_ctx_load(tc, st);
		mc_store_close(st);
		if (rc != 0) {
			fprintf(stderr, "motcua calendar: could not load the working calendar of %s\n", db);
			return 1;
		}
		*out = NULL;
		return 0;
	}
	mc_workcal *wc = mc_workcal_new();
	const struct mc_embedded *f = mc_embed_find(OFFICIAL_CALENDAR);
	if (!wc || (f && mc_workcal_parse_tsv((const char *)f->data, f->len, add_year, wc) != 0)) {
		mc_workcal_free(wc);
		return 1;
	}
	*out = wc;
	return 0;
}

static void print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	puts(s ? s : "null");
	free(s);
	json_decref(j);
}

static int parse_hhmm(const char *s, int *out)
{
	int h, m;
	if (strlen(s) != 5 || s[2] != ':' || sscanf(s, "%2d:%2d", &h, &m) != 2 || h < 0 || h > 23 || m < 0 ||
	    m > 59)
		return MC_EINVAL;
	*out = h * 60 + m;
	return 0;
}

static void local_minute(char *buf, size_t cap, int64_t t)
{
	char full[40];
	mc_time_format(full, sizeof full, t);
	snprintf(buf, cap, "%.16s", full); /* YYYY-MM-DDTHH:MM */
}

int mc_cli_calendar(int argc, char **argv)
{
	static const char *const known[] = {"--json",  "--leap",   "--db", "--from",
					    "--hours", "--cutoff", NULL};
	if (argc < 1) {
		fprintf(stderr, "usage: motcua calendar lunar|solar|days-off|due ...\n");
		return 2;
	}
	if (check_opts(argc, argv, known, 1) != 0)
		return 2;
	const char *sub = argv[0];
	bool json = opt(argc, argv, "--json", false) != NULL;
	if (strcmp(sub, "lunar") == 0) {
		int y, m, d;
		char tail;
		if (argc < 2 || sscanf(argv[1], "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) {
			fprintf(stderr, "motcua calendar lunar: give a date YYYY-MM-DD\n");
			return 2;
		}
		mc_lunar_date ld;
		if (mc_lunar_from_solar(&ld, y, m, d) != 0) {
			fprintf(stderr,
				"motcua calendar lunar: %s is not a date from 1900-01-31 to 2100-12-31\n",
				argv[1]);
			return 1;
		}
		if (json)
			print_json(json_pack("{s:i, s:i, s:i, s:b}", "day", ld.day, "month", ld.month, "year",
					     ld.year, "leap", ld.leap));
		else
			printf("%d/%d%s/%d\n", ld.day, ld.month, ld.leap ? " (nhuận)" : "", ld.year);
		return 0;
	}
	if (strcmp(sub, "solar") == 0) {
		int d, m, y;
		char tail;
		if (argc < 2 || sscanf(argv[1], "%2d/%2d/%4d%c", &d, &m, &y, &tail) != 3) {
			fprintf(stderr, "motcua calendar solar: give a lunar date D/M/YYYY\n");
			return 2;
		}
		mc_lunar_date ld = {
		    .day = d, .month = m, .year = y, .leap = opt(argc, argv, "--leap", false) != NULL};
		int32_t days;
		if (mc_lunar_to_solar(&days, &ld) != 0) {
			fprintf(stderr, "motcua calendar solar: %s%s is not a lunar date of 1900-2100\n",
				argv[1], ld.leap ? " (leap)" : "");
			return 1;
		}
		int sy, sm, sd;
		mc_civil_from_days(days, &sy, &sm, &sd);
		char date[16];
		snprintf(date, sizeof date, "%04d-%02d-%02d", sy, sm, sd);
		if (json)
			print_json(json_pack("{s:s}", "date", date));
		else
			puts(date);
		return 0;
	}
	const char *db = opt(argc, argv, "--db", true);
	mc_workcal *own = NULL;
	mc_time_ctx *tc = NULL;
	if (strcmp(sub, "days-off") == 0) {
		int year;
		char tail;
		if (argc < 2 || sscanf(argv[1], "%4d%c", &year, &tail) != 1 || year < 1900 || year > 2100) {
			fprintf(stderr, "motcua calendar days-off: give a year from 1900 to 2100\n");
			return 2;
		}
		if (calendar_for(&own, &tc, db) != 0)
			return 1;
		const mc_workcal *wc = own ? own : mc_time_ctx_calendar(tc);
		mc_day_entry *days = NULL;
		size_t n = 0;
		int rc = mc_workcal_year_days(wc, year, &days, &n);
		json_t *arr = json_array();
		for (size_t i = 0; rc == 0 && i < n; i++) {
			int y, m, d;
			char date[16];
			mc_civil_from_days(days[i].day, &y, &m, &d);
			snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
			if (json)
				json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "date", date, "kind",
								     mc_day_kind_name(days[i].kind), "name",
								     days[i].name));
			else
				printf("%s\t%s\t%s\n", date, mc_day_kind_name(days[i].kind), days[i].name);
		}
		if (json)
			print_json(arr);
		else
			json_decref(arr);
		mc_day_entries_free(days, n);
		mc_workcal_free(own);
		mc_time_ctx_free(tc);
		return rc == 0 ? 0 : 1;
	}
	if (strcmp(sub, "due") == 0) {
		const char *from_s = opt(argc, argv, "--from", true),
			   *hours_s = opt(argc, argv, "--hours", true),
			   *cutoff_s = opt(argc, argv, "--cutoff", true);
		int64_t from;
		char *end = NULL;
		long hours = hours_s ? strtol(hours_s, &end, 10) : -1;
		int cutoff = -1;
		if (!from_s || mc_time_parse(&from, from_s) != 0) {
			fprintf(stderr,
				"motcua calendar due: --from YYYY-MM-DDTHH:MM (local time) is required\n");
			return 2;
		}
		if (!hours_s || *end || hours < 0 || hours > 8 * 366) {
			fprintf(stderr,
				"motcua calendar due: --hours N (working hours, 0..2928) is required\n");
			return 2;
		}
		if (cutoff_s && parse_hhmm(cutoff_s, &cutoff) != 0) {
			fprintf(stderr, "motcua calendar due: --cutoff must be HH:MM\n");
			return 2;
		}
		if (calendar_for(&own, &tc, db) != 0)
			return 1;
		const mc_workcal *wc = own ? own : mc_time_ctx_calendar(tc);
		const mc_office_hours *oh = tc ? mc_time_ctx_hours(tc, 0) : &MC_OFFICE_HOURS_DEFAULT;
		int64_t due = mc_deadline_due(wc, oh, from, (int32_t)hours, cutoff);
		char buf[32];
		local_minute(buf, sizeof buf, due);
		if (json)
			print_json(json_pack("{s:s}", "due", buf));
		else
			puts(buf);
		mc_workcal_free(own);
		mc_time_ctx_free(tc);
		return 0;
	}
	fprintf(stderr, "motcua calendar: unknown subcommand %s\n", sub);
	return 2;
}
