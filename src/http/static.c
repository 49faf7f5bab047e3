#include "http/static.h"

#include "core/buf.h"
#include "http/gzip.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
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
 * only, no inline script or style, no framing of the page; attachments are
 * previewed from blob: URLs the page makes of what it fetched. The API
 * keeps its own default-src 'none'. index.html allows its one inline
 * script, the import map, by its hash (WEB_CSP_HEAD, the hash, WEB_CSP_TAIL). */
#define WEB_CSP_HEAD "default-src 'self'; script-src 'self'"
#define WEB_CSP_TAIL                                                                                         \
	"; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' blob:; font-src 'self'; "        \
	"object-src 'none'; frame-src 'self' blob:; base-uri 'none'; form-action 'self'; frame-ancestors "   \
	"'none'"
#define WEB_CSP WEB_CSP_HEAD WEB_CSP_TAIL

/* Files smaller than this are not worth a compressed copy. */
#define GZIP_MIN 256

typedef struct {
	char *url; /* "/index.html", "/js/app.js" */
	unsigned char *data;
	size_t len;
	unsigned char *gz; /* the gzip of data when it is smaller, else NULL */
	size_t gz_len;
	const char *content_type;
	char version[17]; /* 16 hex digits of the content's hash: the ?v= of its URL */
	char etag[24];	  /* "\"<version>\"" */
	char etag_gz[28]; /* "\"<version>-gz\"" */
	char *csp;	  /* its own policy (index.html), else NULL for WEB_CSP */
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
		fprintf(stderr,
			"motcua: could not load %s: the web root holds more than %d files or %zu bytes\n",
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
	memset(x, 0, sizeof *x);
	x->url = mc_xstrdup(url);
	x->data = data;
	x->len = size;
	x->content_type = content_type_of(url);
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

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);
	return n >= m && strcmp(s + n - m, tail) == 0;
}

static const static_file *find(const mc_static *s, const char *url);

/* The first needle in the n bytes at h, or NULL (memmem, which C17 lacks). */
static const char *find_bytes(const char *h, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; m <= n && i <= n - m; i++) {
		if (memcmp(h + i, needle, m) == 0)
			return h + i;
	}
	return NULL;
}

/*
 * index.html as served: every file it names ("/css/app.css") named with its
 * version ("/css/app.css?v=<hash>"), and an import map that does the same for
 * every module, whoever imports it ("/js/lib.js" from app.js or a page), so
 * that each file can be cached for a year and a new release is fetched at
 * once: the page, which is not cached, names the new versions. The map is
 * the page's one inline script; its hash goes into the page's policy.
 */
static int version_index(mc_static *s, static_file *index)
{
	int rc = MC_ERROR;
	mc_buf map, out;
	mc_buf_init(&map, MC_STATIC_FILE_MAX);
	mc_buf_init(&out, MC_STATIC_FILE_MAX);
	const char *html = (const char *)index->data;
	size_t len = index->len;
	/* After <meta charset>, which must come in the first 1024 bytes; else after <head>. */
	const char *head = find_bytes(html, len, "<head>");
	const char *charset = find_bytes(html, len, "<meta charset=\"utf-8\">");
	size_t head_len = 6;
	if (charset) {
		head = charset;
		head_len = strlen("<meta charset=\"utf-8\">");
	}
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];

	if (!head)
		return 0; /* not the application's page: served as it is */
	if (mc_buf_adds(&map, "{\"imports\":{") != 0)
		goto cleanup;
	bool first = true;
	for (size_t i = 0; i < s->n; i++) {
		const static_file *f = &s->files[i];
		if (!ends_with(f->url, ".js") && !ends_with(f->url, ".mjs"))
			continue;
		/* URLs of the web root are letters, digits, '/', '.', '-', '_' in practice; any
		 * other is left out of the map (the module is then fetched without a version). */
		if (strcspn(f->url, "\"\\<>&") != strlen(f->url))
			continue;
		if (mc_buf_addf(&map, "%s\"%s\":\"%s?v=%s\"", first ? "" : ",", f->url, f->url, f->version) !=
		    0)
			goto cleanup;
		first = false;
	}
	if (mc_buf_adds(&map, "}}") != 0)
		goto cleanup;
	/* The page up to <head>, the map, then the rest with versioned names. */
	size_t at = (size_t)(head - html) + head_len;
	if (mc_buf_add(&out, html, at) != 0 || mc_buf_adds(&out, "\n<script type=\"importmap\">") != 0 ||
	    mc_buf_add(&out, map.data, map.len) != 0 || mc_buf_adds(&out, "</script>") != 0)
		goto cleanup;
	while (at < len) {
		const char *q = find_bytes(html + at, len - at, "=\"/");
		size_t upto = q ? (size_t)(q - html) + 2 : len;
		if (mc_buf_add(&out, html + at, upto - at) != 0)
			goto cleanup;
		at = upto;
		if (!q)
			break;
		const char *end = memchr(html + at, '"', len - at);
		if (!end)
			continue;
		char url[512];
		size_t n = (size_t)(end - (html + at));
		if (n >= sizeof url)
			continue;
		memcpy(url, html + at, n);
		url[n] = '\0';
		const static_file *f = find(s, url);
		if (f && f != index && !ends_with(url, ".html")) {
			if (mc_buf_addf(&out, "%s?v=%s", url, f->version) != 0)
				goto cleanup;
			at += n;
		}
	}
	if (!EVP_Digest(map.data, map.len, md, &md_len, EVP_sha256(), NULL))
		goto cleanup;
	EVP_EncodeBlock((unsigned char *)b64, md, (int)md_len);
	size_t csp_len = strlen(WEB_CSP) + strlen(b64) + 16;
	index->csp = mc_xmalloc(csp_len);
	snprintf(index->csp, csp_len, "%s 'sha256-%s'%s", WEB_CSP_HEAD, b64, WEB_CSP_TAIL);
	free(index->data);
	index->len = out.len;
	index->data = (unsigned char *)mc_buf_steal(&out);
	rc = 0;
cleanup:
	if (rc != 0)
		fprintf(stderr, "motcua: could not version the files named by %s\n", index->url);
	mc_buf_free(&map);
	mc_buf_free(&out);
	return rc;
}

/* Versions, the rewritten index.html, and the compressed copies: once, at load. */
static int finish(mc_static *s)
{
	for (size_t i = 0; i < s->n; i++) {
		static_file *f = &s->files[i];
		snprintf(f->version, sizeof f->version, "%016llx",
			 (unsigned long long)content_hash(f->data, f->len));
	}
	for (size_t i = 0; i < s->n; i++) {
		if (ends_with(s->files[i].url, "/index.html") && version_index(s, &s->files[i]) != 0)
			return MC_ERROR;
	}
	for (size_t i = 0; i < s->n; i++) {
		static_file *f = &s->files[i];
		/* index.html changed: its own tag is of what is served. */
		snprintf(f->etag, sizeof f->etag, "\"%016llx\"",
			 (unsigned long long)content_hash(f->data, f->len));
		snprintf(f->etag_gz, sizeof f->etag_gz, "\"%016llx-gz\"",
			 (unsigned long long)content_hash(f->data, f->len));
		/* Level 9: done once, for every client after. */
		if (f->len >= GZIP_MIN && mc_gzip_type(f->content_type) &&
		    mc_gzip(&f->gz, &f->gz_len, f->data, f->len, 9) == 0 && f->gz_len >= f->len) {
			free(f->gz);
			f->gz = NULL;
			f->gz_len = 0;
		}
	}
	return 0;
}

void mc_static_free(mc_static *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->files[i].url);
		free(s->files[i].data);
		free(s->files[i].gz);
		free(s->files[i].csp);
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
	rc = finish(s);
	if (rc != 0)
		goto cleanup;
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
	/* A URL with the file's version (index.html names them so) keeps for a
	 * year; the page itself, and a file asked for without its version or
	 * with an old one, is checked each time (mostly a 304). */
	const char *v = mc_req_query(r, "v");
	if (v && strcmp(v, f->version) == 0)
		mc_reply_header(r, "Cache-Control", "public, max-age=31536000, immutable");
	else
		mc_reply_header(r, "Cache-Control", "no-cache");
	bool gz = f->gz && mc_gzip_accepted(mc_req_header(r, "Accept-Encoding"));
	const char *etag = gz ? f->etag_gz : f->etag;
	if (f->gz)
		mc_reply_header(r, "Vary", "Accept-Encoding");
	mc_reply_header(r, "ETag", etag);
	mc_reply_header(r, "Content-Security-Policy", f->csp ? f->csp : WEB_CSP);
	const char *inm = mc_req_header(r, "If-None-Match");
	if (inm && etag_matches(inm, etag)) {
		mc_reply_empty(r, 304);
		return;
	}
	if (gz)
		mc_reply_header(r, "Content-Encoding", "gzip");
	if (mc_req_method(r) == MC_M_HEAD) {
		char length[32];
		snprintf(length, sizeof length, "%zu", gz ? f->gz_len : f->len);
		mc_reply_header(r, "Content-Length", length);
	}
	mc_reply_raw(r, 200, f->content_type, gz ? f->gz : f->data, gz ? f->gz_len : f->len);
}
