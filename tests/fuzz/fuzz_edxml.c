/* libFuzzer target: the edXML reader (core/edxml.c) must take any bytes
 * without crashing, reading past them or leaking, and a package it accepts
 * must build back into one that reads the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/edxml.h"
#include "core/mc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_edxml_message m = {0}, again = {0};
	char problem[300], *xml = NULL;
	size_t len = 0;
	if (mc_edxml_parse(&m, (const char *)data, size, 1 << 20, problem, sizeof problem) != 0)
		return 0;
	if (mc_edxml_build(&xml, &len, &m, problem, sizeof problem) == 0) {
		if (mc_edxml_parse(&again, xml, len, 0, problem, sizeof problem) != 0 ||
		    again.kind != m.kind || !same(again.document_id, m.document_id) ||
		    !same(again.subject, m.subject) || again.n_attachments != m.n_attachments ||
		    again.status_code != m.status_code)
			abort();
		for (size_t i = 0; i < m.n_attachments; i++)
			if (again.attachments[i].len != m.attachments[i].len ||
			    memcmp(again.attachments[i].data, m.attachments[i].data, m.attachments[i].len) !=
				0)
				abort();
	}
	free(xml);
	mc_edxml_message_clear(&again);
	mc_edxml_message_clear(&m);
	return 0;
}
