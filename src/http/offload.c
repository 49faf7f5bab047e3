#include "http/offload.h"

#include "core/mc.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

typedef struct job {
	mc_offload_fn fn;
	mc_offload_done done;
	void *payload;
	struct job *next;
} job;

struct mc_offload {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	job *head, *tail;
	int waiting, queue_max;
	bool stopping;
	pthread_t *threads;
	int n_threads;
};

static void *run(void *arg)
{
	mc_offload *o = arg;
	pthread_mutex_lock(&o->lock);
	for (;;) {
		while (!o->head && !o->stopping)
			pthread_cond_wait(&o->wake, &o->lock);
		job *j = o->head;
		if (!j)
			break; /* stopping, and nothing left */
		o->head = j->next;
		if (!o->head)
			o->tail = NULL;
		o->waiting--;
		pthread_mutex_unlock(&o->lock);
		int rc = j->fn(j->payload);
		j->done(rc, j->payload);
		free(j);
		pthread_mutex_lock(&o->lock);
	}
	pthread_mutex_unlock(&o->lock);
	return NULL;
}

mc_offload *mc_offload_new(int threads, int queue_max)
{
	mc_offload *o = mc_xcalloc(1, sizeof *o);
	pthread_mutex_init(&o->lock, NULL);
	pthread_cond_init(&o->wake, NULL);
	o->queue_max = queue_max > 0 ? queue_max : 1;
	o->threads = mc_xcalloc((size_t)(threads > 0 ? threads : 1), sizeof *o->threads);
	for (int i = 0; i < (threads > 0 ? threads : 1); i++) {
		if (pthread_create(&o->threads[i], NULL, run, o) != 0)
			break;
		o->n_threads++;
	}
	if (o->n_threads == 0) {
		mc_offload_free(o);
		return NULL;
	}
	return o;
}

int mc_offload_submit(mc_offload *o, mc_offload_fn fn, mc_offload_done done, void *payload)
{
	int rc = 0;
	pthread_mutex_lock(&o->lock);
	if (o->stopping || o->waiting >= o->queue_max) {
		rc = MC_EBUSY;
	} else {
		job *j = mc_xmalloc(sizeof *j);
		j->fn = fn;
		j->done = done;
		j->payload = payload;
		j->next = NULL;
		if (o->tail)
			o->tail->next = j;
		else
			o->head = j;
		o->tail = j;
		o->waiting++;
		pthread_cond_signal(&o->wake);
	}
	pthread_mutex_unlock(&o->lock);
	return rc;
}

int mc_offload_waiting(mc_offload *o)
{
	pthread_mutex_lock(&o->lock);
	int n = o->waiting;
	pthread_mutex_unlock(&o->lock);
	return n;
}

void mc_offload_free(mc_offload *o)
{
	if (!o)
		return;
	pthread_mutex_lock(&o->lock);
	o->stopping = true;
	pthread_cond_broadcast(&o->wake);
	pthread_mutex_unlock(&o->lock);
	for (int i = 0; i < o->n_threads; i++)
		pthread_join(o->threads[i], NULL);
	free(o->threads);
	pthread_mutex_destroy(&o->lock);
	pthread_cond_destroy(&o->wake);
	free(o);
}
