/*
 * cli.h - the motcua command line: one function per command, each taking the
 * arguments after its name and returning the process exit status.
 */
#ifndef MC_CLI_H
#define MC_CLI_H

#include "report/reform.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct mc_store mc_store;

int mc_cli_init(int argc, char **argv);
int mc_cli_serve(int argc, char **argv);
int mc_cli_user(int argc, char **argv);
int mc_cli_unit(int argc, char **argv);
/* `motcua unit plan` and `motcua unit apply` (cli/unit_plan.c); -1 when argv[0]
 * is neither. */
int mc_cli_unit_plan(int argc, char **argv);
int mc_cli_audit(int argc, char **argv);
/* `motcua files expire`: the hourly expiry of uploads, at a given time. */
int mc_cli_files(int argc, char **argv);
int mc_cli_stats(int argc, char **argv);
int mc_cli_portal(int argc, char **argv);
int mc_cli_backup(int argc, char **argv);
int mc_cli_restore(int argc, char **argv);
int mc_cli_calendar(int argc, char **argv);
int mc_cli_config(int argc, char **argv);
int mc_cli_report(int argc, char **argv);
/* `motcua report par`: the reform index and rating of a year (report_par.c). */
int mc_cli_report_par(int argc, char **argv);
/* The reform index and rating published in the report's period, into r->par
 * (report/reform.h mc_reform_par), through the app layer (report_par.c). */
int mc_cli_reform_par(mc_store *st, mc_reform *r);

int mc_cli_demo(int argc, char **argv);
/* The demo CA (cli/demo_sign.c): made by init --demo beside the database's
 * files (<files dir>.sign, *dir), with the demo's issued documents signed by
 * its keys; mc_cli_demo_ca_note tells at start-up where its certificate is. */
typedef struct mc_time_ctx mc_time_ctx;
void mc_cli_demo_sign_dir(mc_store *st, char *out, size_t cap);
int mc_cli_demo_sign(mc_store *st, const mc_time_ctx *tc, FILE *log);
void mc_cli_demo_ca_note(mc_store *st, char *ca, size_t cap);
/* `motcua signature sign|verify`: PAdES signatures (cli/signature.c). */
int mc_cli_signature(int argc, char **argv);
/* Anchors every dossier changed since the last anchor (app/audit.h), signed
 * with audit_key_file when the configuration (environment) names one; after
 * init and demo. Returns 0 or prints why not. */
int mc_cli_anchor_all(mc_store *st);
/* `motcua personal export|erase|purge`: personal data (cli/personal.c). */
int mc_cli_personal(int argc, char **argv);
/* `motcua routes [--json]`: the API's route table (cli/routes.c). */
int mc_cli_routes(int argc, char **argv);
/* `motcua --version`: version, git commit and schema version (cli/ops.c). */
int mc_cli_version(int argc, char **argv);
/* `motcua migrate [--dry-run]`: apply the migrations, or list those a start
 * would apply (cli/ops.c). */
int mc_cli_migrate(int argc, char **argv);
/* `motcua check [--quick]`: every attachment the database names is on disk,
 * whole; files nothing names are listed (cli/ops.c). */
int mc_cli_check(int argc, char **argv);

/* The database a command works on: --db, else `db` of the configuration
 * (--config FILE, MOTCUA_DB, MOTCUA_DB_FILE, a systemd credential), as the
 * server would take it, into out (cap bytes). Says why on stderr and returns
 * MC_EINVAL when there is none (cli/ops.c). */
int mc_cli_database(char *out, size_t cap, int argc, char **argv);
/* url (a database URL or path, an SMTP or SMS URL) as messages may show it:
 * its password and secret parameters hidden (core/redact.h). Borrowed: the
 * last four results stay valid (cli/ops.c). */
const char *mc_cli_shown(const char *url);

/* The value of option `name` in argv ("" for a flag when !has_value), NULL
 * when absent. Borrowed from argv. */
const char *mc_cli_opt(int argc, char **argv, const char *name, bool has_value);
/* Refuses (exit status 2, said on stderr) an option from argv[first_positional]
 * on that is not in known (NULL-terminated). 0 when all are known. */
int mc_cli_check_opts(int argc, char **argv, const char *const *known, int first_positional);

#endif
