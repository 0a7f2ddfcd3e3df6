#!/usr/bin/env python3
"""The seeds' scenario, timed: a master and a replica, three sentinels (quorum 2,
down-after-milliseconds 5000), lua-time-limit 500, and the article's endless script writing
Key-i / Value-i and calling TIME. Prints when sentinel 0 published +sdown, +odown and
+switch-master, counted from the start of the script, then restarts the old master and checks
it became a replica of the new one with every key the script wrote gone.

usage: seed_scenario.py [--sentinel BIN] [--peers BIN] [--server BIN] [--rounds N]
  (defaults: bin/osprey-sentinel, /usr/bin/redis-server, 1 round; pass
   --sentinel /usr/bin/redis-sentinel for the reference timings; --peers BIN runs sentinels
   1 and 2 from another binary, e.g. one osprey-sentinel among two real redis-sentinels)

Ports come from OSPREY_TEST_PORTS. Exits 1 if the scenario does not end as described.
"""
import argparse
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_sentinel as ts  # noqa: E402  (shared launcher and RESP helpers)
from test_busy import Conn, SEED_SCRIPT  # noqa: E402

SEED_ARGS = ("--lua-time-limit", "500")


def one_round(sentinel, peers, server, base):
    mport, rport = ts.next_port(), ts.next_port()
    master = ts.start_server(server, base, mport, *SEED_ARGS)
    replica = ts.start_server(server, base, rport, "--replicaof", "127.0.0.1", str(mport), *SEED_ARGS)
    extra = ["sentinel down-after-milliseconds mymaster 5000"]
    sentinels = [ts.start_sentinel(b, base, ts.next_port(), mport, extra) for b in (sentinel, peers, peers)]
    procs = [master, replica] + sentinels
    try:
        for s in sentinels:
            if not ts.wait_for(lambda: ts.sentinel_view(s.port)[0]["num-other-sentinels"] == "2" and
                               ts.sentinel_view(s.port)[0]["num-slaves"] == "1", 30):
                raise RuntimeError("sentinels did not discover each other")
        time.sleep(1)
        sub = Conn(sentinels[0].port)
        sub.send("PSUBSCRIBE", "*")
        sub.read_reply()
        script = Conn(mport)
        t0 = time.monotonic()
        script.send("EVAL", SEED_SCRIPT, "0")
        times = {}
        deadline = t0 + 40
        while time.monotonic() < deadline and "+switch-master" not in times:
            raw = sub.read_reply(1.0)
            if raw is None:
                continue
            msg = ts.parse(raw)
            if msg[0] == "pmessage" and msg[2] not in times:
                times[msg[2]] = time.monotonic() - t0
        sub.close()
        # The old master never finishes: restart it, as an operator would.
        master.kill()
        master = ts.start_server(server, base, mport, *SEED_ARGS)
        procs[0] = master
        new_port = rport
        ok = ts.wait_for(lambda: ts.parse(ts.call(mport, "ROLE"))[1:3] == ["127.0.0.1", new_port] and
                         ts.parse(ts.call(mport, "ROLE"))[3] == "connected", 40)
        lost = ts.call(mport, "EXISTS", "Key-0") == b":0\r\n" and ts.call(rport, "DBSIZE") == b":0\r\n"
        return times, ok, lost
    finally:
        for p in procs:
            p.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentinel", default="bin/osprey-sentinel")
    ap.add_argument("--peers", default=None)
    ap.add_argument("--server", default="/usr/bin/redis-server")
    ap.add_argument("--rounds", type=int, default=1)
    a = ap.parse_args()
    ts.PORTS = ts.free_ports()
    base = tempfile.mkdtemp(prefix="osprey-seed-")
    good = True
    try:
        for r in range(a.rounds):
            peers = os.path.abspath(a.peers or a.sentinel)
            times, replica_ok, lost = one_round(os.path.abspath(a.sentinel), peers, os.path.abspath(a.server), base)
            line = "  ".join("%s %.2fs" % (ev, times[ev]) for ev in
                             ("+sdown", "+odown", "+try-failover", "+elected-leader", "+promoted-slave",
                              "+switch-master") if ev in times)
            print("round %d: %s; old master a replica: %s; script's keys lost: %s" %
                  (r + 1, line, replica_ok, lost))
            good = good and "+switch-master" in times and replica_ok and lost
    finally:
        shutil.rmtree(base, ignore_errors=True)
    sys.exit(0 if good else 1)


if __name__ == "__main__":
    main()
