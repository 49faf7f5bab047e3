/*
 * limits.h - the one table of how long a text field may be, in characters
 * (Unicode code points, as src/http/fields.c counts them), not bytes: a
 * Vietnamese name of 120 letters may take 360 bytes. The structs that carry
 * these texts hold owned strings of any length (store.h); a value over its
 * limit is refused where it comes in (422 invalid-field naming the field),
 * never cut, never emptied.
 *
 * The API field specs (src/http/fields.h, mc_field max) and whatever else
 * checks a text take their limit from here, and docs/openapi.yaml states the
 * same numbers (maxLength).
 */
#ifndef MC_CORE_LIMITS_H
#define MC_CORE_LIMITS_H

/* ---- dossiers (store.h mc_dossier, mc_dossier_doc; api/dossiers.c) ----- */

/* The applicant: a person's or an organisation's name (MC_F_NAME). */
#define MC_LIMIT_DOSSIER_APPLICANT_NAME 120
/* A citizen identity number (CCCD, 12 digits) or a tax code; at least 9. */
#define MC_LIMIT_DOSSIER_APPLICANT_ID_NUMBER 31
#define MC_LIMIT_DOSSIER_APPLICANT_ID_NUMBER_MIN 9
#define MC_LIMIT_DOSSIER_APPLICANT_PHONE 31
#define MC_LIMIT_DOSSIER_APPLICANT_EMAIL 127
#define MC_LIMIT_DOSSIER_APPLICANT_ADDRESS 250
/* The reasons given with an action (refusal, supplement, stop, a refused
 * result; a bulk refusal of submissions): the dossier's note and its event's. */
#define MC_LIMIT_DOSSIER_NOTE 1000
/* A document handed in or back: its name, and the file name shown for its
 * attachment; at most MC_LIMIT_DOSSIER_DOCS of them per request. */
#define MC_LIMIT_DOSSIER_DOC_NAME 120
#define MC_LIMIT_DOSSIER_DOC_FILENAME 60
#define MC_LIMIT_DOSSIER_DOCS 50

#endif
