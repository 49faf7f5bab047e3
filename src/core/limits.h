/*
 * limits.h - the one table of how long each text field of motcua may be.
 *
 * Every limit is a number of characters (Unicode code points, counted after
 * NFC), never of bytes: a Vietnamese name of 60 letters may take 180 bytes of
 * UTF-8, and is as long as an English one of 60. The store keeps text as
 * owned strings of any length, so these numbers are the only bound: the API
 * refuses a longer value with 422 invalid-field naming the field
 * (http/fields.h, whose specs take their max from here), and the command line
 * says which option is too long. A value is never cut nor emptied to fit.
 *
 * Names are MC_LIMIT_<RESOURCE>_<FIELD>, after the field of the API. A field
 * that holds another resource's key (a dossier's procedure_code, a user's
 * unit) takes that key's limit.
 */
#ifndef MC_LIMITS_H
#define MC_LIMITS_H

#include "core/code.h"

#include <stdbool.h>
#include <stddef.h>

/* ---- units ------------------------------------------------------------- */

#define MC_LIMIT_UNIT_CODE MC_UNIT_CODE_MAX /* "000.00.15.H56": letters, digits, dots (core/code.h) */
#define MC_LIMIT_UNIT_NAME 60
#define MC_LIMIT_UNIT_LEVEL 15 /* province | department | district | commune */
/* "H56": the last part of the root's code, a key that dossiers and figures carry. */
#define MC_LIMIT_UNIT_PROVINCE_CODE 7
#define MC_LIMIT_UNIT_OFFICE_HOURS 63 /* "07:00-11:30,13:30-17:00" */
#define MC_LIMIT_UNIT_ADDRESS 60
#define MC_LIMIT_UNIT_PHONE 31

/* ---- users and sessions ------------------------------------------------ */

#define MC_LIMIT_USER_USERNAME 63
#define MC_LIMIT_USER_PASSWORD 256
#define MC_LIMIT_USER_FULL_NAME 60
#define MC_LIMIT_USER_EMAIL 127
#define MC_LIMIT_USER_PHONE 31
#define MC_LIMIT_USER_ID_NUMBER 31 /* CCCD: 12 digits; older or foreign documents differ */
#define MC_LIMIT_USER_ROLE 15
#define MC_LIMIT_USER_UNIT MC_LIMIT_UNIT_CODE
/* Signing in looks an account up: one character more than a username may
 * hold is still answered as a wrong username, not as a malformed request. */
#define MC_LIMIT_SESSION_USERNAME (MC_LIMIT_USER_USERNAME + 1)
#define MC_LIMIT_SESSION_PASSWORD MC_LIMIT_USER_PASSWORD

/* ---- procedures -------------------------------------------------------- */

#define MC_LIMIT_PROCEDURE_CODE 31 /* mã TTHC: "1.001193" */
#define MC_LIMIT_PROCEDURE_NAME 300
#define MC_LIMIT_PROCEDURE_FIELD 120 /* lĩnh vực */
#define MC_LIMIT_PROCEDURE_LEVELS 63 /* "province,department,district,commune" */
#define MC_LIMIT_PROCEDURE_UNIT MC_LIMIT_UNIT_CODE
#define MC_LIMIT_PROCEDURE_CUTOFF 5 /* "HH:MM" */
#define MC_LIMIT_PROCEDURE_STATUS 15
#define MC_LIMIT_PROCEDURE_TARGET 250	    /* đối tượng thực hiện */
#define MC_LIMIT_PROCEDURE_RESULT 250	    /* kết quả */
#define MC_LIMIT_PROCEDURE_LEGAL_BASIS 2000 /* căn cứ pháp lý */
#define MC_LIMIT_PROCEDURE_PLACE 250	    /* địa điểm thực hiện */
#define MC_LIMIT_PROCEDURE_STEP_NAME 120
#define MC_LIMIT_PROCEDURE_STEP_ROLE 15
#define MC_LIMIT_PROCEDURE_STEP_UNIT_LEVEL 15
#define MC_LIMIT_PROCEDURE_DOCUMENT_NAME 300
#define MC_LIMIT_PROCEDURE_DOCUMENT_FORM 200
#define MC_LIMIT_PROCEDURE_FEE_CODE 31
#define MC_LIMIT_PROCEDURE_FEE_NAME 200
#define MC_LIMIT_PROCEDURE_PUBLICATION_KIND 15
#define MC_LIMIT_PROCEDURE_PUBLICATION_DECISION 120 /* "Quyết định 1234/QĐ-UBND" */
#define MC_LIMIT_PROCEDURE_PUBLICATION_DATE 10	    /* "YYYY-MM-DD" */

/* ---- dossiers ---------------------------------------------------------- */

#define MC_LIMIT_DOSSIER_PROCEDURE_CODE MC_LIMIT_PROCEDURE_CODE
#define MC_LIMIT_DOSSIER_CHANNEL 15
#define MC_LIMIT_DOSSIER_UNIT MC_LIMIT_UNIT_CODE
#define MC_LIMIT_DOSSIER_APPLICANT_NAME 120
#define MC_LIMIT_DOSSIER_APPLICANT_ID_NUMBER MC_LIMIT_USER_ID_NUMBER
#define MC_LIMIT_DOSSIER_APPLICANT_PHONE MC_LIMIT_USER_PHONE
#define MC_LIMIT_DOSSIER_APPLICANT_EMAIL MC_LIMIT_USER_EMAIL
#define MC_LIMIT_DOSSIER_APPLICANT_ADDRESS 250
/* A document handed in or back: its name, and the file name shown for its
 * attachment; at most MC_LIMIT_DOSSIER_DOCS of them per request. */
#define MC_LIMIT_DOSSIER_DOC_NAME 120
#define MC_LIMIT_DOSSIER_DOC_ATTACHMENT 64 /* a SHA-256 in hex */
#define MC_LIMIT_DOSSIER_DOC_FILENAME 60
#define MC_LIMIT_DOSSIER_DOCS 50
#define MC_LIMIT_DOSSIER_ACTION 31
#define MC_LIMIT_DOSSIER_NOTE 1000
#define MC_LIMIT_DOSSIER_TO_UNIT MC_LIMIT_UNIT_CODE
#define MC_LIMIT_DOSSIER_HANDLER MC_LIMIT_USER_USERNAME
#define MC_LIMIT_DOSSIER_OUTCOME 15

/* ---- submissions, apologies, ratings ----------------------------------- */

#define MC_LIMIT_SUBMISSION_NOTE 1000 /* the reason of a refusal in bulk */
#define MC_LIMIT_APOLOGY_REASON 1000
#define MC_LIMIT_APOLOGY_NEW_DUE 16 /* "YYYY-MM-DDTHH:MM" */
#define MC_LIMIT_RATING_OVERALL 15
#define MC_LIMIT_RATING_COMMENT 1000

/* ---- payments (the provider's callback) -------------------------------- */

#define MC_LIMIT_PAYMENT_PARTNER_CODE 63
#define MC_LIMIT_PAYMENT_REFERENCE 47
#define MC_LIMIT_PAYMENT_TRANSACTION_NO 63
#define MC_LIMIT_PAYMENT_RESULT_CODE 8
#define MC_LIMIT_PAYMENT_TIME 14 /* "YYYYMMDDHHMMSS" */

/* ---- calendar ---------------------------------------------------------- */

#define MC_LIMIT_CALENDAR_SOURCE 2000 /* the notices that set a year's days off, with what they decide */
#define MC_LIMIT_CALENDAR_DATE 10
#define MC_LIMIT_CALENDAR_KIND 15
/* The name of an official day off or make-up working day ("Tết Nguyên đán"). */
#define MC_LIMIT_CALENDAR_DAY_NAME 200

/* ---- official documents (NĐ 30/2020 Phụ lục VI, "thông tin đầu vào của
 * văn bản"; where the annex sets no length, motcua's own, marked "ours") -- */

#define MC_LIMIT_DOCUMENT_NUMBER 11	      /* số của văn bản: digits */
#define MC_LIMIT_DOCUMENT_NOTATION 30	      /* ký hiệu của văn bản: "QĐ-UBND" */
#define MC_LIMIT_DOCUMENT_ORGAN_NAME 200      /* tên cơ quan, tổ chức ban hành văn bản */
#define MC_LIMIT_DOCUMENT_SUBJECT 500	      /* trích yếu nội dung */
#define MC_LIMIT_DOCUMENT_TYPE_NAME 100	      /* tên loại văn bản */
#define MC_LIMIT_DOCUMENT_SIGNER_NAME 50      /* người ký */
#define MC_LIMIT_DOCUMENT_SIGNER_POSITION 100 /* chức vụ người ký (ours) */
#define MC_LIMIT_DOCUMENT_NOTE 500	      /* ghi chú: the head's note when sending back */
#define MC_LIMIT_DOCUMENT_BODY 20000	      /* the text of a draft (ours) */
#define MC_LIMIT_DOCUMENT_PLACE 50	      /* địa danh (ours) */
#define MC_LIMIT_DOCUMENT_RECIPIENTS 1000     /* nơi nhận, as written on the document (ours) */
#define MC_LIMIT_DOCUMENT_RECIPIENT_UNITS 50  /* units it is sent to inside motcua (ours) */
#define MC_LIMIT_DOCUMENT_ABBR 20	      /* an abbreviation in a notation (ours) */
#define MC_LIMIT_DOCUMENT_CODE 42	      /* an incoming document's number and notation: 11 + "/" + 30 */
#define MC_LIMIT_DOCUMENT_DIRECTION 1000      /* ý kiến chỉ đạo (ours) */
#define MC_LIMIT_DOCUMENT_REGISTER_NAME 200   /* ours */
#define MC_LIMIT_DOCUMENT_TYPE 31	      /* the kind's key in the API, "quyet_dinh" */
#define MC_LIMIT_DOCUMENT_QUERY 200	      /* a search of the registers (ours) */
#define MC_LIMIT_DOCUMENT_FILENAME 200	      /* the name of an uploaded draft version (ours) */
#define MC_LIMIT_DOCUMENT_ATTACHMENTS 20      /* attachments (phụ lục) of a document (ours) */
#define MC_LIMIT_DOCUMENT_VERSIONS 100	      /* uploaded versions of one draft (ours) */
/* Steps (events) one officer records on documents in a sliding hour through
 * the API: drafts, edits, incoming registrations, actions (ours). */
#define MC_LIMIT_DOCUMENT_STEPS_PER_HOUR 300
/* Signatures one account prepares for its device in a sliding hour (ours):
 * each renders the document and writes a file of ~100 KB. A leader signs a
 * few dozen documents a day and prepares each once or twice (a certificate
 * or a device that failed); 60 is one a minute for a whole hour. */
#define MC_LIMIT_SIGN_PREPARES_PER_HOUR 60
/* Work files (hồ sơ công việc, NĐ 30 chương IV; docs/documents.md §12): the
 * lengths are ours, near Phụ lục VI's "thông tin đầu vào của hồ sơ". */
#define MC_LIMIT_WORKFILE_CODE 30      /* số và ký hiệu hồ sơ: "01.VP" */
#define MC_LIMIT_WORKFILE_TITLE 1000   /* tiêu đề hồ sơ */
#define MC_LIMIT_WORKFILE_NOTE 2000    /* ghi chú */
#define MC_LIMIT_WORKFILE_RETENTION 99 /* years, beside "vĩnh viễn" */
#define MC_LIMIT_WORKFILE_PAGES 100000 /* số tờ of a closed file */
#define MC_LIMIT_WORKFILE_DOCS 2000    /* documents in one file */
#define MC_LIMIT_WORKFILE_PER_HOUR 100 /* files one officer lists in an hour */
#define MC_LIMIT_WORKFILE_DECISION 50  /* the number of the head's decision to dispose */

/* ---- tasks (nhiệm vụ; docs/tasks.md): motcua's own ------------------- */

#define MC_LIMIT_TASK_TITLE 500	    /* the task in a line */
#define MC_LIMIT_TASK_CONTENT 5000  /* what is to be done */
#define MC_LIMIT_TASK_PRODUCT 200   /* the product expected: "Báo cáo", "Quyết định" */
#define MC_LIMIT_TASK_DIRECTIVE 300 /* a directive typed in: "Kết luận số 12/TB-UBND ngày …" */
#define MC_LIMIT_TASK_NOTE 2000	    /* a report's text, a reason */
#define MC_LIMIT_TASK_UNITS 30	    /* cooperating units of one task */
/* Steps (events) one officer records on tasks in a sliding hour through the
 * API: tasks given, parts delegated, reports and the other steps. */
#define MC_LIMIT_TASK_STEPS_PER_HOUR 300
/* A task's or a document's events in one answer: the newest with it, older
 * ones a page at a time (GET …/{id}/events?before=&limit=, at most the
 * second). */
#define MC_LIMIT_EVENTS_PAGE 100
#define MC_LIMIT_EVENTS_PAGE_MAX 500

/* The characters (code points) of the UTF-8 text s, as the limits count them. */
size_t mc_limit_chars(const char *s);

/* Whether s holds at most max characters (NULL counts as empty). */
bool mc_limit_fits(const char *s, size_t max);

/* ---- the administrative-reform index (docs/par-index.md) ------------- */

#define MC_LIMIT_PAR_CODE 31		/* a criterion's code: "1.2.a" */
#define MC_LIMIT_PAR_NAME 500		/* a criterion's wording */
#define MC_LIMIT_PAR_NOTE 2000		/* a self-assessment's explanation, the council's reason */
#define MC_LIMIT_PAR_EVIDENCE 20	/* files of evidence per mark */
#define MC_LIMIT_PAR_DECISION 200	/* "Quyết định số 436/QĐ-UBND ngày 10/02/2017" */
#define MC_LIMIT_PAR_SURVEY_LINES 20000 /* lines of one survey import: units × survey criteria */
/* Lines one account writes to the reform index's logs in a sliding hour
 * through the API: marks, the council's appraisals, submissions, ratings,
 * computations and publications (ours). A survey import's lines count on
 * their own, against MC_LIMIT_PAR_SURVEY_LINES_PER_HOUR: a council imports a
 * province's survey (hundreds or thousands of lines) and then computes and
 * publishes, which those lines must not hold back; one whole import an hour,
 * or several smaller ones. */
#define MC_LIMIT_PAR_MARKS_PER_HOUR 300
#define MC_LIMIT_PAR_SURVEY_LINES_PER_HOUR MC_LIMIT_PAR_SURVEY_LINES

#endif
