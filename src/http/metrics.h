/*
 * metrics.h - request counters and latency histograms of the HTTP server, for
 * GET /metrics (Prometheus text format 0.0.4). Counters only ever grow; they
 * are per process, kept in atomics, and cost no lock on the request path.
 *
 * Series are labelled by route pattern (the route table's, so a dossier code
 * never becomes a label), method and status class; requests no route takes
 * (static files, 404s) count as route "other".
 */
#ifndef MC_HTTP_METRICS_H
#define MC_HTTP_METRICS_H

#include "core/buf.h"
#include "http/server.h"

/* Counts one reply: route_index into the server's route table (-1 for none), its method,
 * HTTP status and time taken. */
void mc_metrics_count(int route_index, mc_method method, int status, double seconds);

/* Server events worth an alert, counted as they happen. */
typedef enum {
	MC_METRIC_ACCEPT_PAUSES,   /* accept() failed (descriptors run out) and was paused */
	MC_METRIC_SLOW_REQUESTS,   /* connections closed for sending a request too slowly */
	MC_METRIC_BAD_FRAMING,	   /* requests refused for ambiguous framing headers */
	MC_METRIC_OFFLOAD_REFUSED, /* sign-ins refused because the hashing queue was full */
	MC_METRIC_EVENT_COUNT_
} mc_metric_event;
void mc_metrics_event(mc_metric_event e);

/* Appends the request series and the event counters to out; routes are the
 * server's route table (mc_server_config), which the series are labelled by. */
int mc_metrics_text(mc_buf *out, const mc_route *routes, size_t n_routes);

#endif
