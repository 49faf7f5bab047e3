#include "app/audit.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/audit.h"
#include "core/buf.h"
#include "app/task.h"
#include "core/dossier.h"
#include "store/store_document.h"

/* Dossiers and anchors are verified in slices of ids, so that memory stays
 * bounded whatever the size of the log. */
#define DOSSIER_SLICE 20000
#define ANCHOR_SLICE 2000
#define MAX_LINES 200

/* ---- keys ------------------------------------------------------------- */

static bool hex_decode(unsigned char *out, size_t n, const char *hex, size_t len)
{
	size_t got = 0;

	return len == 2 * n && sodium_hex2bin(out, n, hex, len, NULL, &got, NULL) == 0 && got == n;
}

int mc_app_audit_key_load(mc_audit_config *cfg, const char *path)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	char text[160];
	struct stat sb;
	size_t len;
	int rc = MC_EINVAL;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "motcua: could not read the audit key %s: %s\n", path, strerror(errno));
		goto cleanup;
	}
	if (fstat(fd, &sb) != 0 || (sb.st_mode & 077) != 0) {
		fprintf(stderr, "motcua: the audit key %s may be read by others: chmod 600 it\n", path);
		goto cleanup;
	}
	ssize_t got = read(fd, text, sizeof text - 1);
	if (got < 0)
		goto cleanup;
	text[got] = '\0';
	len = strcspn(text, " \t\r\n");
	if (sodium_init() < 0 || !hex_decode(seed, sizeof seed, text, len)) {
		fprintf(stderr, "motcua: the audit key %s must hold 64 hex digits (motcua audit keygen)\n",
			path);
		goto cleanup;
	}
	crypto_sign_seed_keypair(pk, cfg->secret_key, seed);
	sodium_bin2hex(cfg->public_key, sizeof cfg->public_key, pk, sizeof pk);
	cfg->sign = true;
	rc = 0;
cleanup:
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(text, sizeof text);
	if (fd >= 0)
		close(fd);
	return rc;
}

int mc_app_audit_keygen(const char *path, char public_key[MC_AUDIT_KEY_HEX])
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char hex[2 * crypto_sign_SEEDBYTES + 2];
	int rc = MC_ERROR;
	int fd;

	if (sodium_init() < 0)
		return MC_ERROR;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return errno == EEXIST ? MC_ECONFLICT : MC_ERROR;
	randombytes_buf(seed, sizeof seed);
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_bin2hex(hex, sizeof hex, seed, sizeof seed);
	strcat(hex, "\n");
	if (write(fd, hex, strlen(hex)) == (ssize_t)strlen(hex) && fsync(fd) == 0)
		rc = 0;
	sodium_bin2hex(public_key, MC_AUDIT_KEY_HEX, pk, sizeof pk);
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(hex, sizeof hex);
	if (close(fd) != 0)
		rc = MC_ERROR;
	return rc;
}

/* ---- the official documents' and the tasks' logs (migration 054) -------- */

/* The digest an anchor records for a log: SHA-256 (hex) of the previous
 * anchor's digest, then "<id>:<hash>\n" for each event after the previous
 * anchor's id up to its own, by id. */
typedef struct {
	crypto_hash_sha256_state h;
} log_digest;

static int log_digest_add(int64_t id, const char *hash, void *payload)
{
	log_digest *d = payload;
	char line[32];
	int n = snprintf(line, sizeof line, "%lld:", (long long)id);

	crypto_hash_sha256_update(&d->h, (const unsigned char *)line, (unsigned long long)n);
	crypto_hash_sha256_update(&d->h, (const unsigned char *)hash, strlen(hash));
	crypto_hash_sha256_update(&d->h, (const unsigned char *)"\n", 1);
	return 0;
}

/* The digest of log which over (after, upto] chained to prev. */
static int log_digest_of(mc_store *st, mc_audit_log which, const char *prev, int64_t after, int64_t upto,
			 char out[MC_AUDIT_HASH_LEN])
{
	log_digest d;
	unsigned char md[crypto_hash_sha256_BYTES];
	int rc;

	crypto_hash_sha256_init(&d.h);
	crypto_hash_sha256_update(
	    &d.h, (const unsigned char *)(which == MC_AUDIT_LOG_DOCUMENTS ? "documents|" : "tasks|"),
	    which == MC_AUDIT_LOG_DOCUMENTS ? 10 : 6);
	crypto_hash_sha256_update(&d.h, (const unsigned char *)prev, strlen(prev));
	crypto_hash_sha256_update(&d.h, (const unsigned char *)"\n", 1);
	rc = mc_store_audit_log_scan(st, which, after, upto, log_digest_add, &d);
	crypto_hash_sha256_final(&d.h, md);
	sodium_bin2hex(out, MC_AUDIT_HASH_LEN, md, sizeof md);
	return rc;
}

/* The root an anchor is signed with: the dossiers' root alone for an anchor
 * that covers no other log (those made before migration 054), else a hash of
 * it with the logs' ids and digests. */
static void anchor_root(char root[MC_AUDIT_HASH_LEN], const char *dossiers_root, const mc_audit_anchor *a)
{
	crypto_hash_sha256_state h;
	unsigned char md[crypto_hash_sha256_BYTES];
	char text[64];

	if (a->document_events_to == 0 && a->task_events_to == 0) {
		snprintf(root, MC_AUDIT_HASH_LEN, "%s", dossiers_root);
		return;
	}
	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)dossiers_root, strlen(dossiers_root));
	snprintf(text, sizeof text, "|documents:%lld:", (long long)a->document_events_to);
	crypto_hash_sha256_update(&h, (const unsigned char *)text, strlen(text));
	crypto_hash_sha256_update(&h, (const unsigned char *)a->document_digest, strlen(a->document_digest));
	snprintf(text, sizeof text, "|tasks:%lld:", (long long)a->task_events_to);
	crypto_hash_sha256_update(&h, (const unsigned char *)text, strlen(text));
	crypto_hash_sha256_update(&h, (const unsigned char *)a->task_digest, strlen(a->task_digest));
	crypto_hash_sha256_final(&h, md);
	sodium_bin2hex(root, MC_AUDIT_HASH_LEN, md, sizeof md);
}

/* Events of a log one anchor covers at most, for every dossier it may
 * cover: on PostgreSQL the log is locked against inserts while they are read
 * (mc_store_audit_log_top), so a large backlog (the first anchor after
 * migration 054) is taken in steps, 50,000 events for the server's 2,000
 * dossiers. */
#define LOG_EVENTS_PER_DOSSIER 25

/* The next log id and digest after head: head's when the log has no event
 * beyond it; at most step events further, *more set when some are left. */
static int log_advance(mc_store *st, mc_audit_log which, int64_t head_to, const char *head_digest,
		       int64_t step, int64_t *to, char digest[MC_AUDIT_HASH_LEN], bool *more)
{
	int rc = mc_store_audit_log_top(st, which, to);

	if (rc == 0 && step > 0 && *to > head_to + step) {
		*to = head_to + step;
		*more = true;
	}
	if (rc == 0 && *to <= head_to) {
		*to = head_to;
		snprintf(digest, MC_AUDIT_HASH_LEN, "%s", head_digest ? head_digest : "");
	} else if (rc == 0) {
		rc = log_digest_of(st, which, head_digest ? head_digest : "", head_to, *to, digest);
	}
	return rc;
}

/* ---- anchoring -------------------------------------------------------- */

static int anchor_one(mc_store *st, const mc_audit_config *cfg, int64_t now, int limit, int64_t *covered,
		      bool *made, bool *more)
{
	mc_audit_anchor head = {0};
	mc_audit_entry *e = NULL;
	size_t n = 0;
	char root[MC_AUDIT_HASH_LEN], dossiers_root[MC_AUDIT_HASH_LEN];
	char doc_digest[MC_AUDIT_HASH_LEN] = "", task_digest[MC_AUDIT_HASH_LEN] = "";
	int64_t doc_to = 0, task_to = 0;
	char signature[2 * crypto_sign_BYTES + 1] = "";
	char public_key[MC_AUDIT_KEY_HEX] = "";
	int rc;

	*covered = 0;
	*made = false;
	*more = false;
	/* The head first: on PostgreSQL it takes the anchoring lock. */
	rc = mc_store_audit_head(st, &head);
	if (rc == 0)
		rc = mc_store_audit_pending(st, &e, &n, limit);
	if (rc == 0)
		rc = log_advance(st, MC_AUDIT_LOG_DOCUMENTS, head.document_events_to, head.document_digest,
				 (int64_t)limit * LOG_EVENTS_PER_DOSSIER, &doc_to, doc_digest, more);
	if (rc == 0)
		rc = log_advance(st, MC_AUDIT_LOG_TASKS, head.task_events_to, head.task_digest,
				 (int64_t)limit * LOG_EVENTS_PER_DOSSIER, &task_to, task_digest, more);
	if (rc || (n == 0 && doc_to == head.document_events_to && task_to == head.task_events_to))
		goto cleanup;
	/* The new anchor's strings are these buffers and the head's: the store only reads them. */
	mc_audit_anchor a = {.id = head.id + 1,
			     .at = now,
			     .prev_root = head.root,
			     .root = root,
			     .dossiers = (int64_t)n,
			     .public_key = public_key,
			     .signature = signature,
			     .document_events_to = doc_to,
			     .document_digest = doc_digest,
			     .task_events_to = task_to,
			     .task_digest = task_digest};
	mc_audit_root *r = mc_audit_root_begin(a.id, a.at, a.prev_root);
	for (size_t i = 0; i < n; i++)
		mc_audit_root_add(r, e[i].dossier_id, e[i].head_hash, e[i].event_count, e[i].state);
	mc_audit_root_end(r, dossiers_root);
	anchor_root(root, dossiers_root, &a);
	if (cfg && cfg->sign) {
		unsigned char sig[crypto_sign_BYTES];

		crypto_sign_detached(sig, NULL, (const unsigned char *)root, 64, cfg->secret_key);
		sodium_bin2hex(signature, sizeof signature, sig, sizeof sig);
		memcpy(public_key, cfg->public_key, sizeof public_key);
	}
	rc = mc_store_audit_anchor_add(st, &a, e, n);
	if (rc == 0) {
		*covered = (int64_t)n;
		*made = true;
		if (limit > 0 && n >= (size_t)limit)
			*more = true;
	}
cleanup:
	mc_audit_entry_free_list(e, n);
	mc_audit_anchor_clear(&head);
	return rc;
}

int mc_app_audit_anchor(mc_store *st, const mc_audit_config *cfg, int64_t now, int limit, int64_t *covered,
			bool *more)
{
	bool made, left;
	int rc = anchor_one(st, cfg, now, limit, covered, &made, &left);

	if (more)
		*more = rc == 0 && left;
	return rc;
}

int mc_app_audit_anchor_all(mc_store *st, const mc_audit_config *cfg, int64_t now, int64_t *anchors)
{
	int64_t covered = 0;
	bool made = false, more = false;
	int rc = 0;

	*anchors = 0;
	do {
		rc = mc_store_begin(st);
		if (rc)
			break;
		rc = anchor_one(st, cfg, now, 5000, &covered, &made, &more);
		if (rc == 0)
			rc = mc_store_commit(st);
		else
			mc_store_rollback(st);
		if (rc == 0 && made)
			(*anchors)++;
	} while (rc == 0 && (covered > 0 || more));
	return rc;
}

/* ---- verification ----------------------------------------------------- */

typedef struct {
	int64_t lo, hi; /* anchors [lo, hi) are missing */
	int64_t named;	/* dossiers that name one of them as covering them */
} gap;

typedef struct {
	int64_t id;
	char hash[65];
	int to_state;
	char action[24];
} chain_link;

typedef struct {
	FILE *out;
	const char *pinned_key;
	unsigned char pinned[crypto_sign_PUBLICKEYBYTES];
	mc_audit_report *rep;
	/* anchors */
	gap *gaps;
	size_t n_gaps, cap_gaps;
	/* the slice of dossiers being verified */
	mc_audit_entry *rows, *ents;
	size_t n_rows, n_ents, at_row, at_ent;
	int64_t dossier; /* whose events are in links; -1 none */
	chain_link *links;
	size_t n_links, cap_links;
	bool broken; /* the current dossier's chain broke already */
	/* the official documents' events (migration 030) */
	mc_store *st;
	int64_t doc_chained_from; /* events below this id predate the chain */
	int64_t doc;		  /* whose events are being checked; 0 none */
	char doc_prev[MC_AUDIT_HASH_LEN];
	bool doc_broken;
	/* the task whose chain is being followed */
	int64_t task; /* -1 none */
	char task_head[MC_AUDIT_HASH_LEN];
	bool task_broken;
} verifier;

static void problem(verifier *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(verifier *v, const char *fmt, ...)
{
	v->rep->problems++;
	if (v->rep->problems > MAX_LINES)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("motcua audit: ", v->out);
	vfprintf(v->out, fmt, ap);
	fputc('\n', v->out);
	va_end(ap);
}

/* The gap that holds anchor id, or NULL when the anchor exists. */
static gap *gap_of(verifier *v, int64_t id)
{
	for (size_t i = 0; i < v->n_gaps; i++) {
		if (id >= v->gaps[i].lo && id < v->gaps[i].hi)
			return &v->gaps[i];
	}
	return NULL;
}

static void add_gap(verifier *v, int64_t lo, int64_t hi)
{
	MC_GROW(v->gaps, v->n_gaps, v->cap_gaps);
	v->gaps[v->n_gaps++] = (gap){lo, hi, 0};
	if (hi - lo == 1)
		problem(v, "anchor %lld is missing: it was removed", (long long)lo);
	else
		problem(v, "anchors %lld to %lld are missing: they were removed", (long long)lo,
			(long long)hi - 1);
}

static void check_signature(verifier *v, const mc_audit_anchor *a)
{
	unsigned char sig[crypto_sign_BYTES], pk[crypto_sign_PUBLICKEYBYTES];
	const unsigned char *key = NULL;

	if (!a->signature[0]) {
		if (v->pinned_key)
			problem(v, "anchor %lld is not signed", (long long)a->id);
		return;
	}
	if (v->pinned_key)
		key = v->pinned;
	else if (hex_decode(pk, sizeof pk, a->public_key, strlen(a->public_key)))
		key = pk;
	if (!key || !hex_decode(sig, sizeof sig, a->signature, strlen(a->signature)) ||
	    crypto_sign_verify_detached(sig, (const unsigned char *)a->root, strlen(a->root), key) != 0) {
		problem(v, "anchor %lld: the signature does not match its root%s", (long long)a->id,
			v->pinned_key ? " and the given key" : "");
		return;
	}
	v->rep->signed_anchors++;
}

/* Names each anchor id of ents[from, to) that no anchor row has. */
static void orphan_entries(verifier *v, const mc_audit_entry *ents, size_t from, size_t to)
{
	size_t i = from;

	while (i < to) {
		size_t j = i;

		while (j < to && ents[j].anchor_id == ents[i].anchor_id)
			j++;
		problem(v, "%zu anchor entries name anchor %lld, which is missing", j - i,
			(long long)ents[i].anchor_id);
		i = j;
	}
}

/* *dst (cleared first) as an owning copy of a. */
static void anchor_copy(mc_audit_anchor *dst, const mc_audit_anchor *a)
{
	mc_audit_anchor_clear(dst);
	*dst = *a;
	dst->prev_root = mc_xstrdup(a->prev_root);
	dst->root = mc_xstrdup(a->root);
	dst->public_key = mc_xstrdup(a->public_key);
	dst->signature = mc_xstrdup(a->signature);
	dst->document_digest = mc_xstrdup(a->document_digest);
	dst->task_digest = mc_xstrdup(a->task_digest);
}

/* Checks anchor a's digest of one log against the events, from the previous
 * anchor's id and digest (*to, digest), which then become a's. */
static int verify_log(mc_store *st, verifier *v, const mc_audit_anchor *a, mc_audit_log which, bool follows,
		      int64_t *to, char digest[MC_AUDIT_HASH_LEN])
{
	int64_t a_to = which == MC_AUDIT_LOG_DOCUMENTS ? a->document_events_to : a->task_events_to;
	const char *a_digest = which == MC_AUDIT_LOG_DOCUMENTS ? a->document_digest : a->task_digest;
	const char *what = which == MC_AUDIT_LOG_DOCUMENTS ? "official documents'" : "tasks'";
	char got[MC_AUDIT_HASH_LEN];
	int rc = 0;

	if (a_to == 0 && !a_digest[0] && *to == 0)
		return 0; /* made before migration 054, or the log was empty: nothing covered */
	if (follows && a_to < *to)
		problem(v, "anchor %lld covers the %s events up to %lld, the anchor before it up to %lld",
			(long long)a->id, what, (long long)a_to, (long long)*to);
	else if (follows && a_to == *to && strcmp(a_digest, digest) != 0)
		problem(v, "anchor %lld does not carry over the %s digest of the anchor before it",
			(long long)a->id, what);
	else if (follows && a_to > *to) {
		rc = log_digest_of(st, which, digest, *to, a_to, got);
		if (rc == 0 && strcmp(got, a_digest) != 0)
			problem(v,
				"anchor %lld: the %s events with ids from %lld to %lld are not those it "
				"recorded: events were removed, added or changed",
				(long long)a->id, what, (long long)*to + 1, (long long)a_to);
	}
	*to = a_to;
	snprintf(digest, MC_AUDIT_HASH_LEN, "%s", a_digest);
	return rc;
}

static int verify_anchors(mc_store *st, verifier *v, int64_t max_anchor)
{
	char *prev_root = mc_xstrdup("");
	int64_t doc_to = 0, task_to = 0;
	char doc_digest[MC_AUDIT_HASH_LEN] = "", task_digest[MC_AUDIT_HASH_LEN] = "";
	int64_t expected = 1;
	int rc = 0;

	for (int64_t lo = 1; lo <= max_anchor && rc == 0; lo += ANCHOR_SLICE) {
		int64_t hi = lo + ANCHOR_SLICE;
		mc_audit_anchor *as = NULL;
		mc_audit_entry *es = NULL;
		size_t na = 0, ne = 0, at = 0;

		rc = mc_store_audit_anchors(st, &as, &na, lo, hi);
		if (rc == 0)
			rc = mc_store_audit_entries(st, &es, &ne, true, lo, hi);
		for (size_t i = 0; i < na && rc == 0; i++) {
			const mc_audit_anchor *a = &as[i];
			size_t from = at;
			bool follows = true;

			if (a->id != expected) {
				add_gap(v, expected, a->id);
				follows = false; /* its predecessor is gone: nothing to compare with */
			}
			/* Entries before this anchor's belong to missing ones. */
			while (at < ne && es[at].anchor_id < a->id)
				at++;
			orphan_entries(v, es, from, at);
			from = at;
			mc_audit_root *r = mc_audit_root_begin(a->id, a->at, a->prev_root);
			while (at < ne && es[at].anchor_id == a->id) {
				mc_audit_root_add(r, es[at].dossier_id, es[at].head_hash, es[at].event_count,
						  es[at].state);
				at++;
			}
			char root[MC_AUDIT_HASH_LEN], dossiers_root[MC_AUDIT_HASH_LEN];
			mc_audit_root_end(r, dossiers_root);
			anchor_root(root, dossiers_root, a);
			rc = verify_log(st, v, a, MC_AUDIT_LOG_DOCUMENTS, follows, &doc_to, doc_digest);
			if (rc == 0)
				rc = verify_log(st, v, a, MC_AUDIT_LOG_TASKS, follows, &task_to, task_digest);
			if (follows && strcmp(a->prev_root, prev_root) != 0)
				problem(
				    v,
				    "anchor %lld does not follow anchor %lld: the root it chains to differs",
				    (long long)a->id, (long long)a->id - 1);
			if ((int64_t)(at - from) != a->dossiers)
				problem(v, "anchor %lld recorded %lld dossiers, %zu entries of it are left",
					(long long)a->id, (long long)a->dossiers, at - from);
			else if (strcmp(root, a->root) != 0)
				problem(v, "anchor %lld does not match its entries: they were changed",
					(long long)a->id);
			check_signature(v, a);
			free(prev_root);
			prev_root = mc_xstrdup(a->root);
			expected = a->id + 1;
			v->rep->anchors++;
			anchor_copy(&v->rep->last, a);
		}
		if (rc == 0)
			orphan_entries(v, es, at, ne);
		mc_audit_anchor_free_list(as, na);
		mc_audit_entry_free_list(es, ne);
	}
	free(prev_root);
	/* Ids named by entries or dossiers beyond the last anchor: the newest
	 * anchors were removed. */
	if (rc == 0 && expected <= max_anchor)
		add_gap(v, expected, max_anchor + 1);
	return rc;
}

static const char *short_hash(const char *h)
{
	return h[0] ? h : "(none)";
}

static const char *state_name(int s)
{
	const char *n = mc_state_name((mc_state)s);
	return n ? n : "?";
}

/* Checks the dossier `id` whose events are v->links, against its row and
 * the anchor entries that recorded it. */
static void finish_dossier(verifier *v, int64_t id)
{
	const mc_audit_entry *row = NULL;
	size_t m = v->n_links;
	const chain_link *last = m ? &v->links[m - 1] : NULL;

	while (v->at_row < v->n_rows && v->rows[v->at_row].dossier_id < id)
		v->at_row++;
	if (v->at_row < v->n_rows && v->rows[v->at_row].dossier_id == id)
		row = &v->rows[v->at_row++];
	while (v->at_ent < v->n_ents && v->ents[v->at_ent].dossier_id < id)
		v->at_ent++;
	size_t e0 = v->at_ent;
	while (v->at_ent < v->n_ents && v->ents[v->at_ent].dossier_id == id)
		v->at_ent++;
	size_t e1 = v->at_ent;

	if (!row) {
		if (m > 0)
			problem(v, "dossier #%lld is missing, but %zu events name it: it was removed",
				(long long)id, m);
		if (e1 > e0)
			problem(v,
				"dossier #%lld is missing: anchor %lld recorded it with %lld events; it was "
				"removed",
				(long long)id, (long long)v->ents[e1 - 1].anchor_id,
				(long long)v->ents[e1 - 1].event_count);
		return;
	}
	v->rep->dossiers++;
	if (row->anchor_id == 0)
		v->rep->pending++;
	if (m == 0)
		problem(v, "dossier #%lld (%s) has no events", (long long)id, row->code);
	if (row->event_count != (int64_t)m || strcmp(row->head_hash, last ? last->hash : "") != 0)
		problem(v,
			"dossier #%lld (%s): its record says %lld events ending in %s, its log holds %zu "
			"ending in %s: "
			"events were removed or added behind the server's back",
			(long long)id, row->code, (long long)row->event_count, short_hash(row->head_hash), m,
			last ? short_hash(last->hash) : "(none)");
	if (last && row->state != last->to_state)
		problem(v,
			"dossier #%lld (%s): state %s, but its last event %lld (%s) leads to %s: the state "
			"was changed "
			"without its event",
			(long long)id, row->code, state_name(row->state), (long long)last->id, last->action,
			state_name(last->to_state));
	bool covered = false;
	for (size_t i = e0; i < e1; i++) {
		const mc_audit_entry *e = &v->ents[i];

		if (e->anchor_id == row->anchor_id && e->event_count == row->event_count &&
		    strcmp(e->head_hash, row->head_hash) == 0)
			covered = true;
		if (e->event_count > (int64_t)m)
			problem(v,
				"dossier #%lld (%s): anchor %lld recorded %lld events, its log holds %zu: "
				"events were "
				"removed",
				(long long)id, row->code, (long long)e->anchor_id, (long long)e->event_count,
				m);
		else if (e->event_count > 0 && strcmp(v->links[e->event_count - 1].hash, e->head_hash) != 0)
			problem(
			    v,
			    "dossier #%lld (%s): anchor %lld recorded another event %lld (%s) than the log's",
			    (long long)id, row->code, (long long)e->anchor_id, (long long)e->event_count,
			    short_hash(e->head_hash));
		else if (e->event_count > 0 && v->links[e->event_count - 1].to_state != e->state)
			problem(
			    v,
			    "dossier #%lld (%s): anchor %lld recorded state %s, its event %lld leads to %s",
			    (long long)id, row->code, (long long)e->anchor_id, state_name(e->state),
			    (long long)e->event_count, state_name(v->links[e->event_count - 1].to_state));
	}
	gap *g = row->anchor_id > 0 ? gap_of(v, row->anchor_id) : NULL;
	if (g)
		g->named++; /* told once per gap, at the end */
	else if (row->anchor_id != 0 && !covered)
		problem(v, "dossier #%lld (%s) names anchor %lld, which did not record its head",
			(long long)id, row->code, (long long)row->anchor_id);
}

/* Finishes every dossier of the slice below `below` that has a row or
 * anchor entries but no events. */
static void finish_quiet(verifier *v, int64_t below)
{
	for (;;) {
		int64_t next = INT64_MAX;

		if (v->at_row < v->n_rows)
			next = v->rows[v->at_row].dossier_id;
		if (v->at_ent < v->n_ents && v->ents[v->at_ent].dossier_id < next)
			next = v->ents[v->at_ent].dossier_id;
		if (next >= below)
			return;
		v->n_links = 0;
		finish_dossier(v, next);
	}
}

static int on_event(const mc_event *e, void *payload)
{
	verifier *v = payload;
	char expected[MC_AUDIT_HASH_LEN];

	if (e->dossier_id != v->dossier) {
		if (v->dossier >= 0)
			finish_dossier(v, v->dossier);
		finish_quiet(v, e->dossier_id);
		v->dossier = e->dossier_id;
		v->n_links = 0;
		v->broken = false;
	}
	const char *prev = v->n_links ? v->links[v->n_links - 1].hash : "";
	v->rep->events++;
	if (e->hash_version == MC_AUDIT_V2) {
		/* The link covers the personal hash; the texts are checked against
		 * it while they are there, and once pseudonymised they must hold
		 * exactly the pseudonym and nothing (an edit may erase, never
		 * rewrite). */
		char personal[MC_AUDIT_HASH_LEN];

		if (e->pseudonymised_at == 0) {
			mc_audit_personal_hash(personal, e->personal_salt, e->actor_name, e->note);
			if (!v->broken && strcmp(personal, e->personal_hash) != 0) {
				v->broken = true;
				problem(v,
					"broken link at event %lld of dossier #%lld (%s): its actor's name "
					"or note "
					"differs from its personal-data hash: they were changed",
					(long long)e->id, (long long)e->dossier_id, e->action);
			}
		} else {
			v->rep->pseudonymised++;
			if (!v->broken && (strcmp(e->actor_name, MC_AUDIT_PSEUDONYM) != 0 || e->note[0] ||
					   e->personal_salt[0])) {
				v->broken = true;
				problem(v,
					"broken link at event %lld of dossier #%lld (%s): marked "
					"pseudonymised, it "
					"holds other texts than the pseudonym: they were changed",
					(long long)e->id, (long long)e->dossier_id, e->action);
			}
		}
		mc_audit_event_hash_v2(expected, prev, e->dossier_id, e->at, e->actor_id, e->unit_id,
				       e->action, e->from_state, e->to_state, e->step, e->personal_hash);
	} else if (e->hash_version == MC_AUDIT_V1) {
		mc_audit_event_hash(expected, prev, e->dossier_id, e->at, e->actor_id, e->actor_name,
				    e->unit_id, e->action, e->from_state, e->to_state, e->step, e->note);
	} else {
		/* No formula: nothing it could be compared with matches. */
		snprintf(expected, sizeof expected, "(hash version %d is unknown)", e->hash_version);
	}
	if (!v->broken && strcmp(expected, e->hash) != 0) {
		char when[40];

		v->broken = true;
		problem(v,
			"broken link at event %lld of dossier #%lld (%s at %s)\n  stored   %s\n  expected %s",
			(long long)e->id, (long long)e->dossier_id, e->action,
			mc_time_format(when, sizeof when, e->at), e->hash[0] ? e->hash : "(none)", expected);
	}
	MC_GROW(v->links, v->n_links, v->cap_links);
	chain_link *l = &v->links[v->n_links++];
	l->id = e->id;
	memcpy(l->hash, e->hash, sizeof l->hash);
	l->to_state = e->to_state;
	/* A label for the report: a longer (forged) action is shown cut. */
	snprintf(l->action, sizeof l->action, "%s", e->action);
	return 0;
}

static int verify_dossiers(mc_store *st, verifier *v, int64_t max_dossier)
{
	int rc = 0;

	for (int64_t lo = 1; lo <= max_dossier && rc == 0; lo += DOSSIER_SLICE) {
		int64_t hi = lo + DOSSIER_SLICE;

		v->rows = v->ents = NULL;
		v->n_rows = v->n_ents = v->at_row = v->at_ent = 0;
		v->dossier = -1;
		v->n_links = 0;
		rc = mc_store_audit_dossiers(st, &v->rows, &v->n_rows, lo, hi);
		if (rc == 0)
			rc = mc_store_audit_entries(st, &v->ents, &v->n_ents, false, lo, hi);
		if (rc == 0)
			rc = mc_store_event_scan_range(st, lo, hi, on_event, v);
		if (rc == 0) {
			if (v->dossier >= 0)
				finish_dossier(v, v->dossier);
			finish_quiet(v, INT64_MAX);
		}
		mc_audit_entry_free_list(v->rows, v->n_rows);
		mc_audit_entry_free_list(v->ents, v->n_ents);
		v->rows = v->ents = NULL;
	}
	return rc;
}

static int on_document_event(const mc_document_event *e, void *payload)
{
	verifier *v = payload;
	char expected[MC_AUDIT_HASH_LEN], when[40];

	if (e->document_id != v->doc) {
		v->doc = e->document_id;
		v->doc_prev[0] = '\0';
		v->doc_broken = false;
		v->rep->documents++;
	}
	v->rep->document_events++;
	if (e->id < v->doc_chained_from && !e->hash[0]) {
		v->rep->document_unchained++; /* written before the chain began */
		return 0;
	}
	mc_audit_document_event_hash(expected, v->doc_prev, e->document_id, e->at, e->user_id, e->user_name,
				     e->role, e->unit_id, e->action, e->from_state, e->to_state, e->note,
				     e->file_version, e->file_sha256);
	if (!v->doc_broken && strcmp(expected, e->hash) != 0) {
		/* named by its number, which is what a clerk looks for */
		mc_document d = {0};
		int rc = mc_store_document_get(v->st, &d, e->document_id);
		if (rc != 0 && rc != MC_ENOTFOUND)
			return rc;
		v->doc_broken = true;
		problem(v,
			"broken link at event %lld of document #%lld (%s%s%s; %s at %s)\n  stored   %s\n  "
			"expected %s",
			(long long)e->id, (long long)e->document_id,
			d.notation && d.notation[0] ? d.notation : "no number", d.subject ? ": " : "",
			d.subject ? d.subject : "", e->action, mc_time_format(when, sizeof when, e->at),
			e->hash[0] ? e->hash : "(none)", expected);
		mc_document_clear(&d);
	}
	snprintf(v->doc_prev, sizeof v->doc_prev, "%s", e->hash);
	return 0;
}

/* A task's chain as a dossier's: each link recomputed from the event's
 * fields and the previous link; the first broken one is named, the rest of
 * that task's chain follows from it and is not. */
static int on_task_event(const mc_task_event *e, void *payload)
{
	verifier *v = payload;
	char expected[MC_AUDIT_HASH_LEN];

	if (e->task_id != v->task) {
		v->task = e->task_id;
		v->task_head[0] = '\0';
		v->task_broken = false;
		v->rep->tasks++;
	}
	v->rep->task_events++;
	mc_app_task_event_hash(expected, v->task_head, e);
	if (!v->task_broken && strcmp(expected, e->hash ? e->hash : "") != 0) {
		char when[40];

		v->task_broken = true;
		problem(v, "broken link at event %lld of task #%lld (%s at %s)\n  stored   %s\n  expected %s",
			(long long)e->id, (long long)e->task_id, e->action,
			mc_time_format(when, sizeof when, e->at), e->hash && e->hash[0] ? e->hash : "(none)",
			expected);
	}
	/* The next link chains to the stored one, as when it was appended. */
	snprintf(v->task_head, sizeof v->task_head, "%s", e->hash ? e->hash : "");
	return 0;
}

int mc_app_audit_verify(mc_store *st, const char *pinned_key, FILE *out, mc_audit_report *report)
{
	verifier v = {
	    .out = out, .pinned_key = pinned_key, .rep = report, .dossier = -1, .st = st, .task = -1};
	int64_t max_anchor = 0, max_dossier = 0;
	int rc;

	memset(report, 0, sizeof *report);
	if (sodium_init() < 0)
		return MC_ERROR;
	if (pinned_key && !hex_decode(v.pinned, sizeof v.pinned, pinned_key, strlen(pinned_key)))
		return MC_EINVAL;
	rc = mc_store_audit_bounds(st, &max_anchor, &max_dossier);
	if (rc == 0)
		rc = verify_anchors(st, &v, max_anchor);
	if (rc == 0)
		rc = verify_dossiers(st, &v, max_dossier);
	if (rc == 0)
		rc = mc_store_document_event_chained_from(st, &v.doc_chained_from);
	if (rc == 0)
		rc = mc_store_document_event_scan(st, on_document_event, &v);
	if (rc == 0)
		rc = mc_store_task_event_scan(st, on_task_event, &v);
	for (size_t i = 0; rc == 0 && i < v.n_gaps; i++) {
		if (v.gaps[i].named > 0)
			problem(
			    &v,
			    "%lld dossiers name a missing anchor (%lld to %lld) as the one that covers them",
			    (long long)v.gaps[i].named, (long long)v.gaps[i].lo, (long long)v.gaps[i].hi - 1);
	}
	if (report->problems > MAX_LINES)
		fprintf(out, "motcua audit: ... and %lld more problems\n",
			(long long)(report->problems - MAX_LINES));
	free(v.gaps);
	free(v.links);
	return rc;
}
