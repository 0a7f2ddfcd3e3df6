#!/usr/bin/env python3
"""The replica side of replication, in mixed topologies with the real redis-server 7.0.15.

usage: test_replica.py <osprey-server> [reference redis-server]

1. An Osprey replica of a real master, with a disk and with a diskless ($EOF:) transfer,
   next to a real replica of the same master: both reach the master's offset and DEBUG
   DIGEST after the sync and after a stream of writes of every kind (expiries, a script,
   MULTI/EXEC, SELECT, FLUSHDB) and after a partial resynchronisation (link killed while the
   stream is in db 4); INFO replication and ROLE of the two replicas are equal
   field for field (save the seconds since the last I/O); writes are refused with READONLY.
2. A real replica chained off the Osprey replica receives the same stream (same digest, same
   offset as the top master).
3. kill -9 of the master: the Osprey replica keeps serving reads with the link down, and its
   INFO replication / ROLE match the real replica's in the same state.
4. Promotion: an Osprey replica becomes master (REPLICAOF NO ONE) with master_replid2 /
   second_repl_offset; a real replica and the old Osprey master follow it with a partial
   resynchronisation.
5. Restart: an Osprey replica saved to its RDB (repl-id / repl-offset aux fields), killed
   and restarted, continues with a partial resynchronisation from the real master.

Ports come from OSPREY_TEST_PORTS. Prints `N passed, M failed` last and exits 1 on failure.
"""
import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_replication as tr  # noqa: E402  (Proc, check, wait_for: shared helpers)
from test_busy import Conn, port_free  # noqa: E402

check, check_match, wait_for, free_ports, Proc = tr.check, tr.check_match, tr.wait_for, tr.free_ports, tr.Proc


def info_fields(srv):
    raw = srv.call("INFO", "replication") or b""
    out = []
    for line in raw.decode().split("\r\n"):
        if ":" in line and not line.startswith("#"):
            k, _, v = line.partition(":")
            out.append((k, v))
    return out


# Fields that legitimately differ between two replicas of one master in the same state.
VOLATILE = {"master_last_io_seconds_ago", "master_link_down_since_seconds"}


def comparable(fields, own_replicas=False):
    """Fields with the volatile values masked; own_replicas drops the replica list (when
    only one of the two compared servers has a replica chained off it)."""
    return [(k, "*" if k in VOLATILE else v) for k, v in fields
            if not (own_replicas and (k == "connected_slaves" or re.fullmatch(r"slave\d+", k)))]


def offset_of(srv, field="master_repl_offset"):
    return srv.info_field("replication", field)


def synced(master, *replicas):
    mo = offset_of(master)
    return (mo is not None and all(offset_of(r) == mo for r in replicas) and
            all(r.info_field("replication", "master_link_status") == "up" for r in replicas))


def run(srv, *cmds, db=0):
    c = Conn(srv.port)
    replies = []
    if db:
        c.send("SELECT", str(db))
        c.read_reply(3.0)
    for cmd in cmds:
        c.send(*cmd)
        replies.append(c.read_reply(5.0))
    c.close()
    return replies


def write_stream(master):
    """Writes of every kind, in several dbs, as a user's application would send them."""
    run(master,
        ("SET", "s1", "v1", "EX", "1000"), ("SET", "gone", "x", "PX", "50"),
        ("EXPIRE", "before:str", "500"), ("PEXPIRE", "before:int", "100000"),
        ("INCR", "counter"), ("INCRBYFLOAT", "float", "1.5"),
        ("EVAL", "redis.call('set', KEYS[1], ARGV[1]) redis.call('lpush', KEYS[2], ARGV[1]) "
         "return redis.call('incr', KEYS[3])", "3", "sk", "sl", "sc", "val"),
        ("MULTI",), ("SET", "m1", "1"), ("RPUSH", "ml", "a", "b"), ("SELECT", "3"),
        ("SET", "in3", "three"), ("EXEC",),
        ("SELECT", "7"), ("SET", "tmp7", "x"), ("FLUSHDB",), ("SET", "after-flush", "y"),
        ("SELECT", "0"), ("DEL", "before:list"), ("HINCRBY", "before:hash", "f2", "5"),
        ("ZINCRBY", "before:zset", "3", "a"), ("SREM", "before:set", "a"))


def test_replica_of_real_master(binary, reference, diskless):
    mode = "diskless" if diskless else "disk"
    master = Proc(reference, "--enable-debug-command", "yes", "--repl-diskless-sync",
                  "yes" if diskless else "no", "--repl-diskless-sync-delay", "0").start(free_ports())
    procs = [master]
    try:
        tr.fill(master, "before:")
        repl_args = ("--enable-debug-command", "yes", "--replicaof", "127.0.0.1", str(master.port))
        osp = Proc(binary, *repl_args).start(free_ports())
        procs.append(osp)
        real = Proc(reference, *repl_args).start(free_ports())
        procs.append(real)
        up = wait_for(lambda: osp.info_field("replication", "master_link_status") == "up" and
                      real.info_field("replication", "master_link_status") == "up")
        check("[%s] Osprey replica's link comes up" % mode, up, True)
        log = open(osp.log).read()
        pattern = (r"MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk"
                   if diskless else r"MASTER <-> REPLICA sync: receiving \d+ bytes from master to disk")
        check("[%s] transfer logged as Redis does" % mode, bool(re.search(pattern, log)), True)
        check("[%s] synced after the full sync" % mode, wait_for(lambda: synced(master, osp, real)), True)
        check("[%s] DEBUG DIGEST after the full sync" % mode, osp.call("DEBUG", "DIGEST"),
              master.call("DEBUG", "DIGEST"))

        tr.fill(master, "after:")
        write_stream(master)
        time.sleep(1)  # 'gone' expires on the master, whose DEL then reaches the replicas
        check("[%s] synced after the write stream" % mode, wait_for(lambda: synced(master, osp, real)), True)
        check("[%s] DEBUG DIGEST after the write stream" % mode, osp.call("DEBUG", "DIGEST"),
              master.call("DEBUG", "DIGEST"))
        check("[%s] db 3 written inside MULTI" % mode, tr.Conn_get(osp, 3, "in3"), b"$5\r\nthree\r\n")
        check("[%s] FLUSHDB in db 7 replicated" % mode, run(osp, ("DBSIZE",), db=7), [b":1\r\n"])
        check("[%s] TTL kept" % mode, run(osp, ("TTL", "s1"))[0] in (b":1000\r\n", b":999\r\n"), True)
        check("[%s] writes refused" % mode, osp.call("SET", "x", "1"),
              b"-READONLY You can't write against a read only replica.\r\n")

        # A dropped link resumes partially in the db the stream was in (no SELECT follows).
        run(master, ("SET", "in4", "before-kill"), db=4)
        check("[%s] synced before the link drop" % mode, wait_for(lambda: synced(master, osp, real)), True)
        osp.call("CLIENT", "KILL", "TYPE", "MASTER")
        run(master, ("SET", "in4b", "after-kill"), db=4)
        check("[%s] partial resync after the link drop" % mode,
              wait_for(lambda: synced(master, osp, real)) and
              "Master accepted a Partial Resynchronization" in open(osp.log).read(), True)
        check("[%s] the stream went on in db 4" % mode, tr.Conn_get(osp, 4, "in4b"), b"$10\r\nafter-kill\r\n")
        check("[%s] DEBUG DIGEST after the partial resync" % mode, osp.call("DEBUG", "DIGEST"),
              master.call("DEBUG", "DIGEST"))

        # Both replicas wait until an ACK has been exchanged so the fields are settled.
        time.sleep(1.2)
        check("[%s] INFO replication equals the real replica's" % mode,
              comparable(info_fields(osp)), comparable(info_fields(real)))
        check("[%s] ROLE equals the real replica's" % mode, osp.call("ROLE"), real.call("ROLE"))

        # A real replica chained off the Osprey replica.
        chained = Proc(reference, "--enable-debug-command", "yes", "--replicaof", "127.0.0.1",
                       str(osp.port)).start(free_ports())
        procs.append(chained)
        check("[%s] chained real replica's link comes up" % mode,
              wait_for(lambda: chained.info_field("replication", "master_link_status") == "up"), True)
        run(master, ("SET", "chained", "yes"), ("SELECT", "9"), ("LPUSH", "l9", "a"), ("EXPIRE", "l9", "100"))
        check("[%s] chained replica reaches the top master's offset" % mode,
              wait_for(lambda: synced(master, osp, chained)), True)
        check("[%s] chained replica's DEBUG DIGEST" % mode, chained.call("DEBUG", "DIGEST"),
              master.call("DEBUG", "DIGEST"))
        check_match("[%s] Osprey replica lists the chained replica" % mode,
                    osp.info_field("replication", "slave0"),
                    r"ip=127\.0\.0\.1,port=%d,state=online,offset=\d+,lag=\d+" % chained.port)
        check("[%s] same replid along the chain" % mode, chained.info_field("replication", "master_replid"),
              master.info_field("replication", "master_replid"))

        # kill -9 of the master: reads go on, the link is down, fields as the real replica's.
        os.kill(master.proc.pid, signal.SIGKILL)
        master.proc.wait()
        # A diskless master's fork child may hold the listening socket a moment longer
        # (a replica connecting then sits in the handshake): wait until the port is closed.
        wait_for(lambda: port_free(master.port))
        down = wait_for(lambda: osp.info_field("replication", "master_link_status") == "down" and
                        real.info_field("replication", "master_link_status") == "down")
        check("[%s] link down after kill -9" % mode, down, True)
        check("[%s] reads still served" % mode, tr.Conn_get(osp, 0, "chained"), b"$3\r\nyes\r\n")
        # Both retry the connection once a second: same state, 'connect'.
        wait_for(lambda: b"connect\r\n" in osp.call("ROLE") and b"connect\r\n" in real.call("ROLE"), 5)
        check("[%s] INFO replication (link down) equals the real replica's" % mode,
              comparable(info_fields(osp), True), comparable(info_fields(real), True))
        check_match("[%s] master_link_down_since_seconds counts" % mode,
                    osp.info_field("replication", "master_link_down_since_seconds"), r"[0-9]+")
        check("[%s] ROLE (link down) equals the real replica's" % mode, osp.call("ROLE"), real.call("ROLE"))
        run(osp, ("CONFIG", "SET", "replica-serve-stale-data", "no"))
        check("[%s] MASTERDOWN with replica-serve-stale-data no" % mode, osp.call("GET", "chained"),
              b"-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n")
    finally:
        for p in procs:
            p.cleanup()


def test_promotion(binary, reference):
    """M (Osprey) -> A (Osprey), B (real). A is promoted; B and then M follow A partially."""
    m = Proc(binary, "--enable-debug-command", "yes").start(free_ports())
    procs = [m]
    try:
        a = Proc(binary, "--enable-debug-command", "yes", "--replicaof", "127.0.0.1", str(m.port)).start(free_ports())
        procs.append(a)
        b = Proc(reference, "--enable-debug-command", "yes", "--replicaof", "127.0.0.1", str(m.port)).start(free_ports())
        procs.append(b)
        tr.fill(m, "p:")
        check("promotion: replicas synced", wait_for(lambda: synced(m, a, b)), True)
        old_id = m.info_field("replication", "master_replid")
        offset = int(offset_of(m))
        check("promotion: REPLICAOF NO ONE", a.call("REPLICAOF", "NO", "ONE"), b"+OK\r\n")
        check("promotion: master_replid2 is the old id", a.info_field("replication", "master_replid2"), old_id)
        check("promotion: second_repl_offset", a.info_field("replication", "second_repl_offset"), str(offset + 1))
        check("promotion: role master", a.info_field("replication", "role"), "master")
        check("promotion: writes accepted", a.call("SET", "new", "1"), b"+OK\r\n")
        check("promotion: real replica follows the new master",
              b.call("REPLICAOF", "127.0.0.1", str(a.port)), b"+OK\r\n")
        check("promotion: real replica synced", wait_for(lambda: synced(a, b)), True)
        check("promotion: real replica continued partially",
              a.info_field("stats", "sync_partial_ok") == "1" and a.info_field("stats", "sync_full") == "0", True)
        check("promotion: old Osprey master follows the new one",
              m.call("REPLICAOF", "127.0.0.1", str(a.port)), b"+OK\r\n")
        check("promotion: old master synced", wait_for(lambda: synced(a, m)), True)
        check("promotion: old master continued partially", a.info_field("stats", "sync_partial_ok"), "2")
        check("promotion: the write made after promotion reached both", [tr.Conn_get(b, 0, "new"), tr.Conn_get(m, 0, "new")],
              [b"$1\r\n1\r\n"] * 2)
        check("promotion: DEBUG DIGEST equal", [b.call("DEBUG", "DIGEST"), m.call("DEBUG", "DIGEST")],
              [a.call("DEBUG", "DIGEST")] * 2)
    finally:
        for p in procs:
            p.cleanup()


def test_restart_partial(binary, reference):
    master = Proc(reference, "--enable-debug-command", "yes").start(free_ports())
    osp = None
    try:
        tr.fill(master, "r:")
        osp = Proc(binary, "--enable-debug-command", "yes", "--replicaof", "127.0.0.1", str(master.port)).start(free_ports())
        check("restart: synced", wait_for(lambda: synced(master, osp)), True)
        check("restart: SAVE on the replica", osp.call("SAVE"), b"+OK\r\n")
        port = osp.port
        osp.stop()
        run(master, ("SET", "while-down", "1"), ("INCR", "counter"))
        osp.start([port])
        check("restart: synced again", wait_for(lambda: synced(master, osp)), True)
        check("restart: the master counted a partial resync", master.info_field("stats", "sync_partial_ok"), "1")
        check("restart: replica log says partial",
              "Master accepted a Partial Resynchronization" in open(osp.log).read(), True)
        check("restart: DEBUG DIGEST equal", osp.call("DEBUG", "DIGEST"), master.call("DEBUG", "DIGEST"))
    finally:
        if osp:
            osp.cleanup()
        master.cleanup()


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    binary = sys.argv[1]
    reference = sys.argv[2] if len(sys.argv) > 2 else tr.REFERENCE
    test_replica_of_real_master(binary, reference, diskless=False)
    test_replica_of_real_master(binary, reference, diskless=True)
    test_promotion(binary, reference)
    test_restart_partial(binary, reference)
    print("%d passed, %d failed" % (tr.passed, tr.failed))
    return 1 if tr.failed else 0


if __name__ == "__main__":
    sys.exit(main())
