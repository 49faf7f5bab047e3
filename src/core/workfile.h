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
 * thúc hồ sơ) → archived (nộp lưu); once its retention has ended, an archived
 * file is proposed for disposal (the list of documents whose value has
 * expired) and either kept (back to archived: the appraisal found it still
 * of use) or disposed of on the head's decision (Luật Lưu trữ 2011 art. 28).
 * No other step goes back; a disposed file is final. */
typedef enum {
	MC_WF_LISTED = 1,
	MC_WF_OPEN = 2,
	MC_WF_CLOSED = 3,
	MC_WF_ARCHIVED = 4,
	MC_WF_PROPOSED = 5, /* đề nghị hủy: on the unit's disposal list */
	MC_WF_DISPOSED = 6, /* đã hủy, on the head's decision */
} mc_wf_state;

typedef enum {
	MC_WF_ACT_OPEN = 1,
	MC_WF_ACT_CLOSE,
	MC_WF_ACT_ARCHIVE,
	MC_WF_ACT_PROPOSE, /* "propose_disposal" */
	MC_WF_ACT_KEEP,	   /* "keep": off the disposal list, archived again */
	MC_WF_ACT_DISPOSE,
} mc_wf_action;

/* "listed", "open", "closed", "archived", "proposed", "disposed"; NULL
 * outside the range. Static. */
const char *mc_wf_state_name(mc_wf_state s);
/* "Trong danh mục", "Đang lập", "Đã kết thúc", "Đã nộp lưu", "Đề nghị hủy",
 * "Đã hủy". Static. */
const char *mc_wf_state_title(mc_wf_state s);
/* "open", "close", "archive", "propose_disposal", "keep", "dispose" into
 * *out: 0 or MC_EINVAL. */
int mc_wf_action_parse(mc_wf_action *out, const char *s);
const char *mc_wf_action_name(mc_wf_action a);

/* The state an action leads to from `from`: 0 and *to, or MC_ECONFLICT when
 * the action does not apply there (a closed file is not opened again). */
int mc_wf_next(mc_wf_state from, mc_wf_action action, mc_wf_state *to);

/* Which role may take an action: the file's officer opens and closes it,
 * the unit's clerk or head hands it to the archive, proposes it for disposal
 * or keeps it; only the head (leader) decides its disposal (Luật Lưu trữ 2011
 * art. 28: "người đứng đầu cơ quan, tổ chức quyết định huỷ"). The officer's
 * own check (responsible_id) is the app layer's. */
bool mc_wf_role_may(mc_role role, mc_wf_action action);
/* Who may list a file in the Danh mục: the unit's clerk or head (art. 28). */
bool mc_wf_role_may_list(mc_role role);

/* The retention (thời hạn bảo quản) in the API: a number of years 1 ..
 * MC_LIMIT_WORKFILE_RETENTION, or "vinh_vien" (permanent), held as 0. */
#define MC_WF_PERMANENT 0
/* The title of a retention: "10 năm", "Vĩnh viễn" into out (cap >= 16). */
void mc_wf_retention_title(char *out, size_t cap, int years);

/*
 * The end of a file's retention: the moment (Unix time) from which it may be
 * proposed for disposal, 0 when it never ends (vĩnh viễn) or has not started
 * (closed_at 0: the work is not over). The years are counted from the year
 * after the one in which the work ended (the file was closed, in Vietnam's
 * time): a 5-year file closed on any day of 2020 is kept through 2021..2025,
 * to 31 December 2025, and its retention ends at 00:00 on 1 January 2026
 * (UTC+7).
 */
int64_t mc_wf_retention_end(int years, int64_t closed_at);
/* Whether a file's retention has ended at `at` (never for vĩnh viễn). */
bool mc_wf_expired(int years, int64_t closed_at, int64_t at);

#endif
