/*
 * libFuzzer target for what the events endpoint parses from the network:
 * the event JSON (with its embedded test record), the envelope of a
 * finished event that does not parse, and the signature header.
 * Input: header line, newline, body.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/proto.h"
#include "dh/sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *token = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	const uint8_t *nl = memchr(data, '\n', size);
	struct dh_event *ev = NULL;
	struct dh_err err;
	char *header, *json;
	size_t hlen = nl ? (size_t)(nl - data) : 0;
	const char *body = (const char *)(nl ? nl + 1 : data);
	size_t blen = nl ? size - hlen - 1 : size;

	header = dh_xstrndup((const char *)data, hlen);
	(void)dh_sign_check(token, header, body, blen, 1795000000);
	free(header);
	if (dh_event_parse(body, blen, &ev, &err) == 0) {
		/* What parses must serialise and parse again. */
		struct dh_event *again = NULL;

		json = dh_event_to_json(ev);
		if (dh_event_parse(json, strlen(json), &again, &err) != 0)
			abort();
		dh_event_free(again);
		free(json);
		dh_event_free(ev);
	} else if (dh_event_parse_finished_envelope(body, blen, &ev, &err) == 0) {
		/* What the controller reads of a finished event it cannot parse. */
		if (ev->type != DH_EVENT_FINISHED || ev->seq < 1 || ev->record != NULL)
			abort();
		dh_event_free(ev);
	}
	return 0;
}
