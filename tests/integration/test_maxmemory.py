#!/usr/bin/env python3
"""maxmemory and eviction per policy, and STICK (keys no policy evicts).

usage: test_maxmemory.py <osprey-server or redis-server> [reference redis-server]

1. Each of the eight maxmemory-policy values on a dataset of "old" and "hot" keys (old:
   RESTORE ... IDLETIME / FREQ, or a short TTL), volatile and non-volatile: the memory limit
   is lowered below the dataset and the test checks which keys went (LRU/LFU/TTL take the
   old / short-lived ones, volatile-* never a key without an expiry, noeviction refuses
   writes with Redis's OOM error while reads and DEL still run), INFO evicted_keys,
   the `evicted` keyspace events and the DELs in the replication stream.
   These expectations hold for the real redis-server 7.0.15 too (run it as argv[1]).
2. STICK (Osprey only, from Dragonfly): sticky keys survive allkeys-lru pressure, writes
   get the OOM refusal once only sticky keys are left, the mark survives DEBUG RELOAD and a
   restart, the real redis-server loads the RDB, a real redis-server replica follows the
   stream, and scripts can use SET ... STICK.

Ports come from OSPREY_TEST_PORTS (default 7760-7799). Prints `N passed, M failed` last and
exits 1 on any failure.
"""
import os
import re
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_busy import Conn  # noqa: E402  (shared RESP client)
from test_replication import Proc, attach_stream, free_ports, read_stream_entry, wait_for  # noqa: E402

REFERENCE = "/usr/bin/redis-server"
OOM = b"-OOM command not allowed when used memory > 'maxmemory'.\r\n"
passed = 0
failed = 0


def check(name, got, expected):
    global passed, failed
    if got == expected:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL %s\n     got      %r\n     expected %r" % (name, got, expected))


class Client:
    """One connection with call() returning the raw reply bytes."""

    def __init__(self, srv):
        self.c = Conn(srv.port)

    def call(self, *args):
        self.c.send(*args)
        return self.c.read_reply(5.0)

    def int(self, *args):
        r = self.call(*args)
        return int(r[1:-2]) if r and r[:1] == b":" else r

    def info(self, field):
        raw = self.call("INFO") or b""
        m = re.search(rb"^" + field.encode() + rb":(.*)\r$", raw, re.M)
        return m.group(1).decode() if m else None

    def close(self):
        self.c.close()


VALUE = "v" * 1000
# Keys the policy should take first: plenty more than the ~30-70 evictions of a squeeze (the
# keyspace table's growth and the allocator's classes make the count inexact).
OLD = 150
KEY_BYTES = [1100]  # set by per_key() at the start


def populate(cl, prefix, n, ttl=None, idle=None, freq=None, payload=None):
    for i in range(n):
        key = "%s%d" % (prefix, i)
        if idle is not None or freq is not None:
            # The TTL goes in RESTORE itself: a later EXPIRE would count as an access.
            args = ["RESTORE", key, str(ttl * 1000 if ttl else 0), payload]
            args += ["IDLETIME", str(idle)] if idle is not None else ["FREQ", str(freq)]
            cl.call(*args)
        elif ttl:
            cl.call("SET", key, VALUE, "EX", str(ttl))
        else:
            cl.call("SET", key, VALUE)


def count(cl, prefix, n):
    return sum(1 for i in range(n) if cl.int("EXISTS", "%s%d" % (prefix, i)) == 1)


def per_key(cl):
    """Bytes one more key of VALUE takes (measured: allocator size classes). The second
    round counts: the first allocates the commands' latency histograms."""
    for _ in range(2):
        cl.call("SET", "probe", VALUE)
        before = int(cl.info("used_memory"))
        cl.call("DEL", "probe")
        size = before - int(cl.info("used_memory"))
    return size


def squeeze(cl, keys_to_free):
    """Sets maxmemory with some headroom over the current use, then writes enough new keys
    ("fill", no expiry) to go about `keys_to_free` values past it: evictions run as the
    writes arrive (a lowered limit would also count the transient memory of CONFIG SET)."""
    headroom = 80 * 1024
    used = int(cl.info("used_memory"))
    cl.call("CONFIG", "SET", "maxmemory", str(used + headroom))
    n = headroom // KEY_BYTES[0] + keys_to_free
    for i in range(n):
        cl.call("SET", "fill%d" % i, VALUE)
    return n


# ---- 1. Policies ---------------------------------------------------------------------------

def test_policies(binary):
    srv = Proc(binary, "--enable-debug-command", "yes").start(free_ports())
    try:
        cl = Client(srv)
        cl.call("SET", "tmp", VALUE)
        payload = cl.call("DUMP", "tmp").split(b"\r\n", 1)[1][:-2]
        cl.call("DEL", "tmp")
        cl.call("CONFIG", "SET", "maxmemory-samples", "64")
        KEY_BYTES[0] = per_key(cl)

        def fresh(policy):
            cl.call("CONFIG", "SET", "maxmemory", "0")
            cl.call("FLUSHALL")
            cl.call("CONFIG", "SET", "maxmemory-policy", policy)
            cl.call("CONFIG", "RESETSTAT")

        # noeviction: writes refused, reads and DEL still served.
        fresh("noeviction")
        populate(cl, "k", 50)
        cl.call("CONFIG", "SET", "maxmemory", "1")
        check("noeviction: SET refused with OOM", cl.call("SET", "new", "x"), OOM)
        check("noeviction: the refusal in errorstats",
              "count=1" in (cl.call("INFO", "errorstats") or b"").decode(), True)
        check("noeviction: GET still served", cl.call("GET", "k1")[:6], b"$1000\r")
        check("noeviction: DEL still served", cl.call("DEL", "k1"), b":1\r\n")
        check("noeviction: no key evicted", cl.info("evicted_keys"), "0")
        check("noeviction: INFO maxmemory_policy", cl.info("maxmemory_policy"), "noeviction")
        time.sleep(0.15)
        check("noeviction: INFO current_eviction_exceeded_time counts the time over the limit",
              int(cl.info("current_eviction_exceeded_time")) >= 150, True)

        # LRU: old keys (idle 10000 s) go before hot ones.
        for policy, ttl in (("allkeys-lru", None), ("volatile-lru", 10000)):
            fresh(policy)
            populate(cl, "old", OLD, ttl=ttl, idle=10000, payload=payload)
            populate(cl, "hot", 60, ttl=ttl)
            populate(cl, "plain", 20)
            squeeze(cl, 30)
            hot, old, plain = count(cl, "hot", 60), count(cl, "old", OLD), count(cl, "plain", 20)
            ev = int(cl.info("evicted_keys"))
            check("%s: evicted some keys" % policy, ev >= 20, True)
            check("%s: every hot key stays" % policy, hot, 60)
            check("%s: evicted only old keys" % policy, OLD - old, ev)
            check("%s: keys without expiry stay" % policy, plain, 20)

        # LFU: keys with counter 0 go before counter 200.
        for policy, ttl in (("allkeys-lfu", None), ("volatile-lfu", 10000)):
            fresh(policy)
            populate(cl, "cold", OLD, ttl=ttl, freq=0, payload=payload)
            populate(cl, "hot", 60, ttl=ttl, freq=200, payload=payload)
            populate(cl, "plain", 20)
            check("%s: OBJECT FREQ of a hot key" % policy, cl.call("OBJECT", "FREQ", "hot1"), b":200\r\n")
            squeeze(cl, 30)
            hot, cold, plain = count(cl, "hot", 60), count(cl, "cold", OLD), count(cl, "plain", 20)
            ev = int(cl.info("evicted_keys"))
            check("%s: evicted some keys" % policy, ev >= 20, True)
            check("%s: every frequent key stays" % policy, hot, 60)
            check("%s: evicted only cold keys" % policy, OLD - cold, ev)
            check("%s: keys without expiry stay" % policy, plain, 20)

        # volatile-ttl: the nearest expiry goes first.
        fresh("volatile-ttl")
        populate(cl, "soon", OLD, ttl=100)
        populate(cl, "late", 60, ttl=100000)
        populate(cl, "plain", 20)
        squeeze(cl, 30)
        late, soon, plain = count(cl, "late", 60), count(cl, "soon", OLD), count(cl, "plain", 20)
        ev = int(cl.info("evicted_keys"))
        check("volatile-ttl: evicted some keys", ev >= 20, True)
        check("volatile-ttl: long-lived keys stay", late, 60)
        check("volatile-ttl: evicted only short-lived keys", OLD - soon, ev)
        check("volatile-ttl: keys without expiry stay", plain, 20)

        # Random policies.
        fresh("allkeys-random")
        populate(cl, "k", 100)
        n = squeeze(cl, 30)
        ev = int(cl.info("evicted_keys"))
        check("allkeys-random: evicted some keys", ev >= 20, True)
        check("allkeys-random: dbsize matches evicted_keys", cl.int("DBSIZE"), 100 + n - ev)
        check("allkeys-random: under the limit (INFO's own reply aside)",
              int(cl.info("used_memory")) <= int(cl.info("maxmemory")) + 4096, True)
        fresh("volatile-random")
        populate(cl, "v", OLD, ttl=10000)
        populate(cl, "plain", 60)
        squeeze(cl, 30)
        plain, vol = count(cl, "plain", 60), count(cl, "v", OLD)
        ev = int(cl.info("evicted_keys"))
        check("volatile-random: evicted some keys", ev >= 20, True)
        check("volatile-random: keys without expiry stay", plain, 60)
        check("volatile-random: evicted only volatile keys", OLD - vol, ev)
        # volatile-*: once no volatile key is left, writes are refused.
        cl.call("CONFIG", "SET", "maxmemory", "1")
        check("volatile-random, only plain keys left: OOM", cl.call("SET", "x", "y"), OOM)
        check("volatile-random: every volatile key went", cl.info("db0").split(",")[1], "expires=0")

        # OBJECT FREQ outside LFU, OOM for scripts.
        cl.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
        cl.call("CONFIG", "SET", "maxmemory", "0")
        cl.call("SET", "f", "1")
        check("OBJECT FREQ under an LRU policy",
              cl.call("OBJECT", "FREQ", "f"),
              b"-ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
              b"Please note that when switching between policies at runtime LRU and LFU data "
              b"will take some time to adjust.\r\n")
        cl.call("CONFIG", "SET", "maxmemory-policy", "noeviction")
        cl.call("CONFIG", "SET", "maxmemory", "1")
        check("shebang script without allow-oom: OOM",
              cl.call("EVAL", "#!lua flags=\nreturn 1", "0"), OOM)
        check("no-writes script still runs", cl.call("EVAL", "#!lua flags=no-writes\nreturn 1", "0"), b":1\r\n")
        check("allow-oom script may write",
              cl.call("EVAL", "#!lua flags=allow-oom\nreturn redis.call('set','x','1')", "0"), b"+OK\r\n")
        r = cl.call("EVAL", "return redis.call('set','x','1')", "0") or b""
        check("compat script: its first write refused",
              r.startswith(b"-OOM command not allowed when used memory > 'maxmemory'."), True)
        cl.call("MULTI")
        check("inside MULTI: GET refused too", cl.call("GET", "x"), OOM)
        check("EXEC after the refusal",
              cl.call("EXEC"), b"-EXECABORT Transaction discarded because of previous errors.\r\n")
        cl.call("CONFIG", "SET", "maxmemory", "0")
        cl.close()
    finally:
        srv.cleanup()


def test_events_and_stream(binary):
    srv = Proc(binary).start(free_ports())
    try:
        cl = Client(srv)
        stream, _, _ = attach_stream(srv)
        cl.call("CONFIG", "SET", "notify-keyspace-events", "Ee")
        sub = Conn(srv.port)
        sub.send("SUBSCRIBE", "__keyevent@0__:evicted")
        sub.read_reply(3.0)
        cl.call("SET", "a", "1")
        cl.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
        cl.call("CONFIG", "SET", "maxmemory", "1")
        check("evicted keyspace event", sub.read_reply(3.0),
              b"*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:evicted\r\n$1\r\na\r\n")
        check("stream: the SET", read_stream_entry(stream), ["SELECT", "0"])
        check("stream: SET a", read_stream_entry(stream), ["SET", "a", "1"])
        check("stream: the eviction as DEL", read_stream_entry(stream), ["DEL", "a"])
        check("INFO evicted_keys", cl.info("evicted_keys"), "1")
        check("INFO maxmemory", cl.info("maxmemory"), "1")
        check("INFO maxmemory_human", cl.info("maxmemory_human"), "1B")
        cl.call("CONFIG", "SET", "maxmemory", "0")
        sub.close()
        stream.close()
        cl.close()
    finally:
        srv.cleanup()


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    binary = sys.argv[1]
    reference = sys.argv[2] if len(sys.argv) > 2 else REFERENCE
    test_policies(binary)
    test_events_and_stream(binary)
    if "osprey" in os.path.basename(binary):
        test_stick(binary, reference)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


# ---- 2. STICK -----------------------------------------------------------------------------

def only_sticky_left(cl, sticky):
    """Under allkeys-lru with maxmemory 1 every key but the sticky ones goes."""
    cl.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
    cl.call("CONFIG", "SET", "maxmemory", "1")
    cl.call("GET", "nothing")
    left = sorted(k for k in sticky if cl.int("EXISTS", k) == 1)
    size = cl.int("DBSIZE")
    refused = cl.call("SET", "another", "x")
    cl.call("CONFIG", "SET", "maxmemory", "0")
    return left, size, refused


def test_stick(binary, reference):
    srv = Proc(binary, "--enable-debug-command", "yes").start(free_ports())
    ref = replica = None
    try:
        cl = Client(srv)
        stream, _, _ = attach_stream(srv)
        check("STICK on no key", cl.call("STICK", "none1", "none2"), b":0\r\n")
        cl.call("SET", "s1", "one")
        check("SET ... STICK", cl.call("SET", "s2", "two", "STICK"), b"+OK\r\n")
        check("SET ... STICK GET", cl.call("SET", "s3", "three", "STICK", "GET"), b"$-1\r\n")
        check("STICK counts keys it made sticky", cl.call("STICK", "s1", "s2", "nokey", "s1"), b":1\r\n")
        check("STICK again: nothing new", cl.call("STICK", "s1"), b":0\r\n")
        check("SET ... STICK NX on an existing key", cl.call("SET", "s1", "x", "NX", "STICK"), b"$-1\r\n")
        check("script: SET ... STICK",
              cl.call("EVAL", "return redis.call('SET', 'last-metric', ARGV[1], 'STICK')", "0", "42"),
              b"+OK\r\n")
        check("STICK wrong arity", cl.call("STICK"),
              b"-ERR wrong number of arguments for 'stick' command\r\n")
        check("stream: SET without STICK", read_stream_entry(stream), ["SELECT", "0"])
        check("stream: SET s1", read_stream_entry(stream), ["SET", "s1", "one"])
        check("stream: MULTI around SET ... STICK", read_stream_entry(stream), ["MULTI"])
        check("stream: the SET itself", read_stream_entry(stream), ["SET", "s2", "two"])
        check("stream: the marker", read_stream_entry(stream), ["PING", "osprey-stick:s2"])
        check("stream: EXEC", read_stream_entry(stream), ["EXEC"])
        check("stream: SET ... GET STICK: MULTI", read_stream_entry(stream), ["MULTI"])
        check("stream: SET s3 (no GET, no STICK)", read_stream_entry(stream), ["SET", "s3", "three"])
        check("stream: marker s3", read_stream_entry(stream), ["PING", "osprey-stick:s3"])
        check("stream: EXEC s3", read_stream_entry(stream), ["EXEC"])
        check("stream: STICK s1 as its marker only", read_stream_entry(stream), ["PING", "osprey-stick:s1"])
        check("stream: script MULTI", read_stream_entry(stream), ["MULTI"])
        check("stream: script SET", read_stream_entry(stream), ["SET", "last-metric", "42"])
        check("stream: script marker", read_stream_entry(stream), ["PING", "osprey-stick:last-metric"])
        check("stream: script EXEC", read_stream_entry(stream), ["EXEC"])
        check("stream: nothing else", read_stream_entry(stream), None)
        stream.close()

        sticky = ["last-metric", "s1", "s2", "s3"]
        cl.call("SET", "s1", "one-overwritten")  # overwriting keeps the mark
        populate(cl, "plain", 200)
        left, size, refused = only_sticky_left(cl, sticky)
        check("allkeys-lru pressure: every sticky key stays", left, sticky)
        check("allkeys-lru pressure: nothing else", size, 4)
        check("only sticky keys left: writes get OOM", refused, OOM)
        check("evicted_keys counts the others", cl.info("evicted_keys"), "200")
        check("overwritten sticky key kept its value", cl.call("GET", "s1"), b"$15\r\none-overwritten\r\n")
        cl.call("DEL", "s3")
        cl.call("SET", "s3", "again")  # deleted and created again: not sticky any more
        populate(cl, "plain", 50)
        left, size, _ = only_sticky_left(cl, sticky)
        check("a deleted sticky key comes back plain", (left, size), (["last-metric", "s1", "s2"], 3))

        # DEBUG RELOAD and a restart keep the marks (AUX fields in the RDB).
        cl.call("SET", "s3", "again", "STICK")
        populate(cl, "plain", 50)
        check("DEBUG RELOAD", cl.call("DEBUG", "RELOAD"), b"+OK\r\n")
        left, size, _ = only_sticky_left(cl, sticky)
        check("after DEBUG RELOAD: sticky keys stay", (left, size), (sticky, 4))
        populate(cl, "plain", 50)
        check("SAVE", cl.call("SAVE"), b"+OK\r\n")
        digest = cl.call("DEBUG", "DIGEST")
        cl.close()
        srv.stop()
        srv.start(free_ports())
        cl = Client(srv)
        check("restart: same data", cl.call("DEBUG", "DIGEST"), digest)
        left, size, _ = only_sticky_left(cl, sticky)
        check("after a restart: sticky keys stay", (left, size), (sticky, 4))

        # The real redis-server loads the file (its loader skips the AUX fields).
        populate(cl, "plain", 20)
        cl.call("SAVE")
        digest = cl.call("DEBUG", "DIGEST")
        ref = Proc(reference, "--enable-debug-command", "yes")
        shutil.copy(os.path.join(srv.dir, "dump.rdb"), os.path.join(ref.dir, "dump.rdb"))
        ref.start(free_ports())
        check("real redis-server loads the RDB: same digest", ref.call("DEBUG", "DIGEST"), digest)
        check("real redis-server: DBSIZE", ref.call("DBSIZE"), b":24\r\n")
        ref.cleanup()
        ref = None

        # A real redis-server replica: full sync with the AUX fields, then the live stream.
        replica = Proc(reference, "--enable-debug-command", "yes", "--replicaof", "127.0.0.1",
                       str(srv.port)).start(free_ports())
        check("real replica link up",
              wait_for(lambda: replica.info_field("replication", "master_link_status") == "up"), True)
        cl.call("SET", "r1", "v", "STICK")
        cl.call("STICK", "plain1", "plain2")
        cl.call("EVAL", "redis.call('SET', 'r2', ARGV[1], 'STICK') redis.call('INCR', 'n') return 1", "0", "7")
        cl.call("SET", "after", "1")

        def synced():
            mo = srv.info_field("replication", "master_repl_offset")
            return mo is not None and replica.info_field("replication", "slave_repl_offset") == mo
        check("real replica reaches the master's offset", wait_for(synced), True)
        check("real replica: same digest", replica.call("DEBUG", "DIGEST"), cl.call("DEBUG", "DIGEST"))
        check("real replica: link still up", replica.info_field("replication", "master_link_status"), "up")
        log = open(replica.log).read()
        check("real replica logged no error from the stream", "CRITICAL" in log or "ERR" in log, False)
        cl.close()
    finally:
        if replica:
            replica.cleanup()
        if ref:
            ref.cleanup()
        srv.cleanup()


if __name__ == "__main__":
    sys.exit(main())
