/*
 * store_attachment.c - content-addressed attachments, on either engine
 * (db.h): the row in the attachment table here, the file on disk in
 * store_files.c ("<files>/<first two hex digits>/<sha256>", written whole or
 * not at all).
 */
#include "store/db.h"

#include "store/store_files.h"
#include "store/store_workfile.h"

#include <string.h>

int mc_store_attachment_write(mc_store *st, char sha256_out[65], const void *data, size_t len)
{
	char digest[65];
	int rc;

	sha256_out[0] = '\0';
	/* The largest attachment accepted (API bodies are limited before this). */
	if (len > MC_ATTACHMENT_MAX)
		return MC_ETOOBIG;
	rc = mc_files_sha256(digest, data, len);
	if (rc == 0)
		rc = mc_files_put(mc_db_files_dir(st), digest, data, len);
	if (rc == 0)
		memcpy(sha256_out, digest, 65);
	return rc;
}

int mc_store_attachment_record(mc_store *st, const char *sha256, int64_t size, const char *mime)
{
	if (!mc_files_sha256_valid(sha256) || size < 0 || (uint64_t)size > MC_ATTACHMENT_MAX)
		return MC_EINVAL;
	return mc_files_record(st, sha256, size, mime, mc_now());
}

int mc_store_attachment_put(mc_store *st, char sha256_out[65], const void *data, size_t len, const char *mime)
{
	/* The file first: a row must never point at a file that is not there. */
	int rc = mc_store_attachment_write(st, sha256_out, data, len);

	if (rc == 0)
		rc = mc_store_attachment_record(st, sha256_out, (int64_t)len, mime);
	if (rc)
		sha256_out[0] = '\0';
	return rc;
}

int mc_store_attachment_stat(mc_store *st, int64_t *size, char *mime, size_t mime_cap, const char *sha256)
{
	static const char sql[] = "SELECT size, mime FROM attachment WHERE sha256 = $1";
	mc_q *q = NULL;
	int rc;

	if (!mc_files_sha256_valid(sha256))
		return MC_EINVAL;
	rc = mc_db_prepare(st, &q, sql);
	if (rc)
		goto cleanup;
	mc_q_text(q, 1, sha256);
	rc = mc_q_row(q, "read attachment");
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc == 1) {
		rc = 0;
		if (size)
			*size = mc_q_col_int(q, 0);
		/* As the driver's columns: a value longer than its field is an error, not cut. */
		if (mime && mime_cap)
			rc = mc_strlcpy(mime, mc_q_col_text(q, 1), mime_cap);
	}
cleanup:
	mc_q_done(q);
	return rc;
}

int mc_store_attachment_get(mc_store *st, void **data, size_t *len, char *mime, size_t mime_cap,
			    const char *sha256)
{
	int64_t size = 0;
	int rc = mc_store_attachment_stat(st, &size, mime, mime_cap, sha256);

	*data = NULL;
	*len = 0;
	/* A name that is no digest is no attachment. */
	if (rc == MC_EINVAL)
		rc = MC_ENOTFOUND;
	/* Not recorded: destroyed with a disposed work file, or never known.
	 * Said when read (the reader's access checked), not by stat, which
	 * answers whoever names a digest. */
	if (rc == MC_ENOTFOUND)
		rc = mc_store_file_destroyed(st, sha256);
	if (rc == 0)
		rc = mc_files_read(mc_db_files_dir(st), sha256, (size_t)size, data);
	if (rc == 0)
		*len = (size_t)size;
	return rc;
}

int mc_store_attachment_open(mc_store *st, int *fd, int64_t *size, char *mime, size_t mime_cap,
			     const char *sha256)
{
	int rc = mc_store_attachment_stat(st, size, mime, mime_cap, sha256);

	*fd = -1;
	if (rc == MC_EINVAL)
		rc = MC_ENOTFOUND;
	if (rc == MC_ENOTFOUND)
		rc = mc_store_file_destroyed(st, sha256);
	if (rc == 0)
		rc = mc_files_open(mc_db_files_dir(st), sha256, *size, fd);
	return rc;
}
