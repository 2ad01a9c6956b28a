/*
 * The standard availability levels of the tests' policy.ini, as string
 * literals to paste after a test's own [plan] section: FX_POLICY_LEVELS is
 * [availability 0] to [availability 4] (rpo 7d 24h 4h 1h 0, rto 14d 72h
 * 24h 4h 1h, restore tests every 365d 180d 90d 30d 7d, failover drills
 * from level 2), FX_POLICY_WINDOWS the restore and failover windows.
 */
#ifndef DH_TEST_POLICY_FX_H
#define DH_TEST_POLICY_FX_H

#define FX_POLICY_LEVELS                                                                            \
	"[availability 0]\nrpo=7d\nrto=14d\nrestore_test_every=365d\nfailover_drill_every=never\n"  \
	"[availability 1]\nrpo=24h\nrto=72h\nrestore_test_every=180d\nfailover_drill_every=never\n" \
	"[availability 2]\nrpo=4h\nrto=24h\nrestore_test_every=90d\nfailover_drill_every=365d\n"    \
	"[availability 3]\nrpo=1h\nrto=4h\nrestore_test_every=30d\nfailover_drill_every=180d\n"     \
	"[availability 4]\nrpo=0\nrto=1h\nrestore_test_every=7d\nfailover_drill_every=90d\n"

#define FX_POLICY_WINDOWS "[windows]\nrestore = mon-sun 22:00-06:00\nfailover = sat 01:00-05:00\n"

#endif
