/*
 * Templates for mkstemp()/mkdtemp() in the tests: DH_TMPL("/tmp/dh-test-db-")
 * is the prefix followed by the six placeholder characters those functions
 * replace. They are written as escapes so that a search for the three-X
 * marker of unfinished work finds only real markers.
 */
#ifndef DH_TEST_TMPL_H
#define DH_TEST_TMPL_H

#define DH_TMPL(prefix) prefix "\x58\x58\x58\x58\x58\x58"

#endif
