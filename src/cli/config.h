/*
 * config.h - settings of motcua, loaded once at start from a table of
 * {key, type, min, max, default}: defaults, then a configuration file
 * (key = value lines, '#' comments), then systemd credentials for the
 * secrets, then MOTCUA_<KEY> environment variables, then command-line flags.
 * Each value is validated; a bad one, an unknown key or an unknown MOTCUA_…
 * variable fails with its name. Secrets (passwords, tokens, URLs that may
 * hold a password) may be read from files. `motcua config` prints the
 * effective values, secrets hidden (docs/operations.md §3).
 */
#ifndef MC_CLI_CONFIG_H
#define MC_CLI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct {
	char db[1024];
	char db_read[1024];
	long db_read_max_lag;
	long ready_max_replica_lag;
	char listen[256];
	long workers;
	long max_body;
	long max_upload;
	long max_request;
	long max_headers;
	long document_draft_max;
	long upload_quota_files;
	long upload_quota_bytes;
	long upload_daily_bytes;
	long audit_anchor_seconds;
	char audit_key_file[1024];
	long startup_check_seconds;
	long session_hours;
	long group_batch;
	long group_lock_wait_ms;
	long db_lock_timeout_ms;
	long db_statement_timeout_ms;
	long db_idle_in_transaction_timeout_ms;
	bool access_log;
	char web_root[1024];
	long idle_timeout;
	long shutdown_grace;
	long body_budget;
	long header_timeout;
	long body_timeout;
	long body_min_rate;
	char trusted_proxies[1024];
	long hash_threads;
	long hash_queue;
	long login_failures;
	long login_window;
	long signin_account_max;
	long signin_address_max;
	long recovery_account_max;
	long recovery_address_max;
	long recovery_window;
	long personal_export_per_day;
	long exchange_refusals_per_hour;
	long signin_window;
	long max_sessions;
	char metrics_allow[1024];
	char metrics_token[256];
	long cache_mb;
	long cache_entry_kb;
	long cache_max_age;
	long limiter_slots;
	long listen_backlog;
	long session_purge_interval;
	long retention_dossier_years;
	long retention_message_days;
	long retention_read_log_days;
	long personal_purge_interval;
	char public_url[512];
	char smtp_url[512];
	char smtp_user[256];
	char smtp_password[256];
	char mail_from[256];
	char sms_url[512];
	long notify_interval;
	/* The national public-service portal's sync (app/portal.h). */
	char portal_url[512];
	char portal_token[512];
	char portal_login_url[512];
	char portal_username[256];
	char portal_password[512];
	long portal_max_attempts;
	long portal_backoff;
	long portal_timeout;
	long reload_interval_ms;
	long filing_account_per_hour;
	long filing_account_per_day;
	long filing_address_per_hour;
	long filing_address_per_day;
	char payment_partner_code[64];
	char payment_secret[256];
	char payment_url[512];
	bool payment_test_provider;
	char oidc_issuer[512];
	char oidc_client_id[256];
	char oidc_client_secret[256];
	char oidc_redirect_url[512];
	char oidc_id_claim[64];
	char oidc_scopes[256];
	char sign_dir[512];
	char sign_trust_file[512];
	char sign_crl[512];
	char exchange_peers[512];
	char exchange_key_file[512];
	char exchange_cert_file[512];
	long exchange_retry_seconds;
} mc_config;

/* Defaults, then the file (when path is not NULL), then the environment.
 * Returns 0, or MC_EINVAL after printing which key is wrong. */
int mc_config_load(mc_config *out, const char *path);
/* Sets one key from text (a flag). MC_EINVAL with a message when invalid, MC_ENOTFOUND for an unknown key. */
int mc_config_set(mc_config *cfg, const char *key, const char *value);
void mc_config_print(const mc_config *cfg, FILE *out);

#endif
