#include "store/seq_marks.h"

#include "core/mc.h"

#include <stdlib.h>

/* How many (unit, day) marks a connection keeps before forgetting old days. */
#define SEQ_MARKS_MAX 4096

struct mc_seq_mark *mc_seq_marks_get(mc_seq_marks *m, int64_t unit_id, int32_t day, int space)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->marks[i].unit_id == unit_id && m->marks[i].day == day && m->marks[i].space == space)
			return &m->marks[i];
	}
	if (m->n == SEQ_MARKS_MAX) {
		/* Forget the marks of the oldest day held: codes are taken for the day
		 * at hand, and a transaction never spans thousands of unit-days. */
		int32_t oldest = m->marks[0].day;
		size_t kept = 0;
		for (size_t i = 1; i < m->n; i++) {
			if (m->marks[i].day < oldest)
				oldest = m->marks[i].day;
		}
		for (size_t i = 0; i < m->n; i++) {
			if (m->marks[i].day != oldest || m->marks[i].held)
				m->marks[kept++] = m->marks[i];
		}
		m->n = kept;
	}
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->marks = mc_xrealloc(m->marks, m->cap * sizeof(*m->marks));
	}
	m->marks[m->n] = (struct mc_seq_mark){.unit_id = unit_id, .day = day, .space = space, .last = 0};
	return &m->marks[m->n++];
}

void mc_seq_marks_release(mc_seq_marks *m)
{
	for (size_t i = 0; i < m->n; i++)
		m->marks[i].held = false;
	m->id_next = m->id_end = 0;
}

void mc_seq_marks_forget(mc_seq_marks *m)
{
	m->n = 0;
	m->id_next = m->id_end = 0;
}

void mc_seq_marks_free(mc_seq_marks *m)
{
	free(m->marks);
	m->marks = NULL;
	m->n = m->cap = 0;
}
