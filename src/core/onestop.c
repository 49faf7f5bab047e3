#include "core/onestop.h"

#include <string.h>

mc_recv_rule mc_onestop_receive(bool in_scope, bool marked, bool same_province, int32_t day)
{
	if (in_scope)
		return MC_RECV_OWN;
	/* Nghị định 118/2025/NĐ-CP receives across communes and districts, not
	 * across provinces: the centres are the province's. */
	if (!same_province)
		return MC_RECV_OTHER_PROVINCE;
	if (day < MC_ONESTOP_2025_DAY)
		return MC_RECV_BEFORE_2025;
	return marked ? MC_RECV_ANYWHERE : MC_RECV_NOT_MARKED;
}

int mc_online_class_parse(const char *s)
{
	if (!s || !*s)
		return MC_ONLINE_NONE;
	if (strcmp(s, "full") == 0)
		return MC_ONLINE_FULL;
	if (strcmp(s, "partial") == 0)
		return MC_ONLINE_PARTIAL;
	return -1;
}

const char *mc_online_class_name(mc_online_kind k)
{
	switch (k) {
	case MC_ONLINE_FULL:
		return "full";
	case MC_ONLINE_PARTIAL:
		return "partial";
	default:
		return "";
	}
}

mc_online_kind mc_online_in_force(const char *klass, int32_t since, int32_t day)
{
	if (!since || day < since)
		return MC_ONLINE_LEVEL;
	int k = mc_online_class_parse(klass);
	return k < 0 ? MC_ONLINE_NONE : (mc_online_kind)k;
}

bool mc_online_filing_allowed(int level, const char *klass, int32_t since, int32_t day)
{
	mc_online_kind k = mc_online_in_force(klass, since, day);
	if (k == MC_ONLINE_LEVEL)
		return level >= 3;
	return k == MC_ONLINE_FULL || k == MC_ONLINE_PARTIAL;
}
