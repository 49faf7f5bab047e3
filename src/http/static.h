/*
 * static.h - the web application's static files, served from memory.
 *
 * Every file under the web root is read once at start-up (the folder is
 * small) and kept in memory keyed by its URL path, so a request never touches
 * the file system and no path a client sends can reach outside the folder.
 * Files larger than MC_STATIC_FILE_MAX and names starting with a dot are left
 * out. The set is read-only once loaded and shared by the workers.
 */
#ifndef MC_HTTP_STATIC_H
#define MC_HTTP_STATIC_H

#include "http/server.h"

#define MC_STATIC_FILE_MAX ((size_t)2 * 1024 * 1024)

typedef struct mc_static mc_static;

/*
 * Loads every file under root. When root does not exist, *out is NULL and
 * one line on stderr says only the API is served; that is not an error.
 * Returns 0, or MC_ERROR when root cannot be read (the reason on stderr).
 * Caller frees with mc_static_free.
 */
int mc_static_load(mc_static **out, const char *root);
void mc_static_free(mc_static *s);
/* How many files were loaded. */
size_t mc_static_count(const mc_static *s);

/*
 * Answers a GET or HEAD for a path outside the API: the file at that path;
 * for a path whose last segment has no file extension (the application's own
 * routes, "/tra-cuu/000.00.33.H56-170302-0001"), index.html; else 404. Sends
 * an ETag and honours If-None-Match with 304. Replies in every case.
 */
void mc_static_serve(mc_req *r, const mc_static *s);

#endif
