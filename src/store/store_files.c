/*
 * store_files.c - the attachment folder both stores share the format of:
 * "<folder>/<first two hex digits>/<sha256>", written to a temporary file in
 * the same folder, flushed, renamed into place and the folder flushed, so
 * that after a crash a file is either whole or absent.
 */
#include "store/store_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

int mc_files_sha256(char out[65], const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int rc = MC_ERROR;

	if (!ctx)
		goto cleanup;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 || EVP_DigestUpdate(ctx, data, len) != 1 ||
	    EVP_DigestFinal_ex(ctx, md, &md_len) != 1 || md_len != 32)
		goto cleanup;
	for (unsigned int i = 0; i < md_len; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0x0f];
	}
	out[64] = '\0';
	rc = 0;
cleanup:
	if (rc)
		fprintf(stderr, "could not compute sha-256\n");
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* Whether s is 64 lower-case hex digits: the only names that become paths. */
bool mc_files_sha256_valid(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return s[i] == '\0';
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0750) == 0 || errno == EEXIST)
		return 0;
	fprintf(stderr, "could not create %s: %s\n", path, strerror(errno));
	return MC_ERROR;
}

/* Creates path and the folders above it that are missing ("./var/files"). */
static int make_dirs(const char *path)
{
	char *copy = NULL;
	int rc = 0;

	if (mkdir(path, 0750) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return make_dir(path);
	copy = mc_xstrdup(path);
	for (char *c = copy + 1; *c && rc == 0; c++) {
		if (*c != '/')
			continue;
		*c = '\0';
		if (mkdir(copy, 0750) != 0 && errno != EEXIST)
			rc = make_dir(copy);
		*c = '/';
	}
	free(copy);
	return rc ? rc : make_dir(path);
}

/* Flushes a folder so that a rename in it survives a crash. */
static int sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	int rc = 0;

	if (fd < 0 || fsync(fd) != 0) {
		fprintf(stderr, "could not sync %s: %s\n", path, strerror(errno));
		rc = MC_ERROR;
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Writes the file for digest into its place unless a whole one is there already. */
int mc_files_put(const char *files_dir, const char *digest, const void *data, size_t len)
{
	char *dir = NULL;
	char *final = NULL;
	char *tmp = NULL;
	size_t dir_len = strlen(files_dir) + 4;
	struct stat sb;
	int fd = -1;
	int rc = make_dirs(files_dir);

	if (rc)
		goto cleanup;
	dir = mc_xmalloc(dir_len);
	snprintf(dir, dir_len, "%s/%.2s", files_dir, digest);
	rc = make_dir(dir);
	if (rc)
		goto cleanup;
	final = mc_xmalloc(dir_len + 66);
	snprintf(final, dir_len + 66, "%s/%s", dir, digest);
	/* Same name, same content: a file of the right size is the same file. */
	if (stat(final, &sb) == 0 && sb.st_size == (off_t)len)
		goto cleanup;
	tmp = mc_xmalloc(dir_len + 16);
	snprintf(tmp, dir_len + 16, "%s/.tmp-XXXXXX", dir);
	fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "could not create %s: %s\n", tmp, strerror(errno));
		rc = MC_ERROR;
		free(tmp);
		tmp = NULL;
		goto cleanup;
	}
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		fprintf(stderr, "could not write %s: %s\n", tmp, strerror(errno));
		rc = MC_ERROR;
		goto cleanup;
	}
	if (close(fd) != 0) {
		fd = -1;
		fprintf(stderr, "could not write %s: %s\n", tmp, strerror(errno));
		rc = MC_ERROR;
		goto cleanup;
	}
	fd = -1;
	if (rename(tmp, final) != 0) {
		fprintf(stderr, "could not rename %s: %s\n", tmp, strerror(errno));
		rc = MC_ERROR;
		goto cleanup;
	}
	free(tmp);
	tmp = NULL;
	rc = sync_dir(dir);
cleanup:
	if (fd >= 0)
		close(fd);
	if (tmp)
		unlink(tmp);
	free(tmp);
	free(final);
	free(dir);
	return rc;
}

int mc_files_open(const char *files_dir, const char *digest, int64_t size, int *out)
{
	size_t path_len = strlen(files_dir) + 70;
	char *path = mc_xmalloc(path_len);
	struct stat sb;
	int rc = 0;

	snprintf(path, path_len, "%s/%.2s/%s", files_dir, digest, digest);
	*out = open(path, O_RDONLY | O_CLOEXEC);
	if (*out < 0) {
		fprintf(stderr, "could not open %s: %s\n", path, strerror(errno));
		rc = MC_ERROR;
		goto cleanup;
	}
	if (fstat(*out, &sb) != 0 || sb.st_size != size) {
		fprintf(stderr, "could not serve %s: its size is not the recorded %lld bytes\n", path,
			(long long)size);
		close(*out);
		*out = -1;
		rc = MC_ERROR;
	}
cleanup:
	free(path);
	return rc;
}

int mc_files_read(const char *files_dir, const char *digest, size_t size, void **data)
{
	size_t path_len = strlen(files_dir) + 70;
	char *path = mc_xmalloc(path_len);
	unsigned char *buf = NULL;
	size_t got = 0;
	int fd;
	int rc = 0;

	*data = NULL;
	snprintf(path, path_len, "%s/%.2s/%s", files_dir, digest, digest);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "could not open %s: %s\n", path, strerror(errno));
		rc = MC_ERROR;
		goto cleanup;
	}
	buf = mc_xmalloc(size ? size : 1);
	while (got < size) {
		ssize_t r = read(fd, buf + got, size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			fprintf(stderr, "could not read %s: %s\n", path,
				r < 0 ? strerror(errno) : "file is short");
			rc = MC_ERROR;
			goto cleanup;
		}
		got += (size_t)r;
	}
	*data = buf;
	buf = NULL;
cleanup:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(path);
	return rc;
}

bool mc_files_whole(const char *files_dir, const char *digest, int64_t size)
{
	size_t path_len = strlen(files_dir) + 70;
	char *path = mc_xmalloc(path_len);
	struct stat sb;
	bool whole;

	snprintf(path, path_len, "%s/%.2s/%s", files_dir, digest, digest);
	whole = stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size == (off_t)size;
	free(path);
	return whole;
}

int mc_files_remove(const char *files_dir, const char *digest)
{
	size_t path_len = strlen(files_dir) + 70;
	char *path = mc_xmalloc(path_len);
	int rc = 0;

	snprintf(path, path_len, "%s/%.2s/%s", files_dir, digest, digest);
	if (unlink(path) != 0 && errno != ENOENT) {
		fprintf(stderr, "could not remove %s: %s\n", path, strerror(errno));
		rc = MC_ERROR;
	}
	free(path);
	return rc;
}

int mc_files_clean_tmp(const char *files_dir, int64_t before, int64_t *removed)
{
	DIR *top = opendir(files_dir);
	struct dirent *p;
	int rc = 0;

	*removed = 0;
	if (!top)
		return errno == ENOENT ? 0 : MC_ERROR;
	while ((p = readdir(top))) {
		char sub[4096];
		DIR *d;
		struct dirent *f;

		/* The prefix folders are two hex digits. */
		if (strlen(p->d_name) != 2 || p->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof sub, "%s/%s", files_dir, p->d_name);
		d = opendir(sub);
		if (!d)
			continue;
		while ((f = readdir(d))) {
			char path[8192];
			struct stat sb;

			if (strncmp(f->d_name, ".tmp-", 5) != 0)
				continue;
			snprintf(path, sizeof path, "%s/%s", sub, f->d_name);
			if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || (int64_t)sb.st_mtime >= before)
				continue;
			if (unlink(path) == 0) {
				(*removed)++;
			} else if (errno != ENOENT) {
				fprintf(stderr, "could not remove %s: %s\n", path, strerror(errno));
				rc = MC_ERROR;
			}
		}
		closedir(d);
	}
	closedir(top);
	return rc;
}

/* Copies src to dst (created or truncated) and flushes it. */
static int copy_file(const char *src, const char *dst)
{
	int in = open(src, O_RDONLY), out = -1, rc = MC_ERROR;
	char buf[65536];
	if (in < 0)
		goto cleanup;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	if (out < 0)
		goto cleanup;
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto cleanup;
		if (n == 0)
			break;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				goto cleanup;
			off += w;
		}
	}
	if (fsync(out) == 0)
		rc = 0;
cleanup:
	if (rc)
		fprintf(stderr, "could not copy %s to %s: %s\n", src, dst, strerror(errno));
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

/* Copies the attachment folder tree (two levels: prefix/digest); files already
 * there are the same content under the same name and are skipped. */
int mc_files_copy_tree(const char *src, const char *dst)
{
	DIR *top = opendir(src);
	int rc = 0;
	if (!top)
		return errno == ENOENT ? 0 : MC_ERROR;
	if (mkdir(dst, 0750) != 0 && errno != EEXIST) {
		closedir(top);
		return MC_ERROR;
	}
	struct dirent *p;
	while (rc == 0 && (p = readdir(top))) {
		if (p->d_name[0] == '.')
			continue;
		char sub_src[4096], sub_dst[4096];
		snprintf(sub_src, sizeof sub_src, "%s/%s", src, p->d_name);
		snprintf(sub_dst, sizeof sub_dst, "%s/%s", dst, p->d_name);
		DIR *sub = opendir(sub_src);
		if (!sub)
			continue;
		if (mkdir(sub_dst, 0750) != 0 && errno != EEXIST) {
			closedir(sub);
			rc = MC_ERROR;
			break;
		}
		struct dirent *f;
		while (rc == 0 && (f = readdir(sub))) {
			if (f->d_name[0] == '.' || strlen(f->d_name) != 64)
				continue; /* temporary files of an unfinished upload are not attachments */
			char a[8192], b[8192];
			struct stat sb;
			snprintf(a, sizeof a, "%s/%s", sub_src, f->d_name);
			snprintf(b, sizeof b, "%s/%s", sub_dst, f->d_name);
			if (stat(b, &sb) == 0)
				continue;
			rc = copy_file(a, b);
		}
		closedir(sub);
	}
	closedir(top);
	return rc;
}
