#!/usr/bin/env python3
"""Osprey against the real redis-server 7.0.15, side by side, in one run (issue 7).

usage: bench.py [--rounds N] [--requests N] [--only set,get,...] [--osprey PATH]
                [--redis PATH] [--smoke] [--json PATH] [--svg PATH]

Both servers start with the same settings (loopback, `--save "" --appendonly no
--enable-debug-command yes`, a fresh temp dir for every run, distinct ports taken from
OSPREY_BENCH_PORTS, default 7640-7659). Runs alternate Redis, Osprey, Osprey, Redis ...
(the order flips every round) for every measurement, --rounds times each, and the report shows medians and the ratio
Osprey/Redis:

  throughput   redis-benchmark -c 50 -r 100000 --csv -t <17 tests>, once without
               pipelining (-n N, default 40000) and once with -P 16 (-n 3N)
  eval         EVALSHA of `return redis.call('GET', KEYS[1])` (-c 50, -n N), and the
               LPUSH/LTRIM cjson script over 5 keys (-c 1 -P 5, -n N/2)
  memory       used_memory and VmRSS per key after DEBUG POPULATE 1000000, and after
               the same collection dataset (small hashes, intsets, zsets, lists, a few
               large collections) piped into both with redis-cli --pipe
  bitmap/hll   custom redis-benchmark commands (-c 50, -n N): SETBIT of bit 1023 of
               random keys (-r 100000), BITCOUNT of a 125 kB random bitmap, PFADD of random elements (-r
               100000), PFCOUNT of that HyperLogLog (cached) and of it with a sparse
               one (the union, computed each time); used_memory per dense HyperLogLog
               (the growth from 2000 to 4000 keys made dense with PFADD + PFDEBUG
               TODENSE, on a fresh server)
  streams      redis-benchmark -c 50 -n N of XADD (one stream), XREADGROUP COUNT 1 '>'
               (each request consumes one of those entries), XREAD COUNT 10 from the
               head, and used_memory per entry of a 1M-entry stream (--stream-entries)
               built with XADD * pipelined
  persistence  SAVE time of the DEBUG POPULATE dataset, and start-up time with that
               file (spawn until PING answers PONG; the log's "DB loaded" time is kept
               in the JSON)
  geo          GEOSEARCH over 10,000 points around Paris (-c 50, -n N): BYRADIUS 5 km
               ASC COUNT 10 WITHDIST (about 100 candidates, 10 returned) and BYBOX
               10 x 10 km WITHCOORD (about 140 returned); GEOADD of random members

Targets: every throughput row >= 1.00x, the cjson EVALSHA row >= 1.5x, memory per key
<= 1.00x (lower is better there, and for times). Missing a target is reported, not an
error: the exit status is 0 unless a server fails to start or stops answering, or the
script itself fails. Every server started here is killed on exit, Ctrl-C included.

Results: a table on stdout, all raw runs in --json (bench/results/latest.json) and a bar
chart of the ratios in --svg (bench/results/ratios.svg); --smoke writes smoke.json and
smoke-ratios.svg instead. Only the Python 3 standard library is used.
"""
import argparse
import atexit
import ctypes
import datetime
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

THROUGHPUT_TESTS = ["ping_inline", "ping_mbulk", "set", "get", "incr", "lpush", "rpush",
                    "lpop", "rpop", "sadd", "hset", "spop", "zadd", "zpopmin",
                    "lrange_100", "lrange_600", "mset"]
GET_SCRIPT = "return redis.call('GET', KEYS[1])"
CJSON_SCRIPT = ("local elems = cjson.decode(ARGV[1]); for i=1,#KEYS do "
                "redis.call('LPUSH', KEYS[i], unpack(elems)); "
                "redis.call('LTRIM', KEYS[i], 0, 99) end")
CJSON_KEYS = ["bench:cjson:%d" % i for i in range(1, 6)]
CJSON_ARG = "[1,2,3,4,5]"
# Non-atomic scripts (Osprey only): 50 clients' GET/SET while a disable-atomicity script
# keeps writing, against the same load with no script. It runs until SCRIPT KILL.
NONATOMIC_SCRIPT = ("#!lua flags=disable-atomicity\n"
                    "while true do redis.call('INCR', 'bench:na:counter') end")
SECTIONS = ["throughput", "eval", "memory", "persistence", "bitmap_hll", "geo", "nonatomic",
            "streams"]
STREAM_KEY = "bench:stream"
# Custom-command rows (redis-benchmark <command>): key -> (label, argv, -r range).
BITMAP_HLL_TESTS = {
    # redis-benchmark pads __rand_int__ with zeros, which no offset parser takes: the
    # random part is the key (a 128-byte bitmap each), the offset is fixed.
    "setbit": ("SETBIT (random key, bit 1023)", ["SETBIT", "bench:bits:__rand_int__", "1023",
                                                  "1"], 100000),
    "bitcount": ("BITCOUNT of that 125 kB bitmap", ["BITCOUNT", "bench:bits"], 0),
    "pfadd": ("PFADD random element", ["PFADD", "bench:hll", "__rand_int__"], 100000),
    "pfcount": ("PFCOUNT (cached)", ["PFCOUNT", "bench:hll"], 0),
    "pfcount_union": ("PFCOUNT dense + sparse (union)", ["PFCOUNT", "bench:hll",
                                                           "bench:hll:small"], 0),
}
HLL_MEMORY_KEYS = 2000
GEO_TESTS = {  # row key -> the redis-benchmark command
    "geosearch": ["GEOSEARCH", "bench:geo", "FROMLONLAT", "2.35", "48.85", "BYRADIUS", "5", "km",
                  "ASC", "COUNT", "10", "WITHDIST"],
    "geosearch_box": ["GEOSEARCH", "bench:geo", "FROMLONLAT", "2.35", "48.85", "BYBOX", "10",
                      "10", "km", "WITHCOORD"],
    "geoadd": ["GEOADD", "bench:geoadd", "2.35", "48.85", "m:__rand_int__"],
}
GEO_POINTS = 10000
ONLY_WORDS = set(THROUGHPUT_TESTS) | set(SECTIONS) | set(BITMAP_HLL_TESTS) | set(GEO_TESTS) | {
    "evalsha_get", "evalsha_cjson", "mem_populate", "mem_collections", "mem_hll",
    "xadd", "xreadgroup", "xread", "mem_stream"}


class BenchError(Exception):
    """A failure that makes the run's exit status non-zero (server gone, tool missing)."""


class ReplyError(Exception):
    """An error reply (-ERR ...) from a server."""


# ---------------------------------------------------------------------------------------
# Processes: everything started here is registered and killed at exit.

_procs = []
_tmpdirs = []


def _die_with_parent():
    # Runs in the child before exec: the kernel kills it if this script dies (even SIGKILL).
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def spawn(argv, **kw):
    p = subprocess.Popen(argv, start_new_session=True, preexec_fn=_die_with_parent, **kw)
    _procs.append(p)
    return p


def kill_proc(p, grace=3.0):
    if p.poll() is None:
        try:
            p.terminate()
            p.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        except OSError:
            pass
    if p in _procs:
        _procs.remove(p)


def cleanup():
    for p in list(_procs):
        try:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=5)
        except Exception:
            pass
    _procs.clear()
    for d in _tmpdirs:
        shutil.rmtree(d, ignore_errors=True)
    _tmpdirs.clear()


def _on_signal(signum, frame):
    raise SystemExit(128 + signum)


def mkdtemp(tag):
    d = tempfile.mkdtemp(prefix="osprey-bench-%s-" % tag)
    _tmpdirs.append(d)
    return d


# ---------------------------------------------------------------------------------------
# A small RESP2 client.

def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if not isinstance(a, bytes):
            a = str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Conn:
    """A connection; with `owner` (a Server), a lost connection raises BenchError."""

    def __init__(self, port, timeout=60.0, owner=None):
        self.owner = owner
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        self.sock.close()

    def _fill(self):
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("connection closed by the server")
        self.buf += chunk

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2:]
                return line
            self._fill()

    def _read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            return ReplyError(rest.decode(errors="replace"))
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self._fill()
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self._read() for _ in range(n)]
        raise ConnectionError("unexpected reply %r" % line[:80])

    def call(self, *args):
        try:
            self.sock.sendall(encode(*args))
            r = self._read()
        except OSError as e:
            if self.owner is None:
                raise
            raise BenchError("%s stopped answering %s (%s)%s"
                             % (self.owner.name, str(args[0]).upper(), e,
                                self.owner.death_note()))
        if isinstance(r, ReplyError):
            raise r
        return r


def info_fields(conn, section):
    text = conn.call("INFO", section).decode()
    out = {}
    for line in text.splitlines():
        if ":" in line and not line.startswith("#"):
            k, v = line.split(":", 1)
            out[k] = v
    return out


# ---------------------------------------------------------------------------------------
# Servers.

def port_range():
    spec = os.environ.get("OSPREY_BENCH_PORTS", "7640-7659")
    lo, _, hi = spec.partition("-")
    return range(int(lo), int(hi or lo) + 1)


def port_free(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is no obstacle
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


class Server:
    """One server process in its own temp dir; restartable on the same dir and port."""

    def __init__(self, name, binary, port):
        self.name, self.binary, self.port = name, binary, port
        self.dir = mkdtemp(name)
        self.proc = None
        self.log = os.path.join(self.dir, "server.log")

    def argv(self):
        return [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--enable-debug-command", "yes",
                "--dir", self.dir, "--logfile", self.log, "--dbfilename", "dump.rdb",
                "--daemonize", "no"]

    def start(self, timeout=20.0):
        """Starts the server; returns seconds from spawn until PING answered PONG."""
        t0 = time.monotonic()
        self.proc = spawn(self.argv(), stdin=subprocess.DEVNULL,
                          stdout=open(os.path.join(self.dir, "stdout.log"), "ab"),
                          stderr=subprocess.STDOUT, cwd=self.dir)
        deadline = t0 + timeout
        while True:
            if self.proc.poll() is not None:
                raise BenchError("%s exited with status %s at start-up: %s"
                                 % (self.name, self.proc.returncode, self.log_tail()))
            try:
                c = Conn(self.port, timeout=2.0)
                try:
                    if c.call("PING") == "PONG":
                        return time.monotonic() - t0
                finally:
                    c.close()
            except (OSError, ReplyError, ValueError):
                pass  # not listening yet, or -LOADING
            if time.monotonic() > deadline:
                raise BenchError("%s did not answer PING within %.0f s on port %d: %s"
                                 % (self.name, timeout, self.port, self.log_tail()))
            time.sleep(0.002)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def pid(self):
        return self.proc.pid

    def rss(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        raise BenchError("no VmRSS for %s" % self.name)

    def memory(self):
        c = self.conn()
        try:
            used = int(info_fields(c, "memory")["used_memory"])
        finally:
            c.close()
        return {"used_memory": used, "rss": self.rss()}

    def conn(self):
        try:
            return Conn(self.port, owner=self)
        except OSError as e:
            raise BenchError("%s does not answer on port %d: %s%s"
                             % (self.name, self.port, e, self.death_note()))

    def death_note(self):
        """', exited with status N: <log tail>' when the process is gone (waits briefly)."""
        if self.proc is None:
            return ""
        try:
            self.proc.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            return ""
        return ", exited with status %s: %s" % (self.proc.returncode, self.log_tail())

    def stop(self, hard=False):
        if self.proc is not None:
            if hard and self.proc.poll() is None:
                self.proc.kill()
            kill_proc(self.proc)
        self.proc = None

    def destroy(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def log_tail(self, n=3):
        try:
            with open(self.log, errors="replace") as f:
                lines = [l.strip() for l in f.readlines() if l.strip()][-n:]
        except OSError:
            return "(no log)"
        return "log: " + " | ".join(l if len(l) <= 160 else l[:157] + "..." for l in lines)

    def log_text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""


# ---------------------------------------------------------------------------------------
# The benchmark proper.

class Bench:
    def __init__(self, args):
        self.a = args
        self.rows = {}       # key -> row dict (ordered by insertion)
        self.raw = []        # every invocation: tool output, timings
        self.fatal = []      # errors making the exit status non-zero
        ports = [p for p in port_range() if port_free(p)]
        if len(ports) < 2:
            raise BenchError("need 2 free ports in OSPREY_BENCH_PORTS=%s"
                             % os.environ.get("OSPREY_BENCH_PORTS", "7640-7659"))
        self.ports = {"redis": ports[0], "osprey": ports[1]}
        self.binaries = {"redis": args.redis, "osprey": args.osprey}
        # Osprey against itself: {"none"|"script": {"get"|"set": [(rps, p99 ms), ...]}}
        self.nonatomic = {mode: {"get": [], "set": []} for mode in ("none", "script")}
        self.nonatomic_script_calls = []

    # -- rows -----------------------------------------------------------------------------
    def row(self, key, label, section, unit, better, target=None):
        if key not in self.rows:
            self.rows[key] = {"key": key, "label": label, "section": section, "unit": unit,
                              "better": better, "target": target,
                              "runs": {"redis": [], "osprey": []},
                              "errors": {"redis": [], "osprey": []}}
        return self.rows[key]

    def record(self, key, side, value):
        self.rows[key]["runs"][side].append(value)

    def record_error(self, key, side, msg):
        self.rows[key]["errors"][side].append(msg)

    def wanted(self, *words):
        return self.a.only is None or any(w in self.a.only for w in words)

    def order(self, rnd):
        # A B B A ...: whichever server runs second in a pair inherits the first one's
        # TIME_WAIT sockets and warmed caches, so the order flips every round.
        return ["redis", "osprey"] if rnd % 2 == 0 else ["osprey", "redis"]

    def new_server(self, side):
        return Server(side, self.binaries[side], self.ports[side])

    # -- redis-benchmark ------------------------------------------------------------------
    def redis_benchmark(self, server, extra, timeout):
        argv = [self.a.redis_benchmark, "-h", "127.0.0.1", "-p", str(server.port), "--csv"]
        argv += [str(x) for x in extra]
        out_path = os.path.join(server.dir, "rb.out")
        err_path = os.path.join(server.dir, "rb.err")
        t0 = time.monotonic()
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            p = spawn(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
            died = timed_out = False
            while True:
                try:
                    p.wait(timeout=0.25)
                    break
                except subprocess.TimeoutExpired:
                    pass
                # redis-benchmark spins forever when the server is gone: watch both.
                if not server.alive():
                    died = True
                    break
                if time.monotonic() - t0 > timeout:
                    timed_out = True
                    break
            kill_proc(p)
        with open(out_path, errors="replace") as f:
            stdout = f.read()
        with open(err_path, errors="replace") as f:
            stderr = f.read()
        rec = {"server": server.name, "argv": argv[1:], "rc": p.returncode,
               "seconds": round(time.monotonic() - t0, 3), "stdout": stdout,
               "stderr": stderr}
        self.raw.append(rec)
        if died:
            raise BenchError("%s died (exit status %s) during `redis-benchmark %s`: %s"
                             % (server.name, server.proc.returncode, " ".join(argv[5:]),
                                server.log_tail()))
        if timed_out:
            raise BenchError("`redis-benchmark %s` against %s took more than %d s"
                             % (" ".join(argv[5:]), server.name, timeout))
        rows = []
        for line in stdout.splitlines():
            parts = [x.strip('"') for x in line.split('","')]
            if len(parts) >= 2 and parts[0] != "test":
                try:
                    rows.append((parts[0], float(parts[1])))
                except ValueError:
                    pass
        m = re.search(r"Error from server: (.*)", stderr)
        error = m.group(1).strip() if m else None
        if error is None and p.returncode != 0:
            error = (stderr.strip().splitlines() or ["exit status %d" % p.returncode])[-1]
        return rows, error

    def run_throughput(self, side, pipeline, tests):
        """One redis-benchmark run of `tests` on a fresh server; records rps per test."""
        n = self.a.requests * (3 if pipeline > 1 else 1)
        suffix = "" if pipeline == 1 else "_p%d" % pipeline
        server = self.new_server(side)
        remaining = list(tests)
        try:
            server.start()
            while remaining:
                extra = ["-c", 50, "-n", n, "-r", 100000, "-t", ",".join(remaining)]
                if pipeline > 1:
                    extra += ["-P", pipeline]
                rows, error = self.redis_benchmark(server, extra, self.a.timeout)
                done = set()
                for name, rps in rows:
                    if "needed to benchmark" in name:
                        continue
                    test = name.split()[0].lower()
                    if test in remaining:
                        self.record(test + suffix, side, rps)
                        done.add(test)
                left = [t for t in remaining if t not in done]
                if error is None:
                    for t in left:
                        self.record_error(t + suffix, side, "no result from redis-benchmark")
                    break
                # redis-benchmark stops at the first error reply: blame the first test
                # without a result, go on with the ones after it.
                if not left:
                    break
                self.record_error(left[0] + suffix, side, error)
                remaining = left[1:]
                if not server.alive():
                    raise BenchError("%s stopped answering (exit status %s): %s"
                                     % (side, server.proc.returncode, server.log_tail()))
        finally:
            server.destroy()

    def run_eval(self, side, do_get, do_cjson):
        server = self.new_server(side)
        try:
            server.start()
            c = server.conn()
            try:
                c.call("SET", "bench:evalkey", "hello")
                sha_get = c.call("SCRIPT", "LOAD", GET_SCRIPT).decode()
                sha_cjson = c.call("SCRIPT", "LOAD", CJSON_SCRIPT).decode()
                got = c.call("EVALSHA", sha_get, 1, "bench:evalkey")
                if got != b"hello":
                    raise ReplyError("EVALSHA GET script returned %r" % (got,))
            except ReplyError as e:
                for key, want in (("evalsha_get", do_get), ("evalsha_cjson", do_cjson)):
                    if want:
                        self.record_error(key, side, "setup: %s" % e)
                return
            finally:
                c.close()
            if do_get:
                rows, error = self.redis_benchmark(
                    server, ["-c", 50, "-n", self.a.requests, "evalsha", sha_get, 1,
                             "bench:evalkey"], self.a.timeout)
                if error:
                    self.record_error("evalsha_get", side, error)
                elif rows:
                    self.record("evalsha_get", side, rows[0][1])
            if do_cjson:
                n = max(self.a.requests // 2, 100)
                rows, error = self.redis_benchmark(
                    server, ["-c", 1, "-P", 5, "-n", n, "evalsha", sha_cjson, 5]
                    + CJSON_KEYS + [CJSON_ARG], self.a.timeout)
                if error:
                    self.record_error("evalsha_cjson", side, error)
                elif rows:
                    c = server.conn()
                    try:
                        got = [c.call("LLEN", k) for k in CJSON_KEYS]
                        head = c.call("LRANGE", CJSON_KEYS[0], 0, 4)
                    finally:
                        c.close()
                    if got != [100] * 5 or head != [b"5", b"4", b"3", b"2", b"1"]:
                        self.record_error("evalsha_cjson", side,
                                          "wrong result: LLEN %s, head %s" % (got, head))
                    else:
                        self.record("evalsha_cjson", side, rows[0][1])
        finally:
            server.destroy()

    def run_geo(self, side, keys):
        """GEO rows on a fresh server holding GEO_POINTS points (the same on both sides)."""
        server = self.new_server(side)
        try:
            server.start()
            c = server.conn()
            try:
                rnd = random.Random(15)
                for first in range(0, GEO_POINTS, 1000):
                    args = ["GEOADD", "bench:geo"]
                    for i in range(first, min(first + 1000, GEO_POINTS)):
                        args += ["%.6f" % (2.35 + rnd.uniform(-0.5, 0.5)),
                                 "%.6f" % (48.85 + rnd.uniform(-0.5, 0.5)), "p%d" % i]
                    c.call(*args)
                got = c.call(*GEO_TESTS["geosearch"])
                if not isinstance(got, list) or len(got) != 10:
                    raise ReplyError("GEOSEARCH returned %r" % (got,))
            except ReplyError as e:
                for key in keys:
                    self.record_error(key, side, "setup: %s" % e)
                return
            finally:
                c.close()
            for key in keys:
                rows, error = self.redis_benchmark(
                    server, ["-c", 50, "-n", self.a.requests, "-r", 100000] + GEO_TESTS[key],
                    self.a.timeout)
                if error:
                    self.record_error(key, side, error)
                elif rows:
                    self.record(key, side, rows[0][1])
        finally:
            server.destroy()

    def run_bitmap_hll(self, side):
        """Memory per dense HLL (before anything else), then SETBIT / BITCOUNT / PFADD /
        PFCOUNT throughput."""
        server = self.new_server(side)
        try:
            server.start()
            if "mem_hll" in self.rows:
                c = server.conn()
                try:
                    # The growth between a first and a second batch of keys: start-up
                    # buffers freed during the first batch do not count.
                    marks = []
                    for batch in range(2):
                        marks.append(server.memory())
                        for i in range(batch * HLL_MEMORY_KEYS, (batch + 1) * HLL_MEMORY_KEYS):
                            c.call("PFADD", "bench:dense:%d" % i, "a", "b", i)
                            c.call("PFDEBUG", "TODENSE", "bench:dense:%d" % i)
                    before, after = marks[1], server.memory()
                    c.call("FLUSHALL")
                finally:
                    c.close()
                self.record("mem_hll", side,
                            (after["used_memory"] - before["used_memory"]) / HLL_MEMORY_KEYS)
            c = server.conn()
            try:
                c.call("PFADD", "bench:hll:small", *["s%d" % i for i in range(1000)])
                c.call("SET", "bench:bits", random.Random(3).randbytes(125000))
            finally:
                c.close()
            for key, (_, argv, rand) in BITMAP_HLL_TESTS.items():
                if key not in self.rows:
                    continue
                extra = ["-c", 50, "-n", self.a.requests] + (["-r", rand] if rand else [])
                rows, error = self.redis_benchmark(server, extra + argv, self.a.timeout)
                if error:
                    self.record_error(key, side, error)
                elif rows:
                    self.record(key, side, rows[0][1])
        finally:
            server.destroy()

    def run_nonatomic(self):
        """GET/SET -c 50 on Osprey with and without a non-atomic script running."""
        server = self.new_server("osprey")
        try:
            server.start()
            for mode in ("none", "script"):
                runner = None
                if mode == "script":
                    runner = server.conn()
                    runner.sock.sendall(encode("EVAL", NONATOMIC_SCRIPT, 0))
                    time.sleep(0.2)
                argv = [self.a.redis_benchmark, "-h", "127.0.0.1", "-p", str(server.port),
                        "--csv", "-c", "50", "-n", str(self.a.requests), "-r", "100000",
                        "-t", "get,set"]
                out = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                                     text=True, timeout=self.a.timeout)
                self.raw.append({"server": "osprey", "nonatomic": mode, "argv": argv[1:],
                                 "rc": out.returncode, "stdout": out.stdout,
                                 "stderr": out.stderr})
                for line in out.stdout.splitlines():
                    parts = [x.strip('"') for x in line.split('","')]
                    if len(parts) >= 7 and parts[0] in ("GET", "SET"):
                        self.nonatomic[mode][parts[0].lower()].append(
                            (float(parts[1]), float(parts[6])))
                if runner is not None:
                    c = server.conn()
                    try:
                        calls = c.call("GET", "bench:na:counter")
                        c.call("SCRIPT", "KILL")
                    except ReplyError as e:
                        raise BenchError("non-atomic script: %s" % e)
                    finally:
                        c.close()
                    self.nonatomic_script_calls.append(int(calls or 0))
                    runner.close()
        finally:
            server.destroy()

    def run_populate(self, side, mem, persist):
        """DEBUG POPULATE: memory per key, then SAVE time and load time of that file."""
        n = self.a.populate
        server = self.new_server(side)
        try:
            server.start()
            base = server.memory()
            c = server.conn()
            try:
                c.call("DEBUG", "POPULATE", n)
                dbsize = c.call("DBSIZE")
            except ReplyError as e:
                for key in ("mem_pop_used", "mem_pop_rss", "save_time", "load_time"):
                    if key in self.rows:
                        self.record_error(key, side, "DEBUG POPULATE: %s" % e)
                return
            finally:
                c.close()
            if dbsize != n:
                for key in ("mem_pop_used", "mem_pop_rss"):
                    if key in self.rows:
                        self.record_error(key, side, "DBSIZE %s after POPULATE %d" % (dbsize, n))
            elif mem:
                after = server.memory()
                self.record("mem_pop_used", side, (after["used_memory"] - base["used_memory"]) / n)
                self.record("mem_pop_rss", side, (after["rss"] - base["rss"]) / n)
                self.raw.append({"server": side, "what": "memory after DEBUG POPULATE %d" % n,
                                 "before": base, "after": after})
            if not persist:
                return
            c = server.conn()
            try:
                t0 = time.monotonic()
                c.call("SAVE")
                save_s = time.monotonic() - t0
            except ReplyError as e:
                msg = "n/a (SAVE not supported: %s)" % e
                self.record_error("save_time", side, msg)
                self.record_error("load_time", side, msg)
                return
            except BenchError as e:
                msg = "n/a (SAVE failed: %s)" % e
                self.record_error("save_time", side, msg)
                self.record_error("load_time", side, msg)
                raise
            finally:
                c.close()
            self.record("save_time", side, save_s)
            if not os.path.exists(os.path.join(server.dir, "dump.rdb")):
                self.record_error("load_time", side, "n/a (SAVE wrote no dump.rdb)")
                return
            server.stop(hard=True)   # the file is written; nothing else to save
            try:
                load_s = server.start(timeout=max(120.0, self.a.timeout))
                c = server.conn()
                try:
                    dbsize = c.call("DBSIZE")
                finally:
                    c.close()
            except BenchError as e:
                self.record_error("load_time", side, "n/a (load failed: %s)" % str(e)[:200])
                raise
            m = None
            for m in re.finditer(r"DB loaded from disk: ([0-9.]+) seconds", server.log_text()):
                pass
            self.raw.append({"server": side, "what": "persistence", "save_seconds": save_s,
                             "start_until_pong_seconds": load_s,
                             "log_loaded_seconds": float(m.group(1)) if m else None,
                             "dbsize_after_load": dbsize})
            if dbsize != n:
                self.record_error("load_time", side,
                                  "n/a (DBSIZE %s after loading, expected %d)" % (dbsize, n))
            else:
                self.record("load_time", side, load_s)
        finally:
            server.destroy()

    def run_streams(self, side, rates, mem):
        """XADD, XREADGROUP and XREAD rates on one stream; then memory per stream entry."""
        if rates:
            server = self.new_server(side)
            try:
                server.start()
                n = self.a.requests
                plan = [("xadd", ["XADD", STREAM_KEY, "*", "sensor", "42", "reading",
                                  "ok-%d" % 7]),
                        ("xreadgroup", ["XREADGROUP", "GROUP", "g", "c", "COUNT", 1, "STREAMS",
                                        STREAM_KEY, ">"]),
                        ("xread", ["XREAD", "COUNT", 10, "STREAMS", STREAM_KEY, "0"])]
                for key, cmd in plan:
                    if key == "xreadgroup":
                        c = server.conn()
                        try:
                            c.call("XGROUP", "CREATE", STREAM_KEY, "g", "0")
                        finally:
                            c.close()
                    if key not in self.rows and key != "xadd":  # XADD fills the stream
                        continue
                    rows, error = self.redis_benchmark(server, ["-c", 50, "-n", n] + cmd,
                                                       self.a.timeout)
                    if key not in self.rows:
                        continue
                    if error:
                        self.record_error(key, side, error)
                    elif rows:
                        self.record(key, side, rows[0][1])
                c = server.conn()
                try:
                    pending = c.call("XPENDING", STREAM_KEY, "g")
                finally:
                    c.close()
                # Every XREADGROUP request consumed one entry: the PEL says they all ran.
                if "xreadgroup" in self.rows and (not pending or pending[0] != n):
                    self.record_error("xreadgroup", side, "wrong result: XPENDING %r" % (pending,))
            finally:
                server.destroy()
        if not mem:
            return
        server = self.new_server(side)
        try:
            server.start()
            base = server.memory()
            n = self.a.stream_entries
            rows, error = self.redis_benchmark(
                server, ["-c", 50, "-P", 16, "-n", n, "XADD", STREAM_KEY + ":mem", "*",
                         "sensor", "42", "reading", "ok"], self.a.timeout)
            c = server.conn()
            try:
                length = c.call("XLEN", STREAM_KEY + ":mem")
            finally:
                c.close()
            if error or length != n:
                self.record_error("mem_stream", side, error or "XLEN %s, expected %d" % (length, n))
                return
            after = server.memory()
            self.record("mem_stream", side, (after["used_memory"] - base["used_memory"]) / n)
            self.raw.append({"server": side, "what": "memory of a %d-entry stream" % n,
                             "before": base, "after": after})
        finally:
            server.destroy()

    def run_collections(self, side, phases):
        server = self.new_server(side)
        try:
            server.start()
            prev = base = server.memory()
            complete = True
            for name, payload_path, ncmds, count in phases:
                with open(payload_path, "rb") as f:
                    p = spawn([self.a.redis_cli, "-h", "127.0.0.1", "-p", str(server.port),
                               "--pipe"], stdin=f, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
                    try:
                        out, _ = p.communicate(timeout=self.a.timeout)
                    except subprocess.TimeoutExpired:
                        kill_proc(p)
                        raise BenchError("redis-cli --pipe into %s timed out" % side)
                    kill_proc(p)
                out = out.decode(errors="replace")
                if not server.alive():
                    raise BenchError("%s died (exit status %s) loading %s: %s" % (
                        side, server.proc.returncode, name, server.log_tail()))
                m = re.search(r"errors: (\d+), replies: (\d+)", out)
                if not m or int(m.group(1)) != 0 or int(m.group(2)) != ncmds:
                    self.record_error("mem_" + name, side, "redis-cli --pipe: %s"
                                      % " ".join(out.split())[-200:])
                    prev = server.memory()
                    complete = False
                    continue
                now = server.memory()
                self.record("mem_" + name, side, (now["used_memory"] - prev["used_memory"]) / count)
                self.raw.append({"server": side, "what": "memory after %s" % name,
                                 "before": prev, "after": now, "per": count})
                prev = now
            c = server.conn()
            try:
                dbsize = c.call("DBSIZE")
            finally:
                c.close()
            keys = 4 * self.a.collections + 4
            self.raw.append({"server": side, "what": "collections total", "dbsize": dbsize,
                             "before": base, "after": prev})
            if not complete or dbsize != keys:
                for key in ("mem_coll_used", "mem_coll_rss"):
                    self.record_error(key, side, "incomplete dataset: DBSIZE %s, expected %d"
                                      % (dbsize, keys))
            else:
                self.record("mem_coll_used", side,
                            (prev["used_memory"] - base["used_memory"]) / keys)
                self.record("mem_coll_rss", side, (prev["rss"] - base["rss"]) / keys)
        finally:
            server.destroy()

    # -- datasets ----------------------------------------------------------------------------
    def collection_payloads(self):
        """Writes the RESP payloads (same bytes for both servers); returns the phases."""
        rnd = random.Random(7)
        n, big = self.a.collections, self.a.large
        d = mkdtemp("data")
        phases = []

        def write(name, cmds, count):
            path = os.path.join(d, name + ".resp")
            with open(path, "wb") as f:
                for cmd in cmds:
                    f.write(encode(*cmd))
            phases.append((name, path, len(cmds), count))

        write("hashes", [["HSET", "h:%d" % i] + sum(
            (["f%d" % j, "v%08d" % rnd.randrange(10 ** 8)] for j in range(1, 6)), [])
            for i in range(n)], n)
        write("sets", [["SADD", "s:%d" % i] + [rnd.randrange(100000) for _ in range(8)]
                       for i in range(n)], n)
        write("zsets", [["ZADD", "z:%d" % i] + sum(
            ([rnd.randrange(1000) / 4, "m%d" % j] for j in range(1, 6)), [])
            for i in range(n)], n)
        write("lists", [["RPUSH", "l:%d" % i] + ["item-%d" % rnd.randrange(10 ** 6)
                                                  for _ in range(8)] for i in range(n)], n)
        step = 1000
        cmds = []
        for base in range(0, big, step):
            r = range(base, min(base + step, big))
            cmds.append(["HSET", "big:hash"] + sum((["field:%d" % i, "value:%d" % i] for i in r), []))
            cmds.append(["SADD", "big:set"] + ["member:%d" % i for i in r])
            cmds.append(["ZADD", "big:zset"] + sum(([i, "member:%d" % i] for i in r), []))
            cmds.append(["RPUSH", "big:list"] + ["element:%d" % i for i in r])
        write("large", cmds, 4 * big)
        return phases

    # -- the whole run ----------------------------------------------------------------------
    def declare_rows(self):
        a = self.a
        if self.wanted("throughput", *THROUGHPUT_TESTS):
            tests = [t for t in THROUGHPUT_TESTS if a.only is None or "throughput" in a.only
                     or t in a.only]
            for pipeline in (1, 16):
                for t in tests:
                    key = t if pipeline == 1 else "%s_p%d" % (t, pipeline)
                    label = t.upper() + ("" if pipeline == 1 else " -P%d" % pipeline)
                    self.row(key, label, "throughput", "rps", "higher", 1.0)
            self.tests = tests
        else:
            self.tests = []
        if self.wanted("eval", "evalsha_get"):
            self.row("evalsha_get", "EVALSHA GET", "eval", "rps", "higher", 1.0)
        if self.wanted("eval", "evalsha_cjson"):
            self.row("evalsha_cjson", "EVALSHA cjson LPUSH/LTRIM x5 -c1 -P5", "eval", "rps",
                     "higher", 1.5)
        pop = human_count(a.populate)
        if self.wanted("memory", "mem_populate"):
            self.row("mem_pop_used", "POPULATE %s used_memory/key" % pop, "memory", "B/key",
                     "lower", 1.0)
            self.row("mem_pop_rss", "POPULATE %s RSS/key" % pop, "memory", "B/key",
                     "lower", 1.0)
        if self.wanted("memory", "mem_collections"):
            c = human_count(a.collections)
            for name, label, unit in (("hashes", "%s hashes (5 fields) used_memory/key", "B/key"),
                                      ("sets", "%s intsets (8 ints) used_memory/key", "B/key"),
                                      ("zsets", "%s zsets (5 members) used_memory/key", "B/key"),
                                      ("lists", "%s lists (8 items) used_memory/key", "B/key"),
                                      ("large", "4 large (hash,set,zset,list) x%s "
                                                "used_memory/elem", "B/elem")):
                self.row("mem_" + name, label % (human_count(a.large) if name == "large" else c),
                         "memory", unit, "lower", 1.0)
            self.row("mem_coll_used", "all collections used_memory/key", "memory", "B/key",
                     "lower", 1.0)
            self.row("mem_coll_rss", "all collections RSS/key", "memory", "B/key", "lower", 1.0)
        if self.wanted("streams", "xadd"):
            self.row("xadd", "XADD (one stream)", "streams", "rps", "higher", 1.0)
        if self.wanted("streams", "xreadgroup"):
            self.row("xreadgroup", "XREADGROUP COUNT 1 >", "streams", "rps", "higher", 1.0)
        if self.wanted("streams", "xread"):
            self.row("xread", "XREAD COUNT 10", "streams", "rps", "higher", 1.0)
        if self.wanted("streams", "mem_stream"):
            self.row("mem_stream", "stream of %s entries used_memory/entry"
                     % human_count(a.stream_entries), "memory", "B/entry", "lower", 1.0)
        for key, (label, _, _) in BITMAP_HLL_TESTS.items():
            if self.wanted("bitmap_hll", key):
                self.row(key, label, "bitmap_hll", "rps", "higher", 1.0)
        if self.wanted("bitmap_hll", "mem_hll"):
            self.row("mem_hll", "dense HyperLogLog used_memory/key (key included)", "bitmap_hll", "B/key",
                     "lower", 1.0)
        for key, label in (("geosearch", "GEOSEARCH BYRADIUS 5 km COUNT 10 (10k points)"),
                           ("geosearch_box", "GEOSEARCH BYBOX 10x10 km (10k points)"),
                           ("geoadd", "GEOADD")):
            if self.wanted("geo", key):
                self.row(key, label, "geo", "rps", "higher", 1.0)
        if self.wanted("persistence"):
            self.row("save_time", "SAVE of POPULATE %s" % pop, "persistence", "s", "lower")
            self.row("load_time", "start-up with that file (to PONG)", "persistence", "s",
                     "lower")

    def run(self):
        a = self.a
        self.declare_rows()
        phases = self.collection_payloads() if "mem_hashes" in self.rows else None
        for rnd in range(a.rounds):
            log("round %d/%d" % (rnd + 1, a.rounds))
            steps = []   # (what, function of the side, the rows it fills)
            if self.tests:
                for pipeline in (1, 16):
                    sfx = "" if pipeline == 1 else "_p%d" % pipeline
                    steps.append(("redis-benchmark -P%d" % pipeline,
                                  lambda s, p=pipeline: self.run_throughput(s, p, self.tests),
                                  [t + sfx for t in self.tests]))
            if "evalsha_get" in self.rows or "evalsha_cjson" in self.rows:
                steps.append(("EVALSHA", lambda s: self.run_eval(
                    s, "evalsha_get" in self.rows, "evalsha_cjson" in self.rows),
                    ["evalsha_get", "evalsha_cjson"]))
            if "mem_pop_used" in self.rows or "save_time" in self.rows:
                steps.append(("DEBUG POPULATE / SAVE / load", lambda s: self.run_populate(
                    s, "mem_pop_used" in self.rows, "save_time" in self.rows),
                    ["mem_pop_used", "mem_pop_rss", "save_time", "load_time"]))
            bh_keys = [k for k in list(BITMAP_HLL_TESTS) + ["mem_hll"] if k in self.rows]
            if bh_keys:
                steps.append(("bitmaps / HyperLogLog", self.run_bitmap_hll, bh_keys))
            geo_keys = [k for k in GEO_TESTS if k in self.rows]
            if geo_keys:
                steps.append(("GEO", lambda s: self.run_geo(s, geo_keys), geo_keys))
            stream_keys = [k for k in ("xadd", "xreadgroup", "xread") if k in self.rows]
            if stream_keys or "mem_stream" in self.rows:
                steps.append(("streams", lambda s, r=bool(stream_keys): self.run_streams(
                    s, r, "mem_stream" in self.rows), stream_keys + ["mem_stream"]))
            if phases:
                steps.append(("collections memory", lambda s: self.run_collections(s, phases),
                              ["mem_" + ph[0] for ph in phases] + ["mem_coll_used",
                                                                    "mem_coll_rss"]))
            for what, fn, keys in steps:
                keys = [k for k in keys if k in self.rows]
                for side in self.order(rnd):
                    seen = {k: self.outcomes(k, side) for k in keys}
                    t0 = time.monotonic()
                    try:
                        fn(side)
                    except BenchError as e:
                        self.fatal.append(str(e))
                        log("  ERROR %s on %s: %s" % (what, side, e))
                        # every row this run did not reach says why
                        for k in keys:
                            if self.outcomes(k, side) == seen[k]:
                                self.record_error(k, side, "not run: %s" % str(e)[:160])
                        continue
                    log("  %-32s %-6s %6.1f s" % (what, side, time.monotonic() - t0))

        if self.wanted("nonatomic"):
            for rnd in range(a.rounds):
                t0 = time.monotonic()
                try:
                    self.run_nonatomic()
                except (BenchError, subprocess.TimeoutExpired) as e:
                    self.fatal.append("non-atomic script rows: %s" % e)
                    continue
                log("  %-32s %-6s %6.1f s" % ("non-atomic script GET/SET", "osprey",
                                                time.monotonic() - t0))

    def nonatomic_table(self):
        """Medians of the non-atomic rows, or None when they did not run."""
        med = {}
        for mode, tests in self.nonatomic.items():
            for t, runs in tests.items():
                if not runs:
                    return None
                med[(mode, t)] = (statistics.median(r[0] for r in runs),
                                  statistics.median(r[1] for r in runs))
        lines = ["Osprey, 50 clients, while a non-atomic script (disable-atomicity, one INCR "
                 "per call) runs vs no script:",
                 "  %-4s %14s %14s %8s %12s %12s" % ("", "rps no script", "rps script",
                                                      "ratio", "p99 none ms", "p99 script ms")]
        for t in ("get", "set"):
            (r0, p0), (r1, p1) = med[("none", t)], med[("script", t)]
            lines.append("  %-4s %14.0f %14.0f %7.2fx %12.3f %12.3f"
                         % (t.upper(), r0, r1, r1 / r0 if r0 else 0, p0, p1))
        if self.nonatomic_script_calls:
            lines.append("  the script's own INCRs meanwhile (median per run): %d"
                         % statistics.median(self.nonatomic_script_calls))
        return "\n".join(lines)

    def outcomes(self, key, side):
        r = self.rows[key]
        return len(r["runs"][side]) + len(r["errors"][side])


def human_count(n):
    if n >= 1000000 and n % 1000000 == 0:
        return "%dM" % (n // 1000000)
    if n >= 1000 and n % 1000 == 0:
        return "%dk" % (n // 1000)
    return str(n)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
# Report.

def summarize(rows):
    for r in rows:
        for side in ("redis", "osprey"):
            runs = r["runs"][side]
            r[side + "_median"] = statistics.median(runs) if runs else None
        rm, om = r["redis_median"], r["osprey_median"]
        r["ratio"] = om / rm if rm and om is not None else None
        if r["ratio"] is None or r["target"] is None:
            r["pass"] = None
        elif r["better"] == "higher":
            r["pass"] = r["ratio"] >= r["target"]
        else:
            r["pass"] = r["ratio"] <= r["target"]
        if r["target"] is not None and (r["errors"]["osprey"] or not r["runs"]["osprey"]):
            r["pass"] = False   # a result with errors, or none, is no pass


def fmt_value(v, unit):
    if v is None:
        return "-"
    if unit == "rps":
        return "{:,.0f}".format(v)
    if unit == "s":
        return "%.3f" % v
    return "%.1f" % v


def short_cell(errs):
    return "n/a" if errs[0].startswith("n/a") else "ERR"


def table(rows, use_unicode):
    ok, bad = ("\u2713", "\u2717") if use_unicode else ("ok", "MISS")
    head = ["row", "unit", "Redis", "Osprey", "ratio", "target", "", "note"]
    lines = []
    for r in rows:
        red = fmt_value(r["redis_median"], r["unit"])
        osp = fmt_value(r["osprey_median"], r["unit"])
        notes = []
        for side, name in (("redis", "Redis"), ("osprey", "Osprey")):
            errs = r["errors"][side]
            if not errs:
                continue
            if r[side + "_median"] is None:
                if side == "redis":
                    red = short_cell(errs)
                else:
                    osp = short_cell(errs)
            runs = len(errs) + len(r["runs"][side])
            count = "" if runs <= 1 else " (%d of %d runs)" % (len(errs), runs)
            text = (errs[0] + count if errs[0].startswith("n/a")
                    else "%s error%s: %s" % (name, count, errs[0]))
            notes.append(text if len(text) <= 90 else text[:87] + "...")
        ratio = "-" if r["ratio"] is None else "%.2fx" % r["ratio"]
        if r["target"] is None:
            target = "-"
        else:
            target = ("%s %.2fx" % (">=" if r["better"] == "higher" else "<=", r["target"]))
        mark = "" if r["pass"] is None else (ok if r["pass"] else bad)
        lines.append([r["label"], r["unit"], red, osp, ratio, target, mark, "; ".join(notes)])
    widths = [max(len(x[i]) for x in lines + [head]) for i in range(len(head))]
    right = {2, 3, 4}

    def fmt(cells):
        return "  ".join(c.rjust(widths[i]) if i in right else c.ljust(widths[i])
                         for i, c in enumerate(cells)).rstrip()
    out = [fmt(head), "  ".join("-" * w for w in widths[:-1]) + "  ----"]
    section = None
    for r, cells in zip(rows, lines):
        if section is not None and r["section"] != section:
            out.append("")
        section = r["section"]
        out.append(fmt(cells))
    return "\n".join(out)


def xml_escape(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def svg_chart(rows, title):
    """Horizontal bars of the ratio Osprey/Redis per row, the 1.0 line and each target."""
    label_w, bar_w, row_h, top = 330, 520, 20, 64
    xmax = max([2.0] + [r["ratio"] * 1.08 for r in rows if r["ratio"] is not None])
    xmax = min(math.ceil(xmax * 2) / 2, 4.0)   # longer bars are cut at the edge
    width = label_w + bar_w + 90
    height = top + row_h * max(len(rows), 1) + 40

    def x(v):
        return label_w + bar_w * min(v, xmax) / xmax
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="12">' % (width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="20" font-size="15" font-weight="bold">%s</text>' % xml_escape(title),
           '<text x="10" y="40" fill="#555">ratio Osprey/Redis (medians); throughput: higher '
           'is better, memory and time: lower is better; | = target</text>']
    # grid
    step = 0.5 if xmax <= 4 else 1.0
    v = 0.0
    while v <= xmax + 1e-9:
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" %s/>'
                   % (x(v), top - 6, x(v), height - 30, "#333" if v == 1.0 else "#ddd",
                      'stroke-dasharray="4,3"' if v == 1.0 else ""))
        out.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%.1f</text>'
                   % (x(v), height - 14, v))
        v += step
    for i, r in enumerate(rows):
        y = top + i * row_h
        color = {True: "#3a9a4a", False: "#d04437", None: "#8a8f98"}[r["pass"]]
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>'
                   % (label_w - 8, y + 14, xml_escape(r["label"])))
        if r["ratio"] is None:
            errs = r["errors"]["osprey"] or r["errors"]["redis"]
            what = "no result" if not errs else short_cell(errs)
            out.append('<text x="%d" y="%d" fill="#d04437">%s</text>' % (label_w + 4, y + 14, what))
            continue
        out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>'
                   % (label_w, y + 3, max(x(r["ratio"]) - label_w, 1), row_h - 6, color))
        out.append('<text x="%.1f" y="%d" fill="#222">%.2fx</text>'
                   % (x(r["ratio"]) + 4, y + 14, r["ratio"]))
        if r["target"] is not None:
            out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black" '
                       'stroke-width="2"/>' % (x(r["target"]), y + 1, x(r["target"]), y + row_h - 1))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def write_atomic(path, text):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def tool_version(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception as e:
        return "unknown (%s)" % e


def git_head():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=10).stdout.strip() or None
    except Exception:
        return None


# ---------------------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rounds", type=int, help="runs per server and measurement (default 4: an even count balances the A B B A order)")
    p.add_argument("--requests", type=int,
                   help="-n of the unpipelined runs and EVALSHA GET (default 40000); "
                        "-P 16 runs use 3x, the cjson script half")
    p.add_argument("--only", help="comma list of tests (%s) and/or sections (%s), "
                                  "evalsha_get, evalsha_cjson, mem_populate, mem_collections"
                   % (",".join(THROUGHPUT_TESTS), ",".join(SECTIONS)))
    p.add_argument("--osprey", default=os.path.join(ROOT, "bin", "osprey-server"),
                   help="osprey-server binary (default bin/osprey-server)")
    p.add_argument("--redis", default="/usr/bin/redis-server",
                   help="reference redis-server 7.0.15 (default /usr/bin/redis-server)")
    p.add_argument("--redis-benchmark", default=None, help="default: next to --redis, or PATH")
    p.add_argument("--redis-cli", default=None, help="default: next to --redis, or PATH")
    p.add_argument("--smoke", action="store_true",
                   help="quick mode: 1 round, a few thousand requests, small datasets")
    p.add_argument("--populate", type=int, help="DEBUG POPULATE size (default 1000000)")
    p.add_argument("--collections", type=int,
                   help="number of each small collection kind (default 100000)")
    p.add_argument("--large", type=int, help="elements of each large collection (default 200000)")
    p.add_argument("--stream-entries", type=int,
                   help="entries of the stream whose memory is measured (default 1000000)")
    p.add_argument("--timeout", type=int, help="seconds allowed per tool run (default 900)")
    p.add_argument("--json", help="results file (default bench/results/latest.json, "
                                  "smoke.json with --smoke)")
    p.add_argument("--svg", help="chart file (default ratios.svg next to --json, "
                                 "smoke-ratios.svg with --smoke)")
    a = p.parse_args(argv)
    quick = a.smoke
    defaults = {"rounds": 1 if quick else 4, "requests": 2000 if quick else 40000,
                "populate": 10000 if quick else 1000000,
                "collections": 1000 if quick else 100000, "large": 5000 if quick else 200000,
                "timeout": 120 if quick else 900,
                "stream_entries": 10000 if quick else 1000000}
    for k, v in defaults.items():
        if getattr(a, k) is None:
            setattr(a, k, v)
    for k in ("rounds", "requests", "populate", "collections", "large", "timeout",
              "stream_entries"):
        if getattr(a, k) < 1:
            p.error("--%s must be >= 1" % k)
    if a.only is not None:
        a.only = {w.strip().lower() for w in a.only.split(",") if w.strip()}
        unknown = a.only - ONLY_WORDS
        if unknown:
            p.error("--only: unknown %s (known: %s)" % (",".join(sorted(unknown)),
                                                       ",".join(sorted(ONLY_WORDS))))
    results = os.path.join(ROOT, "bench", "results")
    if a.json is None:
        a.json = os.path.join(results, "smoke.json" if quick else "latest.json")
    if a.svg is None:
        a.svg = os.path.join(os.path.dirname(os.path.abspath(a.json)),
                             "smoke-ratios.svg" if quick else "ratios.svg")
    for tool in ("redis_benchmark", "redis_cli"):
        if getattr(a, tool) is None:
            name = tool.replace("_", "-")
            sibling = os.path.join(os.path.dirname(os.path.abspath(a.redis)), name)
            setattr(a, tool, sibling if os.access(sibling, os.X_OK) else shutil.which(name))
    for what in ("osprey", "redis", "redis_benchmark", "redis_cli"):
        path = getattr(a, what)
        if not path or not os.access(path, os.X_OK):
            p.error("%s not found or not executable: %s" % (what.replace("_", "-"), path))
        setattr(a, what, os.path.abspath(path))
    return a


def main(argv):
    a = parse_args(argv)
    atexit.register(cleanup)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    started = time.time()
    t0 = time.monotonic()
    meta = {"started": datetime.datetime.fromtimestamp(started).isoformat(timespec="seconds"),
            "mode": "smoke" if a.smoke else "full", "host": platform.node(),
            "cpus": os.cpu_count(), "loadavg_start": os.getloadavg(), "git_head": git_head(),
            "osprey": a.osprey, "redis": a.redis,
            "redis_version": tool_version([a.redis, "--version"]),
            "redis_benchmark": a.redis_benchmark,
            "options": {k: (sorted(v) if isinstance(v, set) else v)
                        for k, v in vars(a).items()}}
    bench = None
    interrupted = False
    status = 0
    try:
        bench = Bench(a)
        meta["ports"] = bench.ports
        log("bench: Redis %s on port %d, Osprey %s on port %d; %d round(s), -n %d%s"
            % (a.redis, bench.ports["redis"], a.osprey, bench.ports["osprey"], a.rounds,
               a.requests, " (smoke)" if a.smoke else ""))
        bench.run()
    except KeyboardInterrupt:
        interrupted = True
        status = 130
        log("interrupted: servers stopped, partial results follow")
    except BenchError as e:
        log("bench: error: %s" % e)
        return 1
    finally:
        cleanup()
    if bench is None:
        return status
    rows = list(bench.rows.values())
    summarize(rows)
    elapsed = time.monotonic() - t0
    meta.update({"seconds": round(elapsed, 1), "loadavg_end": os.getloadavg(),
                 "interrupted": interrupted, "fatal_errors": bench.fatal})
    use_unicode = (sys.stdout.encoding or "").lower().replace("-", "") == "utf8"
    print()
    print(table(rows, use_unicode))
    print()
    missed = [r["label"] for r in rows if r["pass"] is False]
    print("%d rows, %d with a target: %d met, %d missed; %d round(s), %.0f s; load average "
          "%.1f at start, %.1f at end"
          % (len(rows), sum(r["target"] is not None for r in rows),
             sum(r["pass"] is True for r in rows), len(missed), a.rounds, elapsed,
             meta["loadavg_start"][0], meta["loadavg_end"][0]))
    na = bench.nonatomic_table()
    if na:
        print()
        print(na)
    for e in bench.fatal:
        print("  ERROR: %s" % (e if len(e) <= 300 else e[:297] + "..."))
    if interrupted:
        print("interrupted: %s and %s left as they were" % (a.json, a.svg))
    else:
        write_atomic(a.json, json.dumps({"meta": meta, "rows": rows, "raw": bench.raw,
                                         "nonatomic": bench.nonatomic,
                                         "nonatomic_script_calls": bench.nonatomic_script_calls},
                                        indent=1) + "\n")
        write_atomic(a.svg, svg_chart(rows, "Osprey vs Redis 7.0.15 (%s, %s)"
                                      % (meta["mode"], meta["started"])))
        print("results: %s, chart: %s" % (os.path.relpath(a.json), os.path.relpath(a.svg)))
    if bench.fatal and status == 0:
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
