/*
 * document.h - official documents (văn bản): the rules of Nghị định
 * 30/2020/NĐ-CP on văn thư that need no data. The 29 kinds of administrative
 * document of art. 7 with their Phụ lục III abbreviations, the urgency and
 * confidentiality marks (art. 8, Phụ lục I), the life of an outgoing document
 * (drafted, reviewed, signed, numbered and issued: art. 10-13, 15-17) and of
 * an incoming one (received, registered, assigned: art. 21-23), which role
 * takes each step, the series a number is drawn from (art. 16) and how the
 * number and notation read ("12/QĐ-UBND", "345/UBND-VP").
 *
 * Pure rules, no I/O. Which unit an officer may act for, and the numbers
 * themselves, are the app layer's (app/document.h) and the store's.
 */
#ifndef MC_CORE_DOCUMENT_H
#define MC_CORE_DOCUMENT_H

#include "core/dossier.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Which register a document is in: văn bản đi or văn bản đến. */
typedef enum {
	MC_DOC_OUT = 1,
	MC_DOC_IN = 2,
} mc_doc_box;

/* One kind of document of art. 7 (NĐ 30/2020), with its Phụ lục III abbreviation. */
typedef struct {
	const char *key;  /* the API's name, "quyet_dinh" */
	const char *name; /* "Quyết định" */
	const char *abbr; /* "QĐ"; "" for công văn and thư công, which have none */
	bool normative;	  /* may be a legal normative document (nghị quyết, quyết định) */
} mc_doc_type;

/* The 29 kinds, in the order of art. 7. Borrowed, static. */
const mc_doc_type *mc_doc_types(size_t *n);
/* The kind named key, or NULL. */
const mc_doc_type *mc_doc_type_find(const char *key);
/* The key of form 04 of the one-stop office (phiếu xin lỗi và hẹn lại ngày
 * trả kết quả) issued as an outgoing document: not one of the 29 kinds, so
 * mc_doc_type_find (what drafts and incoming documents take) does not know
 * it; its notation is "<n>/PXL-<body>" (docs/forms.md, form 04). */
#define MC_DOC_TYPE_APOLOGY "phieu_xin_loi"
const mc_doc_type *mc_doc_type_apology(void);
/* mc_doc_type_find, or form 04: the kind of a document on record. */
const mc_doc_type *mc_doc_type_of(const char *key);
/* Công văn: its notation is the issuing body's and the drafting unit's
 * abbreviations without a kind (Phụ lục I, II.4). */
bool mc_doc_type_is_letter(const mc_doc_type *t);

/* Urgency marks (art. 8; Phụ lục I): none, khẩn, thượng khẩn, hỏa tốc. */
typedef enum {
	MC_DOC_URGENCY_NONE = 0,
	MC_DOC_URGENCY_KHAN = 1,
	MC_DOC_URGENCY_THUONG_KHAN = 2,
	MC_DOC_URGENCY_HOA_TOC = 3,
} mc_doc_urgency;

/* Confidentiality marks (Luật Bảo vệ bí mật nhà nước 2018, art. 8): mật, tối mật, tuyệt mật. */
typedef enum {
	MC_DOC_SECRECY_NONE = 0,
	MC_DOC_SECRECY_MAT = 1,
	MC_DOC_SECRECY_TOI_MAT = 2,
	MC_DOC_SECRECY_TUYET_MAT = 3,
} mc_doc_secrecy;

/* "none", "khan", "thuong_khan", "hoa_toc"; NULL outside the enum. */
const char *mc_doc_urgency_name(mc_doc_urgency u);
/* "", "Khẩn", "Thượng khẩn", "Hỏa tốc". */
const char *mc_doc_urgency_title(mc_doc_urgency u);
int mc_doc_urgency_parse(mc_doc_urgency *out, const char *s);
/* "none", "mat", "toi_mat", "tuyet_mat"; NULL outside the enum. */
const char *mc_doc_secrecy_name(mc_doc_secrecy s);
/* "", "Mật", "Tối mật", "Tuyệt mật". */
const char *mc_doc_secrecy_title(mc_doc_secrecy s);
int mc_doc_secrecy_parse(mc_doc_secrecy *out, const char *s);

/* Where a document is in its life. Outgoing: draft → submitted → approved
 * (or returned → submitted again) → signed → issued. Incoming: arrived (a
 * copy delivered by another unit of this deployment, not yet registered) →
 * registered (số đến given) → assigned (and assigned again). */
typedef enum {
	MC_DOC_DRAFT = 1,
	MC_DOC_SUBMITTED = 2,
	MC_DOC_RETURNED = 3,
	MC_DOC_APPROVED = 4,
	MC_DOC_SIGNED = 5,
	MC_DOC_ISSUED = 6,
	MC_DOC_ARRIVED = 7,
	MC_DOC_REGISTERED = 8,
	MC_DOC_ASSIGNED = 9,
	MC_DOC_RECALLED = 10, /* a copy inside the deployment whose sender recalled it (art. 18) */
	MC_DOC_REPLACED = 11, /* a copy inside the deployment whose sender issued another in its stead */
} mc_doc_state;

typedef enum {
	MC_DOC_ACT_SUBMIT = 1, /* the drafter hands the draft to the head (art. 10) */
	MC_DOC_ACT_APPROVE,    /* the head approves the draft (art. 11) */
	MC_DOC_ACT_RETURN,     /* the head sends it back with a note (art. 11) */
	MC_DOC_ACT_SIGN,       /* the competent leader signs (art. 13) */
	MC_DOC_ACT_ISSUE,      /* the clerk numbers, registers and sends it (art. 15-17, 19) */
	MC_DOC_ACT_REGISTER,   /* the clerk registers an arrived document, số đến (art. 22) */
	MC_DOC_ACT_ASSIGN,     /* the leader names the unit in charge and the deadline (art. 23) */
} mc_doc_action;

/* "draft", "submitted", "returned", "approved", "signed", "issued",
 * "arrived", "registered", "assigned", "recalled", "replaced"; NULL outside
 * the enum. */
const char *mc_doc_state_name(mc_doc_state s);
/* "Dự thảo" … in Vietnamese, for the registers; NULL outside the enum. */
const char *mc_doc_state_title(mc_doc_state s);
int mc_doc_state_parse(mc_doc_state *out, const char *s);
/* "submit", "approve", "return", "sign", "issue", "register", "assign". */
const char *mc_doc_action_name(mc_doc_action a);
int mc_doc_action_parse(mc_doc_action *out, const char *s);

/*
 * Where action leads from state from: 0 and *out, MC_ECONFLICT when it is
 * not allowed from there, MC_EINVAL outside the enums.
 */
int mc_doc_next_state(mc_doc_state *out, mc_doc_state from, mc_doc_action action);

/*
 * Which role may ever take a step: submit the specialist (chuyên viên, the
 * drafter); approve, return, sign and assign a leader; issue and register
 * the clerk (văn thư), which motcua's roles hold as the desk role of the
 * unit (docs/documents.md §2). The unit the role is held in is checked by
 * the app layer.
 */
bool mc_doc_role_may(mc_role role, mc_doc_action action);

/* Whether a document may be edited in this state (draft, returned). */
bool mc_doc_state_editable(mc_doc_state s);

/* The longest series key, with its NUL. */
#define MC_DOC_SERIES_MAX 40

/*
 * The series an outgoing document's number is drawn from (art. 16): a legal
 * normative document from its kind's own ("normative:quyet_dinh"), a secret
 * one from the secret series ("secret", art. 16.2), any other from the
 * body's one series ("general"); incoming documents from "incoming"
 * (art. 22). Borrowed when static, else written into buf (≥
 * MC_DOC_SERIES_MAX). MC_EINVAL when normative is asked of a kind that
 * cannot be.
 */
int mc_doc_series(char buf[MC_DOC_SERIES_MAX], mc_doc_box box, const mc_doc_type *t, bool normative,
		  mc_doc_secrecy secrecy);

/* The longest number and notation written by mc_doc_notation, with its NUL. */
#define MC_DOC_NOTATION_MAX 128

/*
 * The number and notation of an outgoing document (Phụ lục I, II.4): the
 * number with a leading 0 below 10, "/", then the notation: "QĐ-UBND" (kind,
 * issuing body, and "-<drafting unit>" when given), "UBND-VP" for công văn
 * (body and drafting unit), "2026/QĐ-UBND" for a legal normative document
 * (the year before the kind). Writes into buf; MC_EINVAL for an abbreviation
 * that mc_doc_abbr_valid refuses, or a công văn without a drafting unit;
 * MC_ETOOBIG when the number would pass MC_LIMIT_DOCUMENT_NUMBER digits or
 * the notation MC_LIMIT_DOCUMENT_NOTATION characters (Phụ lục VI).
 */
int mc_doc_notation(char buf[MC_DOC_NOTATION_MAX], int64_t number, int year, const mc_doc_type *t,
		    bool normative, const char *organ_abbr, const char *drafting_abbr);

/* Whether s may be an abbreviation in a notation: 1 to 20 letters (any
 * script's, so Đ), digits or "&", without spaces, "/" or "-", which separate
 * the notation's parts. */
bool mc_doc_abbr_valid(const char *s);

/* The kinds of file a draft may be uploaded as (docs/documents.md §3b). */
typedef enum {
	MC_DOC_FILE_NONE = 0,
	MC_DOC_FILE_PDF = 1,
	MC_DOC_FILE_DOCX = 2,
} mc_doc_file_kind;

/* "pdf", "docx"; NULL outside the enum. */
const char *mc_doc_file_kind_name(mc_doc_file_kind k);
/* Its media type: "application/pdf", the Office Open XML word-processing one. */
const char *mc_doc_file_kind_mime(mc_doc_file_kind k);
/* The kind whose media type is mime (parameters after ';' ignored); NONE for another. */
mc_doc_file_kind mc_doc_file_kind_of_mime(const char *mime);

/*
 * Whether data is a file of the kind declared, judged by its structure, not
 * its name: a PDF starts with "%PDF-1." or "%PDF-2." and ends with "%%EOF"
 * in its last 1024 bytes; a DOCX is a ZIP archive (a local header at the
 * start, the end-of-central-directory record, a central directory inside
 * the file) holding "[Content_Types].xml" and "word/document.xml". 0, or
 * MC_EINVAL with *why a short reason in lower case.
 */
int mc_doc_file_check(mc_doc_file_kind kind, const unsigned char *data, size_t len, const char **why);

/* The most text taken from an uploaded file for search, bytes; and the most
 * a DOCX's word/document.xml is inflated to for it (a ZIP bomb stops there). */
#define MC_DOC_FILE_TEXT_MAX (256 * 1024)
#define MC_DOC_DOCX_XML_MAX (8 * 1024 * 1024)

/*
 * The text of a DOCX (checked by mc_doc_file_check) for search: the runs
 * (w:t) of its word/document.xml, a line per paragraph, at most
 * MC_DOC_FILE_TEXT_MAX bytes (cut at a character). The part is inflated
 * (zlib) up to MC_DOC_DOCX_XML_MAX bytes and parsed by libxml2 without a DTD
 * and without the network. *out "" when there is no text to take (a part
 * too large, damaged or with a DTD: the file is kept, only not searched).
 * Caller frees *out.
 */
int mc_doc_docx_text(const unsigned char *data, size_t len, char **out);

/* The local year (UTC+7) of the UTC time t: numbers run from 01 on 1 January
 * within each year (art. 16.1, art. 22.2). */
int mc_doc_year(int64_t t);

#endif
