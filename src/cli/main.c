/* motcua - the one-stop (một cửa) administrative procedure system. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
	fputs(
	    "usage: motcua <command> [options]\n"
	    "\n"
	    "  init --db PATH [--demo] [--dossiers N]   create or migrate a database; --demo loads the demo "
	    "province\n"
	    "       [--reorganised]                     ... and applies its reorganisation of 2025-07-01 "
	    "(docs/units.md)\n"
	    "       [--documents N]                     ... with N documents of 2017 between its units "
	    "(1200; 0 = none)\n"
	    "  serve [--db PATH] [--listen HOST:PORT] [--workers N] [--config FILE]\n"
	    "  unit add --db PATH --code CODE --name NAME --level LEVEL [--parent CODE] [--province CODE]\n"
	    "  unit plan --db PATH --file PLAN.json [--apply]\n"
	    "                                           check a reorganisation plan, store it, print its "
	    "preview\n"
	    "  unit apply --db PATH (--plan ID | --due) [--at TIME]\n"
	    "                                           apply a stored plan (scheduled when its day is "
	    "later)\n"
	    "  user add --db PATH --username U --role ROLE [--unit CODE] --name NAME [--password P]\n"
	    "  migrate [--db URL | --config FILE] [--dry-run]\n"
	    "                                           apply the migrations; --dry-run lists those a start "
	    "would apply\n"
	    "  backup (--db URL | --config FILE) --out FILE\n"
	    "                                           consistent copy of a live database and its "
	    "attachments (mode 0600)\n"
	    "  restore (--db URL | --config FILE) --from FILE\n"
	    "                                           put a backup back (refused while a server uses the "
	    "database)\n"
	    "  check [--db URL | --config FILE] [--quick]\n"
	    "                                           every attachment on disk with its SHA-256; files "
	    "nothing names\n"
	    "  audit verify --db PATH [--key FILE | --public-key HEX]\n"
	    "                                           check the event log: chains, dossiers and anchors\n"
	    "  audit anchor --db PATH [--key FILE]      anchor the dossiers changed since the last anchor\n"
	    "  audit keygen --out FILE                  make an Ed25519 key to sign anchors "
	    "(audit_key_file)\n"
	    "  files expire --db PATH [--at TIME]       remove uploads no dossier holds a day after, as of "
	    "TIME\n"
	    "  stats rebuild (--db URL | --config FILE) count the statistics roll-ups again from the "
	    "dossiers\n"
	    "  portal lookup CODE [--config FILE] [--db URL]\n"
	    "                                           ask the national portal whether it knows a dossier "
	    "(TraCuuHoSo)\n"
	    "  personal export (--db URL | --config FILE) --citizen USERNAME|ID_NUMBER --out FILE\n"
	    "                                           a citizen's data as tar.gz (manifest.json and the "
	    "files)\n"
	    "  personal erase (--db URL | --config FILE) --citizen USERNAME|ID_NUMBER\n"
	    "                                           erase an account on its owner's request (no open "
	    "dossier)\n"
	    "  personal purge (--db URL | --config FILE) [--at TIME] [--dry-run]\n"
	    "                                           pseudonymise or delete personal data past retention\n"
	    "  calendar lunar YYYY-MM-DD [--json]\n"
	    "  calendar solar D/M/YYYY [--leap] [--json]\n"
	    "  calendar days-off YYYY [--db PATH] [--json]\n"
	    "  calendar due --from YYYY-MM-DDTHH:MM --hours N [--cutoff HH:MM] [--db PATH] [--json]\n"
	    "  report reform --db PATH --from YYYY-MM-DD --to YYYY-MM-DD --format pdf|md [--out FILE]\n"
	    "                                           the administrative-reform report of a period\n"
	    "  report par --db PATH --year YYYY (--json | --format json|md) [--out FILE]\n"
	    "                                           the reform index and the rating of units of a year\n"
	    "  signature sign IN.pdf OUT.pdf (--p12 FILE | --key KEY.pem --cert CERT.pem) [--password-file "
	    "F]\n"
	    "                                           sign a PDF (PAdES, an incremental update)\n"
	    "  signature verify FILE.pdf [--trust CA.pem] [--crl CRL|DIR] [--json]\n"
	    "                                           check every signature of a PDF (exit 1 when one is "
	    "invalid)\n"
	    "  demo --db PATH --dossiers N [--year YYYY] [--seed S]\n"
	    "                                           add N generated dossiers of a year to a demo "
	    "database\n"
	    "  config [--config FILE]                    print the effective settings\n"
	    "  routes [--json]                          every API route with its methods, authentication and "
	    "roles\n"
	    "  --version                                version, git commit and schema version of this "
	    "binary\n",
	    out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "init") == 0)
		return mc_cli_init(argc - 2, argv + 2);
	if (strcmp(cmd, "serve") == 0)
		return mc_cli_serve(argc - 2, argv + 2);
	if (strcmp(cmd, "backup") == 0)
		return mc_cli_backup(argc - 2, argv + 2);
	if (strcmp(cmd, "restore") == 0)
		return mc_cli_restore(argc - 2, argv + 2);
	if (strcmp(cmd, "audit") == 0)
		return mc_cli_audit(argc - 2, argv + 2);
	if (strcmp(cmd, "personal") == 0)
		return mc_cli_personal(argc - 2, argv + 2);
	if (strcmp(cmd, "files") == 0)
		return mc_cli_files(argc - 2, argv + 2);
	if (strcmp(cmd, "stats") == 0)
		return mc_cli_stats(argc - 2, argv + 2);
	if (strcmp(cmd, "portal") == 0)
		return mc_cli_portal(argc - 2, argv + 2);
	if (strcmp(cmd, "unit") == 0)
		return mc_cli_unit(argc - 2, argv + 2);
	if (strcmp(cmd, "user") == 0)
		return mc_cli_user(argc - 2, argv + 2);
	if (strcmp(cmd, "report") == 0)
		return mc_cli_report(argc - 2, argv + 2);
	if (strcmp(cmd, "signature") == 0)
		return mc_cli_signature(argc - 2, argv + 2);
	if (strcmp(cmd, "demo") == 0)
		return mc_cli_demo(argc - 2, argv + 2);
	if (strcmp(cmd, "calendar") == 0)
		return mc_cli_calendar(argc - 2, argv + 2);
	if (strcmp(cmd, "config") == 0)
		return mc_cli_config(argc - 2, argv + 2);
	if (strcmp(cmd, "routes") == 0)
		return mc_cli_routes(argc - 2, argv + 2);
	if (strcmp(cmd, "migrate") == 0)
		return mc_cli_migrate(argc - 2, argv + 2);
	if (strcmp(cmd, "check") == 0)
		return mc_cli_check(argc - 2, argv + 2);
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0)
		return mc_cli_version(argc - 2, argv + 2);
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "motcua: unknown command %s\n", cmd);
	usage(stderr);
	return 2;
}
