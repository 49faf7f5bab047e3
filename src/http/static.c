#include "http/static.h"

#include "core/buf.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Enough for a web application; a folder holding more is a mistake. */
#define MAX_FILES 4096
#define MAX_DEPTH 16
#define MAX_TOTAL ((size_t)256 * 1024 * 1024)

/* The policy for the web application's pages: everything from this origin
 * only, no inline script or style, no framing. The API keeps its own
 * default-src 'none'. */
#define WEB_CSP                                                                                              \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " \
	"font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

typedef struct {
	char *url;          /* "/index.html", "/js/app.js" */
	unsigned char *data;
	size_t len;
	const char *content_type;
	char etag[24];      /* "\"<16 hex digits>\"" */
} static_file;

struct mc_static {
	static_file *files; /* sorted by url */
	size_t n, cap;
	size_t total;
};

static const struct {
	const char *ext;
	const char *type;
} types[] = {
	{"html", "text/html; charset=utf-8"},
	{"js", "text/javascript; charset=utf-8"},
	{"mjs", "text/javascript; charset=utf-8"},
	{"css", "text/css; charset=utf-8"},
	{"svg", "image/svg+xml"},
	{"png", "image/png"},
	{"ico", "image/x-icon"},
	{"json", "application/json; charset=utf-8"},
	{"webmanifest", "application/manifest+json"},
	{"woff2", "font/woff2"},
	{"txt", "text/plain; charset=utf-8"},
	{"jpg", "image/jpeg"},
	{"jpeg", "image/jpeg"},
	{"webp", "image/webp"},
};

static const char *content_type_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (dot) {
		for (size_t i = 0; i < MC_ARRAY_LEN(types); i++) {
			if (strcasecmp(dot + 1, types[i].ext) == 0)
				return types[i].type;
		}
	}
	return "application/octet-stream";
}

/* 64-bit FNV-1a: a validator for caches, not a security measure. */
static uint64_t content_hash(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3u;
	}
	return h;
}

static int url_cmp(const void *a, const void *b)
{
	return strcmp(((const static_file *)a)->url, ((const static_file *)b)->url);
}

/* Reads one file into the set; a file too large is left out with a warning. */
static int add_file(mc_static *s, const char *path, const char *url, size_t size)
{
	int rc = MC_ERROR;
	FILE *f = NULL;
	unsigned char *data = NULL;

	if (size > MC_STATIC_FILE_MAX) {
		fprintf(stderr, "motcua: leaving out %s: larger than %zu bytes\n", path, MC_STATIC_FILE_MAX);
		rc = 0;
		goto cleanup;
	}
	if (s->n >= MAX_FILES || s->total + size > MAX_TOTAL) {
		fprintf(stderr, "motcua: could not load %s: the web root holds more than %d files or %zu bytes\n",
			path, MAX_FILES, MAX_TOTAL);
		goto cleanup;
	}
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "motcua: could not open %s: %s\n", path, strerror(errno));
		goto cleanup;
	}
	data = mc_xmalloc(size ? size : 1);
	if (fread(data, 1, size, f) != size) {
		fprintf(stderr, "motcua: could not read %s\n", path);
		goto cleanup;
	}
	MC_GROW(s->files, s->n, s->cap);
	static_file *x = &s->files[s->n++];
	x->url = mc_xstrdup(url);
	x->data = data;
	x->len = size;
	x->content_type = content_type_of(url);
	snprintf(x->etag, sizeof x->etag, "\"%016llx\"", (unsigned long long)content_hash(data, size));
	s->total += size;
	data = NULL;
	rc = 0;
cleanup:
	free(data);
	if (f)
		fclose(f);
	return rc;
}

/* Loads the folder path, whose files have URLs under url ("" for the root). */
static int add_dir(mc_static *s, const char *path, const char *url, int depth)
{
	int rc = 0;
	DIR *dir = opendir(path);
	if (!dir) {
		fprintf(stderr, "motcua: could not read %s: %s\n", path, strerror(errno));
		return MC_ERROR;
	}
	struct dirent *e;
	while (rc == 0 && (e = readdir(dir)) != NULL) {
		/* Dotfiles (.git, .env, editor backups) are never published. */
		if (e->d_name[0] == '.')
			continue;
		char child[4096], child_url[4096];
		int n1 = snprintf(child, sizeof child, "%s/%s", path, e->d_name);
		int n2 = snprintf(child_url, sizeof child_url, "%s/%s", url, e->d_name);
		if (n1 < 0 || (size_t)n1 >= sizeof child || n2 < 0 || (size_t)n2 >= sizeof child_url) {
			fprintf(stderr, "motcua: leaving out %s/%s: path too long\n", path, e->d_name);
			continue;
		}
		struct stat sb;
		if (stat(child, &sb) != 0) {
			fprintf(stderr, "motcua: leaving out %s: %s\n", child, strerror(errno));
			continue;
		}
		if (S_ISDIR(sb.st_mode)) {
			if (depth >= MAX_DEPTH) {
				fprintf(stderr, "motcua: leaving out %s: folders nested too deep\n", child);
				continue;
			}
			rc = add_dir(s, child, child_url, depth + 1);
		} else if (S_ISREG(sb.st_mode)) {
			rc = add_file(s, child, child_url, (size_t)sb.st_size);
		}
	}
	closedir(dir);
	return rc;
}

void mc_static_free(mc_static *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->files[i].url);
		free(s->files[i].data);
	}
	free(s->files);
	free(s);
}

int mc_static_load(mc_static **out, const char *root)
{
	int rc = 0;
	mc_static *s = NULL;
	struct stat sb;

	*out = NULL;
	if (!root || !*root)
		goto cleanup;
	if (stat(root, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "motcua: no web application at %s; serving the API only\n", root);
		goto cleanup;
	}
	s = mc_xcalloc(1, sizeof *s);
	rc = add_dir(s, root, "", 0);
	if (rc != 0)
		goto cleanup;
	qsort(s->files, s->n, sizeof *s->files, url_cmp);
	*out = s;
	s = NULL;
cleanup:
	mc_static_free(s);
	return rc;
}

size_t mc_static_count(const mc_static *s)
{
	return s ? s->n : 0;
}

static const static_file *find(const mc_static *s, const char *url)
{
	static_file key = {.url = (char *)url};
	return s ? bsearch(&key, s->files, s->n, sizeof *s->files, url_cmp) : NULL;
}

/* Whether the last segment of path ends in a file extension: a dot followed
 * by 1 to 11 letters and digits, the first a letter ("app.js", "font.woff2").
 * Dossier and procedure codes in the application's routes are not:
 * "000.00.33.H56-170302-0001", "1.001193". */
static bool has_extension(const char *path)
{
	const char *last = strrchr(path, '/');
	const char *dot = strrchr(last ? last : path, '.');
	if (!dot)
		return false;
	size_t len = strlen(dot + 1);
	if (len < 1 || len > 11 || !((dot[1] >= 'a' && dot[1] <= 'z') || (dot[1] >= 'A' && dot[1] <= 'Z')))
		return false;
	for (const char *c = dot + 1; *c; c++) {
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
			return false;
	}
	return true;
}

/* Whether an If-None-Match header names this ETag (RFC 9110 13.1.2: weak
 * comparison, a list, or "*"). */
static bool etag_matches(const char *header, const char *etag)
{
	size_t elen = strlen(etag);
	for (const char *p = header; p && *p;) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (*p == '*')
			return true;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		size_t len = strcspn(p, ",");
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == elen && strncmp(p, etag, elen) == 0)
			return true;
		p += strcspn(p, ",");
	}
	return false;
}

void mc_static_serve(mc_req *r, const mc_static *s)
{
	const char *path = mc_req_path(r);
	const static_file *f = NULL;
	size_t len = strlen(path);

	if (len > 0 && path[len - 1] == '/') {
		/* A folder: its index.html. */
		char url[4096];
		if (len + sizeof "index.html" <= sizeof url) {
			snprintf(url, sizeof url, "%sindex.html", path);
			f = find(s, url);
		}
	} else {
		f = find(s, path);
	}
	if (!f && !has_extension(path))
		f = find(s, "/index.html");
	if (!f) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no file at %s", path);
		return;
	}
	/* Small files: the browser checks each time and mostly gets a 304. */
	mc_reply_header(r, "Cache-Control", "no-cache");
	mc_reply_header(r, "ETag", f->etag);
	mc_reply_header(r, "Content-Security-Policy", WEB_CSP);
	const char *inm = mc_req_header(r, "If-None-Match");
	if (inm && etag_matches(inm, f->etag)) {
		mc_reply_empty(r, 304);
		return;
	}
	if (mc_req_method(r) == MC_M_HEAD) {
		char length[32];
		snprintf(length, sizeof length, "%zu", f->len);
		mc_reply_header(r, "Content-Length", length);
	}
	mc_reply_raw(r, 200, f->content_type, f->data, f->len);
}
