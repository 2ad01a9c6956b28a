/*
 * Web sessions and the login brake (http/session.c), SPEC "Web pages and
 * roles": a session is a random id (32 bytes from libsodium, hex) that
 * maps, on the server, to a user name and the session's CSRF token; it
 * ends after DH_SESSION_IDLE_S without a request, or at logout. Sessions
 * live in memory only: a restarted `serve` asks everyone to log in again,
 * which is the safe direction. Failed logins are counted per user name
 * and per peer address; each further attempt waits longer (0 for the
 * first DH_SESSION_FREE_TRIES, then doubling from DH_SESSION_DELAY_MS_MIN
 * up to DH_SESSION_DELAY_MS_MAX), and a count is forgotten
 * DH_SESSION_FAIL_FORGET_S after its last failure. Every call takes `now`
 * (seconds), so tests drive the clock. Thread-safe: one mutex.
 */
#ifndef DH_HTTP_SESSION_H
#define DH_HTTP_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "http/auth.h"

#define DH_SESSION_IDLE_S (8 * 3600)       /* SPEC: 8 hours idle */
#define DH_SESSION_MAX 4096                /* sessions held; the least recently used goes */
#define DH_SESSION_USER_MAX 64             /* bytes of a user name, with its NUL */
#define DH_SESSION_FREE_TRIES 2            /* failures answered without delay */
#define DH_SESSION_DELAY_MS_MIN 500        /* after the free tries */
#define DH_SESSION_DELAY_MS_MAX 30000      /* never longer than this */
#define DH_SESSION_FAIL_FORGET_S (15 * 60) /* quiet time that clears a count */
#define DH_SESSION_FAIL_KEYS 4096          /* users and peers counted */

struct dh_sessions;

/* An empty store. dh_sessions_free(NULL) is a no-op. */
struct dh_sessions *dh_sessions_new(void);
void dh_sessions_free(struct dh_sessions *s);

/*
 * A new session for user as of now: its id and CSRF token (hex, random)
 * into id and csrf. When the store is full the least recently used
 * session ends. user longer than DH_SESSION_USER_MAX - 1 is cut (config
 * names are shorter).
 */
void dh_sessions_create(struct dh_sessions *s, const char *user, time_t now,
	char id[DH_AUTH_TOKEN_HEX], char csrf[DH_AUTH_TOKEN_HEX]);

/*
 * The session id names as of now: true with its user and CSRF token
 * copied out (either may be NULL) and its idle clock restarted; false
 * when there is none or it has been idle DH_SESSION_IDLE_S or longer (it
 * is then removed). Ids are compared in constant time.
 */
bool dh_sessions_get(struct dh_sessions *s, const char *id, time_t now,
	char user[DH_SESSION_USER_MAX], char csrf[DH_AUTH_TOKEN_HEX]);

/* End the session id names (logout); unknown ids are ignored. */
void dh_sessions_drop(struct dh_sessions *s, const char *id);

/*
 * How long (milliseconds) a login attempt for user from peer address
 * (without port) must wait before it is checked, as of now: by the larger
 * of the two failure counts.
 */
unsigned dh_sessions_login_delay_ms(struct dh_sessions *s, const char *user, const char *peer,
	time_t now);

/* A login for user from peer failed (both counts grow) or succeeded (the user's is cleared). */
void dh_sessions_login_failed(struct dh_sessions *s, const char *user, const char *peer,
	time_t now);
void dh_sessions_login_ok(struct dh_sessions *s, const char *user);

/* The delay that n failures earn (the rule above); for tests and the docs. */
unsigned dh_sessions_delay_for(unsigned failures);

#endif
