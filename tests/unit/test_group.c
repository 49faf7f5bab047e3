/*
 * test_group.c - group commit (src/store/group.c): every job queued is run
 * and reported once, jobs from many threads share commits, and a failing job
 * undoes only its own writes.
 */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/group.h"

struct fixture {
	char dir[512];
	char path[600];
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *base = getenv("MC_TEST_TMP");
	if (!base || !*base)
		base = "/tmp";
	if (mkdir(base, 0700) != 0 && errno != EEXIST)
		return -1;
	snprintf(f->dir, sizeof f->dir, "%s/group-XXXXXX", base);
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/motcua.db", f->dir);
	mc_store *st = NULL;
	if (mc_store_open(&st, f->path) != 0 || mc_store_migrate(st) != 0)
		return -1;
	mc_store_close(st);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* A job that creates one unit, or fails after writing one when asked to. */
struct unit_job {
	char code[32];
	bool fail_after_write;
	int rc;
	pthread_mutex_t *lock;
	pthread_cond_t *cond;
	int *remaining;
};

static int unit_job_run(mc_store *st, void *payload)
{
	struct unit_job *j = payload;
	mc_unit u = {0};
	u.code = (char *)j->code;
	char u_name[256];
	snprintf(u_name, sizeof u_name, "Đơn vị %s", j->code);
	u.name = u_name;
	u.level = "commune";
	u.province_code = "H56";
	int rc = mc_store_unit_create(st, &u);
	if (rc == 0 && j->fail_after_write)
		return MC_EINVAL;
	return rc;
}

static void unit_job_done(int rc, void *payload)
{
	struct unit_job *j = payload;
	pthread_mutex_lock(j->lock);
	j->rc = rc;
	(*j->remaining)--;
	pthread_cond_signal(j->cond);
	pthread_mutex_unlock(j->lock);
}

static void test_failing_job_undoes_only_itself(void **state)
{
	struct fixture *f = *state;
	mc_group *g = NULL;
	assert_int_equal(mc_group_start(&g, f->path, &(mc_group_options){.max_batch = 64}), 0);

	struct unit_job ok = {.code = "U.OK"}, bad = {.code = "U.BAD", .fail_after_write = true};
	assert_int_equal(mc_group_run(g, unit_job_run, &ok), 0);
	assert_int_equal(mc_group_run(g, unit_job_run, &bad), MC_EINVAL);
	mc_group_stop(g);

	mc_store *st = NULL;
	mc_unit u;
	assert_int_equal(mc_store_open(&st, f->path), 0);
	assert_int_equal(mc_store_unit_by_code(st, &u, "U.OK"), 0);
	mc_unit_clear(&u);
	assert_int_equal(mc_store_unit_by_code(st, &u, "U.BAD"), MC_ENOTFOUND);
	mc_store_close(st);
}

#define THREADS 8
#define PER_THREAD 50

struct submitter {
	mc_group *g;
	int index;
	struct unit_job jobs[PER_THREAD];
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int remaining;
};

static void *submit_many(void *arg)
{
	struct submitter *s = arg;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->remaining = PER_THREAD;
	for (int i = 0; i < PER_THREAD; i++) {
		struct unit_job *j = &s->jobs[i];
		snprintf(j->code, sizeof j->code, "T%d.%d", s->index, i);
		/* Every tenth job fails: its neighbours in the batch must still land. */
		j->fail_after_write = i % 10 == 9;
		j->lock = &s->lock;
		j->cond = &s->cond;
		j->remaining = &s->remaining;
		j->rc = 1;
		if (mc_group_submit(s->g, unit_job_run, unit_job_done, j) != 0)
			return NULL;
	}
	pthread_mutex_lock(&s->lock);
	while (s->remaining > 0)
		pthread_cond_wait(&s->cond, &s->lock);
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

static void test_concurrent_jobs_share_commits(void **state)
{
	struct fixture *f = *state;
	mc_group *g = NULL;
	assert_int_equal(mc_group_start(&g, f->path, &(mc_group_options){.max_batch = 256}), 0);
	static struct submitter subs[THREADS];
	pthread_t threads[THREADS];
	for (int t = 0; t < THREADS; t++) {
		memset(&subs[t], 0, sizeof subs[t]);
		subs[t].g = g;
		subs[t].index = t;
		assert_int_equal(pthread_create(&threads[t], NULL, submit_many, &subs[t]), 0);
	}
	for (int t = 0; t < THREADS; t++)
		pthread_join(threads[t], NULL);
	mc_group_stats stats;
	mc_group_get_stats(g, &stats);
	mc_group_stop(g);

	assert_int_equal(stats.jobs, THREADS * PER_THREAD);
	/* Jobs queued while the writer was busy joined a shared transaction. */
	assert_true(stats.batches < stats.jobs);
	assert_int_equal(stats.failed_commits, 0);
	/* Each batch is counted in the bucket of its size (for /metrics): some
	 * held more than one job, since there are fewer batches than jobs. */
	uint64_t counted = 0, shared = 0;
	for (int i = 0; i < MC_GROUP_BATCH_BUCKETS; i++) {
		counted += stats.batch_sizes[i];
		if (i > 0)
			shared += stats.batch_sizes[i];
	}
	assert_int_equal(counted, stats.batches);
	assert_true(shared > 0);

	mc_store *st = NULL;
	assert_int_equal(mc_store_open(&st, f->path), 0);
	for (int t = 0; t < THREADS; t++) {
		for (int i = 0; i < PER_THREAD; i++) {
			struct unit_job *j = &subs[t].jobs[i];
			mc_unit u;
			int found = mc_store_unit_by_code(st, &u, j->code);
			mc_unit_clear(&u);
			if (j->fail_after_write) {
				assert_int_equal(j->rc, MC_EINVAL);
				assert_int_equal(found, MC_ENOTFOUND);
			} else {
				assert_int_equal(j->rc, 0);
				assert_int_equal(found, 0);
			}
		}
		pthread_mutex_destroy(&subs[t].lock);
		pthread_cond_destroy(&subs[t].cond);
	}
	mc_store_close(st);
}

static void test_job_failure_is_reported_to_it(void **state)
{
	struct fixture *f = *state;
	mc_group *g = NULL;
	assert_int_equal(mc_group_start(&g, f->path, &(mc_group_options){.max_batch = 8}), 0);
	struct unit_job dup1 = {.code = "DUP"}, dup2 = {.code = "DUP"};
	assert_int_equal(mc_group_run(g, unit_job_run, &dup1), 0);
	/* A duplicate code is the job's own failure, reported as such. */
	assert_int_equal(mc_group_run(g, unit_job_run, &dup2), MC_ECONFLICT);
	mc_group_stop(g);
	mc_group_stop(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_failing_job_undoes_only_itself, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_jobs_share_commits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_failure_is_reported_to_it, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
