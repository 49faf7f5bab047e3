/*
 * edxml.c - the edXML envelope of QCVN 102:2016/BTTTT, built and read with
 * libxml2's tree API (see edxml.h).
 */
#include "core/edxml.h"

#include "core/limits.h"
#include "core/mc.h"
#include "core/text.h"

#include <ctype.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Limits of the fields Phụ lục VI does not bound (ours), in characters. */
#define LIM_ORGAN_ID 50
#define LIM_ORGAN_ADD 500
#define LIM_CONTACT 200
#define LIM_DOCUMENT_ID 200
#define LIM_DATE 40
#define LIM_COMPETENCE 200
#define LIM_SPHERE 200
#define LIM_REASON 1000
#define LIM_FILE_NAME 255
#define LIM_CONTENT_TYPE 100
#define LIM_MAX_TO 500
#define LIM_MAX_ATTACHMENTS 100
#define LIM_MAX_TRACES 100

static const char *const status_names[] = {NULL,       "arrived",    "refused", "accepted",
					   "assigned", "processing", "done"};
static const char *const status_titles[] = {NULL,	 "Đã đến",     "Từ chối tiếp nhận", "Đã tiếp nhận",
					    "Phân công", "Đang xử lý", "Hoàn thành"};

const char *mc_edxml_status_name(int code)
{
	return code >= 1 && code <= 6 ? status_names[code] : NULL;
}

const char *mc_edxml_status_title(int code)
{
	return code >= 1 && code <= 6 ? status_titles[code] : NULL;
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

/* libxml2 wants its first initialisation on one thread. */
static void xml_init(void)
{
	xmlInitParser();
}

void mc_edxml_init(void)
{
	pthread_once(&xml_once, xml_init);
}

static bool has(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (s[i] == needle[0] && memcmp(s + i, needle, n) == 0)
			return true;
	return false;
}

static void say(char *problem, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *problem, size_t size, const char *fmt, ...)
{
	if (!problem || !size)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(problem, size, fmt, ap);
	va_end(ap);
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

bool mc_edxml_organ_id_valid(const char *s)
{
	if (!s)
		return false;
	int groups = 0;
	const char *p = s;
	while (*p) {
		size_t n = 0;
		while (isalnum((unsigned char)p[n]))
			n++;
		if (n < 1 || n > 4)
			return false;
		groups++;
		p += n;
		if (*p == '.')
			p++;
		else if (*p)
			return false;
		else
			break;
		if (!*p)
			return false;
	}
	return groups == 4;
}

static void organ_clear(mc_edxml_organ *o)
{
	free(o->organ_id);
	free(o->organ_name);
	free(o->organ_add);
	free(o->email);
	free(o->telephone);
	free(o->website);
	memset(o, 0, sizeof *o);
}

static void ref_clear(mc_edxml_ref *r)
{
	free(r->organ_id);
	free(r->code);
	free(r->promulgation_date);
	free(r->document_id);
	memset(r, 0, sizeof *r);
}

void mc_edxml_message_clear(mc_edxml_message *m)
{
	if (!m)
		return;
	free(m->document_id);
	organ_clear(&m->from);
	for (size_t i = 0; i < m->n_to; i++)
		organ_clear(&m->to[i]);
	free(m->to);
	free(m->code_number);
	free(m->code_notation);
	free(m->place);
	free(m->promulgation_date);
	free(m->type_name);
	free(m->subject);
	free(m->content);
	free(m->signer_competence);
	free(m->signer_position);
	free(m->signer_name);
	free(m->due_date);
	for (size_t i = 0; i < m->n_to_places; i++)
		free(m->to_places[i]);
	free(m->to_places);
	free(m->sphere);
	ref_clear(&m->response_for);
	for (size_t i = 0; i < m->n_traces; i++) {
		free(m->traces[i].organ_id);
		free(m->traces[i].timestamp);
	}
	free(m->traces);
	free(m->business_reason);
	ref_clear(&m->replaces);
	for (size_t i = 0; i < m->n_attachments; i++) {
		free(m->attachments[i].name);
		free(m->attachments[i].content_type);
		free(m->attachments[i].description);
		free(m->attachments[i].data);
	}
	free(m->attachments);
	free(m->status_description);
	free(m->status_timestamp);
	free(m->staff_department);
	free(m->staff_name);
	memset(m, 0, sizeof *m);
}

/* ---- building ---- */

typedef struct {
	xmlNsPtr ns;
	char *problem;
	size_t problem_size;
	int rc;
} builder;

/* Adds <edXML:name>text</edXML:name> when text is given; checks its limit. */
static xmlNodePtr add_text(builder *b, xmlNodePtr parent, const char *name, const char *text,
			   size_t max_chars)
{
	if (!text || b->rc)
		return NULL;
	if (max_chars && utf8_chars(text) > max_chars) {
		say(b->problem, b->problem_size, "%s is longer than %zu characters", name, max_chars);
		b->rc = MC_EINVAL;
		return NULL;
	}
	return xmlNewTextChild(parent, b->ns, BAD_CAST name, BAD_CAST text);
}

static void add_int(builder *b, xmlNodePtr parent, const char *name, long v)
{
	char s[32];
	snprintf(s, sizeof s, "%ld", v);
	add_text(b, parent, name, s, 0);
}

static void add_organ(builder *b, xmlNodePtr parent, const char *name, const mc_edxml_organ *o)
{
	if (!o->organ_id || !mc_edxml_organ_id_valid(o->organ_id)) {
		if (!b->rc)
			say(b->problem, b->problem_size, "%s/OrganId is missing or not an organisation code",
			    name);
		b->rc = MC_EINVAL;
		return;
	}
	xmlNodePtr n = xmlNewChild(parent, b->ns, BAD_CAST name, NULL);
	add_text(b, n, "OrganId", o->organ_id, LIM_ORGAN_ID);
	add_text(b, n, "OrganName", o->organ_name, MC_LIMIT_DOCUMENT_ORGAN_NAME);
	add_text(b, n, "OrganAdd", o->organ_add, LIM_ORGAN_ADD);
	add_text(b, n, "Email", o->email, LIM_CONTACT);
	add_text(b, n, "Telephone", o->telephone, LIM_CONTACT);
	add_text(b, n, "Website", o->website, LIM_CONTACT);
}

static void add_ref(builder *b, xmlNodePtr parent, const char *name, const mc_edxml_ref *r)
{
	if (!r->organ_id)
		return;
	xmlNodePtr n = xmlNewChild(parent, b->ns, BAD_CAST name, NULL);
	add_text(b, n, "OrganId", r->organ_id, LIM_ORGAN_ID);
	add_text(b, n, "Code", r->code, MC_LIMIT_DOCUMENT_CODE);
	add_text(b, n, "PromulgationDate", r->promulgation_date, LIM_DATE);
	add_text(b, n, "DocumentId", r->document_id, LIM_DOCUMENT_ID);
}

static char *base64(const unsigned char *data, size_t len)
{
	/* 4 characters per 3 bytes; lines are not broken (xs:base64Binary allows it) */
	char *out = mc_xmalloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

static int build_document(builder *b, xmlNodePtr header, xmlNodePtr body, const mc_edxml_message *m)
{
	xmlNodePtr mh = xmlNewChild(header, b->ns, BAD_CAST "MessageHeader", NULL);
	add_organ(b, mh, "From", &m->from);
	if (!m->n_to && !b->rc) {
		say(b->problem, b->problem_size,
		    "To is missing: a document goes to at least one organisation");
		b->rc = MC_EINVAL;
	}
	if (m->n_to > LIM_MAX_TO && !b->rc) {
		say(b->problem, b->problem_size, "more than %d To", LIM_MAX_TO);
		b->rc = MC_EINVAL;
	}
	for (size_t i = 0; i < m->n_to && !b->rc; i++)
		add_organ(b, mh, "To", &m->to[i]);
	add_text(b, mh, "DocumentId", m->document_id, LIM_DOCUMENT_ID);
	if (!m->code_number || !m->code_notation || !m->subject || !m->promulgation_date) {
		if (!b->rc)
			say(b->problem, b->problem_size, "%s is missing",
			    !m->code_number	? "Code/CodeNumber"
			    : !m->code_notation ? "Code/CodeNotation"
			    : !m->subject	? "Subject"
						: "PromulgationInfo/PromulgationDate");
		b->rc = MC_EINVAL;
		return b->rc;
	}
	xmlNodePtr code = xmlNewChild(mh, b->ns, BAD_CAST "Code", NULL);
	add_text(b, code, "CodeNumber", m->code_number, MC_LIMIT_DOCUMENT_NUMBER);
	add_text(b, code, "CodeNotation", m->code_notation, MC_LIMIT_DOCUMENT_NOTATION);
	xmlNodePtr pi = xmlNewChild(mh, b->ns, BAD_CAST "PromulgationInfo", NULL);
	add_text(b, pi, "Place", m->place, MC_LIMIT_DOCUMENT_PLACE);
	add_text(b, pi, "PromulgationDate", m->promulgation_date, LIM_DATE);
	xmlNodePtr dt = xmlNewChild(mh, b->ns, BAD_CAST "DocumentType", NULL);
	add_int(b, dt, "Type", m->type ? m->type : 2);
	add_text(b, dt, "TypeName", m->type_name, MC_LIMIT_DOCUMENT_TYPE_NAME);
	add_text(b, mh, "Subject", m->subject, MC_LIMIT_DOCUMENT_SUBJECT);
	add_text(b, mh, "Content", m->content, MC_LIMIT_DOCUMENT_BODY);
	xmlNodePtr si = xmlNewChild(mh, b->ns, BAD_CAST "SignerInfo", NULL);
	add_text(b, si, "Competence", m->signer_competence, LIM_COMPETENCE);
	add_text(b, si, "Position", m->signer_position, MC_LIMIT_DOCUMENT_SIGNER_POSITION);
	add_text(b, si, "FullName", m->signer_name, MC_LIMIT_DOCUMENT_SIGNER_NAME);
	add_text(b, mh, "DueDate", m->due_date, LIM_DATE);
	if (m->n_to_places) {
		xmlNodePtr tp = xmlNewChild(mh, b->ns, BAD_CAST "ToPlaces", NULL);
		for (size_t i = 0; i < m->n_to_places; i++)
			add_text(b, tp, "Place", m->to_places[i], MC_LIMIT_DOCUMENT_ORGAN_NAME);
	}
	xmlNodePtr oi = xmlNewChild(mh, b->ns, BAD_CAST "OtherInfo", NULL);
	add_int(b, oi, "Priority", m->priority);
	add_text(b, oi, "SphereOfPromulgation", m->sphere, LIM_SPHERE);
	add_int(b, oi, "PageAmount", m->page_amount);
	add_int(b, mh, "SteeringType", m->steering_type);
	add_ref(b, mh, "ResponseFor", &m->response_for);

	xmlNodePtr tl = xmlNewChild(header, b->ns, BAD_CAST "TraceHeaderList", NULL);
	for (size_t i = 0; i < m->n_traces; i++) {
		xmlNodePtr th = xmlNewChild(tl, b->ns, BAD_CAST "TraceHeader", NULL);
		add_text(b, th, "OrganId", m->traces[i].organ_id, LIM_ORGAN_ID);
		add_text(b, th, "Timestamp", m->traces[i].timestamp, LIM_DATE);
	}
	/* the 2022 amendment's business information (its spelling) */
	xmlNodePtr bu = xmlNewChild(tl, b->ns, BAD_CAST "Bussiness", NULL);
	add_int(b, bu, "BussinessDocType", m->business);
	add_text(b, bu, "BussinessDocReason", m->business_reason, LIM_REASON);
	if (m->business != MC_EDXML_BUSINESS_NEW) {
		if (!m->replaces.organ_id && !b->rc) {
			say(b->problem, b->problem_size,
			    "Bussiness/ReplacementInfo is missing: a recall or "
			    "replacement names the document concerned");
			b->rc = MC_EINVAL;
		}
		add_ref(b, bu, "ReplacementInfo", &m->replaces);
	}

	if (m->n_attachments > LIM_MAX_ATTACHMENTS && !b->rc) {
		say(b->problem, b->problem_size, "more than %d attachments", LIM_MAX_ATTACHMENTS);
		b->rc = MC_EINVAL;
	}
	for (size_t i = 0; i < m->n_attachments && !b->rc; i++) {
		const mc_edxml_attachment *a = &m->attachments[i];
		xmlNodePtr ae = xmlNewChild(body, b->ns, BAD_CAST "AttachmentEncoded", NULL);
		char cid[32];
		snprintf(cid, sizeof cid, "cid:%zu", i + 1);
		add_text(b, ae, "ContentId", cid, 0);
		add_text(b, ae, "AttachmentName", a->name ? a->name : "", LIM_FILE_NAME);
		add_text(b, ae, "ContentType", a->content_type ? a->content_type : "application/octet-stream",
			 LIM_CONTENT_TYPE);
		add_text(b, ae, "Description", a->description, LIM_REASON);
		add_text(b, ae, "ContentTransferEncoded", "base64", 0);
		char *b64 = base64(a->data, a->len);
		add_text(b, ae, "AttachmentText", b64, 0);
		free(b64);
	}
	return b->rc;
}

static int build_status(builder *b, xmlNodePtr header, const mc_edxml_message *m)
{
	xmlNodePtr st = xmlNewChild(header, b->ns, BAD_CAST "Status", NULL);
	if (!m->response_for.organ_id || !m->response_for.document_id) {
		say(b->problem, b->problem_size, "Status/ResponseFor is missing");
		return b->rc = MC_EINVAL;
	}
	if (!mc_edxml_status_name(m->status_code)) {
		say(b->problem, b->problem_size, "Status/StatusCode is not one of 01 to 06");
		return b->rc = MC_EINVAL;
	}
	add_ref(b, st, "ResponseFor", &m->response_for);
	add_organ(b, st, "From", &m->from);
	for (size_t i = 0; i < m->n_to && !b->rc; i++)
		add_organ(b, st, "To", &m->to[i]);
	add_text(b, st, "DocumentId", m->document_id, LIM_DOCUMENT_ID);
	char code[4];
	snprintf(code, sizeof code, "%02d", m->status_code);
	add_text(b, st, "StatusCode", code, 0);
	add_text(b, st, "Description", m->status_description, LIM_REASON);
	add_text(b, st, "Timestamp", m->status_timestamp, LIM_DATE);
	if (m->staff_department || m->staff_name) {
		xmlNodePtr sf = xmlNewChild(st, b->ns, BAD_CAST "StaffInfo", NULL);
		add_text(b, sf, "Department", m->staff_department, MC_LIMIT_DOCUMENT_ORGAN_NAME);
		add_text(b, sf, "Staff", m->staff_name, MC_LIMIT_DOCUMENT_SIGNER_NAME);
	}
	return b->rc;
}

int mc_edxml_build(char **out, size_t *out_len, const mc_edxml_message *m, char *problem, size_t problem_size)
{
	int rc = MC_EINVAL;
	xmlDocPtr doc = NULL;
	xmlChar *mem = NULL;
	int mem_len = 0;
	*out = NULL;
	*out_len = 0;
	say(problem, problem_size, "%s", "");
	if (!m->document_id || !*m->document_id) {
		say(problem, problem_size, "DocumentId is missing");
		goto cleanup;
	}
	if (m->kind != MC_EDXML_DOCUMENT && m->kind != MC_EDXML_STATUS) {
		say(problem, problem_size, "the message is neither a document nor a status");
		goto cleanup;
	}
	mc_edxml_init();
	doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "edXMLEnvelope");
	xmlDocSetRootElement(doc, root);
	builder b = {.ns = xmlNewNs(root, BAD_CAST MC_EDXML_NS, BAD_CAST "edXML"),
		     .problem = problem,
		     .problem_size = problem_size};
	xmlSetNs(root, b.ns);
	xmlNodePtr header = xmlNewChild(root, b.ns, BAD_CAST "edXMLHeader", NULL);
	xmlNodePtr body = xmlNewChild(root, b.ns, BAD_CAST "edXMLBody", NULL);
	rc = m->kind == MC_EDXML_DOCUMENT ? build_document(&b, header, body, m) : build_status(&b, header, m);
	if (rc)
		goto cleanup;
	xmlDocDumpMemoryEnc(doc, &mem, &mem_len, "UTF-8");
	if (!mem || mem_len <= 0) {
		rc = MC_ERROR;
		goto cleanup;
	}
	*out = mc_xmalloc((size_t)mem_len + 1);
	memcpy(*out, mem, (size_t)mem_len);
	(*out)[mem_len] = '\0';
	*out_len = (size_t)mem_len;
	rc = 0;
cleanup:
	xmlFree(mem);
	xmlFreeDoc(doc);
	return rc;
}

/* ---- reading ---- */

typedef struct {
	char *problem;
	size_t problem_size;
	int rc;
} reader;

static bool is_el(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && xmlStrEqual(n->ns->href, BAD_CAST MC_EDXML_NS) &&
	       xmlStrEqual(n->name, BAD_CAST name);
}

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
	if (!parent)
		return NULL;
	for (xmlNodePtr n = parent->children; n; n = n->next)
		if (is_el(n, name))
			return n;
	return NULL;
}

/* The text of parent's child name, trimmed, in *out (NULL when absent);
 * refused when longer than max_chars or required and absent or empty. */
static void get_text_raw(reader *r, char **out, xmlNodePtr parent, const char *path, const char *name,
			 size_t max_chars, bool required)
{
	*out = NULL;
	if (r->rc)
		return;
	xmlNodePtr n = child(parent, name);
	xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
	if (t) {
		const char *s = (const char *)t;
		while (*s && isspace((unsigned char)*s))
			s++;
		size_t len = strlen(s);
		while (len && isspace((unsigned char)s[len - 1]))
			len--;
		/* stored as NFC, whatever form the sender's system wrote */
		if (len && mc_text_nfc(out, s, len) != 0) {
			*out = NULL;
			xmlFree(t);
			say(r->problem, r->problem_size, "%s%s is not UTF-8 text", path, name);
			r->rc = MC_EINVAL;
			return;
		}
		xmlFree(t);
	}
	if (!*out && required) {
		say(r->problem, r->problem_size, "%s%s is missing", path, name);
		r->rc = MC_EINVAL;
		return;
	}
	if (*out && max_chars && utf8_chars(*out) > max_chars) {
		say(r->problem, r->problem_size, "%s%s is longer than %zu characters", path, name, max_chars);
		r->rc = MC_EINVAL;
	}
}

/* A text field of a peer's package: as get_text_raw, and refused when it
 * holds what no text field of motcua may hold (core/text.h, MC_TEXT_LINES:
 * control characters but line breaks and tabs, the characters that reorder
 * or hide text, piles of combining marks). It is shown on officers' screens,
 * in registers and exports as a local field is. */
static void get_text(reader *r, char **out, xmlNodePtr parent, const char *path, const char *name,
		     size_t max_chars, bool required)
{
	get_text_raw(r, out, parent, path, name, max_chars, required);
	if (r->rc || !*out)
		return;
	int cp = mc_text_first_refused(*out, strlen(*out), MC_TEXT_LINES);
	if (cp >= 0) {
		say(r->problem, r->problem_size, "%s%s holds U+%04X, which no text may hold", path, name,
		    (unsigned)cp);
		free(*out);
		*out = NULL;
		r->rc = MC_EINVAL;
	}
}

/*
 * The AttachmentName of the i-th (from 1) AttachmentEncoded c in *out, as a
 * local upload's name is taken (api/document_attachments.c): one line of
 * UTF-8 without control characters nor those that hide or reorder text
 * (MC_TEXT_NAME), without '"'. A sender's path ("C:\Văn bản\QĐ.pdf",
 * "../x.pdf") keeps its last component: the name is shown, listed and
 * exported, never a place on disk (files are stored by their SHA-256), and
 * a folder on the sender's machine is nobody's business here. Nothing left
 * of it, ".", ".." are refused.
 */
static void get_file_name(reader *r, char **out, xmlNodePtr c, size_t i)
{
	char *raw = NULL, *base = NULL;
	char path[80];
	snprintf(path, sizeof path, "edXMLBody/AttachmentEncoded[%zu]/", i);
	*out = NULL;
	get_text_raw(r, &raw, c, path, "AttachmentName", LIM_FILE_NAME, true);
	if (r->rc)
		goto cleanup;
	if (mc_text_clean(&base, raw, strlen(raw), LIM_FILE_NAME, MC_TEXT_NAME) != 0) {
		int cp = mc_text_first_refused(raw, strlen(raw), MC_TEXT_NAME);
		if (cp >= 0)
			say(r->problem, r->problem_size,
			    "%sAttachmentName is not a file's name: it holds U+%04X", path, (unsigned)cp);
		else
			say(r->problem, r->problem_size, "%sAttachmentName is not a file's name", path);
		r->rc = MC_EINVAL;
		goto cleanup;
	}
	free(base);
	base = NULL;
	const char *last = raw;
	for (const char *p = raw; *p; p++)
		if (*p == '/' || *p == '\\')
			last = p + 1;
	if (mc_text_clean(&base, last, strlen(last), LIM_FILE_NAME, MC_TEXT_NAME) != 0 ||
	    strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		say(r->problem, r->problem_size, "%sAttachmentName ends in a folder, not a file's name",
		    path);
		r->rc = MC_EINVAL;
		goto cleanup;
	}
	if (strchr(base, '"')) {
		say(r->problem, r->problem_size, "%sAttachmentName is not a file's name: it holds '\"'",
		    path);
		r->rc = MC_EINVAL;
		goto cleanup;
	}
	*out = base;
	base = NULL;
cleanup:
	free(raw);
	free(base);
}

static int get_int(reader *r, xmlNodePtr parent, const char *path, const char *name, int lo, int hi, int dflt)
{
	char *s = NULL;
	get_text(r, &s, parent, path, name, 12, false);
	if (!s)
		return dflt;
	char *end = NULL;
	long v = strtol(s, &end, 10);
	if (!r->rc && (*end || v < lo || v > hi)) {
		say(r->problem, r->problem_size, "%s%s is not a number from %d to %d", path, name, lo, hi);
		r->rc = MC_EINVAL;
	}
	free(s);
	return (int)v;
}

static void get_organ(reader *r, mc_edxml_organ *o, xmlNodePtr n, const char *path)
{
	get_text(r, &o->organ_id, n, path, "OrganId", LIM_ORGAN_ID, true);
	if (!r->rc && !mc_edxml_organ_id_valid(o->organ_id)) {
		say(r->problem, r->problem_size, "%sOrganId is not an organisation code like 000.00.00.H56",
		    path);
		r->rc = MC_EINVAL;
	}
	get_text(r, &o->organ_name, n, path, "OrganName", MC_LIMIT_DOCUMENT_ORGAN_NAME, false);
	get_text(r, &o->organ_add, n, path, "OrganAdd", LIM_ORGAN_ADD, false);
	get_text(r, &o->email, n, path, "Email", LIM_CONTACT, false);
	get_text(r, &o->telephone, n, path, "Telephone", LIM_CONTACT, false);
	get_text(r, &o->website, n, path, "Website", LIM_CONTACT, false);
}

static void get_ref(reader *r, mc_edxml_ref *ref, xmlNodePtr n, const char *path)
{
	if (!n)
		return;
	get_text(r, &ref->organ_id, n, path, "OrganId", LIM_ORGAN_ID, true);
	get_text(r, &ref->code, n, path, "Code", MC_LIMIT_DOCUMENT_CODE, false);
	get_text(r, &ref->promulgation_date, n, path, "PromulgationDate", LIM_DATE, false);
	get_text(r, &ref->document_id, n, path, "DocumentId", LIM_DOCUMENT_ID, false);
}

static size_t count(xmlNodePtr parent, const char *name)
{
	size_t n = 0;
	if (parent)
		for (xmlNodePtr c = parent->children; c; c = c->next)
			n += is_el(c, name);
	return n;
}

static int unbase64(unsigned char **out, size_t *out_len, const char *s)
{
	size_t len = strlen(s);
	char *clean = mc_xmalloc(len + 1);
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (isspace((unsigned char)s[i]))
			continue;
		clean[n++] = s[i];
	}
	clean[n] = '\0';
	int rc = MC_EINVAL;
	*out = NULL;
	*out_len = 0;
	if (n % 4 != 0 || n > INT32_MAX)
		goto cleanup;
	size_t pad = 0;
	if (n && clean[n - 1] == '=')
		pad++;
	if (n > 1 && clean[n - 2] == '=')
		pad++;
	*out = mc_xmalloc(n / 4 * 3 + 1);
	int got = n ? EVP_DecodeBlock(*out, (unsigned char *)clean, (int)n) : 0;
	if (got < 0 || (size_t)got < pad) {
		free(*out);
		*out = NULL;
		goto cleanup;
	}
	*out_len = (size_t)got - pad;
	rc = 0;
cleanup:
	free(clean);
	return rc;
}

static void read_document(reader *r, mc_edxml_message *m, xmlNodePtr header, xmlNodePtr body)
{
	xmlNodePtr mh = child(header, "MessageHeader");
	xmlNodePtr from = child(mh, "From");
	if (!from) {
		say(r->problem, r->problem_size, "MessageHeader/From is missing");
		r->rc = MC_EINVAL;
		return;
	}
	get_organ(r, &m->from, from, "MessageHeader/From/");
	m->n_to = count(mh, "To");
	if (!m->n_to || m->n_to > LIM_MAX_TO) {
		say(r->problem, r->problem_size, "MessageHeader/To: %s",
		    m->n_to ? "too many organisations" : "missing");
		m->n_to = 0;
		r->rc = MC_EINVAL;
		return;
	}
	m->to = mc_xcalloc(m->n_to, sizeof *m->to);
	size_t i = 0;
	for (xmlNodePtr c = mh->children; c; c = c->next)
		if (is_el(c, "To"))
			get_organ(r, &m->to[i++], c, "MessageHeader/To/");
	get_text(r, &m->document_id, mh, "MessageHeader/", "DocumentId", LIM_DOCUMENT_ID, true);
	xmlNodePtr code = child(mh, "Code");
	get_text(r, &m->code_number, code, "MessageHeader/Code/", "CodeNumber", MC_LIMIT_DOCUMENT_NUMBER,
		 true);
	get_text(r, &m->code_notation, code, "MessageHeader/Code/", "CodeNotation",
		 MC_LIMIT_DOCUMENT_NOTATION, true);
	if (!r->rc)
		for (const char *p = m->code_number; *p; p++)
			if (!isdigit((unsigned char)*p)) {
				say(r->problem, r->problem_size,
				    "MessageHeader/Code/CodeNumber is not a number");
				r->rc = MC_EINVAL;
				break;
			}
	xmlNodePtr pi = child(mh, "PromulgationInfo");
	get_text(r, &m->place, pi, "MessageHeader/PromulgationInfo/", "Place", MC_LIMIT_DOCUMENT_PLACE,
		 false);
	get_text(r, &m->promulgation_date, pi, "MessageHeader/PromulgationInfo/", "PromulgationDate",
		 LIM_DATE, true);
	xmlNodePtr dt = child(mh, "DocumentType");
	m->type = get_int(r, dt, "MessageHeader/DocumentType/", "Type", 1, 2, 2);
	get_text(r, &m->type_name, dt, "MessageHeader/DocumentType/", "TypeName", MC_LIMIT_DOCUMENT_TYPE_NAME,
		 false);
	get_text(r, &m->subject, mh, "MessageHeader/", "Subject", MC_LIMIT_DOCUMENT_SUBJECT, true);
	get_text(r, &m->content, mh, "MessageHeader/", "Content", MC_LIMIT_DOCUMENT_BODY, false);
	xmlNodePtr si = child(mh, "SignerInfo");
	get_text(r, &m->signer_competence, si, "MessageHeader/SignerInfo/", "Competence", LIM_COMPETENCE,
		 false);
	get_text(r, &m->signer_position, si, "MessageHeader/SignerInfo/", "Position",
		 MC_LIMIT_DOCUMENT_SIGNER_POSITION, false);
	get_text(r, &m->signer_name, si, "MessageHeader/SignerInfo/", "FullName",
		 MC_LIMIT_DOCUMENT_SIGNER_NAME, false);
	get_text(r, &m->due_date, mh, "MessageHeader/", "DueDate", LIM_DATE, false);
	xmlNodePtr tp = child(mh, "ToPlaces");
	m->n_to_places = count(tp, "Place");
	if (m->n_to_places > LIM_MAX_TO) {
		say(r->problem, r->problem_size, "MessageHeader/ToPlaces: more than %d places", LIM_MAX_TO);
		m->n_to_places = 0;
		r->rc = MC_EINVAL;
		return;
	}
	if (m->n_to_places) {
		m->to_places = mc_xcalloc(m->n_to_places, sizeof *m->to_places);
		i = 0;
		for (xmlNodePtr c = tp->children; c; c = c->next)
			if (is_el(c, "Place")) {
				xmlChar *t = xmlNodeGetContent(c);
				m->to_places[i] = mc_xstrdup(t ? (const char *)t : "");
				xmlFree(t);
				if (utf8_chars(m->to_places[i++]) > MC_LIMIT_DOCUMENT_ORGAN_NAME && !r->rc) {
					say(r->problem, r->problem_size,
					    "MessageHeader/ToPlaces/Place is longer than %d characters",
					    MC_LIMIT_DOCUMENT_ORGAN_NAME);
					r->rc = MC_EINVAL;
				}
			}
	}
	xmlNodePtr oi = child(mh, "OtherInfo");
	m->priority = get_int(r, oi, "MessageHeader/OtherInfo/", "Priority", 0, 4, 0);
	get_text(r, &m->sphere, oi, "MessageHeader/OtherInfo/", "SphereOfPromulgation", LIM_SPHERE, false);
	m->page_amount = get_int(r, oi, "MessageHeader/OtherInfo/", "PageAmount", 0, 100000, 0);
	m->steering_type = get_int(r, mh, "MessageHeader/", "SteeringType", 0, 9, 0);
	get_ref(r, &m->response_for, child(mh, "ResponseFor"), "MessageHeader/ResponseFor/");

	xmlNodePtr tl = child(header, "TraceHeaderList");
	m->n_traces = count(tl, "TraceHeader");
	if (m->n_traces > LIM_MAX_TRACES) {
		say(r->problem, r->problem_size, "TraceHeaderList: more than %d traces", LIM_MAX_TRACES);
		m->n_traces = 0;
		r->rc = MC_EINVAL;
		return;
	}
	if (m->n_traces) {
		m->traces = mc_xcalloc(m->n_traces, sizeof *m->traces);
		i = 0;
		for (xmlNodePtr c = tl->children; c; c = c->next)
			if (is_el(c, "TraceHeader")) {
				get_text(r, &m->traces[i].organ_id, c, "TraceHeader/", "OrganId",
					 LIM_ORGAN_ID, true);
				get_text(r, &m->traces[i].timestamp, c, "TraceHeader/", "Timestamp", LIM_DATE,
					 false);
				i++;
			}
	}
	xmlNodePtr bu = child(tl, "Bussiness");
	m->business = get_int(r, bu, "TraceHeaderList/Bussiness/", "BussinessDocType", 0, 3, 0);
	get_text(r, &m->business_reason, bu, "TraceHeaderList/Bussiness/", "BussinessDocReason", LIM_REASON,
		 false);
	get_ref(r, &m->replaces, child(bu, "ReplacementInfo"), "TraceHeaderList/Bussiness/ReplacementInfo/");
	if (!r->rc && m->business != MC_EDXML_BUSINESS_NEW && !m->replaces.organ_id) {
		say(r->problem, r->problem_size, "TraceHeaderList/Bussiness/ReplacementInfo is missing");
		r->rc = MC_EINVAL;
	}

	m->n_attachments = count(body, "AttachmentEncoded");
	if (m->n_attachments > LIM_MAX_ATTACHMENTS) {
		say(r->problem, r->problem_size, "edXMLBody: more than %d attachments", LIM_MAX_ATTACHMENTS);
		m->n_attachments = 0;
		r->rc = MC_EINVAL;
		return;
	}
	if (m->n_attachments) {
		m->attachments = mc_xcalloc(m->n_attachments, sizeof *m->attachments);
		i = 0;
		for (xmlNodePtr c = body->children; c && !r->rc; c = c->next) {
			if (!is_el(c, "AttachmentEncoded"))
				continue;
			mc_edxml_attachment *a = &m->attachments[i++];
			const char *p = "edXMLBody/AttachmentEncoded/";
			get_file_name(r, &a->name, c, i);
			get_text(r, &a->content_type, c, p, "ContentType", LIM_CONTENT_TYPE, false);
			get_text(r, &a->description, c, p, "Description", LIM_REASON, false);
			xmlNodePtr at = child(c, "AttachmentText");
			xmlChar *t = at ? xmlNodeGetContent(at) : NULL;
			if (!r->rc && (!t || unbase64(&a->data, &a->len, (const char *)t))) {
				say(r->problem, r->problem_size, "%sAttachmentText is %s", p,
				    t ? "not base64" : "missing");
				r->rc = MC_EINVAL;
			}
			xmlFree(t);
		}
	}
}

static void read_status(reader *r, mc_edxml_message *m, xmlNodePtr st)
{
	const char *p = "Status/";
	get_ref(r, &m->response_for, child(st, "ResponseFor"), "Status/ResponseFor/");
	if (!r->rc && (!m->response_for.organ_id || !m->response_for.document_id)) {
		say(r->problem, r->problem_size, "Status/ResponseFor%s is missing",
		    m->response_for.organ_id ? "/DocumentId" : "");
		r->rc = MC_EINVAL;
		return;
	}
	xmlNodePtr from = child(st, "From");
	if (!from) {
		say(r->problem, r->problem_size, "Status/From is missing");
		r->rc = MC_EINVAL;
		return;
	}
	get_organ(r, &m->from, from, "Status/From/");
	m->n_to = count(st, "To");
	if (m->n_to > LIM_MAX_TO) {
		m->n_to = 0;
		say(r->problem, r->problem_size, "Status/To: too many organisations");
		r->rc = MC_EINVAL;
		return;
	}
	if (m->n_to) {
		m->to = mc_xcalloc(m->n_to, sizeof *m->to);
		size_t i = 0;
		for (xmlNodePtr c = st->children; c; c = c->next)
			if (is_el(c, "To"))
				get_organ(r, &m->to[i++], c, "Status/To/");
	}
	get_text(r, &m->document_id, st, p, "DocumentId", LIM_DOCUMENT_ID, true);
	m->status_code = get_int(r, st, p, "StatusCode", 1, 6, 0);
	if (!r->rc && !m->status_code) {
		say(r->problem, r->problem_size, "Status/StatusCode is missing");
		r->rc = MC_EINVAL;
	}
	get_text(r, &m->status_description, st, p, "Description", LIM_REASON, false);
	get_text(r, &m->status_timestamp, st, p, "Timestamp", LIM_DATE, false);
	xmlNodePtr sf = child(st, "StaffInfo");
	get_text(r, &m->staff_department, sf, "Status/StaffInfo/", "Department", MC_LIMIT_DOCUMENT_ORGAN_NAME,
		 false);
	get_text(r, &m->staff_name, sf, "Status/StaffInfo/", "Staff", MC_LIMIT_DOCUMENT_SIGNER_NAME, false);
}

int mc_edxml_parse(mc_edxml_message *out, const char *xml, size_t len, size_t max_bytes, char *problem,
		   size_t problem_size)
{
	int rc = MC_EINVAL;
	xmlDocPtr doc = NULL;
	memset(out, 0, sizeof *out);
	say(problem, problem_size, "%s", "");
	if (!max_bytes)
		max_bytes = MC_EDXML_MAX_BYTES;
	if (len > max_bytes || len > INT32_MAX) {
		say(problem, problem_size, "the package is larger than %zu bytes", max_bytes);
		rc = MC_ETOOBIG;
		goto cleanup;
	}
	/* No DTD at all: nothing to expand, nothing to load (billion laughs, XXE). */
	if (has(xml, len, "<!DOCTYPE") || has(xml, len, "<!ENTITY")) {
		say(problem, problem_size, "the package has a DTD, which edXML does not allow");
		goto cleanup;
	}
	mc_edxml_init();
	doc = xmlReadMemory(xml, (int)len, "edxml.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = xmlGetLastError();
		say(problem, problem_size, "the package is not well-formed XML%s%s",
		    e && e->message ? ": " : "", e && e->message ? e->message : "");
		/* libxml2's messages end with a newline */
		if (problem) {
			size_t n = strlen(problem);
			while (n && (problem[n - 1] == '\n' || problem[n - 1] == ' '))
				problem[--n] = '\0';
		}
		goto cleanup;
	}
	if (doc->intSubset || doc->extSubset) {
		say(problem, problem_size, "the package has a DTD, which edXML does not allow");
		goto cleanup;
	}
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!is_el(root, "edXMLEnvelope")) {
		say(problem, problem_size, "the root element is not edXMLEnvelope of %s", MC_EDXML_NS);
		goto cleanup;
	}
	xmlNodePtr header = child(root, "edXMLHeader");
	xmlNodePtr body = child(root, "edXMLBody");
	if (!header) {
		say(problem, problem_size, "edXMLHeader is missing");
		goto cleanup;
	}
	reader r = {.problem = problem, .problem_size = problem_size};
	xmlNodePtr st = child(header, "Status");
	if (st) {
		out->kind = MC_EDXML_STATUS;
		read_status(&r, out, st);
	} else if (child(header, "MessageHeader")) {
		out->kind = MC_EDXML_DOCUMENT;
		read_document(&r, out, header, body);
	} else {
		say(problem, problem_size, "edXMLHeader has neither MessageHeader nor Status");
		goto cleanup;
	}
	rc = r.rc;
cleanup:
	if (rc)
		mc_edxml_message_clear(out);
	xmlFreeDoc(doc);
	return rc;
}
