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
	{"public_url", T_STRING, 0, 0, "http://127.0.0.1:8080", offsetof(mc_config, public_url),
	 sizeof((mc_config *)0)->public_url, "the portal's public address, for links and QR codes"},
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
			if (strstr(s->key, "password") || strstr(s->key, "secret"))
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
