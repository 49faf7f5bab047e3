#include "http/metrics.h"

#include "core/mc.h"
#include "http/conn.h"

#include <stdatomic.h>
#include <stdint.h>

#define ROUTES 128 /* the last slot: everything else, static files included */
#define METHODS 7  /* GET POST PUT DELETE PATCH HEAD other */

static const double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
#define N_BOUNDS MC_ARRAY_LEN(bounds)

static _Atomic uint64_t requests[ROUTES + 1][METHODS][6];
static _Atomic uint64_t latency[ROUTES + 1][METHODS][N_BOUNDS + 1];
static _Atomic uint64_t latency_us[ROUTES + 1][METHODS];
static _Atomic uint64_t events[MC_METRIC_EVENT_COUNT_];

static const char *const method_names[METHODS] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OTHER"};

static int method_slot(mc_method m)
{
	switch (m) {
	case MC_M_GET:
		return 0;
	case MC_M_POST:
		return 1;
	case MC_M_PUT:
		return 2;
	case MC_M_DELETE:
		return 3;
	case MC_M_PATCH:
		return 4;
	case MC_M_HEAD:
		return 5;
	}
	return 6;
}

void mc_metrics_count(int route_index, mc_method method, int status, double seconds)
{
	size_t slot = route_index >= 0 && route_index < ROUTES ? (size_t)route_index : ROUTES;
	int m = method_slot(method);
	int cls = status / 100;
	atomic_fetch_add_explicit(&requests[slot][m][cls >= 1 && cls <= 5 ? cls : 0], 1,
				  memory_order_relaxed);
	size_t b = 0;
	while (b < N_BOUNDS && seconds > bounds[b])
		b++;
	atomic_fetch_add_explicit(&latency[slot][m][b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&latency_us[slot][m], (uint64_t)(seconds * 1e6), memory_order_relaxed);
}

void mc_metrics_event(mc_metric_event e)
{
	atomic_fetch_add_explicit(&events[e], 1, memory_order_relaxed);
}

static const char *route_label(const mc_route *routes, size_t i, size_t n_routes)
{
	return i < n_routes ? routes[i].pattern : "other";
}

int mc_metrics_text(mc_buf *out, const mc_route *routes, size_t n)
{
	int rc = 0;
	size_t n_routes = n < ROUTES ? n : ROUTES;
	rc |= mc_buf_adds(
	    out, "# HELP motcua_http_requests_total HTTP requests by route, method and status class.\n"
		 "# TYPE motcua_http_requests_total counter\n");
	for (size_t i = 0; i <= n_routes; i++) {
		size_t slot = i < n_routes ? i : ROUTES;
		for (int m = 0; m < METHODS; m++) {
			for (int c = 1; c <= 5; c++) {
				uint64_t v = atomic_load(&requests[slot][m][c]);
				if (v)
					rc |= mc_buf_addf(
					    out,
					    "motcua_http_requests_total{route=\"%s\",method=\"%s\","
					    "status=\"%dxx\"} %llu\n",
					    route_label(routes, i, n_routes), method_names[m], c,
					    (unsigned long long)v);
			}
		}
	}
	rc |= mc_buf_adds(out, "# HELP motcua_http_request_duration_seconds Time from request to reply.\n"
			       "# TYPE motcua_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i <= n_routes; i++) {
		size_t slot = i < n_routes ? i : ROUTES;
		for (int m = 0; m < METHODS; m++) {
			uint64_t total = 0;
			for (size_t b = 0; b <= N_BOUNDS; b++)
				total += atomic_load(&latency[slot][m][b]);
			if (!total)
				continue;
			const char *route = route_label(routes, i, n_routes);
			uint64_t cum = 0;
			for (size_t b = 0; b < N_BOUNDS; b++) {
				cum += atomic_load(&latency[slot][m][b]);
				rc |= mc_buf_addf(
				    out,
				    "motcua_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\","
				    "le=\"%g\"} %llu\n",
				    route, method_names[m], bounds[b], (unsigned long long)cum);
			}
			/* +Inf from the buckets read here, so it can never be below the last one. */
			cum += atomic_load(&latency[slot][m][N_BOUNDS]);
			rc |= mc_buf_addf(
			    out,
			    "motcua_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\","
			    "le=\"+Inf\"} %llu\n"
			    "motcua_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\"} %.6f\n"
			    "motcua_http_request_duration_seconds_count{route=\"%s\",method=\"%s\"} %llu\n",
			    route, method_names[m], (unsigned long long)cum, route, method_names[m],
			    (double)atomic_load(&latency_us[slot][m]) / 1e6, route, method_names[m],
			    (unsigned long long)cum);
		}
	}
	static const struct {
		const char *name, *help;
	} ev[MC_METRIC_EVENT_COUNT_] = {
	    [MC_METRIC_ACCEPT_PAUSES] = {"motcua_http_accept_pauses_total",
					 "Times accepting connections was paused because accept() failed "
					 "(file descriptors run out)."},
	    [MC_METRIC_SLOW_REQUESTS] = {"motcua_http_slow_requests_closed_total",
					 "Connections closed for sending headers or a body too slowly."},
	    [MC_METRIC_BAD_FRAMING] = {"motcua_http_bad_framing_total",
				       "Requests refused for conflicting or repeated framing headers."},
	    [MC_METRIC_OFFLOAD_REFUSED] =
		{"motcua_signin_queue_full_total",
		 "Sign-ins and password changes refused because the password hashing "
		 "queue was full."},
	};
	for (int e = 0; e < MC_METRIC_EVENT_COUNT_; e++)
		rc |= mc_buf_addf(out, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", ev[e].name, ev[e].help,
				  ev[e].name, ev[e].name, (unsigned long long)atomic_load(&events[e]));
	rc |= mc_buf_addf(out,
			  "# HELP motcua_http_body_bytes_held Bytes of request bodies of 64 KiB or more "
			  "being received or handled, counted against body_budget.\n"
			  "# TYPE motcua_http_body_bytes_held gauge\nmotcua_http_body_bytes_held %zu\n",
			  mc_conns_body_bytes());
	return rc ? MC_ETOOBIG : 0;
}
