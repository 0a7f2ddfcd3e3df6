#!/usr/bin/env python3
"""The master side of replication, checked against the real redis-server 7.0.15.

usage: test_replication.py <osprey-server or redis-server> [reference redis-server]

1. The replication stream, byte for byte: a client sends SYNC (as the upstream test
   suite's attach_to_replication_stream does) and reads the RDB bulk and then every effect
   of the commands other clients run: SELECT when the db changes, relative expiries made
   absolute, MULTI/EXEC around a script's or a transaction's writes, nothing for reads.
2. A real redis-server 7.0.15 replica (`--replicaof`) of the server under test: full
   synchronisation of every type, the live stream, then a partial resynchronisation after
   the replica drops its link; DEBUG DIGEST equal on both; INFO replication and ROLE.

Ports come from OSPREY_TEST_PORTS (default 7760-7799). Prints `N passed, M failed` last and
exits 1 on any failure.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_busy import Conn, encode, port_free  # noqa: E402  (shared RESP client)

REFERENCE = "/usr/bin/redis-server"
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


def check_match(name, got, pattern):
    global passed, failed
    if got is not None and re.fullmatch(pattern, got, re.S):
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL %s\n     got      %r\n     pattern  %r" % (name, got, pattern))


def free_ports():
    spec = os.environ.get("OSPREY_TEST_PORTS", "7760-7799")
    lo, _, hi = spec.partition("-")
    for p in range(int(lo), int(hi or lo) + 1):
        if port_free(p):
            yield p


class Proc:
    """One server process in its own temp dir."""

    def __init__(self, binary, *args):
        self.binary = os.path.abspath(binary)
        self.args = list(args)
        self.dir = tempfile.mkdtemp(prefix="osprey-repl-")
        self.log = os.path.join(self.dir, "server.log")
        self.proc = None
        self.port = None

    def start(self, ports):
        for port in ports:
            out = open(self.log, "a")
            self.proc = subprocess.Popen([self.binary, "--port", str(port), "--bind", "127.0.0.1",
                                          "--save", "", "--dir", self.dir] + self.args,
                                         stdout=out, stderr=subprocess.STDOUT, cwd=self.dir)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    c = Conn(port)
                    c.send("PING")
                    ok = c.read_exact(7, 1.0) == b"+PONG\r\n"
                    c.close()
                    if ok:
                        self.port = port
                        return self
                except OSError:
                    time.sleep(0.05)
            self.stop()
        raise RuntimeError("could not start " + self.binary)

    def call(self, *args):
        c = Conn(self.port)
        c.send(*args)
        r = c.read_reply(5.0)
        c.close()
        return r

    def info_field(self, section, field):
        raw = self.call("INFO", section) or b""
        m = re.search(rb"^" + field.encode() + rb":(.*)\r$", raw, re.M)
        return m.group(1).decode() if m else None

    def stop(self):
        # SIGTERM first: a sanitizer build checks for leaks only when the server exits
        # normally (make asan); SIGKILL if it does not go within 3 s.
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def bulk_array(*args):
    return encode(*args)


def read_stream_entry(conn):
    """One RESP array of the replication stream, decoded to a list of str (None: nothing)."""
    r = conn.read_reply(2.0)
    if r is None:
        return None
    parts = r.split(b"\r\n")
    n = int(parts[0][1:])
    return [parts[2 + 2 * i].decode() for i in range(n)]


def attach_stream(srv):
    """SYNC as the upstream suite does; returns the connection positioned after the RDB."""
    c = Conn(srv.port)
    c.send("SYNC")
    line = c.read_line(5.0)
    while line == b"\r\n":  # newlines are keepalives
        line = c.read_line(5.0)
    n = int(line[1:-2])
    payload = c.read_exact(n, 5.0)
    return c, line, payload


# ---- 1. The stream ------------------------------------------------------------------------

def test_stream(binary):
    srv = Proc(binary, "--repl-ping-replica-period", "3600").start(free_ports())
    try:
        stream, line, payload = attach_stream(srv)
        check_match("SYNC: bulk length line", line.decode(), r"\$\d+\r\n")
        check("SYNC: payload is an RDB of version 10", payload[:9], b"REDIS0010")
        check("SYNC: payload ends with EOF + checksum", payload[-9:-8], b"\xff")

        c = Conn(srv.port)

        def run(*args):
            c.send(*args)
            return c.read_reply(3.0)

        run("SET", "a", "1")
        check("write in db 0: SELECT then the command", read_stream_entry(stream), ["SELECT", "0"])
        check("write in db 0: SET", read_stream_entry(stream), ["SET", "a", "1"])
        run("GET", "a")
        run("SELECT", "3")
        run("INCR", "counter")
        check("db change: SELECT 3", read_stream_entry(stream), ["SELECT", "3"])
        check("db change: INCR", read_stream_entry(stream), ["INCR", "counter"])
        run("SET", "k", "v", "EX", "100")
        e = read_stream_entry(stream)
        check_match("SET EX becomes SET PXAT", " ".join(e or []), r"SET k v PXAT \d{13}")
        run("EXPIRE", "k", "50")
        e = read_stream_entry(stream)
        check_match("EXPIRE becomes PEXPIREAT", " ".join(e or []), r"PEXPIREAT k \d{13}")
        run("EVAL", "redis.call('set','s1','x') redis.call('del','s1') return 1", "0")
        check("script with two writes: MULTI", read_stream_entry(stream), ["MULTI"])
        check("script: first write", read_stream_entry(stream), ["set", "s1", "x"])
        check("script: second write", read_stream_entry(stream), ["del", "s1"])
        check("script: EXEC", read_stream_entry(stream), ["EXEC"])
        run("MULTI")
        run("LPUSH", "l", "a")
        run("GET", "a")
        run("RPUSH", "l", "b")
        run("EXEC")
        check("transaction: MULTI", read_stream_entry(stream), ["MULTI"])
        check("transaction: LPUSH", read_stream_entry(stream), ["LPUSH", "l", "a"])
        check("transaction: RPUSH (the read is not sent)", read_stream_entry(stream), ["RPUSH", "l", "b"])
        check("transaction: EXEC", read_stream_entry(stream), ["EXEC"])
        run("DEL", "nosuchkey")
        run("SET", "px", "1", "PX", "1")
        e = read_stream_entry(stream)
        check_match("SET PX 1", " ".join(e or []), r"SET px 1 PXAT \d{13}")
        time.sleep(0.05)
        check("lazy expiry of px: nothing yet", run("GET", "px"), b"$-1\r\n")
        check("expired key read: DEL sent", read_stream_entry(stream), ["DEL", "px"])
        run("SELECT", "0")
        run("HSET", "h", "f", "v")
        check("back to db 0: SELECT 0", read_stream_entry(stream), ["SELECT", "0"])
        check("back to db 0: HSET", read_stream_entry(stream), ["HSET", "h", "f", "v"])
        # Streams: effects as Redis rewrites them.
        run("XADD", "st", "*", "f", "v")
        e = read_stream_entry(stream)
        check_match("XADD * carries the generated ID", " ".join(e or []), r"XADD st \d{13}-0 f v")
        run("XADD", "st", "MAXLEN", "~", "1", "*", "f", "v")
        e = read_stream_entry(stream)
        check_match("XADD MAXLEN ~ becomes = with the length reached", " ".join(e or []),
                    r"XADD st MAXLEN = 2 \d{13}-\d+ f v")
        run("XGROUP", "CREATE", "st", "g", "0")
        check("XGROUP CREATE as sent", read_stream_entry(stream), ["XGROUP", "CREATE", "st", "g", "0"])
        run("XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "st", ">")
        e = read_stream_entry(stream)
        check_match("XREADGROUP becomes XCLAIM ... FORCE JUSTID LASTID", " ".join(e or []),
                    r"XCLAIM st g alice 0 \d{13}-0 TIME \d{13} RETRYCOUNT 1 FORCE JUSTID LASTID \d{13}-0")
        run("XREADGROUP", "GROUP", "g", "bob", "NOACK", "STREAMS", "st", ">")
        check("NOACK read by a new consumer: MULTI", read_stream_entry(stream), ["MULTI"])
        check("NOACK read: XGROUP CREATECONSUMER", read_stream_entry(stream),
              ["XGROUP", "CREATECONSUMER", "st", "g", "bob"])
        e = read_stream_entry(stream)
        check_match("NOACK read: XGROUP SETID ... ENTRIESREAD", " ".join(e or []),
                    r"XGROUP SETID st g \d{13}-\d+ ENTRIESREAD 2")
        check("NOACK read: EXEC", read_stream_entry(stream), ["EXEC"])
        run("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "st", ">")
        run("XPENDING", "st", "g")
        check("nothing else was sent", read_stream_entry(stream), None)
        c.close()
        stream.close()
    finally:
        srv.cleanup()


# ---- 2. A real replica ---------------------------------------------------------------------

def fill(srv, prefix):
    c = Conn(srv.port)
    cmds = [
        ("SET", prefix + "str", "hello"), ("SET", prefix + "int", "12345"),
        ("SET", prefix + "big", "x" * 5000), ("SET", prefix + "ttl", "v", "EX", "1000"),
        ("RPUSH", prefix + "list", "a", "b", "c", "1", "2"),
        ("HSET", prefix + "hash", "f1", "v1", "f2", "2"),
        ("SADD", prefix + "iset", "1", "2", "3"), ("SADD", prefix + "set", "a", "b"),
        ("ZADD", prefix + "zset", "1.5", "a", "-2", "b"),
        ("SELECT", "5"), ("SET", prefix + "in5", "five"), ("SELECT", "0"),
    ]
    for cmd in cmds:
        c.send(*cmd)
        c.read_reply(3.0)
    c.send("EVAL", "for i=1,300 do redis.call('hset', KEYS[1], 'f'..i, i) "
           "redis.call('zadd', KEYS[2], i, 'm'..i) redis.call('sadd', KEYS[3], 'e'..i) "
           "redis.call('rpush', KEYS[4], i) end return 1", "4",
           prefix + "bighash", prefix + "bigzset", prefix + "bigset", prefix + "biglist")
    c.read_reply(5.0)
    c.close()


def wait_for(cond, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return False


def test_real_replica(binary, reference):
    master = Proc(binary, "--enable-debug-command", "yes").start(free_ports())
    replica = None
    try:
        fill(master, "before:")
        replica = Proc(reference, "--enable-debug-command", "yes", "--replicaof", "127.0.0.1",
                       str(master.port)).start(free_ports())
        up = wait_for(lambda: replica.info_field("replication", "master_link_status") == "up")
        check("replica link comes up", up, True)
        fill(master, "after:")
        # Streams: consumer group effects reach the replica as XCLAIM / XGROUP SETID.
        replica.call("CONFIG", "SET", "stream-node-max-entries", "5")
        c = Conn(master.port)
        for cmd in [("CONFIG", "SET", "stream-node-max-entries", "5")] + \
                [("XADD", "xs", "%d-1" % i, "f", str(i)) for i in range(1, 40)] + [
                ("XADD", "xs", "MAXLEN", "~", "30", "*", "f", "last"),
                ("XGROUP", "CREATE", "xs", "g1", "0"), ("XGROUP", "CREATE", "xs", "g2", "$"),
                ("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "4", "STREAMS", "xs", ">"),
                ("XREADGROUP", "GROUP", "g1", "bob", "NOACK", "COUNT", "3", "STREAMS", "xs", ">"),
                ("XREADGROUP", "GROUP", "g1", "carol", "COUNT", "3", "STREAMS", "xs", ">"),
                ("XDEL", "xs", "12-1"), ("XACK", "xs", "g1", "14-1"),
                ("XCLAIM", "xs", "g1", "dave", "0", "11-1", "12-1"),
                ("XAUTOCLAIM", "xs", "g1", "erin", "0", "0", "COUNT", "2"),
                ("XGROUP", "CREATECONSUMER", "xs", "g2", "zed"),
                ("XGROUP", "DELCONSUMER", "xs", "g1", "carol"),
                ("XTRIM", "xs", "MINID", "~", "20"), ("XGROUP", "SETID", "xs", "g2", "25-1"),
                ("XSETID", "xs", "99999999999999-5")]:
            c.send(*cmd)
            c.read_reply(3.0)
        c.close()

        def synced():
            mo = master.info_field("replication", "master_repl_offset")
            return mo is not None and replica.info_field("replication", "slave_repl_offset") == mo
        check("replica reaches the master's offset", wait_for(synced), True)
        check("DEBUG DIGEST equal on master and replica", replica.call("DEBUG", "DIGEST"),
              master.call("DEBUG", "DIGEST"))
        # (Not XINFO GROUPS: entries-read differs on a real Redis replica too, since the
        # XCLAIM ... LASTID that carries a read moves the group's last ID but not its counter.)
        for cmd in (("XINFO", "STREAM", "xs"), ("XPENDING", "xs", "g1"), ("XPENDING", "xs", "g2"),
                    ("XRANGE", "xs", "-", "+")):
            check("stream replicated: " + " ".join(cmd), replica.call(*cmd), master.call(*cmd))
        check("db 5 replicated", replica.call("SELECT", "5") is not None and
              Conn_get(replica, 5, "after:in5"), b"$4\r\nfive\r\n")

        check("INFO connected_slaves", master.info_field("replication", "connected_slaves"), "1")
        check_match("INFO slave0 line", master.info_field("replication", "slave0"),
                    r"ip=127\.0\.0\.1,port=%d,state=online,offset=\d+,lag=\d+" % replica.port)
        check("INFO repl_backlog_active", master.info_field("replication", "repl_backlog_active"), "1")
        role = master.call("ROLE") or b""
        check_match("ROLE lists the replica", role.decode(),
                    r"\*3\r\n\$6\r\nmaster\r\n:\d+\r\n\*1\r\n\*3\r\n\$9\r\n127\.0\.0\.1\r\n\$%d\r\n%d\r\n\$\d+\r\n\d+\r\n"
                    % (len(str(replica.port)), replica.port))

        # Partial resynchronisation: the replica drops its link and comes back.
        replica.call("CLIENT", "KILL", "TYPE", "MASTER")
        master.call("SET", "during", "gap")
        check("replica resyncs after the link drop", wait_for(synced), True)
        log = open(replica.log).read()
        check("the resync was partial (replica log)",
              "Master accepted a Partial Resynchronization" in log, True)
        check("write during the gap arrived", Conn_get(replica, 0, "during"), b"$3\r\ngap\r\n")
        check("DEBUG DIGEST still equal", replica.call("DEBUG", "DIGEST"), master.call("DEBUG", "DIGEST"))
        master.call("FLUSHALL")
        check("FLUSHALL replicated", wait_for(synced) and replica.call("DBSIZE") == b":0\r\n", True)
    finally:
        if replica:
            replica.cleanup()
        master.cleanup()


def Conn_get(srv, db, key):
    c = Conn(srv.port)
    c.send("SELECT", str(db))
    c.read_reply(3.0)
    c.send("GET", key)
    r = c.read_reply(3.0)
    c.close()
    return r


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    binary = sys.argv[1]
    reference = sys.argv[2] if len(sys.argv) > 2 else REFERENCE
    test_stream(binary)
    test_real_replica(binary, reference)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
