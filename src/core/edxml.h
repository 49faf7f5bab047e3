/*
 * edxml.h - the edXML envelope of QCVN 102:2016/BTTTT (amended 2022), the
 * package in which official documents and their status messages travel
 * between the document systems of two agencies (docs/documents.md §9).
 *
 * A package is an edXMLEnvelope (namespace http://www.e-doc.vn/Schema/)
 * with an edXMLHeader and an edXMLBody. A document's header holds its
 * MessageHeader (From, To, DocumentId, Code, PromulgationInfo,
 * DocumentType, Subject, Content, SignerInfo, DueDate, ToPlaces, OtherInfo,
 * SteeringType, ResponseFor) and its TraceHeaderList (the trace of the
 * systems it went through, and Bussiness: new, recalled, replaced); its
 * body the attachments, base64 with their names and types. A status
 * message's header holds a Status (ResponseFor, From, StatusCode,
 * Description, Timestamp, StaffInfo) instead. The XML signature over the
 * whole envelope is the sign layer's (sign/xmldsig.h); this module builds
 * and reads the rest, in memory, with libxml2.
 *
 * Reading refuses what could hurt: a DTD (so no entity is ever expanded or
 * loaded), a package over the caller's size, a field over its Phụ lục VI
 * limit (core/limits.h), text that is not UTF-8. Entities and the network
 * are off in the parser.
 */
#ifndef MC_CORE_EDXML_H
#define MC_CORE_EDXML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MC_EDXML_NS "http://www.e-doc.vn/Schema/"

/* The longest package motcua builds or reads unless told otherwise. */
#define MC_EDXML_MAX_BYTES (32u * 1024u * 1024u)

/* An organisation: From, To, a trace's or a status's sender. */
typedef struct {
	char *organ_id; /* its code, QĐ 20/2020 form "000.00.00.H56" */
	char *organ_name;
	char *organ_add;
	char *email;
	char *telephone;
	char *website;
} mc_edxml_organ;

/* A system the package went through (TraceHeader). */
typedef struct {
	char *organ_id;
	char *timestamp; /* YYYY-MM-DDTHH:MM:SS+07:00 */
} mc_edxml_trace;

/* A file of the document (the body's AttachmentEncoded). */
typedef struct {
	char *name;	    /* AttachmentName, "6366-BC-UBND.pdf" */
	char *content_type; /* "application/pdf" */
	char *description;
	unsigned char *data;
	size_t len;
} mc_edxml_attachment;

/* What the package says of the document it carries (Bussiness, 2022). */
typedef enum {
	MC_EDXML_BUSINESS_NEW = 0,     /* a new document */
	MC_EDXML_BUSINESS_RECALL = 1,  /* thu hồi: the document named is withdrawn */
	MC_EDXML_BUSINESS_UPDATE = 2,  /* cập nhật */
	MC_EDXML_BUSINESS_REPLACE = 3, /* thay thế: this document replaces the one named */
} mc_edxml_business;

/* Status codes of QCVN 102 (Status/StatusCode). */
typedef enum {
	MC_EDXML_STATUS_ARRIVED = 1,	/* 01 đã đến */
	MC_EDXML_STATUS_REFUSED = 2,	/* 02 từ chối tiếp nhận */
	MC_EDXML_STATUS_ACCEPTED = 3,	/* 03 đã tiếp nhận */
	MC_EDXML_STATUS_ASSIGNED = 4,	/* 04 phân công */
	MC_EDXML_STATUS_PROCESSING = 5, /* 05 đang xử lý */
	MC_EDXML_STATUS_DONE = 6,	/* 06 hoàn thành */
} mc_edxml_status;

/* "arrived", "refused", "accepted", "assigned", "processing", "done"; NULL outside. */
const char *mc_edxml_status_name(int code);
/* "Đã đến", "Từ chối tiếp nhận", …; NULL outside. */
const char *mc_edxml_status_title(int code);

/* The document a package answers, recalls or replaces, or a status is about. */
typedef struct {
	char *organ_id;		 /* who issued it */
	char *code;		 /* "6366/BC-UBND" */
	char *promulgation_date; /* YYYY-MM-DD */
	char *document_id;	 /* its DocumentId */
} mc_edxml_ref;

typedef enum {
	MC_EDXML_DOCUMENT = 1, /* a document (MessageHeader) */
	MC_EDXML_STATUS = 2,   /* a status message (Status) */
} mc_edxml_kind;

typedef struct {
	int kind;
	/* DocumentId: the sender's identifier of the package, unique among its
	 * packages ("000.00.00.H56,2026/12/06,42"); a receiver keeps one
	 * document per (From, DocumentId). */
	char *document_id;
	mc_edxml_organ from;
	mc_edxml_organ *to;
	size_t n_to;
	/* document */
	char *code_number;   /* "6366" (≤ 11 digits) */
	char *code_notation; /* "BC-UBND" (≤ 30) */
	char *place;
	char *promulgation_date; /* YYYY-MM-DD */
	int type;		 /* DocumentType/Type: 1 legal normative, 2 administrative */
	char *type_name;	 /* "Báo cáo" */
	char *subject;
	char *content;
	char *signer_competence; /* "TM. Ủy ban nhân dân" */
	char *signer_position;
	char *signer_name;
	char *due_date; /* YYYY-MM-DD, NULL when none */
	char **to_places;
	size_t n_to_places;
	int priority; /* OtherInfo/Priority: 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ */
	char *sphere;		   /* OtherInfo/SphereOfPromulgation */
	int page_amount;	   /* OtherInfo/PageAmount, 0 when not known */
	int steering_type;	   /* 0 văn bản thường, 1 chỉ đạo, … */
	mc_edxml_ref response_for; /* organ_id NULL when it answers nothing */
	mc_edxml_trace *traces;
	size_t n_traces;
	int business;	       /* mc_edxml_business */
	char *business_reason; /* why it is recalled or replaced */
	mc_edxml_ref replaces; /* recall, replace: the document concerned */
	mc_edxml_attachment *attachments;
	size_t n_attachments;
	/* status */
	int status_code;
	char *status_description;
	char *status_timestamp;
	char *staff_department;
	char *staff_name;
} mc_edxml_message;

/* Frees what the message owns and zeroes it. NULL-safe. */
void mc_edxml_message_clear(mc_edxml_message *m);

/*
 * The package of m, unsigned, as UTF-8 XML in *out (free with free()) of
 * *out_len bytes. MC_EINVAL when a required field is missing (From, To,
 * DocumentId; a document's Code, Subject, PromulgationDate; a status's
 * StatusCode and ResponseFor) or a field passes its limit, with the field
 * named in problem (at least 160 bytes) when problem is not NULL.
 */
int mc_edxml_build(char **out, size_t *out_len, const mc_edxml_message *m, char *problem,
		   size_t problem_size);

/*
 * Reads a package of len bytes (at most max_bytes; 0 = MC_EDXML_MAX_BYTES)
 * into *out (clear it). MC_ETOOBIG over the size; MC_EINVAL for anything
 * else that is wrong (not XML, a DTD, not an edXMLEnvelope, a required
 * element missing, a field over its limit, bad base64, an AttachmentName
 * that is not a file's name), said in problem. An attachment's name is the
 * last component of a path it was given as. The signature is not looked
 * at here.
 */
int mc_edxml_parse(mc_edxml_message *out, const char *xml, size_t len, size_t max_bytes, char *problem,
		   size_t problem_size);

/* Initialises libxml2 once (the build and parse functions call it). */
void mc_edxml_init(void);

/* Whether s is an organisation code of QĐ 20/2020: "000.00.00.H56" - three
 * digits, two, two, then a letter and two digits (or "G" and two letters for
 * the central bodies' forms), dot-separated. */
bool mc_edxml_organ_id_valid(const char *s);

#endif
