/*
 * app/filing.h - how many dossiers one citizen account and one client address
 * may file online, per hour and per day (docs/operations.md §3).
 *
 * A self-registered account could otherwise file thousands of junk dossiers a
 * minute into one unit's queue. The limits are counted in the store (the
 * dossier_filing rows of the last hour and day), not in a server's memory, so
 * that they hold when the requests of one account go to several servers of
 * one database; the count and the record happen in the filing's write
 * transaction, under mc_store_filing_lock. Officers are not limited: the desk
 * files walk-ins as they come.
 */
#ifndef MC_APP_FILING_H
#define MC_APP_FILING_H

#include "store/store.h"

/* The longest client address kept, with its NUL. */
#define MC_FILING_PEER_MAX 64

typedef struct {
	int account_per_hour; /* 0 = no limit */
	int account_per_day;
	int address_per_hour;
	int address_per_day;
} mc_filing_limits;

/* Why a filing must wait, when it must. */
typedef struct {
	bool limited;	     /* false: it may be filed now */
	int64_t retry_after; /* seconds until every limit reached frees a slot (>= 1) */
	bool by_address;     /* the limit that waits longest is the address's (else the account's) */
	bool per_day;	     /* ... and is the daily one (else the hourly one) */
	int limit;	     /* ... and its value */
} mc_filing_verdict;

/* The client address as a key: the characters of an IP address (hex digits,
 * '.', ':', '%' and the zone's letters and digits, '-', '_') of peer, at
 * most MC_FILING_PEER_MAX - 1 of them; anything else is dropped, so that what
 * the HTTP layer reports (a forwarded header, later) never reaches the store
 * as arbitrary text. An IPv6 address counts as its /64 network
 * ("2001:db8:1:2::/64"), which one subscriber holds whole. */
void mc_app_filing_peer(char out[MC_FILING_PEER_MAX], const char *peer);

/*
 * Whether the account user_id may file one more dossier from the address
 * peer (already an mc_app_filing_peer key) at now under lim: fills *out.
 * Reads only: run it early on any connection to turn a flood away cheaply;
 * mc_app_filing_admit decides. Returns 0 or a store error.
 */
int mc_app_filing_check(mc_store *st, const mc_filing_limits *lim, int64_t user_id, const char *peer,
			int64_t now, mc_filing_verdict *out);

/*
 * The same inside the filing's write transaction, after mc_store_filing_lock,
 * so that servers sharing the database count one after the other; when *out
 * allows it, the caller files and then records with mc_store_filing_record
 * in the same transaction. Returns 0 or a store error.
 */
int mc_app_filing_admit(mc_store *st, const mc_filing_limits *lim, int64_t user_id, const char *peer,
			int64_t now, mc_filing_verdict *out);

/* Records the refusal of a filing that v limits (core/err.h: the limit
 * reached, and after how long the next may be filed) and returns MC_ELIMIT. */
int mc_app_filing_refusal(const mc_filing_verdict *v);

#endif
