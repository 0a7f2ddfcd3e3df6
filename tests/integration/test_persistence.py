#!/usr/bin/env python3
"""When the dataset is saved and loaded, checked against a running server.

usage: test_persistence.py <path to osprey-server or redis-server>

Each case starts its own server in a fresh temporary directory, on a free port of
OSPREY_TEST_PORTS (default 7760-7789), and checks replies byte for byte, the files left in
the directory and the lines of the server's log: SAVE / BGSAVE / BGSAVE SCHEDULE / LASTSAVE
and INFO's persistence fields, save points firing from cron, SHUTDOWN with and without
saving (and a failed save aborting it), SIGTERM saving, MISCONF after a failed BGSAVE (the
directory deleted under the server: we run as root, so permissions would not stop it), a
corrupt file refusing start-up, -LOADING while a slow load runs (key-load-delay), SHUTDOWN
during loading, DEBUG RELOAD. The same expectations hold for the real redis-server 7.0.15
(pass it as argv[1] to check them). Prints `N passed, M failed` last; exits 1 on any failure.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

MISCONF = (b"-MISCONF Redis is configured to save RDB snapshots, but it's currently unable to "
           b"persist to disk. Commands that may modify the data set are disabled, because this "
           b"instance is configured to report errors during writes if RDB snapshotting fails "
           b"(stop-writes-on-bgsave-error option). Please check the Redis logs for details "
           b"about the RDB error.\r\n")
LOADING = b"-LOADING Redis is loading the dataset in memory\r\n"
IN_PROGRESS = b"-ERR Background save already in progress\r\n"

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
    def __init__(self, port, timeout=5):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        self.sock.settimeout(left)
        try:
            d = self.sock.recv(65536)
        except (socket.timeout, OSError):
            return False
        if not d:
            return False
        self.buf += d
        return True

    def read_line(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\r\n" not in self.buf:
            if not self._fill(deadline):
                return None
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line + b"\r\n"

    def read_reply(self, timeout=5.0):
        """One whole RESP2 reply as bytes; None on timeout or a closed connection."""
        line = self.read_line(timeout)
        if line is None:
            return None
        kind = line[:1]
        if kind == b"$":
            n = int(line[1:-2])
            if n < 0:
                return line
            deadline = time.monotonic() + timeout
            while len(self.buf) < n + 2:
                if not self._fill(deadline):
                    return None
            body, self.buf = self.buf[:n + 2], self.buf[n + 2:]
            return line + body
        if kind == b"*":
            parts = [line]
            for _ in range(max(int(line[1:-2]), 0)):
                r = self.read_reply(timeout)
                if r is None:
                    return None
                parts.append(r)
            return b"".join(parts)
        return line

    def call(self, *args, timeout=5.0):
        self.sock.sendall(encode(*args))
        return self.read_reply(timeout)

    def info(self, section="persistence"):
        """INFO <section> as a dict of field -> value (str)."""
        reply = self.call("INFO", section)
        fields = {}
        if reply and reply.startswith(b"$"):
            for line in reply.split(b"\r\n")[1:]:
                if b":" in line:
                    k, v = line.decode().split(":", 1)
                    fields[k] = v
        return fields

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def port_candidates():
    spec = os.environ.get("OSPREY_TEST_PORTS", "7760-7789")
    lo, _, hi = spec.partition("-")
    return range(int(lo), int(hi or lo) + 1)


def port_free(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Servers bind with SO_REUSEADDR: connections of earlier cases in TIME_WAIT don't count.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    # A zombie (exited, not yet reaped) counts as gone.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


class Server:
    """One server process in its own directory (kept across restarts of the same case)."""

    def __init__(self, binary, directory=None):
        self.binary = os.path.abspath(binary)
        self.dir = directory or tempfile.mkdtemp(prefix="osprey-persist-")
        self.proc = None
        self.port = None
        self.logpath = None

    def start(self, *args, wait_ready=True):
        for port in port_candidates():
            if not port_free(port):
                continue
            self.logpath = os.path.join(self.dir, "server-%d-%d.log" % (port, time.time_ns()))
            log = open(self.logpath, "w")
            self.proc = subprocess.Popen(
                [self.binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", self.dir,
                 "--enable-debug-command", "yes"] + list(args),
                stdout=log, stderr=subprocess.STDOUT, cwd=self.dir)
            self.port = port
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    return False
                try:
                    c = Conn(port, timeout=1)
                except OSError:
                    time.sleep(0.02)
                    continue
                if not wait_ready:
                    c.close()
                    return True
                ok = c.call("PING", timeout=1.0) == b"+PONG\r\n"
                c.close()
                if ok:
                    return True
                time.sleep(0.05)
            return False
        raise RuntimeError("no free port in OSPREY_TEST_PORTS")

    def conn(self):
        return Conn(self.port)

    def log(self):
        with open(self.logpath, errors="replace") as f:
            return f.read()

    def wait_log(self, pattern, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.log()):
                return True
            time.sleep(0.05)
        return False

    def wait_exit(self, timeout=5.0):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def file(self, name="dump.rdb"):
        return os.path.join(self.dir, name)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def wait_info(c, field, value, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if c.info().get(field) == value:
            return True
        time.sleep(0.05)
    return False


# ---- Cases ---------------------------------------------------------------------------------

def case_save_bgsave_lastsave(binary):
    s = Server(binary)
    try:
        s.start("--save", "")
        c = s.conn()
        info = c.info()
        check("fresh: rdb_saves:0", info.get("rdb_saves"), "0")
        check("fresh: rdb_last_bgsave_time_sec:-1", info.get("rdb_last_bgsave_time_sec"), "-1")
        check("fresh: rdb_last_bgsave_status:ok", info.get("rdb_last_bgsave_status"), "ok")
        c.call("SET", "k", "v")
        c.call("SET", "k2", "v")
        check("two writes counted", c.info().get("rdb_changes_since_last_save"), "2")
        check("SAVE", c.call("SAVE"), b"+OK\r\n")
        check_true("SAVE wrote dump.rdb", os.path.exists(s.file()))
        info = c.info()
        check("SAVE: changes reset", info.get("rdb_changes_since_last_save"), "0")
        check("SAVE: rdb_saves:1", info.get("rdb_saves"), "1")
        lastsave = c.call("LASTSAVE")
        check_true("LASTSAVE is rdb_last_save_time",
                   lastsave == b":%s\r\n" % info.get("rdb_last_save_time", "").encode(),
                   repr(lastsave))
        check_true("log: DB saved on disk", s.wait_log(r"\* DB saved on disk"))
        c.call("SET", "k3", "v")
        t_before = int(time.time())
        check("BGSAVE", c.call("BGSAVE"), b"+Background saving started\r\n")
        check_true("BGSAVE ends", wait_info(c, "rdb_bgsave_in_progress", "0"))
        t_after = int(time.time())
        info = c.info()
        check("BGSAVE: status ok", info.get("rdb_last_bgsave_status"), "ok")
        check("BGSAVE: rdb_saves:2", info.get("rdb_saves"), "2")
        check("BGSAVE: changes reset", info.get("rdb_changes_since_last_save"), "0")
        # Whole seconds, as Redis counts them (end second minus start second): 0, or more
        # when second boundaries fell between the start and the reaping of the child.
        took = int(info.get("rdb_last_bgsave_time_sec", "-1"))
        check_true("BGSAVE: last bgsave took whole seconds within the wait",
                   0 <= took <= t_after - t_before, "took %d, waited %d s" % (took, t_after - t_before))
        check_true("log: started by pid", s.wait_log(r"\* Background saving started by pid \d+"))
        check_true("log: child saved (role C)", s.wait_log(r"\d+:C .* \* DB saved on disk"))
        check_true("log: terminated with success",
                   s.wait_log(r"\* Background saving terminated with success"))
        check("BGSAVE x", c.call("BGSAVE", "x"), b"-ERR syntax error\r\n")
        check("BGSAVE SCHEDULE x", c.call("BGSAVE", "SCHEDULE", "x"), b"-ERR syntax error\r\n")
        check("SAVE x", c.call("SAVE", "x"),
              b"-ERR wrong number of arguments for 'save' command\r\n")
        check("BGSAVE SCHEDULE without child starts at once", c.call("BGSAVE", "SCHEDULE"),
              b"+Background saving started\r\n")
        check_true("BGSAVE SCHEDULE ends", wait_info(c, "rdb_bgsave_in_progress", "0"))
        # Inside MULTI the fork waits for cron.
        c.sock.sendall(encode("MULTI") + encode("BGSAVE") + encode("EXEC"))
        check("MULTI", c.read_reply(), b"+OK\r\n")
        check("BGSAVE queued", c.read_reply(), b"+QUEUED\r\n")
        check("EXEC: scheduled", c.read_reply(), b"*1\r\n+Background saving scheduled\r\n")
        check_true("scheduled BGSAVE runs", wait_info(c, "rdb_saves", "4"))
        check_true("no temp file left", not [f for f in os.listdir(s.dir) if f.startswith("temp-")])
        c.close()
    finally:
        s.cleanup()


def case_bgsave_in_progress_and_shutdown_kills_child(binary):
    s = Server(binary)
    try:
        s.start("--save", "")
        c = s.conn()
        for i in range(20):
            c.call("SET", "key:%d" % i, "v")
        # 0.2 s per key: the child runs for about 4 s.
        check("slow saving", c.call("CONFIG", "SET", "rdb-key-save-delay", "200000"), b"+OK\r\n")
        check("BGSAVE", c.call("BGSAVE"), b"+Background saving started\r\n")
        check("BGSAVE again", c.call("BGSAVE"), IN_PROGRESS)
        check("BGSAVE SCHEDULE while saving", c.call("BGSAVE", "SCHEDULE"), IN_PROGRESS)
        check("SAVE while saving", c.call("SAVE"), IN_PROGRESS)
        info = c.info()
        check("rdb_bgsave_in_progress:1", info.get("rdb_bgsave_in_progress"), "1")
        check("current_save_keys_total:20", info.get("current_save_keys_total"), "20")
        check_true("rdb_current_bgsave_time_sec counts",
                   info.get("rdb_current_bgsave_time_sec") in ("0", "1"), repr(info))
        m = re.search(r"Background saving started by pid (\d+)", s.log())
        child = int(m.group(1)) if m else -1
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and not os.path.exists(s.file("temp-%d.rdb" % child)):
            time.sleep(0.02)
        check_true("child writes temp-<pid>.rdb", os.path.exists(s.file("temp-%d.rdb" % child)))
        c.sock.sendall(encode("SHUTDOWN", "NOSAVE"))
        check("SHUTDOWN NOSAVE exits 0", s.wait_exit(), 0)
        check_true("log: child killed",
                   "There is a child saving an .rdb. Killing it!" in s.log())
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and pid_alive(child):
            time.sleep(0.05)
        check_true("child gone", not pid_alive(child))
        check_true("temp file removed", not os.path.exists(s.file("temp-%d.rdb" % child)))
        check_true("no dump.rdb (NOSAVE)", not os.path.exists(s.file()))
        c.close()
    finally:
        s.cleanup()


def case_save_points_fire(binary):
    s = Server(binary)
    try:
        s.start("--save", "")
        c = s.conn()
        check("CONFIG SET save", c.call("CONFIG", "SET", "save", "1 2"), b"+OK\r\n")
        check("CONFIG GET save", c.call("CONFIG", "GET", "save"),
              b"*2\r\n$4\r\nsave\r\n$3\r\n1 2\r\n")
        c.call("SET", "a", "1")
        time.sleep(2.5)
        check("one change: no save", c.info().get("rdb_saves"), "0")
        c.call("SET", "b", "1")
        check_true("two changes: saved by cron", wait_info(c, "rdb_changes_since_last_save", "0", 4))
        check_true("log: 2 changes in 1 seconds", s.wait_log(r"\* 2 changes in 1 seconds\. Saving\.\.\."))
        check_true("dump.rdb written", os.path.exists(s.file()))
        check("save \"\" disables", c.call("CONFIG", "SET", "save", ""), b"+OK\r\n")
        c.call("SET", "c", "1")
        c.call("SET", "d", "1")
        time.sleep(2.5)
        check("no save points: nothing saved", c.info().get("rdb_changes_since_last_save"), "2")
        c.close()
    finally:
        s.cleanup()


def case_shutdown_variants(binary):
    # Save points set: SHUTDOWN saves, and the next start loads the file.
    s = Server(binary)
    try:
        s.start("--save", "3600 1")
        c = s.conn()
        c.call("SET", "k", "v1")
        c.sock.sendall(encode("SHUTDOWN"))
        check("SHUTDOWN exits 0", s.wait_exit(), 0)
        check_true("SHUTDOWN saved", os.path.exists(s.file()))
        log = s.log()
        check_true("log: final snapshot", "Saving the final RDB snapshot before exiting." in log)
        check_true("log: bye bye", "Redis is now ready to exit, bye bye..." in log)
        c.close()
        s.start("--save", "")
        c = s.conn()
        check("restart loaded the key", c.call("GET", "k"), b"$2\r\nv1\r\n")
        check("rdb_last_load_keys_loaded:1", c.info().get("rdb_last_load_keys_loaded"), "1")
        check_true("log: Done loading RDB",
                   "Done loading RDB, keys loaded: 1, keys expired: 0." in s.log())
        check_true("log: DB loaded from disk",
                   re.search(r"DB loaded from disk: \d+\.\d{3} seconds", s.log()))
        # No save points: SHUTDOWN does not save, SHUTDOWN SAVE does.
        c.call("SET", "k", "v2")
        c.sock.sendall(encode("SHUTDOWN"))
        check("SHUTDOWN (save \"\") exits 0", s.wait_exit(), 0)
        c.close()
        s.start("--save", "")
        c = s.conn()
        check("SHUTDOWN without save points kept the old file", c.call("GET", "k"), b"$2\r\nv1\r\n")
        c.call("SET", "k", "v3")
        c.sock.sendall(encode("SHUTDOWN", "SAVE"))
        check("SHUTDOWN SAVE exits 0", s.wait_exit(), 0)
        c.close()
        s.start("--save", "3600 1")
        c = s.conn()
        check("SHUTDOWN SAVE saved", c.call("GET", "k"), b"$2\r\nv3\r\n")
        c.call("SET", "k", "v4")
        c.sock.sendall(encode("SHUTDOWN", "NOSAVE"))
        check("SHUTDOWN NOSAVE exits 0", s.wait_exit(), 0)
        c.close()
        s.start("--save", "")
        c = s.conn()
        check("SHUTDOWN NOSAVE did not save", c.call("GET", "k"), b"$2\r\nv3\r\n")
        check("SHUTDOWN SAVE NOSAVE", c.call("SHUTDOWN", "SAVE", "NOSAVE"), b"-ERR syntax error\r\n")
        check("SHUTDOWN ABORT without shutdown", c.call("SHUTDOWN", "ABORT"),
              b"-ERR No shutdown in progress.\r\n")
        c.sock.sendall(encode("SHUTDOWN", "NOSAVE"))
        s.wait_exit()
        c.close()
    finally:
        s.cleanup()


def case_shutdown_failed_save(binary):
    s = Server(binary)
    gone = None
    try:
        s.start("--save", "3600 1", "--enable-protected-configs", "yes")
        c = s.conn()
        gone = tempfile.mkdtemp(prefix="osprey-persist-gone-")
        check("CONFIG SET dir", c.call("CONFIG", "SET", "dir", gone), b"+OK\r\n")
        os.rmdir(gone)
        c.call("SET", "k", "v")
        check("SAVE fails: bare -ERR", c.call("SAVE"), b"-ERR\r\n")
        check("a failed SAVE is not a bgsave error", c.info().get("rdb_last_bgsave_status"), "ok")
        check("SHUTDOWN refused", c.call("SHUTDOWN"),
              b"-ERR Errors trying to SHUTDOWN. Check logs.\r\n")
        log = s.log()
        check_true("log: can't exit", "Error trying to save the DB, can't exit." in log)
        check_true("log: errors trying to shut down",
                   "Errors trying to shut down the server. Check the logs for more information." in log)
        check_true("log: why (temp file)",
                   re.search(r"Failed opening the temp RDB file temp-\d+\.rdb \(in server root dir "
                             r".*\) for saving: No such file or directory", log))
        check("still serving", c.call("PING"), b"+PONG\r\n")
        c.sock.sendall(encode("SHUTDOWN", "FORCE"))
        check("SHUTDOWN FORCE exits 0", s.wait_exit(), 0)
        check_true("log: exit anyway", "Error trying to save the DB. Exit anyway." in s.log())
        c.close()
    finally:
        s.cleanup()


def case_sigterm_saves(binary):
    s = Server(binary)
    try:
        s.start("--save", "3600 1")
        c = s.conn()
        c.call("SET", "k", "v")
        c.call("SET", "t", "v")
        c.call("PEXPIRE", "t", "100000")
        s.proc.send_signal(signal.SIGTERM)
        check("SIGTERM exits 0", s.wait_exit(), 0)
        log = s.log()
        check_true("log: SIGTERM received", "Received SIGTERM scheduling shutdown..." in log)
        check_true("log: saved", "Saving the final RDB snapshot before exiting." in log)
        check_true("dump.rdb written", os.path.exists(s.file()))
        c.close()
        s.start("--save", "")
        c = s.conn()
        check("key back", c.call("GET", "k"), b"$1\r\nv\r\n")
        ttl = c.call("PTTL", "t")
        check_true("expiry kept", ttl.startswith(b":") and 0 < int(ttl[1:-2]) <= 100000, repr(ttl))
        # shutdown-on-sigterm nosave: no save.
        c.call("SET", "k", "changed")
        check("CONFIG SET save", c.call("CONFIG", "SET", "save", "3600 1"), b"+OK\r\n")
        check("shutdown-on-sigterm nosave", c.call("CONFIG", "SET", "shutdown-on-sigterm", "nosave"),
              b"+OK\r\n")
        s.proc.send_signal(signal.SIGTERM)
        check("SIGTERM (nosave) exits 0", s.wait_exit(), 0)
        c.close()
        s.start("--save", "")
        c = s.conn()
        check("nosave kept the old value", c.call("GET", "k"), b"$1\r\nv\r\n")
        c.sock.sendall(encode("SHUTDOWN", "NOSAVE"))
        s.wait_exit()
        c.close()
    finally:
        s.cleanup()


def case_misconf(binary):
    s = Server(binary)
    try:
        s.start("--save", "3600 1", "--enable-protected-configs", "yes")
        c = s.conn()
        gone = os.path.join(s.dir, "gone")
        os.mkdir(gone)
        check("CONFIG SET dir", c.call("CONFIG", "SET", "dir", gone), b"+OK\r\n")
        os.rmdir(gone)
        c.call("SET", "a", "1")
        check("BGSAVE starts", c.call("BGSAVE"), b"+Background saving started\r\n")
        check_true("BGSAVE fails", wait_info(c, "rdb_last_bgsave_status", "err"))
        check_true("log: Background saving error", s.wait_log(r"# Background saving error"))
        check("write refused", c.call("SET", "b", "2"), MISCONF)
        check("PING refused", c.call("PING"), MISCONF)
        check("read served", c.call("GET", "a"), b"$1\r\n1\r\n")
        check("PING inside a script", c.call("EVAL", "return redis.call('ping')", "0"),
              b"+PONG\r\n")
        c.sock.sendall(encode("MULTI") + encode("SET", "b", "2") + encode("EXEC"))
        check("MULTI", c.read_reply(), b"+OK\r\n")
        check("queued write refused", c.read_reply(), MISCONF)
        check("EXEC aborted", c.read_reply(),
              b"-EXECABORT Transaction discarded because of previous errors.\r\n")
        check("stop-writes-on-bgsave-error no",
              c.call("CONFIG", "SET", "stop-writes-on-bgsave-error", "no"), b"+OK\r\n")
        check("write accepted", c.call("SET", "b", "2"), b"+OK\r\n")
        c.call("CONFIG", "SET", "stop-writes-on-bgsave-error", "yes")
        check("refused again", c.call("SET", "b", "3"), MISCONF)
        check("CONFIG SET dir back", c.call("CONFIG", "SET", "dir", s.dir), b"+OK\r\n")
        check("SAVE succeeds", c.call("SAVE"), b"+OK\r\n")
        check("status ok again", c.info().get("rdb_last_bgsave_status"), "ok")
        check("writes accepted again", c.call("SET", "b", "4"), b"+OK\r\n")
        c.sock.sendall(encode("SHUTDOWN", "NOSAVE"))
        s.wait_exit()
        c.close()
    finally:
        s.cleanup()


def case_bgsave_retry_delay(binary):
    s = Server(binary)
    try:
        s.start("--save", "", "--enable-protected-configs", "yes")
        c = s.conn()
        gone = os.path.join(s.dir, "gone")
        os.mkdir(gone)
        c.call("CONFIG", "SET", "dir", gone)
        os.rmdir(gone)
        c.call("SET", "a", "1")
        check("save 1 1", c.call("CONFIG", "SET", "save", "1 1"), b"+OK\r\n")
        time.sleep(8.5)
        tries = len(re.findall(r"1 changes in 1 seconds\. Saving\.\.\.", s.log()))
        check_true("failed bgsave retried every ~6 s (not every tick)", tries == 2,
                   "tries=%d" % tries)
        c.call("CONFIG", "SET", "dir", s.dir)
        check_true("succeeds once the dir is back", wait_info(c, "rdb_last_bgsave_status", "ok", 8))
        c.sock.sendall(encode("SHUTDOWN", "NOSAVE"))
        s.wait_exit()
        c.close()
    finally:
        s.cleanup()


def case_corrupt_file(binary):
    s = Server(binary)
    try:
        with open(s.file(), "wb") as f:
            f.write(b"GARBAGEGARBAGE")
        started = s.start("--save", "")
        check_true("corrupt file: start-up refused", not started)
        check("exit code 1", s.wait_exit(), 1)
        log = s.log()
        check_true("log: wrong signature", "Wrong signature trying to load DB from file" in log)
        check_true("log: fatal error", "Fatal error loading the DB: Invalid argument. Exiting." in log)
    finally:
        s.cleanup()


def case_loading(binary):
    s = Server(binary)
    try:
        s.start("--save", "")
        c = s.conn()
        check("DEBUG POPULATE", c.call("DEBUG", "POPULATE", "20000"), b"+OK\r\n")
        check("SAVE", c.call("SAVE"), b"+OK\r\n")
        c.sock.sendall(encode("SHUTDOWN", "NOSAVE"))
        s.wait_exit()
        c.close()
        size = os.path.getsize(s.file())
        # 20000 keys x 150 us: a few seconds of loading.
        s.start("--save", "3600 1", "--key-load-delay", "150",
                "--loading-process-events-interval-bytes", "1024", wait_ready=False)
        c = s.conn()
        check("PING while loading", c.call("PING", timeout=5), LOADING)
        check("GET while loading", c.call("GET", "key:1", timeout=5), LOADING)
        info = c.info()
        check("loading:1", info.get("loading"), "1")
        check("loading_total_bytes", info.get("loading_total_bytes"), str(size))
        check_true("loading_loaded_perc", re.match(r"^\d+\.\d\d$", info.get("loading_loaded_perc", "")),
                   repr(info.get("loading_loaded_perc")))
        check_true("loading_eta_seconds", "loading_eta_seconds" in info)
        check_true("loading_start_time", "loading_start_time" in info)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and c.call("PING") != b"+PONG\r\n":
            time.sleep(0.1)
        check("loaded: DBSIZE", c.call("DBSIZE"), b":20000\r\n")
        info = c.info()
        check("loading:0", info.get("loading"), "0")
        check("rdb_last_load_keys_loaded", info.get("rdb_last_load_keys_loaded"), "20000")
        check_true("no loading_* fields after", "loading_total_bytes" not in info)
        c.sock.sendall(encode("SHUTDOWN", "NOSAVE"))
        s.wait_exit()
        c.close()
        # SHUTDOWN during loading never saves (save points set, no NOSAVE given).
        mtime = os.path.getmtime(s.file())
        s.start("--save", "3600 1", "--key-load-delay", "150",
                "--loading-process-events-interval-bytes", "1024", wait_ready=False)
        c = s.conn()
        check("still loading", c.call("PING", timeout=5), LOADING)
        c.sock.sendall(encode("SHUTDOWN"))
        check("SHUTDOWN while loading exits 0", s.wait_exit(10), 0)
        check_true("SHUTDOWN while loading did not save",
                   os.path.getmtime(s.file()) == mtime and os.path.getsize(s.file()) == size)
        check_true("log: no final snapshot",
                   "Saving the final RDB snapshot" not in s.log())
        c.close()
    finally:
        s.cleanup()


def case_debug_reload(binary):
    s = Server(binary)
    try:
        s.start("--save", "")
        c = s.conn()
        c.call("SET", "a", "1")
        c.call("RPUSH", "l", "x", "y")
        c.call("SET", "t", "1")
        c.call("PEXPIRE", "t", "300")
        check("DEBUG RELOAD", c.call("DEBUG", "RELOAD"), b"+OK\r\n")
        check("key survives", c.call("LRANGE", "l", "0", "-1"), b"*2\r\n$1\r\nx\r\n$1\r\ny\r\n")
        check("DEBUG RELOAD is no save in INFO", c.info().get("rdb_saves"), "0")
        check("keys loaded", c.info().get("rdb_last_load_keys_loaded"), "3")
        check_true("log: reloaded", "DB reloaded by DEBUG RELOAD" in s.log())
        c.call("SET", "a", "2")
        check("DEBUG RELOAD NOSAVE", c.call("DEBUG", "RELOAD", "NOSAVE"), b"+OK\r\n")
        check("NOSAVE reloads the old file", c.call("GET", "a"), b"$1\r\n1\r\n")
        check("DEBUG RELOAD FOO", c.call("DEBUG", "RELOAD", "FOO"),
              b"-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n")
        os.unlink(s.file())
        check("no file", c.call("DEBUG", "RELOAD", "NOSAVE"),
              b"-ERR Error trying to load the RDB dump\r\n")
        c.sock.sendall(encode("SHUTDOWN", "NOSAVE"))
        s.wait_exit()
        c.close()
    finally:
        s.cleanup()

def case_daemonize_and_pidfile(binary):
    """`daemonize yes`: the launcher returns at once, the server lives on in its own session
    with its pid in the pid file, and SHUTDOWN removes the file."""
    d = tempfile.mkdtemp(prefix="osprey-daemon-")
    port = next(p for p in port_candidates() if port_free(p))
    pidfile, logfile = os.path.join(d, "s.pid"), os.path.join(d, "s.log")
    try:
        launcher = subprocess.Popen(
            [os.path.abspath(binary), "--port", str(port), "--bind", "127.0.0.1", "--dir", d,
             "--daemonize", "yes", "--pidfile", pidfile, "--logfile", logfile],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out, _ = launcher.communicate(timeout=10)
        check("daemonize: launcher exit status", launcher.returncode, 0)
        check("daemonize: launcher printed nothing", out, b"")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not os.path.exists(pidfile):
            time.sleep(0.02)
        with open(pidfile) as f:
            pid = int(f.read().strip())
        check_true("daemonize: pid file names a live process other than the launcher",
                   pid_alive(pid) and pid != launcher.pid)
        check("daemonize: the server leads its own session", os.getsid(pid), pid)
        c = Conn(port)
        check("daemonize: PING", c.call("PING"), b"+PONG\r\n")
        check("daemonize: INFO process_id is the pid file's",
              c.info("server").get("process_id"), str(pid))
        c.call("SHUTDOWN", "NOSAVE")
        c.close()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and pid_alive(pid):
            time.sleep(0.02)
        check_true("daemonize: SHUTDOWN stops the daemon", not pid_alive(pid))
        check_true("daemonize: SHUTDOWN removes the pid file", not os.path.exists(pidfile))
    finally:
        if os.path.exists(pidfile):
            try:
                os.kill(int(open(pidfile).read().strip() or 0), 9)
            except (OSError, ValueError):
                pass
        shutil.rmtree(d, ignore_errors=True)


CASES = [
    case_daemonize_and_pidfile,
    case_save_bgsave_lastsave,
    case_bgsave_in_progress_and_shutdown_kills_child,
    case_save_points_fire,
    case_shutdown_variants,
    case_shutdown_failed_save,
    case_sigterm_saves,
    case_misconf,
    case_bgsave_retry_delay,
    case_corrupt_file,
    case_loading,
    case_debug_reload,
]


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    only = sys.argv[2:]
    for case in CASES:
        if only and case.__name__ not in only and case.__name__[5:] not in only:
            continue
        print("== " + case.__name__[5:])
        try:
            case(sys.argv[1])
        except Exception as e:  # a crashed case counts as one failure
            global failed
            failed += 1
            print("FAIL %s raised %r" % (case.__name__, e))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
