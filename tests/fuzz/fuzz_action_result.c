/*
 * libFuzzer target: the action result parser (dh_action_result_parse),
 * which reads what a host's agent printed on the SSH session. Whatever
 * parses has an exit status 0..255 or none and a non-negative duration,
 * and serialises to JSON that parses back to the same result.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dh/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dh_action_result *r = NULL, *again = NULL;
	struct dh_err e;
	char *json, *json2;

	if (dh_action_result_parse((const char *)data, size, &r, &e) != 0)
		return 0;
	if (r->exit_code < -1 || r->exit_code > 255 || r->seconds < 0 || r->output == NULL)
		abort();
	json = dh_action_result_to_json(r);
	if (dh_action_result_parse(json, strlen(json), &again, &e) != 0)
		abort();
	json2 = dh_action_result_to_json(again);
	if (strcmp(json, json2) != 0)
		abort();
	free(json);
	free(json2);
	dh_action_result_free(again);
	dh_action_result_free(r);
	return 0;
}
