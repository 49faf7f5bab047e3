#include "app/notify.h"

#include "core/buf.h"
#include "core/dossier.h"
#include "core/text.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int mc_notify_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : MC_ERROR;
}

int64_t mc_notify_backoff(int attempts)
{
	if (attempts >= MC_NOTIFY_MAX_ATTEMPTS)
		return 0;
	int64_t delay = 60;
	for (int i = 1; i < attempts && delay < 3600; i++)
		delay *= 2;
	return delay > 3600 ? 3600 : delay;
}

/* "09 giờ 25 phút ngày 12/06/2017" */
static void when(char *buf, size_t cap, int64_t t)
{
	char iso[40];
	mc_time_format(iso, sizeof iso, t);
	snprintf(buf, cap, "%.2s giờ %.2s phút ngày %.2s/%.2s/%.4s", iso + 11, iso + 14, iso + 8, iso + 5,
		 iso);
}

/* The texts are made of fields of at most a few KiB (a reason of 4096 bytes,
 * names of 512, public_url of 511), so valid data never reaches these; one
 * that does is refused, not sent with a cut link. */
#define LINK_MAX 2048
#define TEXT_MAX 32768

/* Queues one message. Its subject and body are kept whole up to the outbox's
 * columns, then cut after a whole character: a message may be shortened, an
 * event must never fail because of it (the link comes early in every SMS). */
static int queue(mc_store *st, const mc_dossier *d, const char *channel, const char *recipient,
		 const char *subject, const char *body, int64_t at)
{
	/* The store only reads the message's strings: they stay the caller's. */
	mc_message m = {.province_code = (char *)d->province_code,
			.dossier_id = d->id,
			.channel = (char *)channel,
			.recipient = (char *)recipient,
			.subject = (char *)subject,
			.body = (char *)body,
			.created_at = at};
	return mc_store_outbox_add(st, &m);
}

int mc_notify_task(mc_store *st, const char *province_code, const char *recipient, int64_t task_id,
		   const char *title, const char *unit_name, const char *due_text, bool overdue,
		   const char *public_url, int64_t at)
{
	char *subject = NULL, *body = NULL;
	int rc = mc_buf_format(&subject, TEXT_MAX, "[motcua] Nhiệm vụ %s: %s",
			       overdue ? "quá hạn" : "sắp đến hạn", title);
	if (rc == 0)
		rc = mc_buf_format(&body, TEXT_MAX,
				   "Nhiệm vụ: %s\nĐơn vị chủ trì: %s\nThời hạn: %s\n%s\n\nXem nhiệm vụ: "
				   "%s/nhiem-vu/%lld\n",
				   title, unit_name, due_text,
				   overdue ? "Nhiệm vụ đã quá hạn mà chưa hoàn thành."
					   : "Nhiệm vụ sắp đến hạn (còn không quá 3 ngày làm việc).",
				   public_url ? public_url : "", (long long)task_id);
	if (rc == 0) {
		mc_message m = {.province_code = (char *)(province_code ? province_code : ""),
				.channel = "email",
				.recipient = (char *)recipient,
				.subject = subject,
				.body = body,
				.created_at = at};
		rc = mc_store_outbox_add(st, &m);
	}
	free(subject);
	free(body);
	return rc;
}

int mc_notify_apology_due(mc_store *st, const char *province_code, const char *recipient, int64_t dossier_id,
			  const char *code, const char *procedure_name, const char *unit_name, int64_t due_at,
			  int64_t at)
{
	char *subject = NULL, *body = NULL, due[64];
	int rc;

	when(due, sizeof due, due_at);
	rc = mc_buf_format(&subject, TEXT_MAX, "[motcua] Hồ sơ %s sắp đến hạn, chưa có phiếu xin lỗi", code);
	/* Nghị định 61/2018, art. 19 (docs/forms.md, form 04): the apology is
	 * made at least one working day before the due time. */
	if (rc == 0)
		rc = mc_buf_format(
		    &body, TEXT_MAX,
		    "Mã hồ sơ: %s\nThủ tục: %s\nĐơn vị đang giải quyết: %s\nHạn trả kết quả: %s\n\n"
		    "Hồ sơ còn không quá 01 ngày làm việc đến hạn trả kết quả mà chưa có phiếu xin "
		    "lỗi và hẹn lại ngày trả kết quả. Nếu hồ sơ không được giải quyết đúng hạn, "
		    "đơn vị lập phiếu xin lỗi (Mẫu số 04) gửi qua Bộ phận tiếp nhận và trả kết quả "
		    "chậm nhất 01 ngày làm việc trước ngày hết hạn.\n",
		    code, procedure_name, unit_name, due);
	if (rc == 0) {
		mc_message m = {.province_code = (char *)(province_code ? province_code : ""),
				.dossier_id = dossier_id,
				.channel = "email",
				.recipient = (char *)recipient,
				.subject = subject,
				.body = body,
				.created_at = at};
		rc = mc_store_outbox_add(st, &m);
	}
	free(subject);
	free(body);
	return rc;
}

int mc_notify_dossier(mc_store *st, const mc_dossier *d, const char *action, const char *procedure_name,
		      const char *unit_name, const char *public_url, int64_t at)
{
	mc_buf link, subject, text, sms;
	char due[64];
	const char *proc = procedure_name ? procedure_name : d->procedure_code;
	const char *unit = unit_name ? unit_name : "Bộ phận một cửa";
	int rc;

	mc_buf_init(&link, LINK_MAX);
	mc_buf_init(&subject, TEXT_MAX);
	mc_buf_init(&text, TEXT_MAX);
	mc_buf_init(&sms, TEXT_MAX);
	rc = mc_buf_addf(&link, "%s/tra-cuu/%s", public_url ? public_url : "", d->code);
	if (rc != 0)
		goto cleanup;
	const char *url = link.data;
	bool received = strcmp(action, "receive") == 0 || (strcmp(action, "create") == 0 && d->received_at);
	if (received) {
		when(due, sizeof due, d->due_at);
		rc = mc_buf_addf(&subject, "Hồ sơ %s đã được tiếp nhận", d->code);
		if (rc == 0)
			rc = mc_buf_addf(
			    &text,
			    "Kính gửi ông/bà %s,\n\n%s đã tiếp nhận hồ sơ \"%s\" của ông/bà.\nMã hồ sơ: "
			    "%s\nThời gian hẹn trả kết quả: %s.\n\nTra cứu tình trạng hồ sơ: %s\n",
			    d->applicant_name, unit, proc, d->code, due, url);
		if (rc == 0)
			rc = mc_buf_addf(&sms, "%s da tiep nhan ho so %s. Hen tra ket qua: %s. Tra cuu: %s",
					 unit, d->code, due, url);
	} else if (strcmp(action, "request_supplement") == 0) {
		rc = mc_buf_addf(&subject, "Hồ sơ %s cần bổ sung", d->code);
		if (rc == 0)
			rc = mc_buf_addf(
			    &text,
			    "Kính gửi ông/bà %s,\n\nHồ sơ %s (\"%s\") cần bổ sung, hoàn thiện:\n%s\n\n"
			    "Thời gian giải quyết tạm dừng cho đến khi ông/bà bổ sung hồ sơ.\nTra cứu: %s\n",
			    d->applicant_name, d->code, proc, d->note, url);
		if (rc == 0)
			rc = mc_buf_addf(&sms, "Ho so %s can bo sung. Chi tiet: %s", d->code, url);
	} else if (strcmp(action, "supplement") == 0) {
		/* The clock runs again: the due time moved by the pause (or, before
		 * reception, has not started). */
		rc = mc_buf_addf(&subject, "Hồ sơ %s đã được bổ sung", d->code);
		if (rc == 0 && d->due_at) {
			when(due, sizeof due, d->due_at);
			rc = mc_buf_addf(
			    &text,
			    "Kính gửi ông/bà %s,\n\n%s đã nhận hồ sơ bổ sung của hồ sơ %s (\"%s\"). "
			    "Thời gian giải quyết tiếp tục được tính.\nThời gian hẹn trả kết quả mới: %s."
			    "\n\nTra cứu: %s\n",
			    d->applicant_name, unit, d->code, proc, due, url);
			if (rc == 0)
				rc = mc_buf_addf(
				    &sms, "Da nhan bo sung ho so %s. Hen tra ket qua moi: %s. Tra cuu: %s",
				    d->code, due, url);
		} else if (rc == 0) {
			rc = mc_buf_addf(
			    &text,
			    "Kính gửi ông/bà %s,\n\n%s đã nhận hồ sơ bổ sung của hồ sơ %s (\"%s\"). "
			    "Hồ sơ đang chờ tiếp nhận.\n\nTra cứu: %s\n",
			    d->applicant_name, unit, d->code, proc, url);
			if (rc == 0)
				rc = mc_buf_addf(&sms, "Da nhan bo sung ho so %s. Tra cuu: %s", d->code, url);
		}
	} else if (strcmp(action, "withdraw") == 0) {
		rc = mc_buf_addf(&subject, "Hồ sơ %s đã được rút", d->code);
		if (rc == 0)
			rc = mc_buf_addf(
			    &text,
			    "Kính gửi ông/bà %s,\n\nHồ sơ %s (\"%s\") đã được rút, không tiếp tục "
			    "giải quyết.\n\nNếu ông/bà không đề nghị rút hồ sơ, xin liên hệ %s.\n"
			    "Tra cứu: %s\n",
			    d->applicant_name, d->code, proc, unit, url);
		if (rc == 0)
			rc = mc_buf_addf(&sms, "Ho so %s da duoc rut. Chi tiet: %s", d->code, url);
	} else if (strcmp(action, "refuse") == 0) {
		rc = mc_buf_addf(&subject, "Hồ sơ %s không được tiếp nhận", d->code);
		if (rc == 0)
			rc = mc_buf_addf(
			    &text,
			    "Kính gửi ông/bà %s,\n\nHồ sơ %s (\"%s\") không được tiếp nhận. Lý do:\n%s\n",
			    d->applicant_name, d->code, proc, d->note);
		if (rc == 0)
			rc = mc_buf_addf(&sms, "Ho so %s khong duoc tiep nhan. Chi tiet: %s", d->code, url);
	} else if (strcmp(action, "resolve") == 0) {
		rc = mc_buf_addf(&subject, "Hồ sơ %s đã có kết quả", d->code);
		if (rc == 0)
			rc = mc_buf_addf(
			    &text,
			    "Kính gửi ông/bà %s,\n\nHồ sơ %s (\"%s\") đã có kết quả. Mời ông/bà đến %s để "
			    "nhận kết quả, hoặc xem tại: %s\n",
			    d->applicant_name, d->code, proc, unit, url);
		if (rc == 0)
			rc = mc_buf_addf(&sms, "Ho so %s da co ket qua. Moi ong/ba den nhan: %s", d->code,
					 url);
	} else if (strcmp(action, "apology") == 0) {
		/* QĐ 876/2017: the apology with the reason and the new appointment
		 * (form 04); d is the dossier after the apology, due_at the new date. */
		when(due, sizeof due, d->due_at);
		rc = mc_buf_addf(&subject, "Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ %s", d->code);
		if (rc == 0)
			rc = mc_buf_addf(
			    &text,
			    "Kính gửi ông/bà %s,\n\nHồ sơ %s (\"%s\") chưa được giải quyết đúng hẹn. Lý "
			    "do:\n%s\n\n%s thành thật xin lỗi ông/bà và hẹn trả kết quả vào %s.\n\nTra "
			    "cứu: %s\n",
			    d->applicant_name, d->code, proc, d->note, unit, due, url);
		if (rc == 0)
			rc = mc_buf_addf(
			    &sms,
			    "%s xin loi ong/ba: ho so %s tre hen. Hen tra ket qua moi: %s. Chi tiet: %s",
			    unit, d->code, due, url);
	} else if (strcmp(action, "due_recomputed") == 0) {
		/* A year's official days off entered after the dossier was
		 * received moved its due time (app/due.c). */
		when(due, sizeof due, d->due_at);
		rc = mc_buf_addf(&subject, "Hồ sơ %s: thời gian hẹn trả kết quả thay đổi", d->code);
		if (rc == 0)
			rc = mc_buf_addf(
			    &text,
			    "Kính gửi ông/bà %s,\n\nLịch ngày nghỉ chính thức vừa được công bố làm thay đổi "
			    "thời "
			    "gian giải quyết hồ sơ %s (\"%s\"). Thời gian hẹn trả kết quả mới: %s.\n\nTra "
			    "cứu: %s\n",
			    d->applicant_name, d->code, proc, due, url);
		if (rc == 0)
			rc = mc_buf_addf(
			    &sms, "Ho so %s: hen tra ket qua moi %s (lich nghi chinh thuc). Chi tiet: %s",
			    d->code, due, url);
	} else {
		goto cleanup; /* this event tells the applicant nothing */
	}
	if (rc != 0)
		goto cleanup;
	if (d->applicant_email[0])
		rc = queue(st, d, "email", d->applicant_email, subject.data, text.data, at);
	if (rc == 0 && d->applicant_phone[0])
		rc = queue(st, d, "sms", d->applicant_phone, subject.data, sms.data, at);
cleanup:
	mc_buf_free(&link);
	mc_buf_free(&subject);
	mc_buf_free(&text);
	mc_buf_free(&sms);
	return rc;
}

/* Each notice's subject after the account's name; the e-mail's words
 * around "tài khoản <name> của ông/bà trên hệ thống một cửa điện tử", and
 * what follows; the SMS's (ASCII). */
static const struct {
	const char *subject, *did, *to, *then, *sms;
} account_notices[] = {
    [MC_NOTICE_IDENTITY_LINK] =
	{"đã được liên kết với tài khoản định danh điện tử", "đã liên kết",
	 " với một tài khoản định danh điện tử",
	 "Từ nay, ai đăng nhập bằng tài khoản định danh đó sẽ vào tài khoản của ông/bà "
	 "và làm việc với quyền của ông/bà.",
	 "lien ket voi tai khoan dinh danh dien tu"},
    [MC_NOTICE_IDENTITY_UNLINK] = {"đã được gỡ liên kết với tài khoản định danh điện tử", "đã gỡ liên kết",
				   " khỏi tài khoản định danh điện tử",
				   "Ông/bà vẫn đăng nhập được bằng tên tài khoản và mật khẩu.",
				   "go lien ket voi tai khoan dinh danh dien tu"},
    [MC_NOTICE_PASSWORD_RESET] = {"đã được đặt lại mật khẩu", "đã đặt lại mật khẩu của", "",
				  "Các phiên đăng nhập cũ đã kết thúc; mật khẩu mới phải được đổi ở lần "
				  "đăng nhập đầu.",
				  "dat lai mat khau"},
    [MC_NOTICE_LOCK] = {"đã bị khóa", "đã khóa", "",
			"Các phiên đăng nhập đã kết thúc; tài khoản không đăng nhập được cho đến "
			"khi được mở khóa.",
			"khoa"},
    [MC_NOTICE_CONTACT] = {"đã được đổi thông tin liên hệ",
			   "đã đổi địa chỉ thư điện tử hoặc số điện "
			   "thoại của",
			   "",
			   "Từ nay, thư báo và mã khôi phục mật khẩu được gửi đến thông tin liên hệ mới; "
			   "thư này gửi đến thông tin cũ.",
			   "doi thong tin lien he"},
};

int mc_notify_account(mc_store *st, const mc_user *owner, const char *admin_username, mc_account_notice what,
		      int64_t at)
{
	char *subject = NULL, *body = NULL, *sms = NULL, spoken[64], iso[40];
	const char *name = owner->full_name && owner->full_name[0] ? owner->full_name : owner->username;
	int rc;

	if ((size_t)what >= MC_ARRAY_LEN(account_notices))
		return MC_EINVAL;
	when(spoken, sizeof spoken, at);
	mc_time_format(iso, sizeof iso, at);
	rc = mc_buf_format(&subject, TEXT_MAX, "[motcua] Tài khoản %s %s", owner->username,
			   account_notices[what].subject);
	if (rc == 0)
		rc = mc_buf_format(
		    &body, TEXT_MAX,
		    "Kính gửi ông/bà %s,\n\nLúc %s, quản trị viên %s %s tài khoản %s của ông/bà "
		    "trên hệ thống một cửa điện tử%s. %s\n\nNếu ông/bà không đề nghị việc này, "
		    "xin báo ngay cho quản trị viên của tỉnh.\n",
		    name, spoken, admin_username, account_notices[what].did, owner->username,
		    account_notices[what].to, account_notices[what].then);
	/* Usernames are plain ASCII: the SMS is too. */
	if (rc == 0)
		rc = mc_buf_format(&sms, TEXT_MAX,
				   "Tai khoan %s (mot cua dien tu) vua duoc quan tri vien %s %s luc %.5s "
				   "%.2s/%.2s/%.4s. Neu ong/ba khong de nghi, hay bao ngay cho quan tri vien "
				   "cua tinh.",
				   owner->username, admin_username, account_notices[what].sms, iso + 11,
				   iso + 8, iso + 5, iso);
	if (rc == 0 && owner->email && owner->email[0]) {
		mc_message m = {.province_code = "",
				.channel = "email",
				.recipient = owner->email,
				.subject = subject,
				.body = body,
				.created_at = at};
		rc = mc_store_outbox_add(st, &m);
	}
	if (rc == 0 && owner->phone && owner->phone[0]) {
		mc_message m = {.province_code = "",
				.channel = "sms",
				.recipient = owner->phone,
				.subject = subject,
				.body = sms,
				.created_at = at};
		rc = mc_store_outbox_add(st, &m);
	}
	free(subject);
	free(body);
	free(sms);
	return rc;
}

/* ---- delivery ------------------------------------------------------------ */

typedef struct {
	const char *data;
	size_t len, pos;
} payload;

static size_t read_cb(char *buf, size_t size, size_t nmemb, void *arg)
{
	payload *p = arg;
	size_t room = size * nmemb, left = p->len - p->pos;
	size_t n = left < room ? left : room;
	memcpy(buf, p->data + p->pos, n);
	p->pos += n;
	return n;
}

static size_t discard_cb(char *buf, size_t size, size_t nmemb, void *arg)
{
	(void)buf;
	(void)arg;
	return size * nmemb;
}

/* Appends text to b as an RFC 2047 encoded-word (base64) for a UTF-8 header. */
static int add_encoded_word(mc_buf *b, const char *text)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(text);
	int rc = mc_buf_adds(b, "=?UTF-8?B?");
	for (size_t i = 0; rc == 0 && i < n; i += 3) {
		unsigned v = (unsigned char)text[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)text[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)text[i + 2];
		char quad[4] = {b64[(v >> 18) & 63], b64[(v >> 12) & 63],
				i + 1 < n ? b64[(v >> 6) & 63] : '=', i + 2 < n ? b64[v & 63] : '='};
		rc = mc_buf_add(b, quad, sizeof quad);
	}
	if (rc == 0)
		rc = mc_buf_adds(b, "?=");
	return rc;
}

/* Copies the characters of src that may stand in a Message-ID (RFC 5322
 * atext without the symbols, and dots) into dst; at least one character. */
static void id_part(char *dst, size_t cap, const char *src, const char *otherwise)
{
	size_t o = 0;
	for (const char *p = src ? src : ""; *p && o + 1 < cap; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '-')
			dst[o++] = *p;
	}
	dst[o] = '\0';
	if (!o || dst[0] == '.' || dst[o - 1] == '.')
		snprintf(dst, cap, "%s", otherwise);
}

void mc_notify_message_id(char *out, size_t cap, const mc_message *m, const char *mail_from)
{
	/* At most 7 characters of the province code, as codes are ("H56"), so
	 * that 160 bytes always hold the whole ID. */
	char province[8], domain[96];
	const char *at = mail_from ? strrchr(mail_from, '@') : NULL;
	id_part(province, sizeof province, m->province_code, "0");
	id_part(domain, sizeof domain, at ? at + 1 : NULL, "localhost");
	snprintf(out, cap, "<motcua.%lld.%lld.%s@%s>", (long long)m->id, (long long)m->created_at, province,
		 domain);
}

/* An e-mail is its headers and a body of at most the outbox's 4096 bytes,
 * twice that with CRLF line ends. */
#define EMAIL_MAX 65536

/* The e-mail of m as SMTP sends it: headers, then the body with CRLF line
 * ends. The body is our own text (no lone dot lines). */
static int email_text(mc_buf *out, const mc_notify_config *cfg, const mc_message *m)
{
	char date[64], message_id[160];
	const char *from = cfg->mail_from ? cfg->mail_from : "motcua@localhost";
	time_t now = (time_t)mc_now();
	struct tm tm;
	int rc;

	mc_notify_message_id(message_id, sizeof message_id, m, cfg->mail_from);
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	rc = mc_buf_addf(out, "Date: %s\r\nTo: %s\r\nFrom: %s\r\nSubject: ", date, m->recipient, from);
	if (rc == 0)
		rc = add_encoded_word(out, m->subject);
	if (rc == 0)
		rc = mc_buf_addf(out,
				 "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
				 "Content-Transfer-Encoding: 8bit\r\nMessage-ID: %s\r\n\r\n",
				 message_id);
	for (const char *p = m->body; rc == 0 && *p; p++) {
		size_t line = strcspn(p, "\n");
		rc = mc_buf_add(out, p, line);
		p += line;
		if (rc == 0 && *p == '\n')
			rc = mc_buf_add(out, "\r\n", 2);
		else if (!*p)
			break;
	}
	return rc;
}

static int send_email(const mc_notify_config *cfg, const mc_message *m, char *err, size_t err_cap)
{
	CURL *c = NULL;
	struct curl_slist *rcpt = NULL;
	mc_buf msg, to, from;
	int rc = MC_ERROR;

	mc_buf_init(&msg, EMAIL_MAX);
	mc_buf_init(&to, LINK_MAX);
	mc_buf_init(&from, LINK_MAX);
	if (email_text(&msg, cfg, m) != 0 || mc_buf_addf(&to, "<%s>", m->recipient) != 0 ||
	    mc_buf_addf(&from, "<%s>", cfg->mail_from ? cfg->mail_from : "motcua@localhost") != 0) {
		snprintf(err, err_cap, "the e-mail is longer than %d bytes", EMAIL_MAX);
		goto cleanup;
	}
	c = curl_easy_init();
	if (!c) {
		snprintf(err, err_cap, "could not start curl");
		goto cleanup;
	}
	payload pl = {msg.data, msg.len, 0};
	rcpt = curl_slist_append(rcpt, to.data);
	curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.data);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &pl);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (cfg->smtp_user && *cfg->smtp_user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->smtp_password ? cfg->smtp_password : "");
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	}
	CURLcode cc = curl_easy_perform(c);
	if (cc == CURLE_OK)
		rc = 0;
	else
		snprintf(err, err_cap, "smtp: %s", curl_easy_strerror(cc));
cleanup:
	curl_slist_free_all(rcpt);
	if (c)
		curl_easy_cleanup(c);
	mc_buf_free(&msg);
	mc_buf_free(&to);
	mc_buf_free(&from);
	return rc;
}

static int send_sms(const mc_notify_config *cfg, const mc_message *m, char *err, size_t err_cap)
{
	CURL *c = curl_easy_init();
	struct curl_slist *headers = NULL;
	int rc = MC_ERROR;
	if (!c) {
		snprintf(err, err_cap, "could not start curl");
		return MC_ERROR;
	}
	json_t *j =
	    json_pack("{s:s, s:s, s:I}", "to", m->recipient, "text", m->body, "id", (json_int_t)m->id);
	char *body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	headers = curl_slist_append(headers, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, cfg->sms_url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_cb);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	CURLcode cc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (cc != CURLE_OK)
		snprintf(err, err_cap, "sms gateway: %s", curl_easy_strerror(cc));
	else if (status < 200 || status >= 300)
		snprintf(err, err_cap, "sms gateway answered %ld", status);
	else
		rc = 0;
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	free(body);
	return rc;
}

typedef struct {
	int64_t id;
	bool ok;
	char error[256];
	int64_t at, next_at;
} outcome;

static int record(mc_store *st, void *arg)
{
	outcome *o = arg;
	return mc_store_outbox_done(st, o->id, o->ok, o->error, o->at, o->next_at);
}

typedef struct {
	mc_message *due;
	size_t n;
	int64_t now;
} claim;

/* The group committer may run a job again after a failed batch: a run starts
 * from nothing. */
static int take(mc_store *st, void *arg)
{
	claim *c = arg;
	mc_message_free_list(c->due, c->n);
	c->due = NULL;
	c->n = 0;
	return mc_store_outbox_claim(st, &c->due, &c->n, c->now, MC_NOTIFY_CLAIM_BATCH, MC_NOTIFY_LEASE);
}

int mc_notify_deliver(mc_store *st, mc_group *g, const mc_notify_config *cfg, int64_t now, int *sent,
		      int *failed)
{
	int ok_count = 0, fail_count = 0, rc = 0;
	bool email = cfg->smtp_url && *cfg->smtp_url, sms = cfg->sms_url && *cfg->sms_url;
	(void)st;
	/* Nothing can be sent: claim nothing, so that no message is held. */
	if (!email && !sms)
		goto done;
	for (int batch = 0; rc == 0 && batch < MC_NOTIFY_BATCHES; batch++) {
		claim c = {.now = now};
		rc = mc_group_run(g, take, &c);
		if (rc != 0) {
			mc_message_free_list(c.due, c.n);
			break;
		}
		for (size_t i = 0; i < c.n; i++) {
			const mc_message *m = &c.due[i];
			bool is_email = strcmp(m->channel, "email") == 0;
			if ((is_email && !email) || (!is_email && !sms))
				continue; /* kept, claimed for the lease, until the channel is configured */
			outcome o = {.id = m->id, .at = mc_now()};
			int sr = is_email ? send_email(cfg, m, o.error, sizeof o.error)
					  : send_sms(cfg, m, o.error, sizeof o.error);
			o.ok = sr == 0;
			if (!o.ok) {
				int64_t delay = mc_notify_backoff(m->attempts + 1);
				o.next_at = delay ? o.at + delay : 0;
				fprintf(stderr, "motcua: message %lld to %s not delivered (attempt %d): %s\n",
					(long long)m->id, m->recipient, m->attempts + 1, o.error);
			}
			int wr = mc_group_run(g, record, &o);
			if (wr != 0 && wr != MC_ENOTFOUND) {
				rc = wr;
				break;
			}
			if (o.ok)
				ok_count++;
			else
				fail_count++;
		}
		size_t got = c.n;
		mc_message_free_list(c.due, c.n);
		if (got < MC_NOTIFY_CLAIM_BATCH)
			break;
	}
done:
	if (sent)
		*sent = ok_count;
	if (failed)
		*failed = fail_count;
	return rc;
}
