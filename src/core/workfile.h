/*
 * workfile.h - work files (hồ sơ công việc, Nghị định 30/2020/NĐ-CP chương
 * IV; docs/documents.md §12): the rules that need no data. A unit's yearly
 * list of files (Danh mục hồ sơ, Phụ lục V) names each file; its officer
 * opens it, gathers documents into it, closes it, and the unit hands it to
 * its archive (nộp lưu vào Lưu trữ cơ quan).
 *
 * Pure rules, no I/O: who may act for which unit is app/workfile.h's.
 */
#ifndef MC_CORE_WORKFILE_H
#define MC_CORE_WORKFILE_H

#include "core/dossier.h"

#include <stdbool.h>
#include <stdint.h>

/* Where a file is: listed in the Danh mục → open (mở hồ sơ) → closed (kết
 * thúc hồ sơ) → archived (nộp lưu). No step goes back. */
typedef enum {
	MC_WF_LISTED = 1,
	MC_WF_OPEN = 2,
	MC_WF_CLOSED = 3,
	MC_WF_ARCHIVED = 4,
} mc_wf_state;

typedef enum {
	MC_WF_ACT_OPEN = 1,
	MC_WF_ACT_CLOSE,
	MC_WF_ACT_ARCHIVE,
} mc_wf_action;

/* "listed", "open", "closed", "archived"; NULL outside the range. Static. */
const char *mc_wf_state_name(mc_wf_state s);
/* "Trong danh mục", "Đang lập", "Đã kết thúc", "Đã nộp lưu". Static. */
const char *mc_wf_state_title(mc_wf_state s);
/* "open", "close", "archive" into *out: 0 or MC_EINVAL. */
int mc_wf_action_parse(mc_wf_action *out, const char *s);
const char *mc_wf_action_name(mc_wf_action a);

/* The state an action leads to from `from`: 0 and *to, or MC_ECONFLICT when
 * the action does not apply there (a closed file is not opened again). */
int mc_wf_next(mc_wf_state from, mc_wf_action action, mc_wf_state *to);

/* Which role may take an action: the file's officer opens and closes it
 * (art. 29), the unit's clerk or head hands it to the archive (art. 30). The
 * officer's own check (responsible_id) is the app layer's. */
bool mc_wf_role_may(mc_role role, mc_wf_action action);
/* Who may list a file in the Danh mục: the unit's clerk or head (art. 28). */
bool mc_wf_role_may_list(mc_role role);

/* The retention (thời hạn bảo quản) in the API: a number of years 1 ..
 * MC_LIMIT_WORKFILE_RETENTION, or "vinh_vien" (permanent), held as 0. */
#define MC_WF_PERMANENT 0
/* The title of a retention: "10 năm", "Vĩnh viễn" into out (cap >= 16). */
void mc_wf_retention_title(char *out, size_t cap, int years);

#endif
