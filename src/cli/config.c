#include "cli/config.h"

#include "core/mc.h"

#include "core/redact.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef enum { T_STRING, T_INT, T_BOOL } type;

/* How a string setting is shown and where it may come from. */
enum {
	SECRET = 1,    /* shown as "(set)" by `motcua config`, never printed */
	URL = 2,       /* shown with its password and secret parameters hidden (core/redact.h) */
	FROM_FILE = 4, /* may be read from a file: <key>_file, MOTCUA_<KEY>_FILE, or a
			* systemd credential named <key> ($CREDENTIALS_DIRECTORY/<key>) */
};

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
     "database: a SQLite file path, or postgresql://user@host[,host2]/dbname?files=/folder"},
    {"db_read", T_STRING, 0, 0, "", offsetof(mc_config, db_read), sizeof((mc_config *)0)->db_read,
     "read-only database (a streaming replica) for the workers' reads, empty = db"},
    {"db_read_max_lag", T_INT, 0, 86400, "30", offsetof(mc_config, db_read_max_lag), 0,
     "seconds the replica (db_read) may lag before reads go to the primary until it catches up; 0 = no "
     "bound"},
    {"ready_max_replica_lag", T_INT, 0, 86400, "0", offsetof(mc_config, ready_max_replica_lag), 0,
     "seconds the replica (db_read) may lag before /readyz answers 503; 0 = its lag never makes the node "
     "unready"},
    {"listen", T_STRING, 0, 0, "127.0.0.1:8080", offsetof(mc_config, listen), sizeof((mc_config *)0)->listen,
     "HOST:PORT the server listens on"},
    {"workers", T_INT, 0, 256, "0", offsetof(mc_config, workers), 0, "worker threads, 0 = one per core"},
    {"max_body", T_INT, 1024, 16 * 1024 * 1024, "1048576", offsetof(mc_config, max_body), 0,
     "largest JSON request body, bytes"},
    {"max_upload", T_INT, 1024, 20 * 1024 * 1024, "20971520", offsetof(mc_config, max_upload), 0,
     "largest uploaded file, bytes"},
    /* libevent refuses more than these before any route is looked at; the
     * connection filter follows header blocks of up to 64 KiB (conn.c). */
    {"body_budget", T_INT, 0, 64L * 1024 * 1024 * 1024, "268435456", offsetof(mc_config, body_budget), 0,
     "bytes of request bodies of 64 KiB or more the server holds at once, all workers; more wait "
     "(429, Retry-After: 1); 0 = no budget; at least max_upload"},
    {"max_request", T_INT, 1024 * 1024, 1024L * 1024 * 1024, "67108864", offsetof(mc_config, max_request), 0,
     "largest request body of any kind, bytes, refused before any route; at least max_body and max_upload"},
    {"max_headers", T_INT, 4096, 65536, "16384", offsetof(mc_config, max_headers), 0,
     "largest request line and headers, bytes"},
    {"document_draft_max", T_INT, 1024, 1L << 30, "10485760", offsetof(mc_config, document_draft_max), 0,
     "largest version of a draft uploaded as PDF or DOCX, bytes (max_upload caps every upload first)"},
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
    {"session_hours", T_INT, 1, 24 * 30, "12", offsetof(mc_config, session_hours), 0,
     "session lifetime, hours"},
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
     sizeof((mc_config *)0)->smtp_password,
     "SMTP password (not in this file: a credential, a file or MOTCUA_SMTP_PASSWORD)"},
    {"mail_from", T_STRING, 0, 0, "motcua@localhost", offsetof(mc_config, mail_from),
     sizeof((mc_config *)0)->mail_from, "sender address of e-mail to applicants"},
    {"sign_dir", T_STRING, 0, 0, "", offsetof(mc_config, sign_dir), sizeof((mc_config *)0)->sign_dir,
     "directory of the keys that sign official documents at issue (<username>.p12, seal.p12, "
     "<name>.pkcs11 ...; docs/operations.md), empty = issued unsigned"},
    {"sign_trust_file", T_STRING, 0, 0, "", offsetof(mc_config, sign_trust_file),
     sizeof((mc_config *)0)->sign_trust_file,
     "PEM trust anchors the signers' certificates must chain to, empty = not checked"},
    {"sign_crl", T_STRING, 0, 0, "", offsetof(mc_config, sign_crl), sizeof((mc_config *)0)->sign_crl,
     "CRL file or directory of CRLs (PEM or DER, one or more per CA) that verifying signatures checks "
     "signers' certificates against, empty = revocation not checked"},
    {"sms_url", T_STRING, 0, 0, "", offsetof(mc_config, sms_url), sizeof((mc_config *)0)->sms_url,
     "SMS gateway taking POST {\"to\",\"text\"}, empty = no SMS"},
    {"notify_interval", T_INT, 1, 3600, "5", offsetof(mc_config, notify_interval), 0,
     "seconds between message delivery passes"},
    {"portal_url", T_STRING, 0, 0, "", offsetof(mc_config, portal_url), sizeof((mc_config *)0)->portal_url,
     "national public-service portal endpoint taking the dossiers' state changes, empty = no sync"},
    {"portal_token", T_STRING, 0, 0, "", offsetof(mc_config, portal_token),
     sizeof((mc_config *)0)->portal_token,
     "bearer token for portal_url (not in this file: a credential, portal_token_file or "
     "MOTCUA_PORTAL_TOKEN)"},
    {"portal_login_url", T_STRING, 0, 0, "", offsetof(mc_config, portal_login_url),
     sizeof((mc_config *)0)->portal_login_url,
     "the portal's sign-in (LayToken) giving a session token for portal_url, empty = portal_token"},
    {"portal_username", T_STRING, 0, 0, "", offsetof(mc_config, portal_username),
     sizeof((mc_config *)0)->portal_username, "the account motcua signs in to portal_login_url with"},
    {"portal_password", T_STRING, 0, 0, "", offsetof(mc_config, portal_password),
     sizeof((mc_config *)0)->portal_password,
     "that account's secret (not in this file: portal_password_file or MOTCUA_PORTAL_PASSWORD)"},
    {"portal_max_attempts", T_INT, 1, 1000, "8", offsetof(mc_config, portal_max_attempts), 0,
     "failed attempts before a change for the portal is dead (an administrator retries it)"},
    {"portal_backoff", T_INT, 1, 3600, "60", offsetof(mc_config, portal_backoff), 0,
     "seconds before the first retry of a change for the portal, doubled each time up to an hour"},
    {"portal_timeout", T_INT, 1, 300, "30", offsetof(mc_config, portal_timeout), 0,
     "seconds a request to the portal may take"},
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
     "most dossiers citizens may file online from one client address (an IPv6 /64) in 24 hours, 0 = no "
     "limit"},
    {"payment_partner_code", T_STRING, 0, 0, "MOTCUA", offsetof(mc_config, payment_partner_code),
     sizeof((mc_config *)0)->payment_partner_code,
     "our partner code at the payment provider (docs/payments.md)"},
    {"payment_secret", T_STRING, 0, 0, "", offsetof(mc_config, payment_secret),
     sizeof((mc_config *)0)->payment_secret,
     "secret shared with the payment provider (not in this file); required with "
     "payment_url, and on PostgreSQL with the test provider"},
    {"payment_url", T_STRING, 0, 0, "", offsetof(mc_config, payment_url), sizeof((mc_config *)0)->payment_url,
     "the payment provider's page; empty = no online payment (fees are settled at the desk)"},
    {"payment_test_provider", T_BOOL, 0, 1, "false", offsetof(mc_config, payment_test_provider), 0,
     "run the in-process TEST payment provider instead (demo and tests only: it takes no money)"},
    /* Sign-in through the identity provider (app/oidc.h, docs/operations.md). */
    {"oidc_issuer", T_STRING, 0, 0, "", offsetof(mc_config, oidc_issuer), sizeof((mc_config *)0)->oidc_issuer,
     "the identity provider's issuer URL (OpenID Connect); empty = citizens sign in with passwords only"},
    {"oidc_client_id", T_STRING, 0, 0, "", offsetof(mc_config, oidc_client_id),
     sizeof((mc_config *)0)->oidc_client_id, "motcua's client id at the identity provider"},
    {"oidc_client_secret", T_STRING, 0, 0, "", offsetof(mc_config, oidc_client_secret),
     sizeof((mc_config *)0)->oidc_client_secret,
     "motcua's client secret at the identity provider (not in this file); required with oidc_issuer"},
    {"oidc_redirect_url", T_STRING, 0, 0, "", offsetof(mc_config, oidc_redirect_url),
     sizeof((mc_config *)0)->oidc_redirect_url,
     "the redirect URL registered at the provider; empty = <public_url>/api/v1/session/oidc/callback"},
    {"oidc_id_claim", T_STRING, 0, 0, "identity_number", offsetof(mc_config, oidc_id_claim),
     sizeof((mc_config *)0)->oidc_id_claim,
     "the ID token claim that carries the 12-digit personal identity number (so dinh danh ca nhan)"},
    {"oidc_scopes", T_STRING, 0, 0, "openid profile", offsetof(mc_config, oidc_scopes),
     sizeof((mc_config *)0)->oidc_scopes, "the scopes asked of the identity provider"},
    {"exchange_peers", T_STRING, 0, 0, "", offsetof(mc_config, exchange_peers),
     sizeof((mc_config *)0)->exchange_peers,
     "file of the edXML peers (ORGANISATIONS URL CERTIFICATE.pem a line), empty = no exchange"},
    {"exchange_key_file", T_STRING, 0, 0, "", offsetof(mc_config, exchange_key_file),
     sizeof((mc_config *)0)->exchange_key_file, "PEM private key that signs the edXML packages (mode 600)"},
    {"exchange_cert_file", T_STRING, 0, 0, "", offsetof(mc_config, exchange_cert_file),
     sizeof((mc_config *)0)->exchange_cert_file, "PEM certificate of that key, sent in every package"},
    {"exchange_retry_seconds", T_INT, 1, 3600, "30", offsetof(mc_config, exchange_retry_seconds), 0,
     "seconds before a package a peer did not take is sent again (doubling, at most an hour)"},
    {"web_root", T_STRING, 0, 0, "web", offsetof(mc_config, web_root), sizeof((mc_config *)0)->web_root,
     "folder of the web application's static files"},
    {"idle_timeout", T_INT, 5, 3600, "30", offsetof(mc_config, idle_timeout), 0,
     "seconds a connection may stay silent before it is closed"},
    {"shutdown_grace", T_INT, 0, 3600, "10", offsetof(mc_config, shutdown_grace), 0,
     "seconds a stopping server (SIGTERM, SIGINT) waits for the requests under way to be answered"},
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
    {"recovery_account_max", T_INT, 1, 1000, "3", offsetof(mc_config, recovery_account_max), 0,
     "password recovery codes one username may be sent per recovery_window"},
    {"recovery_address_max", T_INT, 1, 100000, "10", offsetof(mc_config, recovery_address_max), 0,
     "password recovery requests one client address may make per recovery_window"},
    {"recovery_window", T_INT, 60, 86400, "3600", offsetof(mc_config, recovery_window), 0,
     "seconds over which password recovery requests are counted"},
    {"personal_export_per_day", T_INT, 1, 1000, "10", offsetof(mc_config, personal_export_per_day), 0,
     "personal-data exports one account may ask for in 24 hours"},
    {"exchange_refusals_per_hour", T_INT, 1, 1000000, "60", offsetof(mc_config, exchange_refusals_per_hour),
     0,
     "exchange packages from one client address that may be refused in an hour before it is refused at once"},
    {"max_sessions", T_INT, 1, 1000, "10", offsetof(mc_config, max_sessions), 0,
     "sessions one account may hold; a new sign-in ends the oldest beyond it"},
    {"metrics_allow", T_STRING, 0, 0, "127.0.0.1, ::1", offsetof(mc_config, metrics_allow),
     sizeof((mc_config *)0)->metrics_allow,
     "client addresses and networks that may read /metrics without a token (\"\" = none)"},
    {"metrics_token", T_STRING, 0, 0, "", offsetof(mc_config, metrics_token),
     sizeof((mc_config *)0)->metrics_token,
     "bearer token that opens /metrics from any address, empty = none (not in this file)"},
    {"cache_mb", T_INT, 1, 65536, "48", offsetof(mc_config, cache_mb), 0,
     "memory for rendered public lookups, MiB"},
    {"cache_entry_kb", T_INT, 1, 16384, "64", offsetof(mc_config, cache_entry_kb), 0,
     "largest rendered public lookup kept in that memory, KiB"},
    {"cache_max_age", T_INT, 1, 3600, "60", offsetof(mc_config, cache_max_age), 0,
     "seconds a kept public lookup may be served before it is rendered again (due soon and overdue move with "
     "the clock)"},
    {"limiter_slots", T_INT, 256, 262144, "4096", offsetof(mc_config, limiter_slots), 0,
     "accounts, browsers or addresses each sign-in counter remembers (rounded up to a power of two); when "
     "full, "
     "a new one pushes out the stalest"},
    {"session_purge_interval", T_INT, 1, 86400, "600", offsetof(mc_config, session_purge_interval), 0,
     "seconds between removals of expired sessions"},
    {"listen_backlog", T_INT, 16, 65535, "1024", offsetof(mc_config, listen_backlog), 0,
     "connections the kernel may hold waiting to be accepted"},
    {"retention_dossier_years", T_INT, 0, 100, "0", offsetof(mc_config, retention_dossier_years), 0,
     "years after a dossier is finished that its applicant's personal fields are pseudonymised (the dossier "
     "and its events are kept); 0 = kept"},
    {"retention_message_days", T_INT, 0, 36500, "90", offsetof(mc_config, retention_message_days), 0,
     "days the text of a message sent or given up is kept before it is emptied; 0 = kept"},
    {"retention_read_log_days", T_INT, 0, 36500, "0", offsetof(mc_config, retention_read_log_days), 0,
     "days the log of officers' reads of personal data is kept; 0 = kept"},
    {"personal_purge_interval", T_INT, 0, 604800, "86400", offsetof(mc_config, personal_purge_interval), 0,
     "seconds between the server's applications of the retention settings; 0 = only by motcua personal "
     "purge"},
};

/* The string settings that are secrets or may hold one. */
static const struct {
	const char *key;
	unsigned flags;
} kinds[] = {
    {"db", URL | FROM_FILE},
    {"db_read", URL | FROM_FILE},
    {"smtp_url", URL | FROM_FILE},
    {"smtp_password", SECRET | FROM_FILE},
    {"sms_url", URL | FROM_FILE},
    {"payment_secret", SECRET | FROM_FILE},
    {"oidc_client_secret", SECRET | FROM_FILE},
    {"metrics_token", SECRET | FROM_FILE},
    {"portal_url", URL | FROM_FILE},
    {"portal_token", SECRET | FROM_FILE},
    {"portal_login_url", URL | FROM_FILE},
    {"portal_password", SECRET | FROM_FILE},
};

static unsigned flags_of(const struct setting *s)
{
	for (size_t i = 0; i < MC_ARRAY_LEN(kinds); i++) {
		if (strcmp(kinds[i].key, s->key) == 0)
			return kinds[i].flags;
	}
	return 0;
}

/* Whether value is a libpq key=value connection string ("host=db1
 * dbname=motcua"), which the database settings do not take: anything that is
 * not a postgresql:// URL is a SQLite file, and such a string would silently
 * become a new file of that name. */
static bool libpq_keywords(const char *value)
{
	static const char *const keys[] = {"host", "hostaddr", "port",	 "dbname",
					   "user", "password", "service"};
	while (*value == ' ' || *value == '\t')
		value++;
	for (size_t i = 0; i < MC_ARRAY_LEN(keys); i++) {
		size_t n = strlen(keys[i]);
		const char *p = value + n;
		if (strncmp(value, keys[i], n) != 0)
			continue;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '=')
			return true;
	}
	return false;
}

static int set_one(mc_config *cfg, const struct setting *s, const char *value, const char *origin)
{
	char *field = (char *)cfg + s->offset;
	switch (s->t) {
	case T_STRING:
		if ((strcmp(s->key, "db") == 0 || strcmp(s->key, "db_read") == 0) && libpq_keywords(value)) {
			fprintf(
			    stderr,
			    "motcua: %s (%s) is a key=value connection string; write it as a URL, "
			    "postgresql://user@host:5432/dbname?target_session_attrs=read-write (a password "
			    "from PGPASSWORD or ~/.pgpass, docs/operations.md §3)\n",
			    s->key, origin);
			return MC_EINVAL;
		}
		if (mc_strlcpy(field, value, s->cap) != 0) {
			fprintf(stderr, "motcua: %s (%s) is longer than %zu bytes\n", s->key, origin,
				s->cap - 1);
			return MC_EINVAL;
		}
		return 0;
	case T_INT: {
		char *end = NULL;
		errno = 0;
		long v = strtol(value, &end, 10);
		if (errno || end == value || *end || v < s->min || v > s->max) {
			fprintf(stderr, "motcua: %s (%s) must be an integer from %ld to %ld, not \"%s\"\n",
				s->key, origin, s->min, s->max, value);
			return MC_EINVAL;
		}
		*(long *)field = v;
		return 0;
	}
	case T_BOOL:
		if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0 || strcmp(value, "yes") == 0) {
			*(bool *)field = true;
		} else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0 ||
			   strcmp(value, "no") == 0) {
			*(bool *)field = false;
		} else {
			fprintf(stderr, "motcua: %s (%s) must be true or false, not \"%s\"\n", s->key, origin,
				value);
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

/* The setting that "<key>_file" names, for the settings that may come from a file. */
static const struct setting *find_file_key(const char *key)
{
	size_t n = strlen(key);
	char base[64];

	if (n <= 5 || n - 5 >= sizeof base || strcmp(key + n - 5, "_file") != 0)
		return NULL;
	memcpy(base, key, n - 5);
	base[n - 5] = '\0';
	const struct setting *s = find(base);
	return s && (flags_of(s) & FROM_FILE) ? s : NULL;
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

/*
 * A secret read from a file (a <key>_file setting, MOTCUA_<KEY>_FILE, or a
 * systemd credential): its whole content but for the line ends at its end,
 * one line. Refused: a file that cannot be read, is empty, holds more than
 * one line or a NUL, or is longer than the setting takes. A file every user
 * of the machine may read is used, with a warning.
 */
static int set_from_file(mc_config *cfg, const struct setting *s, const char *path, const char *origin)
{
	char *field = (char *)cfg + s->offset;
	char *buf = mc_xmalloc(s->cap + 2);
	struct stat sb;
	size_t len = 0;
	ssize_t got;
	int rc = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "motcua: %s (%s): could not open %s: %s\n", s->key, origin, path,
			strerror(errno));
		free(buf);
		return MC_EINVAL;
	}
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (sb.st_mode & S_IROTH))
		fprintf(stderr,
			"motcua: %s (%s): %s is readable by every user of the machine; make it readable by "
			"the service only (chmod o-r)\n",
			s->key, origin, path);
	/* Up to the setting's size and a line end (\r\n); then the file must end. */
	while (len < s->cap + 1 && (got = read(fd, buf + len, s->cap + 1 - len)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "motcua: %s (%s): could not read %s: %s\n", s->key, origin, path,
				strerror(errno));
			rc = MC_EINVAL;
			goto cleanup;
		}
		len += (size_t)got;
	}
	char more;
	bool too_long = len == s->cap + 1 && read(fd, &more, 1) > 0;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if (too_long || len > s->cap - 1) {
		fprintf(stderr, "motcua: %s (%s): %s is longer than %zu bytes\n", s->key, origin, path,
			s->cap - 1);
		rc = MC_EINVAL;
	} else if (len == 0) {
		fprintf(stderr, "motcua: %s (%s): %s is empty\n", s->key, origin, path);
		rc = MC_EINVAL;
	} else if (memchr(buf, '\0', len) || memchr(buf, '\n', len) || memchr(buf, '\r', len)) {
		fprintf(stderr, "motcua: %s (%s): %s must hold one line\n", s->key, origin, path);
		rc = MC_EINVAL;
	} else {
		memcpy(field, buf, len);
		field[len] = '\0';
	}
cleanup:
	close(fd);
	for (volatile char *c = buf; c < buf + s->cap + 2; c++)
		*c = '\0';
	free(buf);
	return rc;
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

/*
 * The value of a line of the file, in place: either a quoted string
 * ("…", where \" is a quote and \\ a backslash; nothing but a comment may
 * follow the closing quote), or the text up to a '#' that follows a space or
 * a tab (a comment), without the spaces around it. So `db = /srv/a.db  # main`
 * is /srv/a.db, while a '#' inside a word stays: `sms_url =
 * https://sms.example/#send`. A value that must hold " #" is quoted. NULL with
 * *why set when the line is malformed.
 */
static char *parse_value(char *v, const char **why)
{
	while (*v == ' ' || *v == '\t')
		v++;
	if (*v == '"') {
		char *out = v, *p = v + 1;
		while (*p && *p != '"') {
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
				p++;
			*out++ = *p++;
		}
		if (*p != '"') {
			*why = "a quoted value has no closing quote";
			return NULL;
		}
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p && *p != '#') {
			*why = "only a comment may follow a quoted value";
			return NULL;
		}
		*out = '\0';
		return v;
	}
	for (char *p = v; *p; p++) {
		if (*p == '#' && (p == v || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			break;
		}
	}
	return trim(v);
}

/* Whether the file set this setting, and how: to refuse both key and key_file. */
typedef struct {
	unsigned char by[MC_ARRAY_LEN(settings)]; /* 0 not set, 1 the key, 2 key_file */
} file_seen;

static int load_file(mc_config *cfg, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "motcua: could not open %s: %s\n", path, strerror(errno));
		return MC_EINVAL;
	}
	char *line = NULL;
	size_t line_cap = 0;
	int lineno = 0, rc = 0;
	file_seen seen = {0};
	while (rc == 0 && getline(&line, &line_cap, f) >= 0) {
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
		const char *why = NULL;
		char *key = trim(l), *value = parse_value(eq + 1, &why);
		char origin[1100];
		snprintf(origin, sizeof origin, "%s:%d", path, lineno);
		if (!value) {
			fprintf(stderr, "motcua: %s: %s: %s\n", origin, key, why);
			rc = MC_EINVAL;
			break;
		}
		const struct setting *s = find(key);
		const struct setting *from_file = s ? NULL : find_file_key(key);
		if (!s && !from_file) {
			fprintf(stderr, "motcua: %s: unknown setting %s\n", origin, key);
			rc = MC_EINVAL;
			break;
		}
		const struct setting *target = s ? s : from_file;
		unsigned char how = s ? 1 : 2;
		size_t index = (size_t)(target - settings);
		if (seen.by[index] && seen.by[index] != how) {
			fprintf(stderr, "motcua: %s: %s and %s_file are both set: give one\n", origin,
				target->key, target->key);
			rc = MC_EINVAL;
			break;
		}
		seen.by[index] = how;
		rc = s ? set_one(cfg, s, value, origin) : set_from_file(cfg, from_file, value, origin);
	}
	free(line);
	fclose(f);
	return rc;
}

/* The settings that may come from a file, from systemd's credentials
 * (LoadCredential=payment_secret:/etc/motcua/payment_secret gives the
 * service $CREDENTIALS_DIRECTORY/payment_secret): a credential named after
 * the setting overrides the file and is overridden by the environment. */
static int load_credentials(mc_config *cfg)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	if (!dir || !*dir)
		return 0;
	for (size_t i = 0; i < MC_ARRAY_LEN(settings); i++) {
		char path[4096];
		if (!(flags_of(&settings[i]) & FROM_FILE))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, settings[i].key);
		if (access(path, F_OK) != 0)
			continue;
		if (set_from_file(cfg, &settings[i], path, "systemd credential") != 0)
			return MC_EINVAL;
	}
	return 0;
}

static void env_name(char *out, size_t cap, const char *key, const char *suffix)
{
	size_t n = (size_t)snprintf(out, cap, "MOTCUA_");
	for (const char *k = key; *k && n + 1 < cap; k++)
		out[n++] = (char)toupper((unsigned char)*k);
	out[n] = '\0';
	snprintf(out + n, cap - n, "%s", suffix);
}

/*
 * Variables named MOTCUA_… that are not settings but are read by motcua (the
 * demo's password, where the PostgreSQL tools are, the demo generator's
 * cache) or by its own test and build scripts, which pass their environment
 * on to the servers they start (tests/api/harness.mjs).
 */
static const char *const other_variables[] = {
    "MOTCUA_DEMO_PASSWORD",    "MOTCUA_PG_BINDIR", "MOTCUA_SQLITE_CACHE_MB", "MOTCUA_BIN",
    "MOTCUA_TEST_DB_URL_BASE", "MOTCUA_SHOTS",	   "MOTCUA_FORMS_PICTURES",
};

/* A MOTCUA_… variable that names no setting is refused as an unknown key of
 * the file is: MOTCUA_PUBLIC_URI or MOTCUA_PAYMENT_SECRETS set in a unit's
 * environment would otherwise be ignored without a word. */
static int check_unknown_variables(void)
{
	extern char **environ;
	int rc = 0;

	for (char **e = environ; e && *e; e++) {
		if (strncmp(*e, "MOTCUA_", 7) != 0)
			continue;
		size_t n = strcspn(*e, "=");
		bool known = false;
		for (size_t i = 0; !known && i < MC_ARRAY_LEN(other_variables); i++)
			known = strlen(other_variables[i]) == n && strncmp(*e, other_variables[i], n) == 0;
		for (size_t i = 0; !known && i < MC_ARRAY_LEN(settings); i++) {
			char name[80];
			env_name(name, sizeof name, settings[i].key, "");
			known = strlen(name) == n && strncmp(*e, name, n) == 0;
			if (!known && (flags_of(&settings[i]) & FROM_FILE)) {
				env_name(name, sizeof name, settings[i].key, "_FILE");
				known = strlen(name) == n && strncmp(*e, name, n) == 0;
			}
		}
		if (!known) {
			fprintf(
			    stderr,
			    "motcua: unknown setting in the environment: %.*s (settings are MOTCUA_ and the "
			    "key in capitals, e.g. MOTCUA_PUBLIC_URL; `motcua config` lists them)\n",
			    (int)n, *e);
			rc = MC_EINVAL;
		}
	}
	return rc;
}

int mc_config_load(mc_config *out, const char *path)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < MC_ARRAY_LEN(settings); i++)
		set_one(out, &settings[i], settings[i].def, "default");
	if (check_unknown_variables() != 0)
		return MC_EINVAL;
	if (path && load_file(out, path) != 0)
		return MC_EINVAL;
	if (load_credentials(out) != 0)
		return MC_EINVAL;
	for (size_t i = 0; i < MC_ARRAY_LEN(settings); i++) {
		char name[80], file_name[80];
		env_name(name, sizeof name, settings[i].key, "");
		env_name(file_name, sizeof file_name, settings[i].key, "_FILE");
		const char *v = getenv(name);
		const char *file = flags_of(&settings[i]) & FROM_FILE ? getenv(file_name) : NULL;
		if (v && file) {
			fprintf(stderr, "motcua: %s and %s are both set: give one\n", name, file_name);
			return MC_EINVAL;
		}
		if (v && set_one(out, &settings[i], v, name) != 0)
			return MC_EINVAL;
		if (file && set_from_file(out, &settings[i], file, file_name) != 0)
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
			/* A secret is shown as set or not, never printed; a URL
			 * without its password. */
			if (flags_of(s) & SECRET) {
				fprintf(out, "%s = %s", s->key, field[0] ? "(set)" : "");
			} else if (flags_of(s) & URL) {
				char *shown = mc_redact_url(field);
				fprintf(out, "%s = %s", s->key, shown);
				free(shown);
			} else {
				fprintf(out, "%s = %s", s->key, field);
			}
			break;
		case T_INT:
			fprintf(out, "%s = %ld", s->key, *(const long *)field);
			break;
		case T_BOOL:
			fprintf(out, "%s = %s", s->key, *(const bool *)field ? "true" : "false");
			break;
		}
		if (flags_of(s) & FROM_FILE) {
			char file_var[80];
			env_name(file_var, sizeof file_var, s->key, "_FILE");
			fprintf(
			    out,
			    "\t# %s; or read from a file: %s_file = PATH, %s, or the systemd credential %s\n",
			    s->help, s->key, file_var, s->key);
		} else {
			fprintf(out, "\t# %s\n", s->help);
		}
	}
}
