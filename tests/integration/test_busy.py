#!/usr/bin/env python3
"""Busy-script behaviour, checked byte for byte against a running server.

usage: test_busy.py <path to osprey-server or redis-server>

Starts the server on a free port (OSPREY_TEST_PORTS, default 7720-7759) with
`--save "" --lua-time-limit 500`, runs scripts that hold the server past the limit and
checks what every other client sees meanwhile: the -BUSY replies, SCRIPT KILL /
FUNCTION KILL, MULTI while busy, SHUTDOWN NOSAVE, many clients at once, clients that
disconnect, a large reply still pending, and commands split across the end of a script.
The same expectations hold for the real redis-server 7.0.15 (pass it as argv[1] to check
them). Prints `N passed, M failed` last; exits 1 on any failure.
"""
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

BUSY_EVAL = b"-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n"
BUSY_FCALL = b"-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n"
UNKILLABLE = (b"-UNKILLABLE Sorry the script already executed write commands against the dataset. "
              b"You can either wait the script termination or kill the server in a hard way using "
              b"the SHUTDOWN NOSAVE command.\r\n")
EXECABORT_BUSY = (b"-EXECABORT Transaction discarded because of: BUSY Redis is busy running a script. "
                  b"You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n")
NOTBUSY = b"-NOTBUSY No scripts in execution right now.\r\n"

# Every wait and time bound below is multiplied by OSPREY_TEST_TIME_SCALE (default 1):
# `make asan` runs this test against the sanitizer build, several times slower.
SCALE = float(os.environ.get("OSPREY_TEST_TIME_SCALE", "1"))


SEED_SCRIPT = ("local i = 0 while true do redis.call('set','Key-'..i,'Value-'..i) i = i + 1 "
               "redis.call('time') end")
SPIN_SCRIPT = "while true do end"
SPIN_LIBRARY = ("#!lua name=busylib\n"
                "redis.register_function('spin', function(keys, args)\n"
                "  while true do end\n"
                "end)\n")
# Runs ~1.5 s by the server clock (read-only), then returns "done".
TIMED_SCRIPT = ("local function now() local t = redis.call('time') "
                "return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) end "
                "local s = now() while now() - s < %d do end return 'done'" % (1500 * SCALE))

passed = 0
failed = 0


def check(name, got, expected):
    global passed, failed
    if got == expected:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL %s\n     got      %r\n     expected %r" % (name, got[:300], expected[:300]))


def check_true(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL %s %s" % (name, detail))


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.buf = b""

    def send(self, *args):
        self.sock.sendall(encode(*args))

    def send_raw(self, data):
        self.sock.sendall(data)

    def read_exact(self, n, timeout=3.0):
        timeout *= SCALE
        """Up to n bytes, waiting at most `timeout` seconds; b"" marks a closed connection."""
        deadline = time.monotonic() + timeout
        while len(self.buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self.sock.settimeout(left)
            try:
                d = self.sock.recv(max(65536, n - len(self.buf)))
            except socket.timeout:
                break
            except OSError:
                break
            if not d:
                break
            self.buf += d
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def expect(self, name, expected, timeout=3.0):
        check(name, self.read_exact(len(expected), timeout), expected)

    def read_line(self, timeout=3.0):
        timeout *= SCALE
        deadline = time.monotonic() + timeout
        while b"\r\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                d = self.sock.recv(65536)
            except (socket.timeout, OSError):
                return None
            if not d:
                return None
            self.buf += d
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line + b"\r\n"

    def read_reply(self, timeout=3.0):
        """One whole RESP2/RESP3 reply, as bytes (None on timeout)."""
        line = self.read_line(timeout)
        if line is None:
            return None
        kind = line[:1]
        if kind in (b"$", b"=", b"!"):
            n = int(line[1:-2])
            return line + (self.read_exact(n + 2, timeout) if n >= 0 else b"")
        if kind in (b"*", b"~", b">", b"%"):
            n = int(line[1:-2])
            n = n * 2 if kind == b"%" else n
            parts = [line]
            for _ in range(max(n, 0)):
                r = self.read_reply(timeout)
                if r is None:
                    return None
                parts.append(r)
            return b"".join(parts)
        return line

    def closed(self, timeout=2.0):
        timeout *= SCALE
        """True if the server closes the connection within `timeout` (unread data skipped)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                d = self.sock.recv(65536)
            except socket.timeout:
                return False
            except OSError:
                return True
            if not d:
                return True
        return False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# ---- Server process ---------------------------------------------------------------------

def port_candidates():
    spec = os.environ.get("OSPREY_TEST_PORTS", "7720-7759")
    lo, _, hi = spec.partition("-")
    lo = int(lo)
    hi = int(hi) if hi else lo
    return range(lo, hi + 1)


def port_free(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


class Server:
    def __init__(self, binary):
        self.binary = os.path.abspath(binary)
        self.dir = tempfile.mkdtemp(prefix="osprey-busy-")
        self.proc = None
        self.port = None

    def start(self):
        for port in port_candidates():
            if not port_free(port):
                continue
            log = open(os.path.join(self.dir, "server-%d.log" % port), "w")
            self.proc = subprocess.Popen(
                [self.binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                 "--lua-time-limit", "500", "--dir", self.dir],
                stdout=log, stderr=subprocess.STDOUT, cwd=self.dir)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    c = Conn(port)
                    c.send("PING")
                    ok = c.read_exact(7, 1.0) == b"+PONG\r\n"
                    c.close()
                    if ok:
                        self.port = port
                        return
                except OSError:
                    time.sleep(0.05)
            self.stop()
        raise RuntimeError("could not start %s on any port of %s" %
                           (self.binary, os.environ.get("OSPREY_TEST_PORTS", "7720-7759")))

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

    def conn(self):
        return Conn(self.port)


def sha1(text):
    return hashlib.sha1(text.encode()).hexdigest()


def wait_busy(srv, busy_reply=BUSY_EVAL, name="PING while busy"):
    """A fresh client's PING is answered only once the script is past the limit."""
    c = srv.conn()
    c.send("PING")
    c.expect(name, busy_reply, timeout=5)
    c.close()


def ping_ok(srv, name):
    c = srv.conn()
    c.send("PING")
    c.expect(name, b"+PONG\r\n", timeout=2)
    c.close()


# ---- (a) a script that wrote: UNKILLABLE, MULTI, SHUTDOWN -------------------------------

def test_unkillable_and_shutdown(binary):
    srv = Server(binary)
    srv.start()
    try:
        caller = srv.conn()
        caller.send("EVAL", SEED_SCRIPT, "0")
        time.sleep(0.5)
        wait_busy(srv, name="(a) PING while the seed script runs")
        c = srv.conn()
        c.send("SCRIPT", "KILL")
        c.expect("(a) SCRIPT KILL after writes", UNKILLABLE)
        c.send("FUNCTION", "KILL")
        c.expect("(a) FUNCTION KILL after writes", UNKILLABLE)
        c.send("FUNCTION", "STATS")
        c.expect("(a) FUNCTION STATS during EVAL", BUSY_EVAL)
        m = srv.conn()
        m.send("MULTI")
        m.expect("(a) MULTI while busy", b"+OK\r\n")
        m.send("PING")
        m.expect("(a) queued PING while busy", BUSY_EVAL)
        m.send("EXEC")
        m.expect("(a) EXEC while busy", EXECABORT_BUSY)
        # EXEC is refused the same way outside MULTI too (the reference aborts again).
        m.send("EXEC")
        m.expect("(a) EXEC again while busy", EXECABORT_BUSY)
        c.send("SHUTDOWN")
        c.expect("(a) SHUTDOWN without NOSAVE", BUSY_EVAL)
        c.send("SHUTDOWN", "SAVE")
        c.expect("(a) SHUTDOWN SAVE", BUSY_EVAL)
        start = time.monotonic()
        c.send("SHUTDOWN", "NOSAVE")
        closed = c.closed(timeout=2)
        try:
            srv.proc.wait(timeout=max(0.05, 1.0 * SCALE - (time.monotonic() - start)))
            exited = True
        except subprocess.TimeoutExpired:
            exited = False
        elapsed = time.monotonic() - start
        check_true("(a) SHUTDOWN NOSAVE closes the connection", closed)
        check_true("(a) SHUTDOWN NOSAVE stops the server in under a second", exited and elapsed < 1.0 * SCALE,
                   "(exited=%s after %.2fs)" % (exited, elapsed))
        dumps = [f for f in os.listdir(srv.dir) if f.endswith(".rdb")]
        check("(a) no dump file written", dumps, [])
        check_true("(a) the script's caller is disconnected", caller.closed(timeout=1))
    finally:
        srv.cleanup()


# ---- (b) a read-only script: SCRIPT KILL ------------------------------------------------

def test_script_kill(srv):
    caller = srv.conn()
    # The caller pipelines a PING behind its EVAL: it must wait for the script's end.
    caller.send_raw(encode("EVAL", SPIN_SCRIPT, "0") + encode("PING"))
    time.sleep(0.5)
    wait_busy(srv, name="(b) PING while spinning")
    c = srv.conn()
    c.send("FUNCTION", "KILL")
    c.expect("(b) FUNCTION KILL on a busy EVAL", BUSY_EVAL)
    c.send("SCRIPT", "KILL")
    c.expect("(b) SCRIPT KILL", b"+OK\r\n")
    caller.expect("(b) the killed script's error",
                  b"-ERR Script killed by user with SCRIPT KILL... script: " + sha1(SPIN_SCRIPT).encode() +
                  b", on @user_script:1.\r\n")
    caller.expect("(b) the caller's pipelined PING after the script", b"+PONG\r\n")
    start = time.monotonic()
    c.send("PING")
    c.expect("(b) PING after the kill", b"+PONG\r\n", timeout=1)
    check_true("(b) PING answered at once after the kill", time.monotonic() - start < 0.5 * SCALE)
    c.send("SCRIPT", "KILL")
    c.expect("(b) SCRIPT KILL with nothing running", NOTBUSY)
    c.close()
    caller.close()


# ---- (c) robustness while busy ----------------------------------------------------------

def kill_script(srv, name, how=("SCRIPT", "KILL")):
    c = srv.conn()
    c.send(*how)
    c.expect(name, b"+OK\r\n")
    c.close()


def test_many_clients(srv):
    caller = srv.conn()
    caller.send("EVAL", SPIN_SCRIPT, "0")
    time.sleep(0.5)
    wait_busy(srv, name="(c) busy before the crowd")
    start = time.monotonic()
    conns = [srv.conn() for _ in range(50)]
    for c in conns:
        c.send_raw(encode("PING") * 100)
    all_ok = True
    for c in conns:
        left = max(0.05, 2.0 * SCALE - (time.monotonic() - start))
        got = c.read_exact(len(BUSY_EVAL) * 100, timeout=left)
        if got != BUSY_EVAL * 100:
            all_ok = False
    elapsed = time.monotonic() - start
    check_true("(c) 50 clients x 100 pipelined PINGs all get -BUSY within 2 s", all_ok and elapsed < 2.0 * SCALE,
               "(all_ok=%s, %.2fs)" % (all_ok, elapsed))
    for c in conns:
        c.close()
    kill_script(srv, "(c) SCRIPT KILL after the crowd")
    caller.expect("(c) crowd: caller gets the kill error",
                  b"-ERR Script killed by user with SCRIPT KILL... script: " + sha1(SPIN_SCRIPT).encode() +
                  b", on @user_script:1.\r\n")
    caller.close()


def connected_clients(srv):
    c = srv.conn()
    c.send("INFO", "clients")
    reply = c.read_reply() or b""
    c.close()
    m = re.search(rb"connected_clients:(\d+)", reply)
    return int(m.group(1)) - 1 if m else -1  # without the asking client


def test_disconnects(srv):
    keep = srv.conn()  # stays connected throughout
    caller = srv.conn()
    caller.send("EVAL", SPIN_SCRIPT, "0")
    time.sleep(0.5)
    wait_busy(srv, name="(c) busy before the disconnects")
    gone = []
    for i in range(12):
        c = srv.conn()
        if i % 3 == 0:
            c.send("PING")  # closes without reading its -BUSY
        elif i % 3 == 1:
            c.send_raw(b"*3\r\n$3\r\nSET\r\n$1\r\nk")  # half a command
        gone.append(c)
    time.sleep(0.1)
    for c in gone:
        c.close()
    # A client that waits for its reply, then vanishes.
    c = srv.conn()
    c.send("PING")
    c.expect("(c) PING among disconnects", BUSY_EVAL)
    c.close()
    time.sleep(0.2)
    keep.send("PING")
    keep.expect("(c) a connected client still served while busy", BUSY_EVAL)
    kill_script(srv, "(c) SCRIPT KILL after the disconnects")
    caller.expect("(c) disconnects: caller gets the kill error",
                  b"-ERR Script killed by user with SCRIPT KILL... script: " + sha1(SPIN_SCRIPT).encode() +
                  b", on @user_script:1.\r\n")
    keep.send("PING")
    keep.expect("(c) PING after the disconnects", b"+PONG\r\n")
    n = -1
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        n = connected_clients(srv)
        if n == 2:
            break
        time.sleep(0.05)
    check("(c) disconnected clients are gone (connected_clients besides INFO's)", n, 2)
    keep.close()
    caller.close()


def test_large_pending_reply(srv):
    size = 10 * 1024 * 1024
    value = (b"0123456789abcdef" * (size // 16 + 1))[:size]
    big = srv.conn()
    big.send("SET", "bigkey", value)
    big.expect("(c) SET a 10 MB value", b"+OK\r\n", timeout=10)
    big.send("GET", "bigkey")  # its reply is not read until the server is busy
    time.sleep(0.2)
    caller = srv.conn()
    caller.send("EVAL", SPIN_SCRIPT, "0")
    time.sleep(0.5)
    wait_busy(srv, name="(c) busy with a large reply pending")
    expected = b"$%d\r\n" % size + value + b"\r\n"
    got = big.read_exact(len(expected), timeout=10)
    check_true("(c) the 10 MB reply is delivered while busy", got == expected,
               "(%d of %d bytes, equal prefix=%s)" % (len(got), len(expected), expected.startswith(got)))
    big.send("PING")
    big.expect("(c) the big reader's next command is refused", BUSY_EVAL)
    kill_script(srv, "(c) SCRIPT KILL after the large reply")
    caller.expect("(c) large reply: caller gets the kill error",
                  b"-ERR Script killed by user with SCRIPT KILL... script: " + sha1(SPIN_SCRIPT).encode() +
                  b", on @user_script:1.\r\n")
    big.send("DEL", "bigkey")
    big.expect("(c) DEL the big key", b":1\r\n")
    big.close()
    caller.close()


def test_fcall_busy(srv):
    c = srv.conn()
    c.send("FUNCTION", "LOAD", "REPLACE", SPIN_LIBRARY)
    c.expect("(c) FUNCTION LOAD the spinning library", b"$7\r\nbusylib\r\n")
    caller = srv.conn()
    caller.send("FCALL", "spin", "0")
    time.sleep(0.5)
    wait_busy(srv, BUSY_FCALL, name="(c) PING during a busy FCALL")
    c.send("SCRIPT", "KILL")
    c.expect("(c) SCRIPT KILL on a busy FCALL", BUSY_FCALL)
    c.send("FUNCTION", "STATS")
    stats = c.read_reply() or b""
    masked = re.sub(rb"duration_ms\r\n:\d+\r\n", b"duration_ms\r\n:N\r\n", stats)
    check("(c) FUNCTION STATS during a busy FCALL", masked,
          b"*4\r\n$14\r\nrunning_script\r\n*6\r\n$4\r\nname\r\n$4\r\nspin\r\n$7\r\ncommand\r\n"
          b"*3\r\n$5\r\nFCALL\r\n$4\r\nspin\r\n$1\r\n0\r\n$11\r\nduration_ms\r\n:N\r\n"
          b"$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n$15\r\nlibraries_count\r\n:1\r\n"
          b"$15\r\nfunctions_count\r\n:1\r\n")
    m = re.search(rb"duration_ms\r\n:(\d+)\r\n", stats)
    check_true("(c) FUNCTION STATS duration_ms past the limit", m is not None and int(m.group(1)) >= 500,
               "(%r)" % (m.group(1) if m else None))
    c.send("MULTI")
    c.expect("(c) MULTI during a busy FCALL", b"+OK\r\n")
    c.send("PING")
    c.expect("(c) queued PING during a busy FCALL", BUSY_FCALL)
    c.send("DISCARD")
    c.expect("(c) DISCARD during a busy FCALL", b"+OK\r\n")
    tx = srv.conn()  # a transaction opened while busy and executed after
    tx.send("MULTI")
    tx.expect("(c) MULTI kept across the busy FCALL", b"+OK\r\n")
    tx.send("SET", "tx", "1")
    tx.expect("(c) queued SET during a busy FCALL", BUSY_FCALL)
    c.send("SHUTDOWN")
    c.expect("(c) SHUTDOWN during a busy FCALL", BUSY_FCALL)
    c.send("FUNCTION", "KILL")
    c.expect("(c) FUNCTION KILL", b"+OK\r\n")
    caller.expect("(c) the killed function's error",
                  b"-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:3.\r\n")
    c.send("PING")
    c.expect("(c) PING after FUNCTION KILL", b"+PONG\r\n")
    tx.send("EXEC")
    tx.expect("(c) EXEC after the busy FCALL: the transaction was flagged",
              b"-EXECABORT Transaction discarded because of previous errors.\r\n")
    tx.send("EXISTS", "tx")
    tx.expect("(c) nothing of the flagged transaction ran", b":0\r\n")
    tx.close()
    c.send("FUNCTION", "STATS")
    c.expect("(c) FUNCTION STATS when idle",
             b"*4\r\n$14\r\nrunning_script\r\n$-1\r\n$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n"
             b"$15\r\nlibraries_count\r\n:1\r\n$15\r\nfunctions_count\r\n:1\r\n")
    c.send("FUNCTION", "DELETE", "busylib")
    c.expect("(c) FUNCTION DELETE", b"+OK\r\n")
    c.close()
    caller.close()


def test_split_commands(srv):
    caller = srv.conn()
    caller.send_raw(encode("EVAL", TIMED_SCRIPT, "0") + encode("PING"))
    time.sleep(0.5)
    wait_busy(srv, name="(c) busy with a script that ends by itself")
    half = srv.conn()
    half.send_raw(b"*1\r\n$4\r\nPI")
    mixed = srv.conn()
    mixed.send_raw(encode("PING") + b"*3\r\n$3\r\nSET\r\n$5\r\nsplit\r\n$2\r\nv")
    mixed.expect("(c) whole PING before the split SET", BUSY_EVAL)
    caller.expect("(c) the script ends by itself", b"$4\r\ndone\r\n", timeout=5)
    caller.expect("(c) the caller's pipelined PING", b"+PONG\r\n")
    half.send_raw(b"NG\r\n")
    half.expect("(c) a PING split across the script's end", b"+PONG\r\n")
    mixed.send_raw(b"1\r\n")
    mixed.expect("(c) a SET split across the script's end", b"+OK\r\n")
    mixed.send("GET", "split")
    mixed.expect("(c) the split SET took effect", b"$2\r\nv1\r\n")
    for c in (caller, half, mixed):
        c.close()


def main():
    global failed
    if len(sys.argv) != 2:
        print("usage: test_busy.py <server binary>", file=sys.stderr)
        return 2
    binary = sys.argv[1]
    test_unkillable_and_shutdown(binary)
    srv = Server(binary)
    srv.start()
    try:
        for test in (test_script_kill, test_many_clients, test_disconnects, test_large_pending_reply,
                     test_fcall_busy, test_split_commands):
            try:
                test(srv)
            except Exception as e:  # a crash of one scenario must not hide the others
                failed += 1
                print("FAIL %s raised %r" % (test.__name__, e))
            if srv.proc.poll() is not None:
                print("FAIL the server exited (code %s)" % srv.proc.returncode)
                failed += 1
                break
    finally:
        srv.cleanup()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
