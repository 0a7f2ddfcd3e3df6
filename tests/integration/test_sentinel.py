#!/usr/bin/env python3
"""osprey-sentinel among real redis-sentinels, failing real redis-servers over.

usage: test_sentinel.py <osprey-sentinel> [reference redis-sentinel] [redis-server]

1. Exact replies: the same requests to osprey-sentinel and to the real redis-sentinel
   7.0.15 (errors, SENTINEL subcommands, PING, HELLO, PUBLISH ...) must give the same bytes;
   so must ACL (every subcommand, sentinel.conf `user` lines and their rewrite, AUTH / HELLO
   AUTH, NOPERM, the ACL LOG), CLIENT TRACKING and COMMAND (COUNT, LIST, DOCS, INFO).
2. A mixed deployment: a real redis-server master with two real replicas, watched by one
   osprey-sentinel and two real redis-sentinels (quorum 2, down-after 2000 ms). Every
   sentinel discovers the others and the replicas (hello messages both ways). The master is
   killed: all three must agree on the same new master and the same config epoch, the
   osprey-sentinel publishes +sdown, (+odown when it gets there first) and +switch-master with Redis's payloads, its
   rewritten config names the new master, the epoch and the other sentinels, and the other
   replica follows the new master. Then the new master is killed too: a second failover,
   epoch 2, agreed again.
3. busy-down-after-milliseconds (beyond Redis): a master running a 5 s script (past
   lua-time-limit, so it answers -BUSY) is not failed over when the limit is above the
   script's duration (+busy / -busy, no +sdown, the script's writes kept), is failed over
   when the option is off, and a killed master is still failed over after
   down-after-milliseconds.

Ports come from OSPREY_TEST_PORTS (default 7800-7839). Prints `N passed, M failed` last and
exits 1 on any failure.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_busy import Conn, port_free  # noqa: E402  (shared RESP client)

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


def free_ports():
    spec = os.environ.get("OSPREY_TEST_PORTS", "7800-7839")
    lo, _, hi = spec.partition("-")
    for p in range(int(lo), int(hi or lo) + 1):
        if port_free(p):
            yield p


PORTS = None


def next_port():
    return next(PORTS)


def call(port, *args, timeout=5.0):
    c = Conn(port)
    c.send(*args)
    r = c.read_reply(timeout)
    c.close()
    return r


def parse(raw):
    """A RESP2 reply as Python values (bulk/status -> str, arrays -> lists)."""
    pos = 0

    def one():
        nonlocal pos
        end = raw.index(b"\r\n", pos)
        line = raw[pos:end]
        pos = end + 2
        t, body = line[:1], line[1:]
        if t in (b"+", b"-"):
            return body.decode()
        if t == b":":
            return int(body)
        if t == b"$":
            n = int(body)
            if n < 0:
                return None
            s = raw[pos:pos + n].decode()
            pos += n + 2
            return s
        if t == b"*":
            n = int(body)
            return None if n < 0 else [one() for _ in range(n)]
        raise ValueError(line)
    return one()


def as_dict(lst):
    return dict(zip(lst[0::2], lst[1::2]))


class Proc:
    def __init__(self, argv, workdir, log):
        self.argv = argv
        self.dir = workdir
        self.log = log
        self.proc = None

    def start(self, port):
        out = open(self.log, "a")
        self.proc = subprocess.Popen(self.argv, stdout=out, stderr=subprocess.STDOUT, cwd=self.dir)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                if call(port, "PING", timeout=1.0) == b"+PONG\r\n":
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("could not start %s" % " ".join(self.argv))

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def start_server(binary, base, port, *extra):
    d = os.path.join(base, "redis-%d" % port)
    os.makedirs(d, exist_ok=True)
    p = Proc([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", d] + list(extra),
             d, os.path.join(d, "log.txt"))
    return p.start(port)


def start_sentinel(binary, base, port, master_port, extra_lines=(), quorum=2):
    d = os.path.join(base, "sentinel-%d" % port)
    os.makedirs(d)
    conf = os.path.join(d, "sentinel.conf")
    with open(conf, "w") as f:
        f.write("port %d\nbind 127.0.0.1\ndir %s\nlogfile log.txt\n" % (port, d))
        f.write("sentinel monitor mymaster 127.0.0.1 %d %d\n" % (master_port, quorum))
        f.write("sentinel down-after-milliseconds mymaster 2000\n")
        f.write("sentinel failover-timeout mymaster 10000\n")
        for line in extra_lines:
            f.write(line + "\n")
    p = Proc([binary, conf], d, os.path.join(d, "stdout.txt"))
    p.conf = conf
    p.port = port
    return p.start(port)


def wait_for(cond, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if cond():
                return True
        except (OSError, ValueError, TypeError, KeyError):
            pass
        time.sleep(0.2)
    return False


# ---- 1. Exact replies against the real redis-sentinel ----------------------------------

SAME_REPLIES = [
    ("PING",), ("PING", "hello"), ("PING", "a", "b"), ("GET", "k"), ("SENTINEL",),
    ("SENTINEL", "foo"), ("SENTINEL", "masters", "x"), ("SENTINEL", "master", "nope"),
    ("SENTINEL", "replicas", "nope"), ("SENTINEL", "sentinels", "nope"),
    ("SENTINEL", "get-master-addr-by-name", "nope"), ("SENTINEL", "monitor"),
    ("SENTINEL", "monitor", "m2", "127.0.0.1", "abc", "2"), ("SENTINEL", "monitor", "m2", "127.0.0.1", "70000", "2"),
    ("SENTINEL", "monitor", "m2", "127.0.0.1", "6379", "x"), ("SENTINEL", "monitor", "m2", "127.0.0.1", "6379", "0"),
    ("SENTINEL", "monitor", "m2", "localhost", "6379", "2"), ("SENTINEL", "monitor", "mymaster", "127.0.0.1", "6379", "2"),
    ("SENTINEL", "set", "mymaster", "foo", "1"), ("SENTINEL", "set", "mymaster", "quorum", "0"),
    ("SENTINEL", "set", "nope", "quorum", "1"), ("SENTINEL", "set", "mymaster", "quorum"),
    ("SENTINEL", "set", "mymaster", "down-after-milliseconds", "-1"),
    ("SENTINEL", "set", "mymaster", "notification-script", "/bin/true"),
    ("SENTINEL", "debug", "foo", "1"), ("SENTINEL", "debug", "ping-period", "0"), ("SENTINEL", "debug", "ping-period"),
    ("SENTINEL", "simulate-failure", "help"), ("SENTINEL", "simulate-failure", "foo"),
    ("SENTINEL", "is-master-down-by-addr", "127.0.0.1", "x", "0", "*"),
    ("SENTINEL", "is-master-down-by-addr", "127.0.0.1", "1", "0", "*"),
    ("SENTINEL", "remove", "nope"), ("SENTINEL", "failover", "nope"), ("SENTINEL", "ckquorum", "nope"),
    ("SENTINEL", "config", "get", "resolve-hostnames"), ("SENTINEL", "config", "get", "*"),
    ("SENTINEL", "config", "foo", "x"), ("SENTINEL", "config", "set", "foo", "bar"),
    ("SENTINEL", "config", "set", "announce-port", "abc"), ("SENTINEL", "info-cache", "nope"),
    ("SENTINEL", "pending-scripts"), ("SENTINEL", "help"), ("SENTINEL", "reset", "nomatch*"),
    ("PUBLISH", "a", "b"), ("HELLO", "4"), ("HELLO", "x"), ("AUTH", "x"), ("SHUTDOWN", "foo"),
    ("CLIENT", "foo"), ("CLIENT", "kill", "1.2.3.4:5"), ("CLIENT", "getname"), ("SUBSCRIBE",),
    ("CLIENT", "getredir"), ("CLIENT", "no-evict", "x"), ("CLIENT", "no-evict", "on"), ("CLIENT", "unblock", "5"),
    ("CLIENT", "unblock", "x"), ("CLIENT", "unblock", "5", "foo"), ("CLIENT", "trackinginfo"),
    ("CLIENT", "caching", "yes"), ("CLIENT", "reply", "foo"), ("CLIENT", "pause", "x"),
    ("CLIENT", "pause", "10", "foo"), ("CLIENT", "pause", "1"), ("CLIENT", "unpause"),
]


def test_same_replies(osprey, reference, server, base):
    mport = next_port()
    master = start_server(server, base, mport)
    ours = start_sentinel(osprey, base, next_port(), mport)
    theirs = start_sentinel(reference, base, next_port(), mport)
    try:
        for req in SAME_REPLIES:
            check("same reply: " + " ".join(req), call(ours.port, *req), call(theirs.port, *req))
        # RESP3: maps, nulls and pushes as Redis sends them (HELLO's own reply carries the
        # client id, so only what follows it is compared; one channel, as Redis unsubscribes
        # several in its hash table's random order).
        conns = [Conn(ours.port), Conn(theirs.port)]
        for c in conns:
            c.send("HELLO", "3")
            c.read_reply()
        for req in [("SENTINEL", "debug"), ("SENTINEL", "config", "get", "*"),
                    ("SENTINEL", "get-master-addr-by-name", "nope"), ("SENTINEL", "simulate-failure", "help"),
                    ("SENTINEL", "is-master-down-by-addr", "127.0.0.1", "1", "0", "*"), ("PING",),
                    ("SUBSCRIBE", "a"), ("PING", "x"), ("UNSUBSCRIBE",)]:
            got = []
            for c in conns:
                c.send(*req)
                got.append(b"".join(filter(None, [c.read_reply(2.0) for _ in range(
                    1)])))
            check("same RESP3 reply: " + " ".join(req), got[0], got[1])
        for c in conns:
            c.close()
        # ROLE and INFO sentinel name the monitored master the same way.
        check("ROLE", call(ours.port, "ROLE"), call(theirs.port, "ROLE"))
        ok = wait_for(lambda: call(ours.port, "INFO", "sentinel") == call(theirs.port, "INFO", "sentinel"), 5)
        check("INFO sentinel", ok, True)
    finally:
        for p in (ours, theirs, master):
            p.kill()


# ---- 1b. ACL: the same replies as the real redis-sentinel --------------------------------

ACL_REPLIES = [
    ("COMMAND", "COUNT"), ("COMMAND", "LIST"), ("COMMAND",), ("COMMAND", "DOCS"),
    ("COMMAND", "DOCS", "acl", "sentinel|masters", "nosuch"), ("COMMAND", "INFO", "acl", "client|tracking"),
    ("COMMAND", "GETKEYS", "ping", "x"), ("COMMAND", "GETKEYS", "nosuch", "x"), ("COMMAND", "GETKEYSANDFLAGS", "ping"),
    ("ACL",), ("ACL", "foo"), ("ACL", "HELP"), ("ACL", "CAT"), ("ACL", "CAT", "nosuch"), ("ACL", "CAT", "a", "b"),
    ("ACL", "SETUSER", "x", "+get"), ("ACL", "SETUSER", "x y"), ("ACL", "SETUSER", "x", "(+ping"),
    ("ACL", "SETUSER", "alice", "on", ">pw", "-@all", "+ping", "+sentinel|get-master-addr-by-name", "&news"),
    ("ACL", "SETUSER", "carol", "on", "nopass", "+@all", "~*", "(+ping &x)"),
    ("ACL", "LIST"), ("ACL", "USERS"), ("ACL", "GETUSER", "alice"), ("ACL", "GETUSER", "carol"),
    ("ACL", "GETUSER", "nosuch"), ("ACL", "WHOAMI"),
    ("ACL", "DRYRUN", "alice", "ping"), ("ACL", "DRYRUN", "alice", "info"), ("ACL", "DRYRUN", "alice", "get", "k"),
    ("ACL", "DRYRUN", "alice", "publish", "news", "x"), ("ACL", "DRYRUN", "alice", "publish", "other", "x"),
    ("ACL", "DRYRUN", "alice", "sentinel", "masters"), ("ACL", "DRYRUN", "alice", "publish"),
    ("ACL", "DRYRUN", "nosuch", "ping"), ("ACL", "SAVE"), ("ACL", "LOAD"), ("ACL", "DELUSER", "default"),
    ("ACL", "GENPASS", "0"), ("ACL", "GENPASS", "x"), ("ACL", "LOG", "x"), ("ACL", "LOG", "RESET"),
    ("CLIENT", "KILL", "USER", "nosuch"), ("CLIENT", "TRACKING", "maybe"), ("CLIENT", "TRACKING", "on", "prefix", "a"),
    ("CLIENT", "TRACKING", "on", "optin", "optout"), ("CLIENT", "TRACKING", "on", "bcast", "optin"),
    ("CLIENT", "TRACKING", "on", "redirect", "999999"), ("CLIENT", "TRACKING", "off"),
]

# One connection each: the session of a restricted user (NOPERM texts, AUTH failures).
ACL_SESSION = [
    ("AUTH", "alice", "wrong"), ("AUTH", "nosuch", "pw"), ("AUTH", "pw"), ("AUTH", "alice", "pw"), ("PING",),
    ("SENTINEL", "get-master-addr-by-name", "nope"), ("SENTINEL", "masters"), ("INFO",), ("PUBLISH", "news", "x"),
    ("PUBLISH", "other", "x"), ("SUBSCRIBE", "news"), ("ACL", "WHOAMI"), ("CLIENT", "ID"), ("HELLO", "2", "AUTH", "alice", "bad"),
    ("AUTH", "carol", "any"), ("ACL", "WHOAMI"), ("CLIENT", "TRACKING", "on", "bcast", "prefix", "a", "prefix", "b"),
    ("CLIENT", "TRACKINGINFO"), ("CLIENT", "GETREDIR"), ("CLIENT", "TRACKING", "on"),
    ("CLIENT", "TRACKING", "off"), ("CLIENT", "CACHING", "yes"), ("CLIENT", "TRACKING", "on", "optin", "noloop"),
    ("CLIENT", "CACHING", "no"), ("CLIENT", "CACHING", "maybe"), ("CLIENT", "CACHING", "yes"), ("CLIENT", "TRACKINGINFO"),
    ("CLIENT", "TRACKINGINFO"), ("CLIENT", "TRACKING", "on", "optout"), ("CLIENT", "TRACKING", "off"),
    ("CLIENT", "TRACKING", "on", "optout"), ("CLIENT", "CACHING", "no"), ("CLIENT", "CACHING", "yes"),
    ("CLIENT", "TRACKINGINFO"),
]


# Redis walks its command dict (seeded at random per process) for these: the order of
# commands, subcommands and of the rules of ACL LIST differs between two real sentinels too.
# They are compared as multisets of their words (RESP lines split on spaces).
ANY_ORDER = {("COMMAND", "LIST"), ("COMMAND",), ("COMMAND", "DOCS"), ("COMMAND", "INFO", "acl", "client|tracking"),
             ("COMMAND", "DOCS", "acl", "sentinel|masters", "nosuch"), ("ACL", "LIST"), ("ACL", "GETUSER", "alice"),
             ("ACL", "GETUSER", "carol"), ("COMMAND", "DOCS", "auth", "client"), ("COMMAND", "INFO", "acl")}


def words(raw):
    return sorted(raw.replace(b"\r\n", b" ").split(b" ")) if raw else raw


def same(req, got, expected):
    if req in ANY_ORDER or (req[:2] == ("ACL", "CAT") and len(req) == 3):
        return words(got), words(expected)
    return got, expected


def acl_log_view(port):
    """ACL LOG without its timings and client ids: count, reason, context, object, username."""
    return [[e[k] for k in ("count", "reason", "context", "object", "username")]
            for e in map(as_dict, parse(call(port, "ACL", "LOG")))]


def user_lines(path):
    with open(path) as f:
        return [l.rstrip("\n") for l in f if l.startswith("user ")]


def test_acl_replies(osprey, reference, server, base):
    mport = next_port()
    master = start_server(server, base, mport)
    extra = ["user bob on >bobpw ~* &* +@all -acl"]
    ours = start_sentinel(osprey, base, next_port(), mport, extra_lines=extra)
    theirs = start_sentinel(reference, base, next_port(), mport, extra_lines=extra)
    try:
        for req in ACL_REPLIES:
            check("same ACL reply: " + " ".join(req), *same(req, call(ours.port, *req), call(theirs.port, *req)))
        for cat in parse(call(theirs.port, "ACL", "CAT")):
            req = ("ACL", "CAT", cat)
            check("same ACL CAT " + cat, *same(req, call(ours.port, *req), call(theirs.port, *req)))
        conns = [Conn(ours.port), Conn(theirs.port)]
        for req in ACL_SESSION:
            got = []
            for c in conns:
                c.send(*req)
                got.append(c.read_reply(2.0))
            if req == ("CLIENT", "ID"):
                continue
            check("same ACL session reply: " + " ".join(req), got[0], got[1])
        for c in conns:
            c.close()
        check("ACL LOG entries", acl_log_view(ours.port), acl_log_view(theirs.port))
        # RESP3 forms of the map / set replies.
        conns = [Conn(ours.port), Conn(theirs.port)]
        for c in conns:
            c.send("HELLO", "3")
            c.read_reply()
        for req in [("ACL", "GETUSER", "carol"), ("ACL", "CAT"), ("COMMAND", "DOCS", "auth", "client"),
                    ("COMMAND", "INFO", "acl"), ("ACL", "LIST")]:
            got = []
            for c in conns:
                c.send(*req)
                got.append(c.read_reply(2.0))
            check("same RESP3 ACL reply: " + " ".join(req), *same(req, got[0], got[1]))
        for c in conns:
            c.close()
        # The config file's user line (from sentinel.conf) logs in; users are rewritten into
        # sentinel.conf as Redis rewrites them.
        for p in (ours, theirs):
            call(p.port, "SENTINEL", "FLUSHCONFIG")
        check("AUTH with a sentinel.conf user", call(ours.port, "AUTH", "bob", "bobpw"), b"+OK\r\n")
        check("user lines rewritten", [sorted(l.split()) for l in user_lines(ours.conf)],
              [sorted(l.split()) for l in user_lines(theirs.conf)])
        check("user lines present", len(user_lines(ours.conf)), 4)
        # The default user switched off: new connections must log in; CLIENT KILL USER.
        for p in (ours, theirs):
            c = Conn(p.port)
            c.send("ACL", "SETUSER", "default", "off")
            c.read_reply()
            c.send("CLIENT", "KILL", "USER", "default", "SKIPME", "no")
            c.read_reply()
            c.close()
        for req in [("PING",), ("AUTH", "default", "x"), ("HELLO", "3"), ("ACL", "WHOAMI")]:
            check("same reply with default off: " + " ".join(req), call(ours.port, *req), call(theirs.port, *req))
        for p in (ours, theirs):
            c = Conn(p.port)
            c.send("AUTH", "carol", "x")
            c.read_reply()
            c.send("ACL", "SETUSER", "default", "on")
            c.read_reply()
            c.close()
        check("default user back on", call(ours.port, "PING"), b"+PONG\r\n")
        check("ACL DELUSER", call(ours.port, "ACL", "DELUSER", "alice", "carol", "nosuch"), b":2\r\n")
    finally:
        for p in (ours, theirs, master):
            p.kill()


# ---- 2. Mixed deployment failover --------------------------------------------------------

def sentinel_view(port):
    m = as_dict(parse(call(port, "SENTINEL", "MASTER", "mymaster")))
    addr = parse(call(port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"))
    return m, int(addr[1])


def read_events(conn, until, timeout):
    """Pub/Sub pmessage events (channel, payload) until `until` is seen or the time is up."""
    events = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        raw = conn.read_reply(max(0.1, deadline - time.monotonic()))
        if raw is None:
            continue
        msg = parse(raw)
        if isinstance(msg, list) and msg and msg[0] == "pmessage":
            events.append((msg[2], msg[3]))
            if msg[2] == until:
                break
    return events


def test_mixed_failover(osprey, reference, server, base):
    mport = next_port()
    rports = [next_port(), next_port()]
    servers = {mport: start_server(server, base, mport)}
    for p in rports:
        servers[p] = start_server(server, base, p, "--replicaof", "127.0.0.1", str(mport))
    ours = start_sentinel(osprey, base, next_port(), mport)
    real = [start_sentinel(reference, base, next_port(), mport) for _ in range(2)]
    sentinels = [ours] + real
    try:
        for s in sentinels:
            ok = wait_for(lambda: sentinel_view(s.port)[0]["num-other-sentinels"] == "2" and
                          sentinel_view(s.port)[0]["num-slaves"] == "2", 20)
            check("sentinel %d discovered 2 sentinels and 2 replicas" % s.port, ok, True)
        check("CKQUORUM on osprey-sentinel", call(ours.port, "SENTINEL", "CKQUORUM", "mymaster"),
              b"+OK 3 usable Sentinels. Quorum and failover authorization can be reached\r\n")
        myid = parse(call(ours.port, "SENTINEL", "MYID"))
        check("osprey-sentinel's id is known to the real ones",
              all(any(s["runid"] == myid for s in map(as_dict, parse(call(r.port, "SENTINEL", "SENTINELS", "mymaster"))))
                  for r in real), True)

        for round_no, epoch in ((1, 1), (2, 2)):
            sub = Conn(ours.port)
            sub.send("PSUBSCRIBE", "*")
            sub.read_reply()
            old = parse(call(ours.port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"))
            old_port = int(old[1])
            servers[old_port].kill()
            events = read_events(sub, "+switch-master", 40)
            sub.close()
            names = [e[0] for e in events]
            # +odown is not required: when the real sentinels finish the failover before ours
            # has heard their is-master-down replies, ours never reaches ODOWN (Redis's own
            # sentinels behave the same). When it is published, its payload must be Redis's.
            for ev in ("+sdown", "+new-epoch", "+switch-master"):
                check("round %d: osprey-sentinel published %s" % (round_no, ev), ev in names, True)
            sdown = [p for c, p in events if c == "+sdown"]
            check("round %d: +sdown payload" % round_no, sdown[:1],
                  ["master mymaster 127.0.0.1 %d" % old_port])
            odown = [p for c, p in events if c == "+odown"]
            check("round %d: +odown payload" % round_no,
                  all(re.fullmatch(r"master mymaster 127\.0\.0\.1 %d #quorum [23]/2" % old_port, p)
                      is not None for p in odown[:1]), True)
            switch = [p for c, p in events if c == "+switch-master"]
            new_port = int(switch[0].split()[-1]) if switch else -1
            check("round %d: +switch-master payload" % round_no, switch[:1],
                  ["mymaster 127.0.0.1 %d 127.0.0.1 %d" % (old_port, new_port)])
            check("round %d: new master is a former replica" % round_no,
                  new_port in servers and new_port != old_port, True)
            agreed = wait_for(lambda: all(sentinel_view(s.port)[1] == new_port and
                                          sentinel_view(s.port)[0]["config-epoch"] == str(epoch)
                                          for s in sentinels), 20)
            check("round %d: all sentinels agree on master %d, config-epoch %d" % (round_no, new_port, epoch),
                  agreed, True)
            check("round %d: new master's ROLE" % round_no, parse(call(new_port, "ROLE"))[0], "master")
            conf = open(ours.conf).read()
            check("round %d: config rewritten with the new master" % round_no,
                  "sentinel monitor mymaster 127.0.0.1 %d 2" % new_port in conf, True)
            check("round %d: config current-epoch" % round_no, "sentinel current-epoch %d" % epoch in conf, True)
            check("round %d: config names both real sentinels" % round_no,
                  conf.count("sentinel known-sentinel mymaster 127.0.0.1 ") == 2, True)
            if round_no == 1:
                other = [p for p in rports if p != new_port][0]
                ok = wait_for(lambda: parse(call(other, "ROLE"))[1:3] == ["127.0.0.1", new_port] and
                              parse(call(other, "ROLE"))[3] == "connected", 20)
                check("round 1: the other replica follows the new master", ok, True)
                # The old master comes back: it is turned into a replica of the new one.
                servers[old_port] = start_server(server, base, old_port)
                ok = wait_for(lambda: parse(call(old_port, "ROLE"))[1:3] == ["127.0.0.1", new_port], 30)
                check("round 1: restarted old master reconfigured as a replica", ok, True)
    finally:
        for p in sentinels + list(servers.values()):
            p.kill()


# ---- 3. busy-down-after-milliseconds --------------------------------------------------------

# Writes a key, then spins ~5 s by the server clock: past lua-time-limit every client (and
# the sentinel's PING) gets -BUSY, and SCRIPT KILL is refused (the script wrote).
BUSY_SCRIPT = ("redis.call('set','written','yes') "
               "local function now() local t = redis.call('time') "
               "return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) end "
               "local s = now() while now() - s < 5000 do end return 'done'")


def busy_round(osprey, server, base, busy_ms):
    mport, rport = next_port(), next_port()
    master = start_server(server, base, mport, "--lua-time-limit", "500")
    replica = start_server(server, base, rport, "--replicaof", "127.0.0.1", str(mport))
    extra = ["sentinel busy-down-after-milliseconds mymaster %d" % busy_ms] if busy_ms else []
    s = start_sentinel(osprey, base, next_port(), mport, extra, quorum=1)
    try:
        ok = wait_for(lambda: sentinel_view(s.port)[0]["num-slaves"] == "1" and
                      parse(call(rport, "ROLE"))[3] == "connected", 20)
        check("busy %d: replica discovered and in sync" % busy_ms, ok, True)
        sub = Conn(s.port)
        sub.send("PSUBSCRIBE", "*")
        sub.read_reply()
        script = Conn(mport)
        script.send("EVAL", BUSY_SCRIPT, "0")
        events = read_events(sub, "+switch-master", 9)
        done = script.read_reply(10)
        script.close()
        names = [e[0] for e in events]
        return s, sub, master, replica, mport, rport, names, done
    except Exception:
        for p in (s, master, replica):
            p.kill()
        raise


def test_busy_down_after(osprey, server, base):
    # On: the script outlasts down-after-milliseconds (2 s) but not the busy limit (10 s).
    s, sub, master, replica, mport, rport, names, done = busy_round(osprey, server, base, 10000)
    try:
        check("busy on: script finished", done, b"$4\r\ndone\r\n")
        check("busy on: +busy published", "+busy" in names, True)
        check("busy on: -busy published", "-busy" in names, True)
        check("busy on: no +sdown", "+sdown" in names, False)
        check("busy on: no failover", "+switch-master" in names, False)
        check("busy on: master unchanged",
              parse(call(s.port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")), ["127.0.0.1", str(mport)])
        check("busy on: the script's write is kept", call(mport, "GET", "written"), b"$3\r\nyes\r\n")
        check("busy on: SENTINEL MASTER shows the limit",
              as_dict(parse(call(s.port, "SENTINEL", "MASTER", "mymaster"))).get("busy-down-after-milliseconds"),
              "10000")
        # A master that dies is still failed over after down-after-milliseconds.
        start = time.monotonic()
        master.kill()
        events = read_events(sub, "+switch-master", 30)
        names = [e[0] for e in events]
        check("busy on: killed master goes +sdown", "+sdown" in names, True)
        check("busy on: killed master failed over", "+switch-master" in names, True)
        check("busy on: failover within down-after + 10 s", time.monotonic() - start < 12.5, True)
    finally:
        sub.close()
        for p in (s, master, replica):
            p.kill()
    # Off (Redis's behaviour): the busy master is SDOWN after 2 s and failed over.
    s, sub, master, replica, mport, rport, names, done = busy_round(osprey, server, base, 0)
    try:
        check("busy off: +sdown while the script runs", "+sdown" in names, True)
        check("busy off: failed over to the replica", "+switch-master" in names, True)
        check("busy off: no +busy event", "+busy" in names, False)
        ok = wait_for(lambda: parse(call(mport, "ROLE"))[0] == "slave", 20)
        check("busy off: old master turned into a replica", ok, True)
        ok = wait_for(lambda: call(mport, "GET", "written") == b"$-1\r\n", 20)
        check("busy off: the script's write is lost", ok, True)
    finally:
        sub.close()
        for p in (s, master, replica):
            p.kill()


def main():
    global PORTS
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    osprey = os.path.abspath(sys.argv[1])
    # Absolute: every process starts in its own temp dir.
    reference = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else "/usr/bin/redis-sentinel"
    server = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else "/usr/bin/redis-server"
    PORTS = free_ports()
    base = tempfile.mkdtemp(prefix="osprey-sentinel-")
    try:
        test_same_replies(osprey, reference, server, base)
        test_acl_replies(osprey, reference, server, base)
        test_mixed_failover(osprey, reference, server, base)
        test_busy_down_after(osprey, server, base)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
