/*
 * test_group.c - group commit (src/store/group.c): every job queued is run
 * and reported once, jobs from many threads share commits, and a failing job
 * undoes only its own writes: a batch runs in one go, and again job by job in
 * savepoints once a job of it has failed, also when the failure is a write
 * sent without waiting for its answer (PostgreSQL's pipeline); numbers and
 * roll-up cells kept in memory during a run are written before its commit.
 *
 * MC_TEST_STORE=pg runs it on a new database of the PostgreSQL server of
 * MC_TEST_PG_URL for every test (test_group_pg; scripts/pg.sh), else on a
 * SQLite file.
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
#include <unistd.h>

#include <libpq-fe.h>

#include "core/code.h"
#include "store/group.h"

struct fixture {
	char dir[512];
	char path[1200];
	char dbname[64];
};

static bool use_pg;
static const char *pg_url; /* MC_TEST_PG_URL */

static int pg_admin(const char *sql)
{
	PGconn *c = PQconnectdb(pg_url);
	PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;

	if (rc)
		fprintf(stderr, "test: %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return rc;
}

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
	if (use_pg) {
		static int counter;
		char sql[128];
		const char *rest = strstr(pg_url, "://");
		const char *slash = rest ? strchr(rest + 3, '/') : NULL;
		int head = slash ? (int)(slash - pg_url) : (int)strcspn(pg_url, "?");

		snprintf(f->dbname, sizeof f->dbname, "mc_group_%d_%d", (int)getpid(), ++counter);
		snprintf(sql, sizeof sql, "CREATE DATABASE %s", f->dbname);
		if (pg_admin(sql) != 0)
			return -1;
		snprintf(f->path, sizeof f->path, "%.*s/%s?files=%s/files", head, pg_url, f->dbname, f->dir);
	}
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
	if (use_pg) {
		char sql[128];
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->dbname);
		pg_admin(sql);
	}
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* A job that creates one unit, or fails after writing one when asked to. */
struct unit_job {
	char code[32];
	bool fail_after_write;
	int runs; /* how many times the writer ran it */
	int rc;
	pthread_mutex_t *lock;
	pthread_cond_t *cond;
	int *remaining;
};

static int unit_job_run(mc_store *st, void *payload)
{
	struct unit_job *j = payload;
	j->runs++;
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

/* A job that holds the writer until it is let go, so that the jobs queued
 * meanwhile form the next batch, all of them. */
struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool running, open;
};

static int gate_run(mc_store *st, void *payload)
{
	(void)st;
	struct gate *g = payload;
	pthread_mutex_lock(&g->lock);
	g->running = true;
	pthread_cond_broadcast(&g->cond);
	while (!g->open)
		pthread_cond_wait(&g->cond, &g->lock);
	pthread_mutex_unlock(&g->lock);
	return 0;
}

static void gate_done(int rc, void *payload)
{
	(void)rc;
	(void)payload;
}

/* Queues n jobs behind a gate job: they run as one batch once it opens. */
static void run_as_one_batch(mc_group *g, mc_group_fn fn, void **payloads, mc_group_done *done, int n)
{
	struct gate gate = {.running = false, .open = false};
	pthread_mutex_init(&gate.lock, NULL);
	pthread_cond_init(&gate.cond, NULL);
	assert_int_equal(mc_group_submit(g, gate_run, gate_done, &gate), 0);
	pthread_mutex_lock(&gate.lock);
	while (!gate.running)
		pthread_cond_wait(&gate.cond, &gate.lock);
	pthread_mutex_unlock(&gate.lock);
	for (int i = 0; i < n; i++)
		assert_int_equal(mc_group_submit(g, fn, done[i], payloads[i]), 0);
	pthread_mutex_lock(&gate.lock);
	gate.open = true;
	pthread_cond_broadcast(&gate.cond);
	pthread_mutex_unlock(&gate.lock);
	/* Stopping finishes every queued job; the caller reads their results. */
	mc_group_stop(g);
	pthread_mutex_destroy(&gate.lock);
	pthread_cond_destroy(&gate.cond);
}

static void unit_exists(struct fixture *f, const char *code, bool expected)
{
	mc_store *st = NULL;
	mc_unit u;
	assert_int_equal(mc_store_open(&st, f->path), 0);
	int rc = mc_store_unit_by_code(st, &u, code);
	mc_unit_clear(&u);
	mc_store_close(st);
	assert_int_equal(rc, expected ? 0 : MC_ENOTFOUND);
}

static void unit_job_done_quiet(int rc, void *payload)
{
	((struct unit_job *)payload)->rc = rc;
}

/* A batch runs in one go, with no savepoint per job; when a job of it fails,
 * the whole is undone and run again job by job, each in its savepoint, so
 * that only the failing job's writes are lost. */
static void test_batch_runs_again_job_by_job_after_a_failure(void **state)
{
	struct fixture *f = *state;
	mc_group *g = NULL;
	assert_int_equal(mc_group_start(&g, f->path, &(mc_group_options){.max_batch = 64}), 0);
	struct unit_job jobs[5] = {{.code = "B.0"},
				   {.code = "B.1"},
				   {.code = "B.2", .fail_after_write = true},
				   {.code = "B.3"},
				   {.code = "B.4"}};
	void *payloads[5];
	mc_group_done done[5];
	for (int i = 0; i < 5; i++) {
		jobs[i].rc = 1;
		payloads[i] = &jobs[i];
		done[i] = unit_job_done_quiet;
	}
	/* A first batch with no failure: one run of each job. */
	run_as_one_batch(g, unit_job_run, payloads, done, 2);
	assert_int_equal(jobs[0].runs, 1);
	assert_int_equal(jobs[1].runs, 1);
	unit_exists(f, "B.0", true);
	unit_exists(f, "B.1", true);

	assert_int_equal(mc_group_start(&g, f->path, &(mc_group_options){.max_batch = 64}), 0);
	for (int i = 0; i < 5; i++) {
		snprintf(jobs[i].code, sizeof jobs[i].code, "C.%d", i);
		jobs[i].runs = 0;
		jobs[i].rc = 1;
	}
	run_as_one_batch(g, unit_job_run, payloads, done, 5);
	/* The jobs before the failing one ran in the first run and again; the
	 * ones after it only in the second. */
	assert_int_equal(jobs[0].runs, 2);
	assert_int_equal(jobs[1].runs, 2);
	assert_int_equal(jobs[2].runs, 2);
	assert_int_equal(jobs[3].runs, 1);
	assert_int_equal(jobs[4].runs, 1);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(jobs[i].rc, i == 2 ? MC_EINVAL : 0);
		unit_exists(f, jobs[i].code, i != 2);
	}
}

/* A job that appends an event to a dossier that does not exist: on
 * PostgreSQL the insert goes out without waiting for its answer, so its
 * failure shows only later, in a neighbour's statement or at the commit; it
 * is still this job's failure alone. */
struct event_job {
	int64_t dossier_id;
	int rc;
};

static int event_job_run(mc_store *st, void *payload)
{
	struct event_job *j = payload;
	mc_event e = {.dossier_id = j->dossier_id,
		      .at = 1700000000,
		      .actor_name = "",
		      .action = "note",
		      .note = "",
		      .to_state = 1};
	memset(e.hash, 'a', 64);
	e.hash[64] = '\0';
	return mc_store_event_append(st, &e);
}

static void event_job_done(int rc, void *payload)
{
	((struct event_job *)payload)->rc = rc;
}

static void test_unanswered_write_fails_its_own_job(void **state)
{
	struct fixture *f = *state;
	mc_group *g = NULL;
	assert_int_equal(mc_group_start(&g, f->path, &(mc_group_options){.max_batch = 64}), 0);
	struct unit_job a = {.code = "E.A", .rc = 1}, b = {.code = "E.B", .rc = 1},
			c = {.code = "E.C", .rc = 1};
	struct event_job bad = {.dossier_id = 999999, .rc = 1};
	void *payloads[4] = {&a, &bad, &b, &c};
	mc_group_done done[4] = {unit_job_done_quiet, event_job_done, unit_job_done_quiet,
				 unit_job_done_quiet};
	struct gate gate = {.running = false, .open = false};
	pthread_mutex_init(&gate.lock, NULL);
	pthread_cond_init(&gate.cond, NULL);
	assert_int_equal(mc_group_submit(g, gate_run, gate_done, &gate), 0);
	pthread_mutex_lock(&gate.lock);
	while (!gate.running)
		pthread_cond_wait(&gate.cond, &gate.lock);
	pthread_mutex_unlock(&gate.lock);
	for (int i = 0; i < 4; i++)
		assert_int_equal(
		    mc_group_submit(g, i == 1 ? event_job_run : unit_job_run, done[i], payloads[i]), 0);
	pthread_mutex_lock(&gate.lock);
	gate.open = true;
	pthread_cond_broadcast(&gate.cond);
	pthread_mutex_unlock(&gate.lock);
	mc_group_stop(g);
	pthread_mutex_destroy(&gate.lock);
	pthread_cond_destroy(&gate.cond);

	assert_int_equal(bad.rc, MC_ENOTFOUND);
	assert_int_equal(a.rc, 0);
	assert_int_equal(b.rc, 0);
	assert_int_equal(c.rc, 0);
	unit_exists(f, "E.A", true);
	unit_exists(f, "E.B", true);
	unit_exists(f, "E.C", true);
}

/* Filings in a batch: each takes its unit's next number of the day and
 * inserts its dossier, whose reception the roll-up counts. On PostgreSQL a
 * batch's first run numbers on in memory after the row's first number and
 * sums the roll-up's cells, both written just before the commit; a run
 * undone for a failing job must leave neither behind, and the next batch
 * (another connection) must number on from the stored row. */
#define FILING_AT 1750000000
struct filing_job {
	int64_t unit_id, proc_id;
	bool fail_after_write;
	int number;
	int rc;
};

static int filing_job_run(mc_store *st, void *payload)
{
	struct filing_job *j = payload;
	char code[64];
	mc_dossier d = {0};
	int rc = mc_store_dossier_next_seq(st, &j->number, j->unit_id, mc_local_day(FILING_AT), MC_CODE_DESK);

	if (rc)
		return rc;
	snprintf(code, sizeof code, "F%lld-%04d", (long long)j->unit_id, j->number);
	d.code = mc_xstrdup(code);
	d.province_code = mc_xstrdup("H56");
	d.procedure_id = j->proc_id;
	d.procedure_code = mc_xstrdup("F.P");
	d.receiving_unit_id = j->unit_id;
	d.current_unit_id = j->unit_id;
	d.channel = MC_CH_DIRECT;
	d.state = MC_ST_RECEIVED;
	d.received_at = FILING_AT;
	d.due_at = FILING_AT + 86400;
	d.duration_hours = 24;
	d.applicant_name = mc_xstrdup("Nguyễn Văn An");
	d.applicant_id_number = mc_xstrdup("038090001234");
	d.updated_at = FILING_AT;
	rc = mc_store_dossier_insert(st, &d);
	mc_dossier_clear(&d);
	if (rc == 0 && j->fail_after_write)
		return MC_EINVAL;
	return rc;
}

static void filing_job_done(int rc, void *payload)
{
	((struct filing_job *)payload)->rc = rc;
}

static void test_batch_numbers_and_rollup(void **state)
{
	struct fixture *f = *state;
	mc_store *st = NULL;
	mc_unit u = {.code = "F.1", .name = "Xã F", .level = "commune", .province_code = "H56"};
	mc_procedure p = {.code = "F.P",
			  .name = "Thủ tục F",
			  .field = "Hộ tịch",
			  .levels = "commune",
			  .duration_hours = 24,
			  .cutoff_min = -1,
			  .status = "active"};
	struct filing_job jobs[2][5];
	void *payloads[5];
	mc_group_done done[5];
	int seen[16] = {0}, max = 0;

	assert_int_equal(mc_store_open(&st, f->path), 0);
	assert_int_equal(mc_store_unit_create(st, &u), 0);
	assert_int_equal(mc_store_procedure_create(st, &p), 0);
	mc_store_close(st);
	for (int b = 0; b < 2; b++) {
		mc_group *g = NULL;

		assert_int_equal(mc_group_start(&g, f->path, &(mc_group_options){.max_batch = 64}), 0);
		for (int i = 0; i < 5; i++) {
			/* The first batch's third filing fails after its writes. */
			jobs[b][i] = (struct filing_job){
			    .unit_id = u.id, .proc_id = p.id, .rc = 1, .fail_after_write = b == 0 && i == 2};
			payloads[i] = &jobs[b][i];
			done[i] = filing_job_done;
		}
		run_as_one_batch(g, filing_job_run, payloads, done, 5);
		for (int i = 0; i < 5; i++) {
			struct filing_job *j = &jobs[b][i];

			assert_int_equal(j->rc, j->fail_after_write ? MC_EINVAL : 0);
			if (j->rc != 0)
				continue;
			/* Each number once, the second batch's after the first's. */
			assert_true(j->number > 0 && j->number < 16);
			assert_int_equal(seen[j->number], 0);
			seen[j->number] = 1;
			if (b == 1)
				assert_true(j->number > max);
		}
		for (int i = 0; b == 0 && i < 5; i++)
			max = jobs[0][i].rc == 0 && jobs[0][i].number > max ? jobs[0][i].number : max;
	}

	/* The stored row is past every number given, and the roll-up counts
	 * the nine dossiers stored. */
	int next = 0;
	mc_stats_row *rows = NULL;
	size_t n = 0;
	mc_stats_query q = {.unit_id = u.id, .group = MC_STATS_TOTAL};

	q.from = mc_local_day_start(mc_local_day(FILING_AT));
	q.to = q.from + 86400;
	q.at = q.to;
	assert_int_equal(mc_store_open(&st, f->path), 0);
	assert_int_equal(mc_store_begin(st), 0);
	assert_int_equal(mc_store_dossier_next_seq(st, &next, u.id, mc_local_day(FILING_AT), MC_CODE_DESK),
			 0);
	assert_int_equal(mc_store_rollback(st), 0);
	for (int i = 0; i < 5; i++)
		assert_true(next > jobs[1][i].number);
	assert_int_equal(mc_store_stats(st, &rows, &n, &q), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].c.received, 9);
	assert_int_equal(rows[0].c.received_direct, 9);
	mc_stats_row_free_list(rows, n);
	mc_store_close(st);
}

/* A job of the batch during which another connection files at unit_id
 * and commits, as another server would. */
struct other_filing {
	const char *path;
	int64_t unit_id, proc_id;
	int number;
	int rc;
};

static void other_filing_done(int rc, void *payload)
{
	((struct other_filing *)payload)->rc = rc;
}

static int other_filing_run(mc_store *st, void *payload)
{
	(void)st;
	struct other_filing *o = payload;
	struct filing_job j = {.unit_id = o->unit_id, .proc_id = o->proc_id};
	mc_store *other = NULL;
	int rc = mc_store_open(&other, o->path);

	if (rc == 0)
		rc = mc_store_begin(other);
	if (rc == 0)
		rc = filing_job_run(other, &j);
	rc = rc ? rc : mc_store_commit(other);
	mc_store_close(other);
	o->number = j.number;
	return rc;
}

static int64_t dossier_id_of(mc_store *st, int64_t unit_id, int number)
{
	char code[64];
	mc_dossier d;

	snprintf(code, sizeof code, "F%lld-%04d", (long long)unit_id, number);
	assert_int_equal(mc_store_dossier_get(st, &d, code, false), 0);
	int64_t id = d.id;
	mc_dossier_clear(&d);
	return id;
}

/* A batch's filings take their ids in filing order, and within a unit's
 * day the ids follow the numbers even when another connection filed there
 * during the batch (on PostgreSQL the batch draws its ids ahead: it must
 * not use ids drawn before the other's). */
static void test_batch_ids_follow_numbers(void **state)
{
	struct fixture *f = *state;
	mc_store *st = NULL;
	mc_unit u1 = {.code = "F.1", .name = "Xã F", .level = "commune", .province_code = "H56"};
	mc_unit u2 = {.code = "F.2", .name = "Xã G", .level = "commune", .province_code = "H56"};
	mc_procedure p = {.code = "F.P",
			  .name = "Thủ tục F",
			  .field = "Hộ tịch",
			  .levels = "commune",
			  .duration_hours = 24,
			  .cutoff_min = -1,
			  .status = "active"};
	mc_group *g = NULL;

	/* SQLite's writer holds the whole database: no other connection
	 * writes during a batch. */
	if (!use_pg)
		skip();
	assert_int_equal(mc_store_open(&st, f->path), 0);
	assert_int_equal(mc_store_unit_create(st, &u1), 0);
	assert_int_equal(mc_store_unit_create(st, &u2), 0);
	assert_int_equal(mc_store_procedure_create(st, &p), 0);
	mc_store_close(st);

	struct filing_job a = {.unit_id = u1.id, .proc_id = p.id, .rc = 1};
	struct filing_job b = {.unit_id = u1.id, .proc_id = p.id, .rc = 1};
	struct other_filing o = {.path = f->path, .unit_id = u2.id, .proc_id = p.id, .rc = 1};
	struct filing_job c = {.unit_id = u2.id, .proc_id = p.id, .rc = 1};
	struct filing_job d = {.unit_id = u2.id, .proc_id = p.id, .rc = 1};
	void *payloads[] = {&a, &b, &o, &c, &d};
	mc_group_done done[] = {filing_job_done, filing_job_done, other_filing_done, filing_job_done,
				filing_job_done};
	mc_group_fn fns[] = {filing_job_run, filing_job_run, other_filing_run, filing_job_run,
			     filing_job_run};

	assert_int_equal(mc_group_start(&g, f->path, &(mc_group_options){.max_batch = 64}), 0);
	{
		/* As run_as_one_batch, with jobs of two kinds. */
		struct gate gate = {.running = false, .open = false};
		pthread_mutex_init(&gate.lock, NULL);
		pthread_cond_init(&gate.cond, NULL);
		assert_int_equal(mc_group_submit(g, gate_run, gate_done, &gate), 0);
		pthread_mutex_lock(&gate.lock);
		while (!gate.running)
			pthread_cond_wait(&gate.cond, &gate.lock);
		pthread_mutex_unlock(&gate.lock);
		for (int i = 0; i < 5; i++)
			assert_int_equal(mc_group_submit(g, fns[i], done[i], payloads[i]), 0);
		pthread_mutex_lock(&gate.lock);
		gate.open = true;
		pthread_cond_broadcast(&gate.cond);
		pthread_mutex_unlock(&gate.lock);
		mc_group_stop(g);
		pthread_mutex_destroy(&gate.lock);
		pthread_cond_destroy(&gate.cond);
	}
	assert_int_equal(a.rc, 0);
	assert_int_equal(b.rc, 0);
	assert_int_equal(c.rc, 0);
	assert_int_equal(d.rc, 0);
	assert_int_equal(o.rc, 0);
	assert_true(o.number > 0);
	assert_int_equal(mc_store_open(&st, f->path), 0);
	int64_t ia = dossier_id_of(st, u1.id, a.number), ib = dossier_id_of(st, u1.id, b.number);
	int64_t io = dossier_id_of(st, u2.id, o.number), ic = dossier_id_of(st, u2.id, c.number);
	int64_t id = dossier_id_of(st, u2.id, d.number);
	mc_store_close(st);
	assert_true(b.number > a.number && ib > ia);
	assert_true(c.number > o.number && d.number > c.number);
	/* The other connection's filing came first in F.2's day: its id too. */
	assert_true(ic > io);
	assert_true(id > ic && ic > ib);
}

int main(void)
{
	const char *backend = getenv("MC_TEST_STORE");

	use_pg = backend && strcmp(backend, "pg") == 0;
	if (use_pg) {
		pg_url = getenv("MC_TEST_PG_URL");
		if (!pg_url || !*pg_url) {
			printf("test_group: MC_TEST_PG_URL is not set, PostgreSQL run skipped "
			       "(scripts/pg.sh)\n");
			return 77;
		}
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_failing_job_undoes_only_itself, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_concurrent_jobs_share_commits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_job_failure_is_reported_to_it, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_batch_runs_again_job_by_job_after_a_failure, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_unanswered_write_fails_its_own_job, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_batch_numbers_and_rollup, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_batch_ids_follow_numbers, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
