#!/usr/bin/env python3
"""Non-atomic scripts (Dragonfly's disable-atomicity flag), Osprey only.

usage: test_nonatomic.py <osprey-server> [reference redis-server]

With lua-time-limit 500, a 3-second non-atomic script (the seed's SCAN-and-process loop)
runs while other clients GET / SET / INCR its keys, use MULTI/EXEC and wait in BLPOP: every
reply is a normal one (never -BUSY), their INCRs and the script's interleave exactly, and a
real redis-server replica of the master ends with the same DEBUG DIGEST. Also: each call
replicates as its own command, SCRIPT KILL and FUNCTION KILL stop a writing script
mid-way, a second non-atomic script waits its turn while atomic ones run in between, the
`--!df flags=` first line and FUNCTION flags, and scripts without the flag stay atomic
(BUSY). Ports come from OSPREY_TEST_PORTS. Prints `N passed, M failed`; exits 1 on failure.
"""
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_busy import BUSY_EVAL, Conn  # noqa: E402  (shared RESP client)
from test_replication import Proc, attach_stream, free_ports, read_stream_entry, wait_for  # noqa: E402

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


def call(srv, *args):
    return srv.call(*args)


# The seed's example: SCAN the keyspace and process every item, for ARGV[1] ms.
SCAN_SCRIPT = """#!lua flags=disable-atomicity,allow-undeclared-keys
local t0 = redis.call('TIME')
local function elapsed()
  local t = redis.call('TIME')
  return (t[1] - t0[1]) * 1000 + math.floor((t[2] - t0[2]) / 1000)
end
local processed, pushed = 0, false
while elapsed() < tonumber(ARGV[1]) do
  local cursor = '0'
  repeat
    local r = redis.call('SCAN', cursor, 'MATCH', 'item:*', 'COUNT', 20)
    cursor = r[1]
    for _, k in ipairs(r[2]) do
      redis.call('INCR', 'processed')
      redis.call('APPEND', 'trail', 's')
      processed = processed + 1
    end
  until cursor == '0'
  if not pushed and elapsed() > 1000 then
    redis.call('LPUSH', 'q', 'from-script')
    pushed = true
  end
end
return processed
"""

WRITE_FOREVER = """#!lua flags=disable-atomicity
while true do redis.call('INCR', 'forever') end
"""


def test_concurrent(binary, reference):
    master = Proc(binary, "--lua-time-limit", "500", "--enable-debug-command", "yes").start(free_ports())
    replica = None
    try:
        replica = Proc(reference, "--enable-debug-command", "yes", "--replicaof", "127.0.0.1",
                       str(master.port)).start(free_ports())
        check("replica link up",
              wait_for(lambda: replica.info_field("replication", "master_link_status") == "up"), True)
        c = Conn(master.port)
        for i in range(100):
            c.send("SET", "item:%d" % i, str(i))
            c.read_reply()
        blpop = Conn(master.port)
        blpop.send("BLPOP", "q", "0")
        runner = Conn(master.port)
        t0 = time.monotonic()
        runner.send("EVAL", SCAN_SCRIPT, "0", "3000")
        time.sleep(0.1)

        replies, busy, worst, incrs = 0, 0, 0.0, 0
        other = Conn(master.port)
        multi_ok = True
        while time.monotonic() - t0 < 2.6:
            for args in (("GET", "item:1"), ("SET", "item:2", "x"), ("INCR", "processed"),
                         ("APPEND", "trail", "o")):
                s = time.monotonic()
                other.send(*args)
                r = other.read_reply(5.0) or b""
                worst = max(worst, time.monotonic() - s)
                replies += 1
                if r.startswith(b"-"):
                    busy += 1
                if args[0] == "INCR" and r.startswith(b":"):
                    incrs += 1
            other.send("MULTI")
            other.send("INCR", "processed")
            other.send("GET", "processed")
            other.send("EXEC")
            got = [other.read_reply(5.0) for _ in range(4)]
            multi_ok = multi_ok and got[0] == b"+OK\r\n" and got[3] is not None and got[3].startswith(b"*2\r\n:")
            incrs += 1
        check("other clients got only normal replies while the script ran", busy, 0)
        check("other clients were served many times (not held back)", replies > 200, True)
        check("no reply waited long (worst < 0.25 s)", worst < 0.25, True)
        check("MULTI/EXEC ran normally meanwhile", multi_ok, True)
        check("BLPOP served by the script's LPUSH while it ran",
              blpop.read_reply(0.2), b"*2\r\n$1\r\nq\r\n$11\r\nfrom-script\r\n")
        r = runner.read_reply(5.0) or b""
        elapsed = time.monotonic() - t0
        check("script returns its count after ~3 s", r[:1] == b":" and 2.8 < elapsed < 4.5, True)
        processed = int(r[1:-2]) if r[:1] == b":" else -1
        other.send("GET", "processed")
        total = other.read_reply()
        check("INCRs of the script and the others interleave exactly",
              total, b"$%d\r\n%d\r\n" % (len(str(processed + incrs)), processed + incrs))
        other.send("STRLEN", "trail")
        check("APPENDs interleave exactly", other.read_reply(), b":%d\r\n" % (processed + replies // 4))
        runner.send("PING")
        check("the caller's next command runs after the script", runner.read_reply(), b"+PONG\r\n")

        def synced():
            mo = master.info_field("replication", "master_repl_offset")
            return mo is not None and replica.info_field("replication", "slave_repl_offset") == mo
        check("real replica reaches the master's offset", wait_for(synced), True)
        check("real replica identical (DEBUG DIGEST)", replica.call("DEBUG", "DIGEST"),
              master.call("DEBUG", "DIGEST"))

        # SCRIPT KILL mid-way, after writes.
        runner.send("EVAL", WRITE_FOREVER, "0")
        time.sleep(0.5)
        other.send("INCR", "processed")
        check("served during the endless writer", other.read_reply()[:1], b":")
        other.send("SCRIPT", "KILL")
        check("SCRIPT KILL of a writing non-atomic script", other.read_reply(), b"+OK\r\n")
        r = runner.read_reply(3.0) or b""
        check_re = re.fullmatch(rb"-ERR Script killed by user with SCRIPT KILL\.\.\. script: [0-9a-f]{40}, "
                                rb"on @user_script:2\.\r\n", r)
        check("the caller gets the kill error at the script's line", bool(check_re), True)
        other.send("GET", "forever")
        n = other.read_reply()
        check("its writes so far stay", n is not None and n.startswith(b"$") and int(n.split(b"\r\n")[1]) > 100, True)
        other.send("SCRIPT", "KILL")
        check("nothing left to kill", other.read_reply(), b"-NOTBUSY No scripts in execution right now.\r\n")
        check("replica identical after the kill", wait_for(synced) and
              replica.call("DEBUG", "DIGEST") == master.call("DEBUG", "DIGEST"), True)
    finally:
        if replica:
            replica.cleanup()
        master.cleanup()


def test_turns_flags_stream(binary):
    srv = Proc(binary, "--lua-time-limit", "200").start(free_ports())
    try:
        a, b, d, o = (Conn(srv.port) for _ in range(4))
        sleep_script = ("#!lua flags=disable-atomicity\nlocal t0 = redis.call('TIME') "
                        "repeat local t = redis.call('TIME') until (t[1]-t0[1])*1000000+(t[2]-t0[2]) > 800000 "
                        "return 'A'")
        a.send("EVAL", sleep_script, "0")
        time.sleep(0.1)
        b.send("EVAL", "#!lua flags=disable-atomicity\nreturn 'B'", "0")
        d.send("EVAL", "return 'C'", "0")
        check("an atomic script runs in between at once", d.read_reply(0.3), b"$1\r\nC\r\n")
        check("a second non-atomic script waits its turn", b.read_reply(0.3), None)
        check("the first ends", a.read_reply(3.0), b"$1\r\nA\r\n")
        check("then the second runs", b.read_reply(3.0), b"$1\r\nB\r\n")

        # Dragonfly's first-line form, pure Lua computing (the hook yields).
        spin = "--!df flags=disable-atomicity\nlocal x = 0 for i = 1, 30000000 do x = x + i end return 'spun'"
        a.send("EVAL", spin, "0")
        time.sleep(0.3)
        o.send("PING")
        check("--!df script: pure Lua yields too (PING answered, no BUSY)", o.read_reply(0.5), b"+PONG\r\n")
        check("--!df script ends", a.read_reply(20.0), b"$4\r\nspun\r\n")
        o.send("EVAL", "--!df flags=disable-atomicity,nope\nreturn 1", "0")
        check("--!df unknown flag", o.read_reply(), b"-ERR Unexpected flag in script shebang: nope\r\n")

        # FUNCTION registrations with the flags.
        lib = ("#!lua name=na\nredis.register_function{function_name='slow', callback=function(keys, args) "
               "local t0 = redis.call('TIME') repeat redis.call('INCR', keys[1]) local t = redis.call('TIME') "
               "until (t[1]-t0[1])*1000000+(t[2]-t0[2]) > 600000 return redis.call('GET', keys[1]) end, "
               "flags={'disable-atomicity', 'allow-undeclared-keys'}}")
        o.send("FUNCTION", "LOAD", lib)
        check("FUNCTION LOAD with the flags", o.read_reply(), b"$2\r\nna\r\n")
        o.send("FUNCTION", "LIST")
        listing = o.read_reply() or b""
        check("FUNCTION LIST shows them",
              b"*2\r\n+disable-atomicity\r\n+allow-undeclared-keys\r\n" in listing, True)
        a.send("FCALL", "slow", "1", "fk")
        time.sleep(0.2)
        o.send("INCR", "fk")
        check("served during a non-atomic FCALL", (o.read_reply(0.3) or b"")[:1], b":")
        r = a.read_reply(3.0) or b""
        check("FCALL result counts both", r.startswith(b"$"), True)
        a.send("FCALL", "slow", "1", "fk2")
        time.sleep(0.2)
        o.send("FUNCTION", "KILL")
        check("FUNCTION KILL of a writing non-atomic function", o.read_reply(), b"+OK\r\n")
        r = a.read_reply(3.0) or b""
        check("FCALL killed", r.startswith(b"-ERR Script killed by user with SCRIPT KILL... script: slow, on @user_function:"), True)

        # Without the flag: atomic, BUSY past lua-time-limit, as Redis.
        a.send("EVAL", "local t0 = redis.call('TIME') repeat local t = redis.call('TIME') "
               "until (t[1]-t0[1])*1000000+(t[2]-t0[2]) > 600000 return 1", "0")
        time.sleep(0.4)
        o.send("PING")
        check("a script without the flag still makes the server BUSY", o.read_reply(1.0), BUSY_EVAL)
        check("and ends normally", a.read_reply(3.0), b":1\r\n")

        # Replication: each call's effect as its own command, no MULTI/EXEC.
        stream, _, _ = attach_stream(srv)
        a.send("EVAL", "#!lua flags=disable-atomicity\nredis.call('SET', 'r1', '1') redis.call('INCR', 'r2') return 1", "0")
        check("two-write non-atomic script", a.read_reply(3.0), b":1\r\n")
        check("stream: SELECT", read_stream_entry(stream), ["SELECT", "0"])
        check("stream: first write alone", read_stream_entry(stream), ["SET", "r1", "1"])
        check("stream: second write alone", read_stream_entry(stream), ["INCR", "r2"])
        check("stream: nothing else (no MULTI/EXEC)", read_stream_entry(stream), None)
        stream.close()

        # SCRIPT FLUSH while one runs: it ends as if killed (its VM goes away).
        a.send("EVAL", WRITE_FOREVER, "0")
        time.sleep(0.2)
        o.send("SCRIPT", "FLUSH")
        check("SCRIPT FLUSH during a non-atomic script", o.read_reply(), b"+OK\r\n")
        check("the flushed script's caller gets the kill error",
              (a.read_reply(2.0) or b"").startswith(b"-ERR Script killed by user with SCRIPT KILL..."), True)
        o.send("PING")
        check("server fine after the flush", o.read_reply(), b"+PONG\r\n")

        # Inside MULTI the flag is ignored: the script runs atomically within EXEC.
        o.send("MULTI")
        o.send("EVAL", "#!lua flags=disable-atomicity\nredis.call('SET', 'm', '1') return 2", "0")
        o.send("EXEC")
        got = [o.read_reply() for _ in range(3)]
        check("non-atomic script inside MULTI runs atomically", got[2], b"*1\r\n:2\r\n")
    finally:
        srv.cleanup()


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    binary = sys.argv[1]
    reference = sys.argv[2] if len(sys.argv) > 2 else REFERENCE
    test_concurrent(binary, reference)
    test_turns_flags_stream(binary)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
