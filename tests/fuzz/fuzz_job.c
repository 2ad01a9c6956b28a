/*
 * libFuzzer target: the job parser (dh_job_parse), the one input that
 * arrives from the network and drives a restore or an action. Whatever
 * parses must carry a valid job id and system id, a token unless it is an
 * action job (then a valid action name and marker), and serialise to JSON
 * that parses back to the same job.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dh/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dh_job *job = NULL, *again = NULL;
	struct dh_err e;
	char *json, *json2;

	if (dh_job_parse((const char *)data, size, &job, &e) != 0)
		return 0;
	if (!dh_proto_is_job_id(job->id) || !dh_proto_is_system_id(job->system))
		abort();
	if (job->kind != DH_JOB_ACTION &&
		(job->token == NULL || strlen(job->token) != DH_TOKEN_HEX || job->timeout_s < 1))
		abort();
	if (job->kind == DH_JOB_ACTION &&
		(!dh_proto_is_action_name(job->action.name) ||
			(job->action.marker != NULL && !dh_proto_is_marker(job->action.marker)) ||
			(job->token != NULL && strlen(job->token) != DH_TOKEN_HEX)))
		abort();
	json = dh_job_to_json(job);
	if (dh_job_parse(json, strlen(json), &again, &e) != 0)
		abort();
	json2 = dh_job_to_json(again);
	if (strcmp(json, json2) != 0)
		abort();
	free(json);
	free(json2);
	dh_job_free(again);
	dh_job_free(job);
	return 0;
}
