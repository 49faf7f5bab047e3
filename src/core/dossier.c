#include "core/dossier.h"

#include "core/mc.h"

#include <assert.h>
#include <string.h>

/* The states' values as SQL text (dossier.h) are the enum's. */
static_assert(MC_ST_SUBMITTED == MC_ST_VALUE_SUBMITTED, "state value");
static_assert(MC_ST_RECEIVED == MC_ST_VALUE_RECEIVED, "state value");
static_assert(MC_ST_NOT_ACCEPTED == MC_ST_VALUE_NOT_ACCEPTED, "state value");
static_assert(MC_ST_PROCESSING == MC_ST_VALUE_PROCESSING, "state value");
static_assert(MC_ST_SUPPLEMENT_REQUESTED == MC_ST_VALUE_SUPPLEMENT_REQUESTED, "state value");
static_assert(MC_ST_AWAITING_PAYMENT == MC_ST_VALUE_AWAITING_PAYMENT, "state value");
static_assert(MC_ST_WITHDRAWN == MC_ST_VALUE_WITHDRAWN, "state value");
static_assert(MC_ST_STOPPED == MC_ST_VALUE_STOPPED, "state value");
static_assert(MC_ST_RESOLVED == MC_ST_VALUE_RESOLVED, "state value");
static_assert(MC_ST_RETURNED == MC_ST_VALUE_RETURNED, "state value");

/* Indexed by enum value; index 0 stays NULL because every enum starts at 1. */
static const char *const state_names[] = {
    [MC_ST_SUBMITTED] = "submitted",
    [MC_ST_RECEIVED] = "received",
    [MC_ST_NOT_ACCEPTED] = "not_accepted",
    [MC_ST_PROCESSING] = "processing",
    [MC_ST_SUPPLEMENT_REQUESTED] = "supplement_requested",
    [MC_ST_AWAITING_PAYMENT] = "awaiting_payment",
    [MC_ST_WITHDRAWN] = "withdrawn",
    [MC_ST_STOPPED] = "stopped",
    [MC_ST_RESOLVED] = "resolved",
    [MC_ST_RETURNED] = "returned",
};

static const char *const role_names[] = {
    [MC_ROLE_CITIZEN] = "citizen",	 [MC_ROLE_DESK] = "desk",
    [MC_ROLE_SPECIALIST] = "specialist", [MC_ROLE_LEADER] = "leader",
    [MC_ROLE_SUPERVISOR] = "supervisor", [MC_ROLE_ADMIN] = "admin",
};

static const char *const action_names[] = {
    [MC_ACT_RECEIVE] = "receive",
    [MC_ACT_REFUSE] = "refuse",
    [MC_ACT_REQUEST_SUPPLEMENT] = "request_supplement",
    [MC_ACT_SUPPLEMENT] = "supplement",
    [MC_ACT_ASSIGN] = "assign",
    [MC_ACT_TRANSFER] = "transfer",
    [MC_ACT_REQUEST_PAYMENT] = "request_payment",
    [MC_ACT_PAY] = "pay",
    [MC_ACT_RESOLVE] = "resolve",
    [MC_ACT_RETURN] = "return",
    [MC_ACT_WITHDRAW] = "withdraw",
    [MC_ACT_STOP] = "stop",
};

static const char *const channel_names[] = {
    [MC_CH_DIRECT] = "direct",
    [MC_CH_ONLINE] = "online",
    [MC_CH_POSTAL] = "postal",
};

#define ST(s) (1u << (s))
#define RL(r) (1u << (r))

/* Marks an action whose target is the state the dossier was paused from. */
#define RESUME 0

/*
 * The transitions (Decree 61/2018/ND-CP on the one-stop mechanism; the state
 * codes are the national portal's):
 *
 * | action             | from                              | to                   | roles                |
 * |--------------------|-----------------------------------|----------------------|----------------------|
 * | receive            | submitted                         | received             | desk                 |
 * | refuse             | submitted, received               | not_accepted         | desk                 |
 * | request_supplement | submitted, received, processing   | supplement_requested | desk, specialist,    |
 * |                    |                                   |   (clock paused)     |   leader             |
 * | supplement         | supplement_requested              | resume_to            | citizen, desk        |
 * | assign             | received (desk hands it on),      | processing           | desk, specialist,    |
 * |                    | processing (handler, next step)   |                      |   leader             |
 * | transfer           | processing (liên thông)           | processing           | specialist, leader   |
 * | request_payment    | processing                        | awaiting_payment     | specialist, leader   |
 * |                    |                                   |   (clock paused)     |                      |
 * | pay                | awaiting_payment                  | resume_to            | desk (and the payment|
 * |                    |                                   |                      |   platform's callback)|
 * | resolve            | processing                        | resolved             | leader               |
 * | return             | resolved                          | returned             | desk                 |
 * | withdraw           | submitted, received, processing,  | withdrawn            | citizen, desk        |
 * |                    | supplement_req., awaiting_payment |                      |                      |
 * | stop               | received, processing,             | stopped              | leader               |
 * |                    | supplement_req., awaiting_payment |                      |                      |
 *
 * Supervisors and administrators make no transitions: they watch and
 * configure. A resolved dossier can no longer be withdrawn or stopped, as the
 * result exists; it only waits to be handed over. Refusal and resolution
 * carry reasons, which the API requires.
 */
static const struct {
	unsigned from;	 /* ST() mask of the states the action is allowed from */
	mc_state to;	 /* RESUME for the actions that end a pause */
	unsigned resume; /* ST() mask of the states a RESUME action may return to */
	unsigned roles;	 /* RL() mask of the roles that may perform it */
} transitions[] = {
    [MC_ACT_RECEIVE] = {ST(MC_ST_SUBMITTED), MC_ST_RECEIVED, 0, RL(MC_ROLE_DESK)},
    [MC_ACT_REFUSE] = {ST(MC_ST_SUBMITTED) | ST(MC_ST_RECEIVED), MC_ST_NOT_ACCEPTED, 0, RL(MC_ROLE_DESK)},
    [MC_ACT_REQUEST_SUPPLEMENT] = {ST(MC_ST_SUBMITTED) | ST(MC_ST_RECEIVED) | ST(MC_ST_PROCESSING),
				   MC_ST_SUPPLEMENT_REQUESTED, 0,
				   RL(MC_ROLE_DESK) | RL(MC_ROLE_SPECIALIST) | RL(MC_ROLE_LEADER)},
    /* A dossier asked for more documents before reception goes back to the desk. */
    [MC_ACT_SUPPLEMENT] = {ST(MC_ST_SUPPLEMENT_REQUESTED), RESUME,
			   ST(MC_ST_SUBMITTED) | ST(MC_ST_RECEIVED) | ST(MC_ST_PROCESSING),
			   RL(MC_ROLE_CITIZEN) | RL(MC_ROLE_DESK)},
    [MC_ACT_ASSIGN] = {ST(MC_ST_RECEIVED) | ST(MC_ST_PROCESSING), MC_ST_PROCESSING, 0,
		       RL(MC_ROLE_DESK) | RL(MC_ROLE_SPECIALIST) | RL(MC_ROLE_LEADER)},
    [MC_ACT_TRANSFER] = {ST(MC_ST_PROCESSING), MC_ST_PROCESSING, 0,
			 RL(MC_ROLE_SPECIALIST) | RL(MC_ROLE_LEADER)},
    [MC_ACT_REQUEST_PAYMENT] = {ST(MC_ST_PROCESSING), MC_ST_AWAITING_PAYMENT, 0,
				RL(MC_ROLE_SPECIALIST) | RL(MC_ROLE_LEADER)},
    /* Payment is confirmed by the payment platform's callback (the system) or,
     * for a fee paid at the counter, by the desk; never by the payer's word. */
    [MC_ACT_PAY] = {ST(MC_ST_AWAITING_PAYMENT), RESUME, ST(MC_ST_RECEIVED) | ST(MC_ST_PROCESSING),
		    RL(MC_ROLE_DESK)},
    [MC_ACT_RESOLVE] = {ST(MC_ST_PROCESSING), MC_ST_RESOLVED, 0, RL(MC_ROLE_LEADER)},
    [MC_ACT_RETURN] = {ST(MC_ST_RESOLVED), MC_ST_RETURNED, 0, RL(MC_ROLE_DESK)},
    [MC_ACT_WITHDRAW] = {ST(MC_ST_SUBMITTED) | ST(MC_ST_RECEIVED) | ST(MC_ST_PROCESSING) |
			     ST(MC_ST_SUPPLEMENT_REQUESTED) | ST(MC_ST_AWAITING_PAYMENT),
			 MC_ST_WITHDRAWN, 0, RL(MC_ROLE_CITIZEN) | RL(MC_ROLE_DESK)},
    [MC_ACT_STOP] = {ST(MC_ST_RECEIVED) | ST(MC_ST_PROCESSING) | ST(MC_ST_SUPPLEMENT_REQUESTED) |
			 ST(MC_ST_AWAITING_PAYMENT),
		     MC_ST_STOPPED, 0, RL(MC_ROLE_LEADER)},
};

static bool state_valid(mc_state s)
{
	return s >= MC_ST_SUBMITTED && s <= MC_ST_RETURNED;
}

static bool action_valid(mc_action a)
{
	return a >= MC_ACT_RECEIVE && a <= MC_ACT_STOP;
}

/* The name at index v of a table whose index 0 is unused, or NULL. */
static const char *name_of(const char *const *names, size_t n, int v)
{
	const char *name = NULL;
	if (v > 0 && (size_t)v < n)
		name = names[v];
	return name;
}

/* The index of s in a table whose index 0 is unused; MC_EINVAL if absent. */
static int index_of(int *out, const char *const *names, size_t n, const char *s)
{
	int rc = MC_EINVAL;
	for (size_t i = 1; s && i < n; i++) {
		if (strcmp(names[i], s) == 0) {
			*out = (int)i;
			rc = 0;
			break;
		}
	}
	return rc;
}

const char *mc_state_name(mc_state s)
{
	return name_of(state_names, MC_ARRAY_LEN(state_names), (int)s);
}

int mc_state_parse(mc_state *out, const char *s)
{
	int v = 0;
	int rc = index_of(&v, state_names, MC_ARRAY_LEN(state_names), s);
	if (rc == 0)
		*out = (mc_state)v;
	return rc;
}

const char *mc_state_title_vi(mc_state s)
{
	static const char *const titles[] = {
	    NULL,
	    "Chờ tiếp nhận",
	    "Đã tiếp nhận",
	    "Từ chối tiếp nhận",
	    "Đang giải quyết",
	    "Chờ bổ sung hồ sơ",
	    "Chờ thực hiện nghĩa vụ tài chính",
	    "Đã rút hồ sơ",
	    "Dừng xử lý",
	    "Đã có kết quả",
	    "Đã trả kết quả",
	};
	return name_of(titles, MC_ARRAY_LEN(titles), (int)s);
}

bool mc_state_is_final(mc_state s)
{
	return s == MC_ST_NOT_ACCEPTED || s == MC_ST_WITHDRAWN || s == MC_ST_STOPPED || s == MC_ST_RETURNED;
}

bool mc_state_clock_paused(mc_state s)
{
	return s == MC_ST_SUPPLEMENT_REQUESTED || s == MC_ST_AWAITING_PAYMENT;
}

const char *mc_role_name(mc_role r)
{
	return name_of(role_names, MC_ARRAY_LEN(role_names), (int)r);
}

int mc_role_parse(mc_role *out, const char *s)
{
	int v = 0;
	int rc = index_of(&v, role_names, MC_ARRAY_LEN(role_names), s);
	if (rc == 0)
		*out = (mc_role)v;
	return rc;
}

const char *mc_action_name(mc_action a)
{
	return name_of(action_names, MC_ARRAY_LEN(action_names), (int)a);
}

int mc_action_parse(mc_action *out, const char *s)
{
	int v = 0;
	int rc = index_of(&v, action_names, MC_ARRAY_LEN(action_names), s);
	if (rc == 0)
		*out = (mc_action)v;
	return rc;
}

const char *mc_channel_name(mc_channel c)
{
	return name_of(channel_names, MC_ARRAY_LEN(channel_names), (int)c);
}

int mc_channel_parse(mc_channel *out, const char *s)
{
	int v = 0;
	int rc = index_of(&v, channel_names, MC_ARRAY_LEN(channel_names), s);
	if (rc == 0)
		*out = (mc_channel)v;
	return rc;
}

mc_state mc_dossier_initial_state(mc_channel ch)
{
	assert(ch == MC_CH_DIRECT || ch == MC_CH_ONLINE || ch == MC_CH_POSTAL);
	/* An online filing has not been checked by anyone yet; at the desk or by
	 * post, the officer entering it is the one receiving it. */
	return ch == MC_CH_ONLINE ? MC_ST_SUBMITTED : MC_ST_RECEIVED;
}

int mc_dossier_next_state(mc_state *out, mc_state from, mc_action action, mc_state resume_to)
{
	int rc = 0;
	mc_state to;

	if (!state_valid(from) || !action_valid(action)) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	if (!(transitions[action].from & ST(from))) {
		rc = MC_ECONFLICT;
		goto cleanup;
	}
	to = transitions[action].to;
	if (to == RESUME) {
		if (!state_valid(resume_to) || !(transitions[action].resume & ST(resume_to))) {
			rc = MC_EINVAL;
			goto cleanup;
		}
		to = resume_to;
	}
	*out = to;
cleanup:
	return rc;
}

bool mc_dossier_role_may(mc_role role, mc_action action)
{
	bool may = false;
	if (action_valid(action) && role >= MC_ROLE_CITIZEN && role <= MC_ROLE_ADMIN)
		may = (transitions[action].roles & RL(role)) != 0;
	return may;
}
