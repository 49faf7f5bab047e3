/*
 * store_workload.c - the open dossiers in each officer's hand, on either
 * engine (db.h).
 */
#include "store/store_workload.h"

#include "core/dossier.h"
#include "store/db.h"

#include <stdlib.h>
#include <string.h>

int mc_store_unit_workload(mc_store *st, mc_workload **out, size_t *n, int64_t unit_id)
{
	/* The dossier_handler index (handler_id, state) answers it. */
	/* clang-format off */
	static const char sql[] =
	    "SELECT d.handler_id AS user_id, count(*) AS n_open FROM dossier d "
	    "JOIN app_user u ON u.id = d.handler_id "
	    "WHERE u.unit_id = $1 AND d.state IN (" MC_SQL_STATE(RECEIVED) ", " MC_SQL_STATE(PROCESSING) ", "
	    MC_SQL_STATE(SUPPLEMENT_REQUESTED) ", " MC_SQL_STATE(AWAITING_PAYMENT) ") "
	    "GROUP BY d.handler_id ORDER BY d.handler_id";
	/* clang-format on */
	static const mc_col cols[] = {
	    MC_COL(MC_COL_I64, mc_workload, user_id, "user_id"),
	    MC_COL(MC_COL_I64, mc_workload, open, "n_open"),
	};
	mc_q *q = NULL;
	mc_workload *list = NULL;
	size_t len = 0, cap = 0;
	int rc = mc_db_prepare(st, &q, sql);

	if (rc == 0)
		mc_q_int(q, 1, unit_id);
	while (rc == 0 && (rc = mc_q_row(q, "count the officers' dossiers")) == 1) {
		MC_GROW(list, len, cap);
		memset(&list[len], 0, sizeof list[len]);
		rc = mc_q_read(q, cols, MC_ARRAY_LEN(cols), &list[len++]);
	}
	mc_q_done(q);
	if (rc < 0) {
		free(list);
		list = NULL;
		len = 0;
	}
	*out = list;
	*n = len;
	return rc < 0 ? rc : 0;
}
