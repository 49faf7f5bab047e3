/* Tests for src/core/edxml.c: a document's package and a status message are
 * built and read back field by field; what edXML requires is refused when
 * missing; a DTD (entity expansion, external entities), a package over its
 * size, a field over its Phụ lục VI limit and bad base64 are refused with
 * the element named. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/edxml.h"
#include "core/mc.h"

static mc_edxml_organ to_organ = {.organ_id = "000.00.00.H26", .organ_name = "UBND tỉnh Thử Hai"};
static char *places[] = {"Văn phòng Chính phủ", "Bộ Nội vụ"};
static unsigned char pdf[] = "%PDF-1.7\n\x00\x01\x02\xff binary\n%%EOF\n";

static mc_edxml_message sample(void)
{
	static mc_edxml_attachment att;
	att = (mc_edxml_attachment){.name = "6366-BC-UBND.pdf",
				    .content_type = "application/pdf",
				    .description = "Báo cáo",
				    .data = pdf,
				    .len = sizeof pdf - 1};
	static mc_edxml_trace trace = {.organ_id = "000.00.00.H56", .timestamp = "2017-05-24T09:00:00+07:00"};
	mc_edxml_message m = {
	    .kind = MC_EDXML_DOCUMENT,
	    .document_id = "000.00.00.H56,2017/05/24,6366",
	    .from = {.organ_id = "000.00.00.H56",
		     .organ_name = "UBND tỉnh Thanh Hóa",
		     .email = "vp@thanhhoa.gov.vn"},
	    .to = &to_organ,
	    .n_to = 1,
	    .code_number = "6366",
	    .code_notation = "BC-UBND",
	    .place = "Thanh Hóa",
	    .promulgation_date = "2017-05-24",
	    .type = 2,
	    .type_name = "Báo cáo",
	    .subject = "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2017",
	    .content = "Nội dung <có> & ký tự đặc biệt",
	    .signer_competence = "TM. Ủy ban nhân dân",
	    .signer_position = "Chủ tịch",
	    .signer_name = "Nguyễn Văn A",
	    .due_date = "2017-06-30",
	    .to_places = places,
	    .n_to_places = 2,
	    .priority = 1,
	    .page_amount = 12,
	    .steering_type = 1,
	    .response_for = {.organ_id = "000.00.00.H26", .code = "12/CV-UBND", .document_id = "x,1"},
	    .traces = &trace,
	    .n_traces = 1,
	    .attachments = &att,
	    .n_attachments = 1,
	};
	return m;
}

static void document_round_trip(void **state)
{
	(void)state;
	mc_edxml_message m = sample(), got = {0};
	char *xml = NULL, problem[200];
	size_t len = 0;
	assert_int_equal(mc_edxml_build(&xml, &len, &m, problem, sizeof problem), 0);
	assert_non_null(strstr(xml, "<edXML:edXMLEnvelope xmlns:edXML=\"http://www.e-doc.vn/Schema/\">"));
	assert_non_null(strstr(xml, "<edXML:CodeNumber>6366</edXML:CodeNumber>"));
	assert_int_equal(mc_edxml_parse(&got, xml, len, 0, problem, sizeof problem), 0);
	assert_int_equal(got.kind, MC_EDXML_DOCUMENT);
	assert_string_equal(got.document_id, m.document_id);
	assert_string_equal(got.from.organ_id, "000.00.00.H56");
	assert_string_equal(got.from.organ_name, "UBND tỉnh Thanh Hóa");
	assert_string_equal(got.from.email, "vp@thanhhoa.gov.vn");
	assert_int_equal(got.n_to, 1);
	assert_string_equal(got.to[0].organ_id, "000.00.00.H26");
	assert_string_equal(got.code_number, "6366");
	assert_string_equal(got.code_notation, "BC-UBND");
	assert_string_equal(got.place, "Thanh Hóa");
	assert_string_equal(got.promulgation_date, "2017-05-24");
	assert_int_equal(got.type, 2);
	assert_string_equal(got.type_name, "Báo cáo");
	assert_string_equal(got.subject, m.subject);
	assert_string_equal(got.content, m.content);
	assert_string_equal(got.signer_competence, "TM. Ủy ban nhân dân");
	assert_string_equal(got.signer_position, "Chủ tịch");
	assert_string_equal(got.signer_name, "Nguyễn Văn A");
	assert_string_equal(got.due_date, "2017-06-30");
	assert_int_equal(got.n_to_places, 2);
	assert_string_equal(got.to_places[1], "Bộ Nội vụ");
	assert_int_equal(got.priority, 1);
	assert_int_equal(got.page_amount, 12);
	assert_int_equal(got.steering_type, 1);
	assert_string_equal(got.response_for.organ_id, "000.00.00.H26");
	assert_string_equal(got.response_for.code, "12/CV-UBND");
	assert_int_equal(got.n_traces, 1);
	assert_string_equal(got.traces[0].timestamp, "2017-05-24T09:00:00+07:00");
	assert_int_equal(got.business, MC_EDXML_BUSINESS_NEW);
	assert_int_equal(got.n_attachments, 1);
	assert_string_equal(got.attachments[0].name, "6366-BC-UBND.pdf");
	assert_string_equal(got.attachments[0].content_type, "application/pdf");
	assert_int_equal(got.attachments[0].len, sizeof pdf - 1);
	assert_memory_equal(got.attachments[0].data, pdf, sizeof pdf - 1);
	mc_edxml_message_clear(&got);
	free(xml);
}

static void recall_names_the_document(void **state)
{
	(void)state;
	mc_edxml_message m = sample(), got = {0};
	char *xml = NULL, problem[200];
	size_t len = 0;
	m.business = MC_EDXML_BUSINESS_RECALL;
	assert_int_equal(mc_edxml_build(&xml, &len, &m, problem, sizeof problem), MC_EINVAL);
	assert_non_null(strstr(problem, "ReplacementInfo"));
	m.replaces = (mc_edxml_ref){.organ_id = "000.00.00.H56", .document_id = "000.00.00.H56,2017/05/20,1"};
	m.business_reason = "Sai thể thức";
	assert_int_equal(mc_edxml_build(&xml, &len, &m, problem, sizeof problem), 0);
	assert_int_equal(mc_edxml_parse(&got, xml, len, 0, problem, sizeof problem), 0);
	assert_int_equal(got.business, MC_EDXML_BUSINESS_RECALL);
	assert_string_equal(got.business_reason, "Sai thể thức");
	assert_string_equal(got.replaces.document_id, "000.00.00.H56,2017/05/20,1");
	mc_edxml_message_clear(&got);
	free(xml);
}

static void status_round_trip(void **state)
{
	(void)state;
	mc_edxml_message m = {.kind = MC_EDXML_STATUS,
			      .document_id = "000.00.00.H26,status,1",
			      .from = {.organ_id = "000.00.00.H26", .organ_name = "UBND tỉnh Thử Hai"},
			      .response_for = {.organ_id = "000.00.00.H56",
					       .code = "6366/BC-UBND",
					       .document_id = "000.00.00.H56,2017/05/24,6366"},
			      .status_code = MC_EDXML_STATUS_ACCEPTED,
			      .status_description = "Đã vào sổ đến số 15",
			      .status_timestamp = "2017-05-24T10:00:00+07:00",
			      .staff_name = "Văn thư"},
			 got = {0};
	char *xml = NULL, problem[200];
	size_t len = 0;
	assert_int_equal(mc_edxml_build(&xml, &len, &m, problem, sizeof problem), 0);
	assert_non_null(strstr(xml, "<edXML:StatusCode>03</edXML:StatusCode>"));
	assert_int_equal(mc_edxml_parse(&got, xml, len, 0, problem, sizeof problem), 0);
	assert_int_equal(got.kind, MC_EDXML_STATUS);
	assert_int_equal(got.status_code, 3);
	assert_string_equal(got.response_for.document_id, "000.00.00.H56,2017/05/24,6366");
	assert_string_equal(got.status_description, "Đã vào sổ đến số 15");
	assert_string_equal(got.staff_name, "Văn thư");
	assert_string_equal(mc_edxml_status_name(got.status_code), "accepted");
	assert_string_equal(mc_edxml_status_title(2), "Từ chối tiếp nhận");
	assert_null(mc_edxml_status_name(7));
	mc_edxml_message_clear(&got);
	free(xml);
	m.status_code = 9;
	assert_int_equal(mc_edxml_build(&xml, &len, &m, problem, sizeof problem), MC_EINVAL);
	assert_non_null(strstr(problem, "StatusCode"));
}

static void build_refuses_missing_and_long(void **state)
{
	(void)state;
	char *xml = NULL, problem[200];
	size_t len = 0;
	mc_edxml_message m = sample();
	m.n_to = 0;
	assert_int_equal(mc_edxml_build(&xml, &len, &m, problem, sizeof problem), MC_EINVAL);
	assert_non_null(strstr(problem, "To"));
	m = sample();
	m.subject = NULL;
	assert_int_equal(mc_edxml_build(&xml, &len, &m, problem, sizeof problem), MC_EINVAL);
	assert_string_equal(problem, "Subject is missing");
	m = sample();
	m.code_number = "123456789012"; /* 12 digits: Phụ lục VI allows 11 */
	assert_int_equal(mc_edxml_build(&xml, &len, &m, problem, sizeof problem), MC_EINVAL);
	assert_string_equal(problem, "CodeNumber is longer than 11 characters");
	m = sample();
	m.from.organ_id = "H56";
	assert_int_equal(mc_edxml_build(&xml, &len, &m, problem, sizeof problem), MC_EINVAL);
	assert_non_null(strstr(problem, "From/OrganId"));
	assert_null(xml);
}

/* Replaces the first occurrence of from in xml by to; returns a new string. */
static char *replace(const char *xml, const char *from, const char *to)
{
	const char *at = strstr(xml, from);
	assert_non_null(at);
	size_t n = strlen(xml) - strlen(from) + strlen(to);
	char *out = malloc(n + 1);
	size_t head = (size_t)(at - xml);
	memcpy(out, xml, head);
	strcpy(out + head, to);
	strcat(out, at + strlen(from));
	return out;
}

static void parse_refuses_bad_packages(void **state)
{
	(void)state;
	mc_edxml_message m = sample(), got = {0};
	char *xml = NULL, problem[200];
	size_t len = 0;
	assert_int_equal(mc_edxml_build(&xml, &len, &m, problem, sizeof problem), 0);

	/* entity expansion (billion laughs) and an external entity: a DTD is refused */
	const char *laughs = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
			     "\"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><x>&b;</x>";
	assert_int_equal(mc_edxml_parse(&got, laughs, strlen(laughs), 0, problem, sizeof problem), MC_EINVAL);
	assert_string_equal(problem, "the package has a DTD, which edXML does not allow");
	char *xxe = replace(xml, "<edXML:edXMLEnvelope",
			    "<!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><edXML:edXMLEnvelope");
	assert_int_equal(mc_edxml_parse(&got, xxe, strlen(xxe), 0, problem, sizeof problem), MC_EINVAL);
	free(xxe);

	/* not XML; not edXML; over the size */
	assert_int_equal(mc_edxml_parse(&got, "<a><b></a>", 10, 0, problem, sizeof problem), MC_EINVAL);
	assert_non_null(strstr(problem, "not well-formed"));
	assert_int_equal(mc_edxml_parse(&got, "<a/>", 4, 0, problem, sizeof problem), MC_EINVAL);
	assert_non_null(strstr(problem, "edXMLEnvelope"));
	assert_int_equal(mc_edxml_parse(&got, xml, len, len - 1, problem, sizeof problem), MC_ETOOBIG);

	/* a subject over 500 characters, named */
	char long_subject[700];
	memset(long_subject, 'x', 501);
	long_subject[501] = '\0';
	char *bad = replace(xml, m.subject, long_subject);
	assert_int_equal(mc_edxml_parse(&got, bad, strlen(bad), 0, problem, sizeof problem), MC_EINVAL);
	assert_string_equal(problem, "MessageHeader/Subject is longer than 500 characters");
	free(bad);

	/* a missing subject, a bad code number, bad base64, a bad organisation code */
	bad = replace(xml, "<edXML:Subject>", "<edXML:Subjekt>");
	char *bad2 = replace(bad, "</edXML:Subject>", "</edXML:Subjekt>");
	assert_int_equal(mc_edxml_parse(&got, bad2, strlen(bad2), 0, problem, sizeof problem), MC_EINVAL);
	assert_string_equal(problem, "MessageHeader/Subject is missing");
	free(bad);
	free(bad2);
	bad = replace(xml, "<edXML:CodeNumber>6366", "<edXML:CodeNumber>63a6");
	assert_int_equal(mc_edxml_parse(&got, bad, strlen(bad), 0, problem, sizeof problem), MC_EINVAL);
	assert_string_equal(problem, "MessageHeader/Code/CodeNumber is not a number");
	free(bad);
	bad = replace(xml, "<edXML:AttachmentText>", "<edXML:AttachmentText>*");
	assert_int_equal(mc_edxml_parse(&got, bad, strlen(bad), 0, problem, sizeof problem), MC_EINVAL);
	assert_string_equal(problem, "edXMLBody/AttachmentEncoded/AttachmentText is not base64");
	free(bad);
	bad = replace(xml, "<edXML:OrganId>000.00.00.H56", "<edXML:OrganId>nobody");
	assert_int_equal(mc_edxml_parse(&got, bad, strlen(bad), 0, problem, sizeof problem), MC_EINVAL);
	assert_non_null(strstr(problem, "MessageHeader/From/OrganId is not an organisation code"));
	free(bad);
	free(xml);
}

/* A sender's decomposed text (e + U+0301 …) is read as NFC, and its length
 * counted in characters after that. */
static void text_is_read_as_nfc(void **state)
{
	(void)state;
	mc_edxml_message m = sample(), got = {0};
	char *xml = NULL, problem[200];
	size_t len = 0;
	m.subject = "Ca\xcc\x89i ca\xcc\x81"
		    "ch"; /* "Cải cách" decomposed */
	assert_int_equal(mc_edxml_build(&xml, &len, &m, problem, sizeof problem), 0);
	assert_int_equal(mc_edxml_parse(&got, xml, len, 0, problem, sizeof problem), 0);
	assert_string_equal(got.subject, "C\xe1\xba\xa3i c\xc3\xa1"
					 "ch");
	mc_edxml_message_clear(&got);
	free(xml);
}

/* A peer's text fields hold what a local one may (core/text.h,
 * MC_TEXT_LINES): line breaks and tabs, not the characters that reorder or
 * hide text; the field is named in the refusal. */
static void text_fields_are_clean(void **state)
{
	(void)state;
	mc_edxml_message m = sample(), got = {0};
	char *xml = NULL, problem[200];
	size_t len = 0;
	m.content = "Điều 1.\n\tGiao Sở Nội vụ";
	assert_int_equal(mc_edxml_build(&xml, &len, &m, problem, sizeof problem), 0);
	assert_int_equal(mc_edxml_parse(&got, xml, len, 0, problem, sizeof problem), 0);
	assert_string_equal(got.content, "Điều 1.\n\tGiao Sở Nội vụ");
	mc_edxml_message_clear(&got);
	free(xml);
	m.subject = "Về việc \xe2\x80\xae"
		    "nóht gnỗhk"; /* U+202E: shown reversed */
	assert_int_equal(mc_edxml_build(&xml, &len, &m, problem, sizeof problem), 0);
	assert_int_equal(mc_edxml_parse(&got, xml, len, 0, problem, sizeof problem), MC_EINVAL);
	assert_string_equal(problem, "MessageHeader/Subject holds U+202E, which no text may hold");
	mc_edxml_message_clear(&got);
	free(xml);
}

/* The name parse reads for an attachment named name, or NULL with the
 * problem in problem when the package is refused. */
static char *name_read(const char *name, char *problem, size_t problem_size)
{
	mc_edxml_message m = sample(), got = {0};
	mc_edxml_attachment att = m.attachments[0];
	char *xml = NULL, *out = NULL;
	size_t len = 0;
	att.name = (char *)name;
	m.attachments = &att;
	assert_int_equal(mc_edxml_build(&xml, &len, &m, problem, problem_size), 0);
	if (mc_edxml_parse(&got, xml, len, 0, problem, problem_size) == 0) {
		out = strdup(got.attachments[0].name);
		mc_edxml_message_clear(&got);
	}
	free(xml);
	return out;
}

/* A peer's AttachmentName is taken as a local upload's name: a path keeps
 * its last component; control characters (a header or a CSV line split),
 * '"' and nothing after the path are refused, the attachment named. */
static void attachment_names_are_file_names(void **state)
{
	(void)state;
	char problem[200];
	char *got = name_read("../../../../etc/passwd", problem, sizeof problem);
	assert_string_equal(got, "passwd");
	free(got);
	got = name_read("C:\\Văn bản\\Phụ lục 2.pdf", problem, sizeof problem);
	assert_string_equal(got, "Phụ lục 2.pdf");
	free(got);
	got = name_read("Tờ trình  số 12.pdf", problem, sizeof problem);
	assert_string_equal(got, "Tờ trình  số 12.pdf");
	free(got);
	assert_null(name_read("a\"; filename*=UTF-8''evil.html\r\nX-Injected: 1", problem, sizeof problem));
	assert_string_equal(problem, "edXMLBody/AttachmentEncoded[1]/AttachmentName is not a file's name: it "
				     "holds U+000D");
	assert_null(name_read("bao-cao\t.pdf", problem, sizeof problem));
	assert_string_equal(problem, "edXMLBody/AttachmentEncoded[1]/AttachmentName is not a file's name: it "
				     "holds U+0009");
	assert_null(name_read("bao\xe2\x80\xae"
			      "fdp.exe",
			      problem, sizeof problem)); /* U+202E */
	assert_string_equal(problem, "edXMLBody/AttachmentEncoded[1]/AttachmentName is not a file's name: it "
				     "holds U+202E");
	assert_null(name_read("a\"b.pdf", problem, sizeof problem));
	assert_string_equal(problem, "edXMLBody/AttachmentEncoded[1]/AttachmentName is not a file's name: it "
				     "holds '\"'");
	for (size_t i = 0; i < 3; i++) {
		const char *folder[] = {"../", "a/..", "x/ "};
		assert_null(name_read(folder[i], problem, sizeof problem));
		assert_string_equal(
		    problem,
		    "edXMLBody/AttachmentEncoded[1]/AttachmentName ends in a folder, not a file's name");
	}
}

static void organ_ids(void **state)
{
	(void)state;
	assert_true(mc_edxml_organ_id_valid("000.00.00.H56"));
	assert_true(mc_edxml_organ_id_valid("000.25.001.H56"));
	assert_true(mc_edxml_organ_id_valid("000.00.00.G12"));
	assert_false(mc_edxml_organ_id_valid("000.00.H56"));
	assert_false(mc_edxml_organ_id_valid("000.00.00.H56."));
	assert_false(mc_edxml_organ_id_valid("000..00.H56"));
	assert_false(mc_edxml_organ_id_valid("000.00.00.H5 6"));
	assert_false(mc_edxml_organ_id_valid(""));
	assert_false(mc_edxml_organ_id_valid(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(document_round_trip),	  cmocka_unit_test(recall_names_the_document),
	    cmocka_unit_test(status_round_trip),	  cmocka_unit_test(build_refuses_missing_and_long),
	    cmocka_unit_test(parse_refuses_bad_packages), cmocka_unit_test(organ_ids),
	    cmocka_unit_test(text_is_read_as_nfc),	  cmocka_unit_test(attachment_names_are_file_names),
	    cmocka_unit_test(text_fields_are_clean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
