/*
 * cli.h - the motcua command line: one function per command, each taking the
 * arguments after its name and returning the process exit status.
 */
#ifndef MC_CLI_H
#define MC_CLI_H

int mc_cli_init(int argc, char **argv);
int mc_cli_serve(int argc, char **argv);
int mc_cli_user(int argc, char **argv);
int mc_cli_unit(int argc, char **argv);
int mc_cli_audit(int argc, char **argv);
int mc_cli_backup(int argc, char **argv);
int mc_cli_restore(int argc, char **argv);
int mc_cli_calendar(int argc, char **argv);
int mc_cli_config(int argc, char **argv);
int mc_cli_report(int argc, char **argv);
int mc_cli_demo(int argc, char **argv);
/* `motcua routes [--json]`: the API's route table (cli/routes.c). */
int mc_cli_routes(int argc, char **argv);

#endif
