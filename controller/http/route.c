/*
 * Route patterns (declared in http/httpd.h): matching a request path against a
 * route's '/'-separated pattern with {name} segments, and checking a
 * pattern when httpd starts. Moved out of httpd.c, which keeps only what
 * touches libmicrohttpd.
 */
#include "http/httpd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"

const char *
dh_http_req_param(const struct dh_http_req *req, const char *name)
{
	for (size_t i = 0; i < req->nparams; i++)
		if (strcmp(req->params[i].name, name) == 0)
			return req->params[i].value;
	return NULL;
}

void
dh_http_params_fini(struct dh_http_req *req)
{
	for (size_t i = 0; i < req->nparams; i++)
		free(req->params[i].value);
	req->nparams = 0;
}

/* A "{name}" segment of pat[0..n), its name's length in *nl. */
static bool
is_param_segment(const char *pat, size_t n, size_t *nl)
{
	if (n < 3 || pat[0] != '{' || pat[n - 1] != '}')
		return false;
	*nl = n - 2;
	return true;
}

/*
 * Whether url matches pattern, segment by segment; the {name} segments
 * go into req->params (freed by params_fini) only on a match.
 */
bool
dh_http_route_match(const char *pat, const char *url, struct dh_http_req *req)
{
	const char *val[DH_HTTP_PARAMS_MAX], *name[DH_HTTP_PARAMS_MAX];
	size_t vl[DH_HTTP_PARAMS_MAX], nlen[DH_HTTP_PARAMS_MAX], n = 0, pl, ul, nl;

	for (;;) {
		if (*pat == '\0' || *url == '\0') {
			if (*pat != *url)
				return false;
			break;
		}
		if (*pat++ != '/' || *url++ != '/')
			return false;
		pl = strcspn(pat, "/");
		ul = strcspn(url, "/");
		if (is_param_segment(pat, pl, &nl)) {
			if (ul == 0 || n == DH_HTTP_PARAMS_MAX)
				return false;
			name[n] = pat + 1;
			nlen[n] = nl;
			val[n] = url;
			vl[n++] = ul;
		} else if (pl != ul || strncmp(pat, url, pl) != 0) {
			return false;
		}
		pat += pl;
		url += ul;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(req->params[i].name, sizeof(req->params[i].name), "%.*s", (int)nlen[i],
			name[i]);
		req->params[i].value = dh_xstrndup(val[i], vl[i]);
	}
	req->nparams = n;
	return true;
}

/* A pattern httpd can match: "/" segments, {name}s that fit. */
int
dh_http_route_check(const struct dh_http_route *rt, const struct dh_httpd_config *cfg,
	struct dh_err *err)
{
	const char *p = rt->pattern;
	size_t n = 0, pl, nl;

	if (rt->method == NULL || p == NULL || p[0] != '/' || rt->handler == NULL)
		return dh_err_set(err, DH_EINVAL,
			"a route needs a method, a pattern "
			"starting with '/' and a handler");
	if (rt->need > DH_HTTP_NEED_SIGNED && cfg->guard == NULL)
		return dh_err_set(err, DH_EINVAL, "route %s %s needs a guard", rt->method, p);
	for (; *p == '/'; p += pl) {
		pl = strcspn(++p, "/");
		if (is_param_segment(p, pl, &nl) &&
			(++n > DH_HTTP_PARAMS_MAX || nl >= DH_HTTP_PARAM_NAME_MAX))
			return dh_err_set(err, DH_EINVAL,
				"route %s %s: too many or too "
				"long {names}",
				rt->method, rt->pattern);
	}
	return 0;
}
