/*
 * store_files.h - content-addressed attachment files on disk, the same for
 * every store backend. Private to src/store.
 */
#ifndef MC_STORE_FILES_H
#define MC_STORE_FILES_H

#include "core/mc.h"
#include "store/store.h"

/* The SHA-256 of data as 64 lower-case hex digits. */
int mc_files_sha256(char out[65], const void *data, size_t len);
/* Whether s is 64 lower-case hex digits: the only names that become paths. */
bool mc_files_sha256_valid(const char *s);
/* Writes the file for digest into files_dir (created with its parents when
 * missing) unless a whole one is there already. */
int mc_files_put(const char *files_dir, const char *digest, const void *data, size_t len);
/* Opens the file for digest for reading, checking it has the recorded size;
 * caller closes *out. */
int mc_files_open(const char *files_dir, const char *digest, int64_t size, int *out);
/* Reads size bytes of the file for digest; caller frees *data. */
int mc_files_read(const char *files_dir, const char *digest, size_t size, void **data);
/* Whether the file for digest is on disk with this size. */
bool mc_files_whole(const char *files_dir, const char *digest, int64_t size);
/* Locks the file for digest until the end of the transaction (PostgreSQL;
 * SQLite has one writer): a record of the file and its deletion or
 * destruction, on servers sharing the folder, take it before looking. */
int mc_files_lock(mc_store *st, const char *sha256);
/* Records the file for digest as an attachment (its row: size, type, time
 * at) after taking its lock, unless recorded already. MC_EBUSY when the
 * file is not whole on disk: a sweep may have deleted it, unused or
 * destroyed, since its writing, and a row must never name a missing file. */
int mc_files_record(mc_store *st, const char *sha256, int64_t size, const char *mime, int64_t at);
/* Whether an attachment row names the file for digest. */
int mc_files_recorded(mc_store *st, bool *out, const char *sha256);
/* Names the file for digest for the sweep's deletion (file_gc), from time at. */
int mc_files_name_for_deletion(mc_store *st, const char *sha256, int64_t at);
/* Releases the recorded file for digest when no row keeps it (a dossier's
 * document, a template, a document's file, version or attachment, a
 * signature request, an upload): removes its attachment row and names it
 * for deletion from time at, under its lock, in the caller's transaction.
 * A file still used, or not recorded, is left as it is. */
int mc_files_release(mc_store *st, const char *sha256, int64_t at);
/* Deletes the file for digest; a file already gone is not an error. */
int mc_files_remove(const char *files_dir, const char *digest);
/* Deletes the temporary files of unfinished uploads (".tmp-*" in the prefix
 * folders) last modified before `before` (UTC seconds): a crash between
 * mkstemp and rename leaves them, and nothing else ever will. Younger ones
 * may be an upload in progress on another server sharing the folder. */
int mc_files_clean_tmp(const char *files_dir, int64_t before, int64_t *removed);
/* Copies an attachment folder (prefix/digest) into dst, skipping files that
 * are there already and temporary files of unfinished uploads. A missing src
 * is an empty folder. */
int mc_files_copy_tree(const char *src, const char *dst);

#endif
