/*
 * app/form_number.h - the numbers (Số) the system gives forms 02 and 04
 * (docs/forms.md): a series per kind, unit and local year, never reused and
 * never skipped, taken in the transaction that records the act.
 */
#ifndef MC_APP_FORM_NUMBER_H
#define MC_APP_FORM_NUMBER_H

#include "store/store.h"

#define MC_FORM_NUMBER_SUPPLEMENT 2 /* form 02; ref: the request's time */
#define MC_FORM_NUMBER_APOLOGY 4    /* form 04; ref: the apology's id */

/* Takes the next number of unit_id's series of `kind` in the local year of
 * `at` for the act (dossier_id, ref). Codes of mc_store_form_number_take. */
int mc_app_form_number_take(mc_store *st, int kind, int64_t dossier_id, int64_t ref, int64_t unit_id,
			    int64_t at);

/* "<number>/<notation>-<unit code>" of the act's number into out, or the
 * number left blank for the văn thư ("      /<notation>-<unit code>") when
 * it has none (a draft, an act before migration 031). */
void mc_app_form_number_text(char *out, size_t cap, mc_store *st, int kind, int64_t dossier_id, int64_t ref,
			     const char *notation, const char *unit_code);

#endif
