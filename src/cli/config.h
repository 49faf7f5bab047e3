/*
 * config.h - settings of motcua, loaded once at start from a table of
 * {key, type, min, max, default}: defaults, then a configuration file
 * (key = value lines), then MOTCUA_<KEY> environment variables, then
 * command-line flags. Each value is validated; a bad one fails with its key's
 * name. `motcua config` prints the effective values.
 */
#ifndef MC_CLI_CONFIG_H
#define MC_CLI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct {
	char db[1024];
	char db_read[1024];
	char listen[256];
	long workers;
	long max_body;
	long max_upload;
	long session_hours;
	long group_batch;
	long group_lock_wait_ms;
	long db_lock_timeout_ms;
	long db_statement_timeout_ms;
	long db_idle_in_transaction_timeout_ms;
	bool access_log;
	char web_root[1024];
	char public_url[512];
	char smtp_url[512];
	char smtp_user[256];
	char smtp_password[256];
	char mail_from[256];
	char sms_url[512];
	long notify_interval;
	long reload_interval_ms;
	char payment_partner_code[64];
	char payment_secret[256];
	char payment_url[512];
	bool payment_test_provider;
} mc_config;

/* Defaults, then the file (when path is not NULL), then the environment.
 * Returns 0, or MC_EINVAL after printing which key is wrong. */
int mc_config_load(mc_config *out, const char *path);
/* Sets one key from text (a flag). MC_EINVAL with a message when invalid, MC_ENOTFOUND for an unknown key. */
int mc_config_set(mc_config *cfg, const char *key, const char *value);
void mc_config_print(const mc_config *cfg, FILE *out);

#endif
