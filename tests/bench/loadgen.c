/*
 * Load generator for bench_ingest.sh: THREADS threads, each with one
 * keep-alive libcurl handle, send signed events (SPEC "Events to the
 * controller") for the jobs in JOBS_FILE ("job token" lines), EVENTS per
 * job, and retry an event until 2xx. Prints events/s. Built by the
 * benchmark script with the system compiler; not part of the product.
 *   loadgen BASE_URL JOBS_FILE EVENTS THREADS
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

struct job {
	char id[96];
	char token[80];
};

static struct job *jobs;
static size_t njobs, next_job;
static long events_per_job;
static const char *base;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long total_sent, total_retries;

static size_t
discard(char *p, size_t s, size_t n, void *u)
{
	return s * n;
}

static void
sign(const char *token, const char *body, char *out, size_t outsz)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char msg[1024], hex[2 * EVP_MAX_MD_SIZE + 1];
	long t = (long)time(NULL);
	int n = snprintf(msg, sizeof(msg), "%ld.%s", t, body);

	HMAC(EVP_sha256(), token, (int)strlen(token), (unsigned char *)msg, (size_t)n, mac, &len);
	for (unsigned i = 0; i < len; i++)
		sprintf(hex + 2 * i, "%02x", mac[i]);
	snprintf(out, outsz, "X-Drillhall-Signature: t=%ld,sig=%s", t, hex);
}

static void *
worker(void *arg)
{
	CURL *c = curl_easy_init();
	long sent = 0, retries = 0;

	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	for (;;) {
		size_t j;

		pthread_mutex_lock(&mu);
		j = next_job++;
		pthread_mutex_unlock(&mu);
		if (j >= njobs)
			break;
		for (long seq = 1; seq <= events_per_job; seq++) {
			char body[512], url[256], sig[200];
			long status = 0;

			snprintf(body, sizeof(body),
				"{\"job\":\"%s\",\"seq\":%ld,\"type\":\"step\","
				"\"at\":\"2026-11-27T10:00:00Z\",\"host\":\"loadgen\",\"step\":\"restore\","
				"\"detail\":\"benchmark event\"}",
				jobs[j].id, seq);
			snprintf(url, sizeof(url), "%s/api/v1/jobs/%s/events", base, jobs[j].id);
			for (;;) {
				struct curl_slist *h = NULL;

				sign(jobs[j].token, body, sig, sizeof(sig));
				h = curl_slist_append(h, sig);
				h = curl_slist_append(h, "Content-Type: application/json");
				curl_easy_setopt(c, CURLOPT_URL, url);
				curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
				curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
				status = 0;
				if (curl_easy_perform(c) == CURLE_OK)
					curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
				curl_slist_free_all(h);
				if (status >= 200 && status < 300)
					break;
				retries++;
			}
			sent++;
		}
	}
	curl_easy_cleanup(c);
	pthread_mutex_lock(&mu);
	total_sent += sent;
	total_retries += retries;
	pthread_mutex_unlock(&mu);
	return NULL;
}

int
main(int argc, char **argv)
{
	FILE *f;
	pthread_t th[256];
	int nth;
	struct timespec a, b;
	double secs;

	if (argc != 5)
		return fprintf(stderr, "usage: loadgen BASE JOBS_FILE EVENTS THREADS\n"), 2;
	base = argv[1];
	events_per_job = atol(argv[3]);
	nth = atoi(argv[4]);
	if (nth < 1 || nth > 256 || (f = fopen(argv[2], "r")) == NULL)
		return 2;
	jobs = calloc(100000, sizeof(*jobs));
	while (njobs < 100000 && fscanf(f, "%95s %79s", jobs[njobs].id, jobs[njobs].token) == 2)
		njobs++;
	fclose(f);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < nth; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (int i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("sent %ld retries %ld seconds %.2f rate %.0f/s\n", total_sent, total_retries, secs,
		(double)total_sent / secs);
	curl_global_cleanup();
	free(jobs);
	return 0;
}
