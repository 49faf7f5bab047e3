/*
 * version.h - what this binary is: its version and the git commit it was
 * built from, stamped at build time by cmake/version_gen.cmake (VERSION and
 * git describe; docs/operations.md §9 says how the version is made).
 */
#ifndef MC_CORE_VERSION_H
#define MC_CORE_VERSION_H

/* "0.1.0", "0.1.0+3.g0b16d58", "0.1.0~git245.g0b16d58" (a Debian version). */
extern const char mc_version[];
/* The commit's hash (12 hex digits), "-dirty" appended when the tree had
 * uncommitted changes; "unknown" for a build outside git. */
extern const char mc_commit[];

#endif
