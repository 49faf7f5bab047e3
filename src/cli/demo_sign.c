/*
 * demo_sign.c - the demo's signatures (docs/operations.md §14, "The demo
 * CA"): `motcua init --demo` makes a demo root CA and keys for the demo's
 * leaders and seals beside the database's files, and signs the demo's issued
 * documents with them as issuing would (the leader's, then the seal's), so
 * that a visitor's download carries signatures pdfsig accepts once the demo
 * CA is trusted; and sends the department's and the district's documents
 * addressed to the province to it, as issuing does. Nothing of it is
 * committed: every init makes new keys.
 */
#include "cli/cli.h"

#include "api/api.h"
#include "api/document_files.h"
#include "app/document.h"
#include "app/dossier.h"
#include "core/document.h"
#include "demo/demo.h"
#include "sign/demo_ca.h"
#include "store/db.h"
#include "store/store.h"
#include "store/store_document.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PROVINCE "000.00.00.H56"
/* The province's own documents of 2017 were signed by its leadership, who
 * have no account in the demo: a title, not a real person's name. */
#define PROVINCE_SIGNER "lanhdao.tinh"
#define PROVINCE_SIGNER_NAME "Lãnh đạo UBND tỉnh Thanh Hóa"

/* The demo's leaders: their keys by username, their units' seals. */
static const char *const leaders[] = {"lanhdao", "lanhdao.stnmt"};

void mc_cli_demo_sign_dir(mc_store *st, char *out, size_t cap)
{
	snprintf(out, cap, "%s.sign", mc_db_files_dir(st));
}

/* The subjects: the province's signer and seal, each leader and their
 * unit's seal. Strings owned by users and units (cleared by the caller). */
static int subjects_of(mc_store *st, mc_sign_demo_subject *s, size_t *n, mc_user *users, mc_unit *units,
		       char seal_names[][96])
{
	size_t k = 0;
	int rc = mc_store_unit_by_code(st, &units[0], PROVINCE);
	if (rc)
		return rc;
	s[k++] = (mc_sign_demo_subject){PROVINCE_SIGNER, PROVINCE_SIGNER_NAME, units[0].name};
	snprintf(seal_names[0], 96, "seal-%s", units[0].code);
	s[k++] = (mc_sign_demo_subject){seal_names[0], units[0].name, units[0].name};
	for (size_t i = 0; i < MC_ARRAY_LEN(leaders); i++) {
		rc = mc_store_user_by_username(st, &users[i], NULL, 0, leaders[i]);
		if (rc == 0)
			rc = mc_store_unit_get(st, &units[i + 1], users[i].unit_id);
		if (rc)
			return rc;
		s[k++] = (mc_sign_demo_subject){leaders[i], users[i].full_name, units[i + 1].name};
		snprintf(seal_names[i + 1], 96, "seal-%s", units[i + 1].code);
		s[k++] = (mc_sign_demo_subject){seal_names[i + 1], units[i + 1].name, units[i + 1].name};
	}
	*n = k;
	return 0;
}

/* Signs unit's issued documents, each at the time it was issued, with the
 * keys of signer (the leader's, then the unit's seal), except those the demo
 * issued unsigned, and sends those with recipient units to them as issuing
 * does (mc_app_document_dispatch), by actor. */
static int sign_issued(mc_store *st, const mc_time_ctx *tc, const char *dir, const mc_unit *unit,
		       const char *signer, const char *signer_name, const mc_actor *actor, size_t *signed_n,
		       size_t *sent_n)
{
	mc_document *docs = NULL;
	size_t n = 0;
	int64_t total = 0;
	mc_doc_keys *k = NULL;
	char why[768];
	mc_document_query q = {
	    .scope_unit_id = unit->id, .box = MC_DOC_OUT, .state = MC_DOC_ISSUED, .limit = 1000};
	const mc_unit *u = mc_time_ctx_unit(tc, unit->id);
	int rc = mc_store_document_list(st, &docs, &n, &total, &q);
	if (rc == 0)
		rc = mc_api_document_keys_load(dir, signer, signer_name, u, mc_api_unit_place(tc, u), &k, why,
					       sizeof why);
	if (rc) {
		fprintf(stderr, "motcua: demo signatures: %s\n", rc == 0 ? "" : why);
		goto cleanup;
	}
	rc = mc_store_begin(st);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (docs[i].unit_id != unit->id)
			continue;
		if (!mc_demo_document_unsigned(unit->code, docs[i].notation ? docs[i].notation : "")) {
			rc = mc_api_document_seal(st, tc, &docs[i], k, docs[i].issued_at, NULL);
			if (rc == 0)
				(*signed_n)++;
		}
		if (rc == 0 && docs[i].recipient_units && docs[i].recipient_units[0]) {
			rc = mc_app_document_dispatch(st, tc, actor, &docs[i]);
			if (rc == 0)
				(*sent_n)++;
		}
	}
	if (rc == 0)
		rc = mc_store_commit(st);
	else
		mc_store_rollback(st);
cleanup:
	mc_api_document_keys_free(k);
	mc_document_free_list(docs, n);
	return rc;
}

int mc_cli_demo_sign(mc_store *st, const mc_time_ctx *tc, FILE *log)
{
	mc_sign_demo_subject subjects[2 + 2 * MC_ARRAY_LEN(leaders)];
	mc_user users[MC_ARRAY_LEN(leaders)];
	mc_unit units[1 + MC_ARRAY_LEN(leaders)];
	char seal_names[1 + MC_ARRAY_LEN(leaders)][96], dir[1024], why[512];
	size_t n = 0, signed_n = 0, sent_n = 0;
	int64_t from = 0;
	memset(users, 0, sizeof users);
	memset(units, 0, sizeof units);

	mc_cli_demo_sign_dir(st, dir, sizeof dir);
	int rc = subjects_of(st, subjects, &n, users, units, seal_names);
	if (rc) {
		fprintf(stderr, "motcua: demo signatures: the demo's leaders and units are not there\n");
		goto cleanup;
	}
	/* valid over the demo's year, so that its documents are signed when
	 * they were issued, and for ten years from today */
	mc_time_parse(&from, "2017-01-01T00:00");
	rc = mc_sign_demo_ca(dir, subjects, n, from, mc_now() + 10 * 366 * 86400LL, why, sizeof why);
	if (rc) {
		fprintf(stderr, "motcua: demo signatures: %s\n", why);
		goto cleanup;
	}
	/* the province's (its leadership has no account: sent by the system),
	 * then each leader's unit's, sent by the leader */
	mc_actor system = {.user_id = 0, .system = true};
	rc = sign_issued(st, tc, dir, &units[0], PROVINCE_SIGNER, PROVINCE_SIGNER_NAME, &system, &signed_n,
			 &sent_n);
	for (size_t i = 0; rc == 0 && i < MC_ARRAY_LEN(leaders); i++) {
		mc_actor leader = {
		    .user_id = users[i].id, .role = (mc_role)users[i].role, .unit_id = users[i].unit_id};
		snprintf(leader.name, sizeof leader.name, "%s", users[i].full_name);
		rc = sign_issued(st, tc, dir, &units[i + 1], leaders[i], users[i].full_name, &leader,
				 &signed_n, &sent_n);
	}
	if (rc)
		goto cleanup;
	if (log)
		fprintf(
		    log,
		    "motcua: demo documents signed (%zu) by the demo CA \"%s\", %zu sent to their recipient "
		    "units; its certificate: %s/ca.crt (trust it to check them: docs/operations.md §14); the "
		    "demo keys: %s\n",
		    signed_n, MC_SIGN_DEMO_CA_NAME, sent_n, dir, dir);
cleanup:
	for (size_t i = 0; i < MC_ARRAY_LEN(leaders); i++)
		mc_user_clear(&users[i]);
	for (size_t i = 0; i < MC_ARRAY_LEN(units); i++)
		mc_unit_clear(&units[i]);
	return rc;
}

void mc_cli_demo_ca_note(mc_store *st, char *ca, size_t cap)
{
	char dir[1024];
	struct stat sb;
	mc_cli_demo_sign_dir(st, dir, sizeof dir);
	snprintf(ca, cap, "%s/ca.crt", dir);
	if (stat(ca, &sb) != 0)
		ca[0] = '\0';
	else
		fprintf(stderr,
			"motcua: the demo's documents are signed by the demo CA \"%s\"; its certificate: %s "
			"(demo keys in %s; set sign_dir to it to sign what the demo's leaders issue)\n",
			MC_SIGN_DEMO_CA_NAME, ca, dir);
}
