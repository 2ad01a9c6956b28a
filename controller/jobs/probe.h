/*
 * The drill's health probes that run from the controller (SPEC "Failover
 * drill": the controller stands where the users are): `tcp HOST:PORT`, a
 * TCP connect within a timeout, and `http URL`, a GET through the libcurl
 * adapter (dh/http_client.h) with TLS verified, passing on 2xx. `HOST
 * ACTION` probes are action jobs (jobs/action.h). Used by jobs/drill_run.c.
 */
#ifndef DH_JOBS_PROBE_H
#define DH_JOBS_PROBE_H

#include <stddef.h>

/*
 * Connect to host (a DNS name or an IP address; the caller turns an
 * inventory host into its address) on port within timeout_s seconds
 * (bounded to 1..60), then close. 0 when a connection was made; otherwise
 * non-zero with detail (n bytes) saying why ("connection refused",
 * "no answer within 2 s", "unknown host").
 */
int dh_probe_tcp(const char *host, int port, double timeout_s, char *detail, size_t n);

/*
 * GET url with a client of its own (the system's CAs, TLS verified)
 * within timeout_s (bounded to 1..60): 0 on a 2xx answer; otherwise
 * non-zero with detail saying the status or the transfer's failure
 * (never the body).
 */
int dh_probe_http(const char *url, double timeout_s, char *detail, size_t n);

#endif
