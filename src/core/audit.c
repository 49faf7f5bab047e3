#include "core/audit.h"

#include "core/mc.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_text(EVP_MD_CTX *ctx, const char *s)
{
	char len[24];
	size_t n = s ? strlen(s) : 0;
	int k = snprintf(len, sizeof len, "%zu:", n);
	EVP_DigestUpdate(ctx, len, (size_t)k);
	if (n)
		EVP_DigestUpdate(ctx, s, n);
}

static void add_int(EVP_MD_CTX *ctx, int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%lld", (long long)v);
	add_text(ctx, buf);
}

static void to_hex(char out[MC_AUDIT_HASH_LEN], const unsigned char *md, unsigned int md_len)
{
	static const char hex[] = "0123456789abcdef";
	for (unsigned int i = 0; i < md_len && i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

void mc_audit_event_hash(char out[MC_AUDIT_HASH_LEN], const char *prev_hash, int64_t dossier_id, int64_t at,
			 int64_t actor_id, const char *actor_name, int64_t unit_id, const char *action,
			 int from_state, int to_state, int step, const char *note)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	/* A failed digest is an out-of-memory condition: treat it like one. */
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		abort();
	add_text(ctx, prev_hash);
	add_int(ctx, dossier_id);
	add_int(ctx, at);
	add_int(ctx, actor_id);
	add_text(ctx, actor_name);
	add_int(ctx, unit_id);
	add_text(ctx, action);
	add_int(ctx, from_state);
	add_int(ctx, to_state);
	add_int(ctx, step);
	add_text(ctx, note);
	EVP_DigestFinal_ex(ctx, md, &md_len);
	EVP_MD_CTX_free(ctx);
	to_hex(out, md, md_len);
}

void mc_audit_document_event_hash(char out[MC_AUDIT_HASH_LEN], const char *prev_hash, int64_t document_id,
				  int64_t at, int64_t user_id, const char *user_name, const char *role,
				  int64_t unit_id, const char *action, int from_state, int to_state,
				  const char *note, int file_version, const char *file_sha256)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		abort();
	add_text(ctx, "motcua-document-event-1");
	add_text(ctx, prev_hash);
	add_int(ctx, document_id);
	add_int(ctx, at);
	add_int(ctx, user_id);
	add_text(ctx, user_name);
	add_text(ctx, role);
	add_int(ctx, unit_id);
	add_text(ctx, action);
	add_int(ctx, from_state);
	add_int(ctx, to_state);
	add_text(ctx, note);
	if (file_version > 0 || (file_sha256 && *file_sha256)) {
		add_int(ctx, file_version);
		add_text(ctx, file_sha256 ? file_sha256 : "");
	}
	EVP_DigestFinal_ex(ctx, md, &md_len);
	EVP_MD_CTX_free(ctx);
	to_hex(out, md, md_len);
}

void mc_audit_personal_hash(char out[MC_AUDIT_HASH_LEN], const char *salt, const char *actor_name,
			    const char *note)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		abort();
	add_text(ctx, "motcua-personal-1");
	add_text(ctx, salt);
	add_text(ctx, actor_name);
	add_text(ctx, note);
	EVP_DigestFinal_ex(ctx, md, &md_len);
	EVP_MD_CTX_free(ctx);
	to_hex(out, md, md_len);
}

void mc_audit_event_hash_v2(char out[MC_AUDIT_HASH_LEN], const char *prev_hash, int64_t dossier_id,
			    int64_t at, int64_t actor_id, int64_t unit_id, const char *action, int from_state,
			    int to_state, int step, const char *personal_hash)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		abort();
	/* A tag of its own: no version 2 event reads as a version 1 one. */
	add_text(ctx, "motcua-event-2");
	add_text(ctx, prev_hash);
	add_int(ctx, dossier_id);
	add_int(ctx, at);
	add_int(ctx, actor_id);
	add_int(ctx, unit_id);
	add_text(ctx, action);
	add_int(ctx, from_state);
	add_int(ctx, to_state);
	add_int(ctx, step);
	add_text(ctx, personal_hash);
	EVP_DigestFinal_ex(ctx, md, &md_len);
	EVP_MD_CTX_free(ctx);
	to_hex(out, md, md_len);
}

struct mc_audit_root {
	EVP_MD_CTX *ctx;
};

mc_audit_root *mc_audit_root_begin(int64_t id, int64_t at, const char *prev_root)
{
	mc_audit_root *r = mc_xmalloc(sizeof *r);
	r->ctx = EVP_MD_CTX_new();
	if (!r->ctx || EVP_DigestInit_ex(r->ctx, EVP_sha256(), NULL) != 1)
		abort();
	/* A tag of its own: no anchor reads as an event, nor the reverse. */
	add_text(r->ctx, "motcua-anchor-1");
	add_int(r->ctx, id);
	add_int(r->ctx, at);
	add_text(r->ctx, prev_root);
	return r;
}

void mc_audit_root_add(mc_audit_root *r, int64_t dossier_id, const char *head_hash, int64_t event_count,
		       int state)
{
	add_int(r->ctx, dossier_id);
	add_text(r->ctx, head_hash);
	add_int(r->ctx, event_count);
	add_int(r->ctx, state);
}

void mc_audit_root_end(mc_audit_root *r, char out[MC_AUDIT_HASH_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	EVP_DigestFinal_ex(r->ctx, md, &md_len);
	EVP_MD_CTX_free(r->ctx);
	free(r);
	to_hex(out, md, md_len);
}
