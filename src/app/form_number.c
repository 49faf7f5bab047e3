#include "app/form_number.h"

#include <stdio.h>

int mc_app_form_number_take(mc_store *st, int kind, int64_t dossier_id, int64_t ref, int64_t unit_id,
			    int64_t at)
{
	int y, m, d;
	mc_civil_from_days(mc_local_day(at), &y, &m, &d);
	mc_form_number n = {
	    .kind = kind, .dossier_id = dossier_id, .ref = ref, .unit_id = unit_id, .year = y};
	return mc_store_form_number_take(st, &n);
}

void mc_app_form_number_text(char *out, size_t cap, mc_store *st, int kind, int64_t dossier_id, int64_t ref,
			     const char *notation, const char *unit_code)
{
	mc_form_number n = {0};
	if (mc_store_form_number_get(st, &n, kind, dossier_id, ref) == 0)
		snprintf(out, cap, "%lld/%s-%s", (long long)n.number, notation, unit_code ? unit_code : "");
	else
		snprintf(out, cap, "        /%s-%s", notation, unit_code ? unit_code : "");
}
