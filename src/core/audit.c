#include "core/audit.h"

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

void mc_audit_event_hash(char out[MC_AUDIT_HASH_LEN], const char *prev_hash, int64_t dossier_id, int64_t at,
			 int64_t actor_id, const char *actor_name, int64_t unit_id, const char *action, int from_state,
			 int to_state, int step, const char *note)
{
	static const char hex[] = "0123456789abcdef";
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
	for (unsigned int i = 0; i < md_len && i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}
