#include "cli/config.h"

#include "core/mc.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef enum { T_STRING, T_INT, T_BOOL } type;

static const struct setting {
	const char *key;
	type t;
	long min, max;
	const char *def;
	size_t offset;
	size_t cap;
	const char *help;
} settings[] = {
	{"db", T_STRING, 0, 0, "var/motcua.db", offsetof(mc_config, db), sizeof((mc_config *)0)->db,
	 "database: a SQLite file path"},
	{"db_read", T_STRING, 0, 0, "", offsetof(mc_config, db_read), sizeof((mc_config *)0)->db_read,
	 "read-only database (a streaming replica) for the workers' reads, empty = db"},
	{"listen", T_STRING, 0, 0, "127.0.0.1:8080", offsetof(mc_config, listen), sizeof((mc_config *)0)->listen,
	 "HOST:PORT the server listens on"},
	{"workers", T_INT, 0, 256, "0", offsetof(mc_config, workers), 0, "worker threads, 0 = one per core"},
	{"max_body", T_INT, 1024, 16 * 1024 * 1024, "1048576", offsetof(mc_config, max_body), 0,
	 "largest JSON request body, bytes"},
	{"max_upload", T_INT, 1024, 20 * 1024 * 1024, "20971520", offsetof(mc_config, max_upload), 0,
	 "largest uploaded file, bytes"},
	/* libevent refuses more than these before any route is looked at; the
	 * connection filter follows header blocks of up to 64 KiB (conn.c). */
	{"max_request", T_INT, 1024 * 1024, 1024L * 1024 * 1024, "67108864", offsetof(mc_config, max_request), 0,
	 "largest request body of any kind, bytes, refused before any route; at least max_body and max_upload"},
	{"max_headers", T_INT, 4096, 65536, "16384", offsetof(mc_config, max_headers), 0,
	 "largest request line and headers, bytes"},
	{"upload_quota_files", T_INT, 0, 100000, "50", offsetof(mc_config, upload_quota_files), 0,
	 "uploaded files an account may hold that no dossier holds, 0 = no limit"},
	{"upload_quota_bytes", T_INT, 0, 1L << 40, "209715200", offsetof(mc_config, upload_quota_bytes), 0,
	 "bytes of uploaded files an account may hold that no dossier holds, 0 = no limit"},
	{"upload_daily_bytes", T_INT, 0, 1L << 40, "1073741824", offsetof(mc_config, upload_daily_bytes), 0,
	 "bytes an account may upload in 24 hours, held or not, 0 = no limit"},
	{"audit_anchor_seconds", T_INT, 0, 86400, "60", offsetof(mc_config, audit_anchor_seconds), 0,
	 "seconds between anchors of the event log, 0 = the server makes none"},
	{"audit_key_file", T_STRING, 0, 0, "", offsetof(mc_config, audit_key_file),
	 sizeof((mc_config *)0)->audit_key_file,
	 "Ed25519 key (64 hex digits, mode 600) that signs the anchors, empty = unsigned"},
	{"startup_check_seconds", T_INT, 0, 86400, "10", offsetof(mc_config, startup_check_seconds), 0,
	 "longest integrity check of a SQLite database at start, 0 = none"},
	{"session_hours", T_INT, 1, 24 * 30, "12", offsetof(mc_config, session_hours), 0, "session lifetime, hours"},
	{"group_batch", T_INT, 1, 4096, "256", offsetof(mc_config, group_batch), 0,
	 "most writes committed together"},
	{"group_lock_wait_ms", T_INT, 1, 60000, "200", offsetof(mc_config, group_lock_wait_ms), 0,
	 "PostgreSQL: a write's wait for a locked row inside a commit batch, before it is set aside and "
	 "tried again alone"},
	{"db_lock_timeout_ms", T_INT, 0, 600000, "2000", offsetof(mc_config, db_lock_timeout_ms), 0,
	 "PostgreSQL: longest wait for a locked row, then 503 with Retry-After; 0 = no limit"},
	{"db_statement_timeout_ms", T_INT, 0, 3600000, "30000", offsetof(mc_config, db_statement_timeout_ms), 0,
	 "PostgreSQL: longest statement, then 503 with Retry-After; 0 = no limit"},
	{"db_idle_in_transaction_timeout_ms", T_INT, 0, 3600000, "60000",
	 offsetof(mc_config, db_idle_in_transaction_timeout_ms), 0,
	 "PostgreSQL: a session idle inside a transaction this long is ended, its locks released; 0 = no limit"},
	{"access_log", T_BOOL, 0, 1, "true", offsetof(mc_config, access_log), 0, "log one JSON line per request"},
	{"public_url", T_STRING, 0, 0, "", offsetof(mc_config, public_url), sizeof((mc_config *)0)->public_url,
	 "the portal's public address (https://...), for links and QR codes; serve requires it"},
	{"smtp_url", T_STRING, 0, 0, "", offsetof(mc_config, smtp_url), sizeof((mc_config *)0)->smtp_url,
	 "SMTP relay for e-mail to applicants (smtp://host:port), empty = no e-mail"},
	{"smtp_user", T_STRING, 0, 0, "", offsetof(mc_config, smtp_user), sizeof((mc_config *)0)->smtp_user,
	 "SMTP user, empty = no authentication"},
	{"smtp_password", T_STRING, 0, 0, "", offsetof(mc_config, smtp_password),
	 sizeof((mc_config *)0)->smtp_password, "SMTP password (prefer MOTCUA_SMTP_PASSWORD)"},
	{"mail_from", T_STRING, 0, 0, "motcua@localhost", offsetof(mc_config, mail_from),
	 sizeof((mc_config *)0)->mail_from, "sender address of e-mail to applicants"},
	{"sms_url", T_STRING, 0, 0, "", offsetof(mc_config, sms_url), sizeof((mc_config *)0)->sms_url,
	 "SMS gateway taking POST {\"to\",\"text\"}, empty = no SMS"},
	{"notify_interval", T_INT, 1, 3600, "5", offsetof(mc_config, notify_interval), 0,
	 "seconds between message delivery passes"},
	{"reload_interval_ms", T_INT, 0, 3600000, "1000", offsetof(mc_config, reload_interval_ms), 0,
	 "milliseconds between checks for units and calendars edited on other servers, 0 = never"},
	/* A citizen files a few dossiers a year; a family, a business or the
	 * public terminal of a commune's service centre shares one address
	 * (docs/operations.md §3 gives the reasons for these numbers). */
	{"filing_account_per_hour", T_INT, 0, 1000000, "20", offsetof(mc_config, filing_account_per_hour), 0,
	 "most dossiers one citizen account may file online in an hour, 0 = no limit"},
	{"filing_account_per_day", T_INT, 0, 1000000, "50", offsetof(mc_config, filing_account_per_day), 0,
	 "most dossiers one citizen account may file online in 24 hours, 0 = no limit"},
	{"filing_address_per_hour", T_INT, 0, 1000000, "100", offsetof(mc_config, filing_address_per_hour), 0,
	 "most dossiers citizens may file online from one client address (an IPv6 /64) in an hour, 0 = no limit"},
	{"filing_address_per_day", T_INT, 0, 1000000, "500", offsetof(mc_config, filing_address_per_day), 0,
	 "most dossiers citizens may file online from one client address (an IPv6 /64) in 24 hours, 0 = no limit"},
	{"payment_partner_code", T_STRING, 0, 0, "MOTCUA", offsetof(mc_config, payment_partner_code),
	 sizeof((mc_config *)0)->payment_partner_code,
	 "our partner code at the payment provider (docs/payments.md)"},
	{"payment_secret", T_STRING, 0, 0, "", offsetof(mc_config, payment_secret),
	 sizeof((mc_config *)0)->payment_secret,
	 "secret shared with the payment provider (prefer MOTCUA_PAYMENT_SECRET); required with "
	 "payment_url, and on PostgreSQL with the test provider"},
	{"payment_url", T_STRING, 0, 0, "", offsetof(mc_config, payment_url),
	 sizeof((mc_config *)0)->payment_url,
	 "the payment provider's page; empty = no online payment (fees are settled at the desk)"},
	{"payment_test_provider", T_BOOL, 0, 1, "false", offsetof(mc_config, payment_test_provider), 0,
	 "run the in-process TEST payment provider instead (demo and tests only: it takes no money)"},
	{"web_root", T_STRING, 0, 0, "web", offsetof(mc_config, web_root), sizeof((mc_config *)0)->web_root,
	 "folder of the web application's static files"},
	{"idle_timeout", T_INT, 5, 3600, "30", offsetof(mc_config, idle_timeout), 0,
	 "seconds a connection may stay silent before it is closed"},
	{"header_timeout", T_INT, 1, 600, "20", offsetof(mc_config, header_timeout), 0,
	 "seconds a client has to send a request's line and headers, from their first byte"},
	{"body_timeout", T_INT, 1, 3600, "20", offsetof(mc_config, body_timeout), 0,
	 "seconds a client has to send a request body, plus one second for every body_min_rate bytes sent"},
	{"body_min_rate", T_INT, 0, 1000000000, "500", offsetof(mc_config, body_min_rate), 0,
	 "bytes a second a request body must keep up after body_timeout, 0 = no rate"},
	{"trusted_proxies", T_STRING, 0, 0, "127.0.0.1, ::1", offsetof(mc_config, trusted_proxies),
	 sizeof((mc_config *)0)->trusted_proxies,
	 "addresses and networks of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed, "
	 "comma-separated (\"\" = none)"},
	{"hash_threads", T_INT, 0, 64, "0", offsetof(mc_config, hash_threads), 0,
	 "threads that hash and check passwords, 0 = half the cores"},
	{"hash_queue", T_INT, 1, 100000, "64", offsetof(mc_config, hash_queue), 0,
	 "sign-ins that may wait for those threads; more are answered 429"},
	{"login_failures", T_INT, 1, 1000, "5", offsetof(mc_config, login_failures), 0,
	 "failed sign-ins to an account from unknown devices (and from each known device) per login_window; "
	 "an address may make four times as many"},
	{"login_window", T_INT, 60, 86400, "900", offsetof(mc_config, login_window), 0,
	 "seconds over which failed sign-ins are counted"},
	{"signin_account_max", T_INT, 1, 100000, "10", offsetof(mc_config, signin_account_max), 0,
	 "successful sign-ins one account may make per signin_window"},
	{"signin_address_max", T_INT, 1, 1000000, "120", offsetof(mc_config, signin_address_max), 0,
	 "sign-in attempts one client address may make per signin_window"},
	{"signin_window", T_INT, 1, 86400, "60", offsetof(mc_config, signin_window), 0,
	 "seconds over which sign-ins are counted"},
	{"max_sessions", T_INT, 1, 1000, "10", offsetof(mc_config, max_sessions), 0,
	 "sessions one account may hold; a new sign-in ends the oldest beyond it"},
	{"metrics_allow", T_STRING, 0, 0, "127.0.0.1, ::1", offsetof(mc_config, metrics_allow),
	 sizeof((mc_config *)0)->metrics_allow,
	 "client addresses and networks that may read /metrics without a token (\"\" = none)"},
	{"metrics_token", T_STRING, 0, 0, "", offsetof(mc_config, metrics_token), sizeof((mc_config *)0)->metrics_token,
	 "bearer token that opens /metrics from any address, empty = none (prefer MOTCUA_METRICS_TOKEN)"},
	{"cache_mb", T_INT, 1, 65536, "48", offsetof(mc_config, cache_mb), 0,
	 "memory for rendered public lookups, MiB"},
	{"cache_entry_kb", T_INT, 1, 16384, "64", offsetof(mc_config, cache_entry_kb), 0,
	 "largest rendered public lookup kept in that memory, KiB"},
	{"cache_max_age", T_INT, 1, 3600, "60", offsetof(mc_config, cache_max_age), 0,
	 "seconds a kept public lookup may be served before it is rendered again (due soon and overdue move with "
	 "the clock)"},
	{"limiter_slots", T_INT, 256, 262144, "4096", offsetof(mc_config, limiter_slots), 0,
	 "accounts, browsers or addresses each sign-in counter remembers (rounded up to a power of two); when full, "
	 "a new one pushes out the stalest"},
	{"session_purge_interval", T_INT, 1, 86400, "600", offsetof(mc_config, session_purge_interval), 0,
	 "seconds between removals of expired sessions"},
	{"listen_backlog", T_INT, 16, 65535, "1024", offsetof(mc_config, listen_backlog), 0,
	 "connections the kernel may hold waiting to be accepted"},
};

static int set_one(mc_config *cfg, const struct setting *s, const char *value, const char *origin)
{
	char *field = (char *)cfg + s->offset;
	switch (s->t) {
	case T_STRING:
		if (mc_strlcpy(field, value, s->cap) != 0) {
			fprintf(stderr, "motcua: %s (%s) is longer than %zu bytes\n", s->key, origin, s->cap - 1);
			return MC_EINVAL;
		}
		return 0;
	case T_INT: {
		char *end = NULL;
		errno = 0;
		long v = strtol(value, &end, 10);
		if (errno || end == value || *end || v < s->min || v > s->max) {
			fprintf(stderr, "motcua: %s (%s) must be an integer from %ld to %ld, not \"%s\"\n", s->key,
				origin, s->min, s->max, value);
			return MC_EINVAL;
		}
		*(long *)field = v;
		return 0;
	}
	case T_BOOL:
		if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0 || strcmp(value, "yes") == 0) {
			*(bool *)field = true;
		} else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0 || strcmp(value, "no") == 0) {
			*(bool *)field = false;
		} else {
			fprintf(stderr, "motcua: %s (%s) must be true or false, not \"%s\"\n", s->key, origin, value);
			return MC_EINVAL;
		}
		return 0;
	}
	return MC_EINVAL;
}

static const struct setting *find(const char *key)
{
	for (size_t i = 0; i < MC_ARRAY_LEN(settings); i++) {
		if (strcmp(settings[i].key, key) == 0)
			return &settings[i];
	}
	return NULL;
}

int mc_config_set(mc_config *cfg, const char *key, const char *value)
{
	const struct setting *s = find(key);
	if (!s) {
		fprintf(stderr, "motcua: unknown setting %s\n", key);
		return MC_ENOTFOUND;
	}
	return set_one(cfg, s, value, "command line");
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int load_file(mc_config *cfg, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "motcua: could not open %s: %s\n", path, strerror(errno));
		return MC_EINVAL;
	}
	char line[2048];
	int lineno = 0, rc = 0;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		lineno++;
		char *l = trim(line);
		if (!*l || *l == '#')
			continue;
		char *eq = strchr(l, '=');
		if (!eq) {
			fprintf(stderr, "motcua: %s:%d: expected key = value\n", path, lineno);
			rc = MC_EINVAL;
			break;
		}
		*eq = '\0';
		char *key = trim(l), *value = trim(eq + 1);
		const struct setting *s = find(key);
		if (!s) {
			fprintf(stderr, "motcua: %s:%d: unknown setting %s\n", path, lineno, key);
			rc = MC_EINVAL;
			break;
		}
		char origin[1100];
		snprintf(origin, sizeof origin, "%s:%d", path, lineno);
		rc = set_one(cfg, s, value, origin);
	}
	fclose(f);
	return rc;
}

int mc_config_load(mc_config *out, const char *path)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < MC_ARRAY_LEN(settings); i++)
		set_one(out, &settings[i], settings[i].def, "default");
	if (path && load_file(out, path) != 0)
		return MC_EINVAL;
	for (size_t i = 0; i < MC_ARRAY_LEN(settings); i++) {
		char name[64] = "MOTCUA_";
		size_t n = strlen(name);
		for (const char *k = settings[i].key; *k && n + 1 < sizeof name; k++)
			name[n++] = (char)toupper((unsigned char)*k);
		name[n] = '\0';
		const char *v = getenv(name);
		if (v && set_one(out, &settings[i], v, name) != 0)
			return MC_EINVAL;
	}
	return 0;
}

void mc_config_print(const mc_config *cfg, FILE *out)
{
	for (size_t i = 0; i < MC_ARRAY_LEN(settings); i++) {
		const struct setting *s = &settings[i];
		const char *field = (const char *)cfg + s->offset;
		switch (s->t) {
		case T_STRING:
			/* A secret is shown as set or not, never printed. */
			if (strstr(s->key, "password") || strstr(s->key, "secret") || strstr(s->key, "token"))
				fprintf(out, "%s = %s", s->key, field[0] ? "(set)" : "");
			else
				fprintf(out, "%s = %s", s->key, field);
			break;
		case T_INT: fprintf(out, "%s = %ld", s->key, *(const long *)field); break;
		case T_BOOL: fprintf(out, "%s = %s", s->key, *(const bool *)field ? "true" : "false"); break;
		}
		fprintf(out, "\t# %s\n", s->help);
	}
}
