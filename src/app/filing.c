#include "app/filing.h"

#include "core/err.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

void mc_app_filing_peer(char out[MC_FILING_PEER_MAX], const char *peer)
{
	size_t n = 0;
	struct in6_addr a6;
	char text[INET6_ADDRSTRLEN];

	for (const char *c = peer ? peer : ""; *c && n < MC_FILING_PEER_MAX - 1; c++) {
		bool keep = (*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z') ||
			    (*c >= 'A' && *c <= 'Z') || *c == '.' || *c == ':' || *c == '%' || *c == '-' ||
			    *c == '_';
		if (keep)
			out[n++] = *c;
	}
	out[n] = '\0';
	/* One IPv6 subscriber gets a whole /64 (RFC 6177) and may use any
	 * address of it: counted per address, it would have 2^64 of them. */
	if (strchr(out, ':') && inet_pton(AF_INET6, out, &a6) == 1 && !IN6_IS_ADDR_V4MAPPED(&a6)) {
		memset(&a6.s6_addr[8], 0, 8);
		if (inet_ntop(AF_INET6, &a6, text, sizeof text))
			snprintf(out, MC_FILING_PEER_MAX, "%s/64", text);
	}
}

/*
 * One sliding window: the filings at or after now - window + 1 count. With
 * `limit` of them or more, the next may be filed once the limit-th newest has
 * left the window, window seconds after it was filed; so one indexed read of
 * at most `limit` rows answers both whether and how long.
 */
static int window_wait(mc_store *st, int64_t *wait, int64_t user_id, const char *peer, int64_t now,
		       int64_t window, int limit)
{
	int64_t nth = 0;
	int rc;

	*wait = 0;
	if (limit <= 0)
		return 0;
	rc = mc_store_filing_nth(st, &nth, user_id, peer, now - window + 1, limit);
	if (rc == MC_ENOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	*wait = nth + window - now;
	if (*wait < 1)
		*wait = 1; /* a clock that stepped back: still full now */
	return 0;
}

int mc_app_filing_check(mc_store *st, const mc_filing_limits *lim, int64_t user_id, const char *peer,
			int64_t now, mc_filing_verdict *out)
{
	const struct {
		bool by_address, per_day;
		int64_t window;
		int limit;
	} windows[] = {
	    {false, false, 3600, lim->account_per_hour},
	    {false, true, 86400, lim->account_per_day},
	    {true, false, 3600, lim->address_per_hour},
	    {true, true, 86400, lim->address_per_day},
	};
	int rc = 0;

	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < MC_ARRAY_LEN(windows); i++) {
		int64_t wait = 0;
		/* An address that could not be told (""), is no address to count. */
		if (windows[i].by_address && !peer[0])
			continue;
		rc = window_wait(st, &wait, windows[i].by_address ? 0 : user_id,
				 windows[i].by_address ? peer : NULL, now, windows[i].window,
				 windows[i].limit);
		if (rc != 0)
			goto cleanup;
		/* Every limit reached must free a slot: the longest wait decides. */
		if (wait > out->retry_after) {
			out->limited = true;
			out->retry_after = wait;
			out->by_address = windows[i].by_address;
			out->per_day = windows[i].per_day;
			out->limit = windows[i].limit;
		}
	}
cleanup:
	return rc;
}

int mc_app_filing_admit(mc_store *st, const mc_filing_limits *lim, int64_t user_id, const char *peer,
			int64_t now, mc_filing_verdict *out)
{
	int rc = mc_store_filing_lock(st, user_id, peer);
	if (rc == 0)
		rc = mc_app_filing_check(st, lim, user_id, peer, now, out);
	return rc;
}

int mc_app_filing_refusal(const mc_filing_verdict *v)
{
	int rc = mc_err_set(
	    MC_ELIMIT, MC_REASON_FILING_LIMIT,
	    "%s %d dossiers in the last %s, the most allowed; the next may be filed in %lld seconds",
	    v->by_address ? "this address has filed" : "this account has filed", v->limit,
	    v->per_day ? "24 hours" : "hour", (long long)v->retry_after);
	mc_err_retry_after(v->retry_after);
	return rc;
}
