/*
 * dossier.h - the dossier (hồ sơ) state machine: its states, the actions that
 * move a dossier between them, which role may perform each action, and the
 * names these carry in the API and the database.
 *
 * Pure rules, no I/O. Scope by unit, ownership by a citizen, and the reasons
 * an action must carry are checked by the API; this module answers only
 * "may this action happen from this state, and where does it lead" and
 * "may this role ever perform this action".
 */
#ifndef MC_DOSSIER_H
#define MC_DOSSIER_H

#include <stdbool.h>

#include "core/mc.h"

/* The value of each state is the national public-service portal's status code. */
typedef enum {
	MC_ST_SUBMITTED = 1,		/* filed online, waiting for the desk */
	MC_ST_RECEIVED = 2,		/* accepted by the desk; the clock runs */
	MC_ST_NOT_ACCEPTED = 3,		/* refused at reception, with reasons */
	MC_ST_PROCESSING = 4,		/* in a step of the procedure, at some unit */
	MC_ST_SUPPLEMENT_REQUESTED = 5, /* documents missing; the clock is paused */
	MC_ST_AWAITING_PAYMENT = 6,	/* waiting for the applicant's fee; paused */
	MC_ST_WITHDRAWN = 7,		/* the applicant withdrew it */
	MC_ST_STOPPED = 8,		/* processing stopped, with a reason */
	MC_ST_RESOLVED = 9,		/* result ready (approved or refused) */
	MC_ST_RETURNED = 10,		/* result handed to the applicant */
} mc_state;

/*
 * The states in SQL text, for the store's statements where a bound parameter
 * does not fit (a fixed filter the planner should see): never a bare number.
 * MC_SQL_STATE(RECEIVED) is "2". core/dossier.c checks each value against
 * the enum; tests/unit/test_dossier.c checks the lists against the functions.
 */
#define MC_ST_VALUE_SUBMITTED 1
#define MC_ST_VALUE_RECEIVED 2
#define MC_ST_VALUE_NOT_ACCEPTED 3
#define MC_ST_VALUE_PROCESSING 4
#define MC_ST_VALUE_SUPPLEMENT_REQUESTED 5
#define MC_ST_VALUE_AWAITING_PAYMENT 6
#define MC_ST_VALUE_WITHDRAWN 7
#define MC_ST_VALUE_STOPPED 8
#define MC_ST_VALUE_RESOLVED 9
#define MC_ST_VALUE_RETURNED 10
#define MC_SQL_STATE(name) MC_STR(MC_ST_VALUE_##name)
/* The final states (mc_state_is_final), "(3, 7, 8, 10)", for "state IN" and "state NOT IN". */
/* clang-format off */
#define MC_SQL_STATES_FINAL \
	"(" MC_SQL_STATE(NOT_ACCEPTED) ", " MC_SQL_STATE(WITHDRAWN) ", " MC_SQL_STATE(STOPPED) ", " \
	MC_SQL_STATE(RETURNED) ")"
/* clang-format on */

typedef enum {
	MC_ROLE_CITIZEN = 1, /* citizen or business filing its own dossiers */
	MC_ROLE_DESK,	     /* one-stop desk officer (tiếp nhận và trả kết quả) */
	MC_ROLE_SPECIALIST,  /* chuyên viên handling a step */
	MC_ROLE_LEADER,	     /* unit leader who approves and signs */
	MC_ROLE_SUPERVISOR,  /* sees a unit's subtree; makes no transitions */
	MC_ROLE_ADMIN,	     /* manages the system; makes no transitions */
} mc_role;

typedef enum {
	MC_ACT_RECEIVE = 1,
	MC_ACT_REFUSE,
	MC_ACT_REQUEST_SUPPLEMENT,
	MC_ACT_SUPPLEMENT,
	MC_ACT_ASSIGN,
	MC_ACT_TRANSFER,
	MC_ACT_REQUEST_PAYMENT,
	MC_ACT_PAY,
	MC_ACT_RESOLVE,
	MC_ACT_RETURN,
	MC_ACT_WITHDRAW,
	MC_ACT_STOP,
} mc_action;

/* How a dossier reached the office; the values are the national portal's codes. */
typedef enum {
	MC_CH_DIRECT = 1, /* trực tiếp, at the desk */
	MC_CH_ONLINE = 2, /* trực tuyến */
	MC_CH_POSTAL = 3, /* bưu chính công ích */
} mc_channel;

/* The channels as SQL text, as the states above: MC_SQL_CHANNEL(ONLINE) is "2". */
#define MC_SQL_CHANNEL(name) MC_STR(MC_CHANNEL_NUMBER_##name)
#define MC_CHANNEL_NUMBER_DIRECT 1
#define MC_CHANNEL_NUMBER_ONLINE 2
#define MC_CHANNEL_NUMBER_POSTAL 3
_Static_assert(MC_CHANNEL_NUMBER_DIRECT == MC_CH_DIRECT, "channel number");
_Static_assert(MC_CHANNEL_NUMBER_ONLINE == MC_CH_ONLINE, "channel number");
_Static_assert(MC_CHANNEL_NUMBER_POSTAL == MC_CH_POSTAL, "channel number");

/*
 * Names used in the API and the database ("submitted", "received",
 * "not_accepted", "processing", "supplement_requested", "awaiting_payment",
 * "withdrawn", "stopped", "resolved", "returned"). Borrowed, static; NULL for
 * a value outside the enum.
 */
const char *mc_state_name(mc_state s);
/* Parses a state name (exact, lower case). Returns 0 or MC_EINVAL. */
int mc_state_parse(mc_state *out, const char *s);
/* The state as the national portal's status list names it in Vietnamese
 * ("Đang giải quyết"), for paperwork and reports; NULL outside the enum. */
const char *mc_state_title_vi(mc_state s);
/* Whether nothing can follow: not_accepted, withdrawn, stopped, returned. */
bool mc_state_is_final(mc_state s);
/* Whether the legal clock is paused: supplement_requested, awaiting_payment. */
bool mc_state_clock_paused(mc_state s);

/* "citizen", "desk", "specialist", "leader", "supervisor", "admin". Borrowed,
 * static; NULL for a value outside the enum. */
const char *mc_role_name(mc_role r);
/* Parses a role name. Returns 0 or MC_EINVAL. */
int mc_role_parse(mc_role *out, const char *s);

/* "receive", "refuse", "request_supplement", "supplement", "assign",
 * "transfer", "request_payment", "pay", "resolve", "return", "withdraw",
 * "stop". Borrowed, static; NULL for a value outside the enum. */
const char *mc_action_name(mc_action a);
/* Parses an action name. Returns 0 or MC_EINVAL. */
int mc_action_parse(mc_action *out, const char *s);

/* "direct", "online", "postal". Borrowed, static; NULL outside the enum. */
const char *mc_channel_name(mc_channel c);
/* Parses a channel name. Returns 0 or MC_EINVAL. */
int mc_channel_parse(mc_channel *out, const char *s);

/*
 * The state a dossier created through channel ch starts in: online filings
 * are submitted and wait for the desk; direct and postal ones are received
 * by the desk as they are entered. ch must be a valid channel.
 */
mc_state mc_dossier_initial_state(mc_channel ch);

/*
 * Whether action is allowed from state from, and the state it leads to.
 * resume_to is the state the dossier was in before the current pause; it is
 * read only by supplement (submitted, received or processing) and pay
 * (received or processing), which return the dossier there.
 *
 * Returns 0 and sets *out; MC_ECONFLICT when the action is not allowed from
 * that state; MC_EINVAL when from or action is outside its enum, or when a
 * resuming action gets a resume_to it cannot resume to (*out is untouched).
 */
int mc_dossier_next_state(mc_state *out, mc_state from, mc_action action, mc_state resume_to);

/*
 * Whether a holder of role may ever perform action. Scope by unit, a
 * citizen's ownership of the dossier, and which of several roles acts from
 * which state (the desk assigns from received, specialists and leaders
 * within processing) are checked by the caller.
 */
bool mc_dossier_role_may(mc_role role, mc_action action);

#endif
