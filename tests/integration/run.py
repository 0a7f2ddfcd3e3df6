#!/usr/bin/env python3
"""Exact-bytes integration tests: run case files against a redis-compatible server.

Every file in tests/integration/cases/*.txt runs against a fresh server process (started
with `--port <free port> --save "" --daemonize no` plus the file's own `#! args:`), in a
temporary working directory. Each command is sent as RESP and the reply is compared byte
for byte with the expectation written in the file. The same files run against the real
Redis 7.0.15, which is how every expectation is proven to be the reference's.

Usage:
  run.py --server bin/osprey-server            all case files against our binary
  run.py --server bin/osprey-server --reference   reference first, then our binary
  run.py --server /usr/bin/redis-server        the files against the reference itself
  run.py --record cases/strings.txt            rewrite expectations from the reference
  run.py --server X cases/lists.txt ...        only the named files

The last line printed is exactly `N passed, M failed, K skipped` (cases, i.e. command
steps, summed over every server run). The exit status is 1 when anything failed.

PENDING CASES (tests/integration/pending.txt)
  Cases of features Osprey does not have yet are listed there, one per line:
    <file> | <case line exactly as written, e.g. "> XADD xs 1-1 f v"> | <reason>
    <file>:<line> | <case line> | <reason>   (only that occurrence)
    <file> | * | <reason>          (the whole file)
  A listed case that fails against Osprey counts as skipped, not failed; one that passes is
  reported loudly ("now passes: remove it from pending.txt"). The reference server always
  runs every case. The list is the honest gap list of this suite.

CASE FILE FORMAT (one item per line)

  # comment                 anywhere outside a reply ('#t' / '#f' are RESP3 booleans)
  #! args: --requirepass foo   extra server arguments; only before the first command
  > SET foo "a b\\r\\n" 'c'   a command, split like redis-cli (double quotes understand
                            \\n \\r \\t \\b \\a \\" \\\\ \\xHH; single quotes only \\'),
                            sent as a RESP multibulk
  >raw PING\\r\\n             raw bytes (same escapes, no quoting) for inline commands and
                            protocol errors
  >close                    expect the server to close this connection now; the client
                            reconnects on its next command
  >read                     send nothing, just read the replies that follow (Pub/Sub)
  @client NAME              switch connection (the first one is 'main'); opened lazily
  !sleep 0.2                pause
  !noreply                  (after a command) the command has no reply
  !sort                     (before a command, or before one of its replies) that reply is
                            an aggregate compared with its elements sorted
  !sort 2                   ... sort only its 2nd element (e.g. the key list of SCAN)

Replies follow their command, written as RESP lines without the \\r\\n:
  +OK   -ERR ...   :1   _   #t   ,1.5   (123   $-1   *-1
  $3                        bulk header, then its payload on the next line: literal when
  bar                       its byte length equals the header's, otherwise a double-quoted
                            escaped string ("a\\r\\nb")   (same for ! and = blobs)
  *2 / %1 / ~3 / >3         aggregates (array, map with 2 lines per entry, set, push)
  ~REGEX                    (any '~' line that is not a set header) one reply element
                            matched by Python re.fullmatch (DOTALL) against: the line for
                            simple types, the type char plus payload for blobs ('$' + text),
                            the raw RESP bytes for aggregates. Keep these rare.
A command may have several replies (SUBSCRIBE a b); all are listed in order.
"""

from __future__ import annotations

import argparse
import atexit
import concurrent.futures
import os
import random
import re
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CASES_DIR = os.path.join(HERE, "cases")
PENDING_FILE = os.path.join(HERE, "pending.txt")


def load_pending(path: str) -> dict:
    """{(file, case line) or (file, '*'): reason} from pending.txt."""
    pending = {}
    if not os.path.exists(path):
        return pending
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = [p.strip() for p in line.split(" | ")]
            if len(parts) != 3 or not parts[2]:
                raise CaseFileError("%s:%d: expected '<file> | <case line> | <reason>'"
                                    % (path, n))
            pending[(parts[0], parts[1])] = parts[2]
    return pending
REFERENCE_SERVER = "/usr/bin/redis-server"


def to_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def to_text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


# ---------------------------------------------------------------------------------------
# ESCAPES AND redis-cli STYLE ARGUMENT SPLITTING
# ---------------------------------------------------------------------------------------

SIMPLE_ESCAPES = {"n": b"\n", "r": b"\r", "t": b"\t", "b": b"\b", "a": b"\a", "0": b"\0"}
# redis-cli's double quotes know these (no \\0)
QUOTED_ESCAPES = {"n": b"\n", "r": b"\r", "t": b"\t", "b": b"\b", "a": b"\a"}
HEX_DIGITS = "0123456789abcdefABCDEF"


def unescape(text: str) -> bytes:
    """Decode backslash escapes (\\n \\r \\t \\b \\a \\0 \\xHH; any other char literal)."""
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            n = text[i + 1]
            if n == "x" and i + 3 < len(text) and text[i + 2] in HEX_DIGITS \
                    and text[i + 3] in HEX_DIGITS:
                out.append(int(text[i + 2:i + 4], 16))
                i += 4
                continue
            out += SIMPLE_ESCAPES.get(n, to_bytes(n))
            i += 2
            continue
        out += to_bytes(c)
        i += 1
    return bytes(out)


def escape(data: bytes) -> str:
    """The inverse of unescape, for writing a payload as a double-quoted string."""
    out = []
    for b in data:
        ch = chr(b)
        if ch == "\\" or ch == '"':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif 0x20 <= b < 0x7F:
            out.append(ch)
        else:
            out.append("\\x%02x" % b)
    return "".join(out)


class CaseFileError(Exception):
    pass


def split_args(line: str) -> list[bytes]:
    """Split a command line the way redis-cli (sdssplitargs) does."""
    args = []
    i, end = 0, len(line)
    while True:
        while i < end and line[i].isspace():
            i += 1
        if i >= end:
            return args
        current = bytearray()
        in_double = in_single = False
        while True:
            if in_double:
                if i >= end:
                    raise CaseFileError("unbalanced double quote")
                c = line[i]
                if c == "\\" and i + 3 < end and line[i + 1] == "x" \
                        and line[i + 2] in HEX_DIGITS and line[i + 3] in HEX_DIGITS:
                    current.append(int(line[i + 2:i + 4], 16))
                    i += 3
                elif c == "\\" and i + 1 < end:
                    i += 1
                    current += QUOTED_ESCAPES.get(line[i], to_bytes(line[i]))
                elif c == '"':
                    if i + 1 < end and not line[i + 1].isspace():
                        raise CaseFileError("closing quote must be followed by a space")
                    i += 1
                    break
                else:
                    current += to_bytes(c)
            elif in_single:
                if i >= end:
                    raise CaseFileError("unbalanced single quote")
                c = line[i]
                if c == "\\" and i + 1 < end and line[i + 1] == "'":
                    current += b"'"
                    i += 1
                elif c == "'":
                    if i + 1 < end and not line[i + 1].isspace():
                        raise CaseFileError("closing quote must be followed by a space")
                    i += 1
                    break
                else:
                    current += to_bytes(c)
            else:
                if i >= end or line[i].isspace():
                    break
                c = line[i]
                if c == '"':
                    in_double = True
                elif c == "'":
                    in_single = True
                else:
                    current += to_bytes(c)
            i += 1
        args.append(bytes(current))


def encode_command(args: list[bytes]) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


# ---------------------------------------------------------------------------------------
# RESP VALUES: PARSE FROM THE WIRE, PARSE FROM A CASE FILE, ENCODE, RENDER, MATCH
# ---------------------------------------------------------------------------------------

LINE_TYPES = b"+-:_#,("
BLOB_TYPES = b"$!="
AGG_TYPES = b"*%~>|"
PAIRED_TYPES = b"%|"


class Value:
    """One RESP value. kind: 'line' (simple types and nulls; head is the whole line),
    'blob' (head is the type byte, payload the bytes), 'agg' (head is the type byte),
    'regex' (only in expectations)."""

    __slots__ = ("kind", "head", "payload", "children", "regex", "sort")

    def __init__(self, kind, head=b"", payload=b"", children=None, regex=None):
        self.kind = kind
        self.head = head
        self.payload = payload
        self.children = children if children is not None else []
        self.regex = regex
        self.sort = None  # None, or 0 (sort this value) / n (sort the n-th element)

    def has_regex(self) -> bool:
        return self.kind == "regex" or any(c.has_regex() for c in self.children)


class ProtocolError(Exception):
    pass


def parse_wire(buf: bytes, pos: int = 0):
    """Parse one complete RESP value at buf[pos:]. Returns (Value, next_pos), or None
    when more bytes are needed. Raises ProtocolError on malformed input."""
    eol = buf.find(b"\r\n", pos)
    if eol < 0:
        return None
    if eol == pos:
        raise ProtocolError("empty line where a reply was expected")
    t = buf[pos:pos + 1]
    line = buf[pos:eol]
    nxt = eol + 2
    if t in (b"+", b"-", b":", b"_", b"#", b",", b"("):
        return Value("line", line), nxt
    try:
        n = int(buf[pos + 1:eol])
    except ValueError:
        raise ProtocolError("bad length in %r" % line) from None
    if t in (b"$", b"!", b"="):
        if n < 0:
            return Value("line", line), nxt
        if len(buf) < nxt + n + 2:
            return None
        if buf[nxt + n:nxt + n + 2] != b"\r\n":
            raise ProtocolError("blob of length %d not followed by CRLF" % n)
        return Value("blob", t, buf[nxt:nxt + n]), nxt + n + 2
    if t in (b"*", b"%", b"~", b">", b"|"):
        if n < 0:
            return Value("line", line), nxt
        count = n * 2 if t in (b"%", b"|") else n
        children = []
        for _ in range(count):
            r = parse_wire(buf, nxt)
            if r is None:
                return None
            child, nxt = r
            children.append(child)
        return Value("agg", t, children=children), nxt
    raise ProtocolError("unknown RESP type byte in %r" % line)


def encode(v: Value) -> bytes:
    if v.kind == "line":
        return v.head + b"\r\n"
    if v.kind == "blob":
        return b"%s%d\r\n%s\r\n" % (v.head, len(v.payload), v.payload)
    if v.kind == "agg":
        n = len(v.children) // 2 if v.head in (b"%", b"|") else len(v.children)
        return b"%s%d\r\n" % (v.head, n) + b"".join(encode(c) for c in v.children)
    return b"~" + v.regex.pattern + b"\r\n"  # only used for sorting / display


def render(v: Value) -> list[str]:
    """The case-file lines for a value."""
    if v.kind == "line":
        return [to_text(v.head)]
    if v.kind == "regex":
        return ["~" + to_text(v.regex.pattern)]
    if v.kind == "blob":
        p = v.payload
        literal = all(0x20 <= b < 0x7F for b in p) and p == p.strip()
        return ["%s%d" % (to_text(v.head), len(p)), to_text(p) if literal else '"%s"' % escape(p)]
    n = len(v.children) // 2 if v.head in (b"%", b"|") else len(v.children)
    lines = ["%s%d" % (to_text(v.head), n)]
    for c in v.children:
        lines += render(c)
    return lines


SET_HEADER = re.compile(r"~-?\d+")
PUSH_HEADER = re.compile(r">-?\d+")


def parse_expected(lines: list[str], i: int, where) -> tuple[Value, int]:
    """Parse one expected value starting at lines[i]; returns (Value, next line index)."""
    if i >= len(lines):
        raise CaseFileError("%s: reply truncated at end of file" % where(i))
    line = lines[i]
    if not line:
        raise CaseFileError("%s: empty line where a reply element was expected" % where(i))
    t = line[0]
    if t == "~" and not SET_HEADER.fullmatch(line):
        try:
            return Value("regex", regex=re.compile(to_bytes(line[1:]), re.DOTALL)), i + 1
        except re.error as e:
            raise CaseFileError("%s: bad regex: %s" % (where(i), e)) from None
    if t in "+-:_#,(":
        return Value("line", to_bytes(line)), i + 1
    if t not in "$!=*%~>|":
        raise CaseFileError("%s: not a RESP line: %r" % (where(i), line))
    try:
        n = int(line[1:])
    except ValueError:
        raise CaseFileError("%s: bad length in %r" % (where(i), line)) from None
    if n < 0:
        return Value("line", to_bytes(line)), i + 1
    if t in "$!=":
        if i + 1 >= len(lines):
            raise CaseFileError("%s: blob payload missing" % where(i))
        text = lines[i + 1]
        raw = to_bytes(text)
        if len(raw) != n:
            if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
                raw = unescape(text[1:-1])
            if len(raw) != n:
                raise CaseFileError("%s: payload is %d bytes, header says %d"
                                    % (where(i + 1), len(raw), n))
        return Value("blob", to_bytes(t), raw), i + 2
    count = n * 2 if t in "%|" else n
    children = []
    j = i + 1
    for _ in range(count):
        child, j = parse_expected(lines, j, where)
        children.append(child)
    return Value("agg", to_bytes(t), children=children), j


def display(v: Value) -> bytes:
    """What a ~REGEX line is matched against."""
    if v.kind == "line":
        return v.head
    if v.kind == "blob":
        return v.head + v.payload
    return encode(v)


def sort_key(v: Value) -> bytes:
    """Plain values sort by their text (so sorted files read alphabetically), aggregates
    by their encoding."""
    return display(v) if v.kind != "agg" else encode(v)


def sorted_value(v: Value, spec) -> Value:
    """A copy of v with the aggregate selected by spec (0 = v itself, n = n-th element)
    sorted (maps: by entry)."""
    if spec is None or v.kind != "agg":
        return v
    if spec:
        if spec > len(v.children):
            return v
        children = list(v.children)
        children[spec - 1] = sorted_value(children[spec - 1], 0)
        return Value("agg", v.head, children=children)
    if v.head in (b"%", b"|"):
        pairs = [v.children[k:k + 2] for k in range(0, len(v.children), 2)]
        pairs.sort(key=lambda p: (sort_key(p[0]), sort_key(p[1])))
        children = [c for p in pairs for c in p]
    else:
        children = sorted(v.children, key=sort_key)
    return Value("agg", v.head, children=children)


def matches(exp: Value, act: Value) -> bool:
    if exp.kind == "regex":
        return exp.regex.fullmatch(display(act)) is not None
    if exp.kind != act.kind or exp.head != act.head:
        return False
    if exp.kind == "blob":
        return exp.payload == act.payload
    if exp.kind == "agg":
        return len(exp.children) == len(act.children) and \
            all(matches(e, a) for e, a in zip(exp.children, act.children))
    return True


# ---------------------------------------------------------------------------------------
# CASE FILES
# ---------------------------------------------------------------------------------------

class Step:
    """One line-level action of a case file. kind: cmd, raw, close, read, sleep, client."""

    def __init__(self, kind, lineno, text):
        self.kind = kind
        self.lineno = lineno  # 1-based
        self.text = text
        self.data = b""
        self.arg = None  # seconds for sleep, name for client
        self.expected: list[Value] = []
        self.noreply = False
        self.sort_first = None  # a !sort written before the first reply
        self.value_spans: list[tuple[int, int]] = []  # 0-based [start, end) line ranges
        self.insert_at = lineno  # 0-based index where recorded values would go

    @property
    def is_case(self) -> bool:
        return self.kind in ("cmd", "raw", "close", "read")


class CaseFile:
    def __init__(self, path: str, allow_empty=False):
        self.path = path
        self.name = os.path.relpath(path, CASES_DIR) if path.startswith(CASES_DIR) \
            else os.path.basename(path)
        with open(path, "rb") as f:
            text = to_text(f.read())
        self.lines = [ln[:-1] if ln.endswith("\r") else ln for ln in text.split("\n")]
        self.trailing_newline = text.endswith("\n")
        if self.trailing_newline:
            self.lines.pop()
        self.server_args: list[str] = []
        self.steps: list[Step] = []
        self._parse(allow_empty)

    def where(self, i: int) -> str:
        return "%s:%d" % (self.name, i + 1)

    def _parse(self, allow_empty):
        lines = self.lines
        current = None  # the step replies attach to
        pending_sort = None
        i = 0
        while i < len(lines):
            line = lines[i]
            stripped = line.strip()
            if not stripped:
                i += 1
                continue
            if line.startswith("#!"):
                m = re.fullmatch(r"#!\s*args:(.*)", line)
                if not m:
                    raise CaseFileError("%s: unknown #! directive" % self.where(i))
                if any(s.is_case for s in self.steps):
                    raise CaseFileError("%s: '#! args:' must come before the first command"
                                        % self.where(i))
                self.server_args += shlex.split(m.group(1))
                i += 1
                continue
            if line.startswith("#") and line not in ("#t", "#f"):
                i += 1
                continue
            if line.startswith(">") and not PUSH_HEADER.fullmatch(line):
                step = self._command_step(line, i)
                step.sort_first, pending_sort = pending_sort, None
                self.steps.append(step)
                current = step if step.kind != "close" else None
                i += 1
                continue
            if line.startswith("@"):
                m = re.fullmatch(r"@client\s+(\S+)\s*", line)
                if not m:
                    raise CaseFileError("%s: expected '@client NAME'" % self.where(i))
                step = Step("client", i + 1, line)
                step.arg = m.group(1)
                self.steps.append(step)
                current = None
                i += 1
                continue
            if line.startswith("!"):
                words = line[1:].split()
                if words and words[0] == "sleep" and len(words) == 2:
                    step = Step("sleep", i + 1, line)
                    step.arg = float(words[1])
                    self.steps.append(step)
                    current = None
                elif words == ["noreply"]:
                    if current is None or current.kind == "read":
                        raise CaseFileError("%s: !noreply must follow a command"
                                            % self.where(i))
                    current.noreply = True
                    current.insert_at = i + 1
                elif words and words[0] == "sort" and len(words) <= 2:
                    # Applies to the next reply: the next command's first one when a
                    # command line comes next, else the next reply of this command.
                    pending_sort = int(words[1]) if len(words) == 2 else 0
                else:
                    raise CaseFileError("%s: unknown directive %r" % (self.where(i), line))
                i += 1
                continue
            if current is None:
                raise CaseFileError("%s: reply without a command before it" % self.where(i))
            value, j = parse_expected(lines, i, self.where)
            if pending_sort is None and not current.expected:
                pending_sort = current.sort_first
            value.sort, pending_sort = pending_sort, None
            current.expected.append(value)
            current.value_spans.append((i, j))
            i = j
        if pending_sort is not None:
            raise CaseFileError("%s: !sort without a reply after it" % self.name)
        for s in self.steps:
            if s.kind in ("cmd", "raw", "read") and not s.expected and not s.noreply \
                    and not allow_empty:
                raise CaseFileError("%s:%d: command has no expected reply (use !noreply)"
                                    % (self.name, s.lineno))
            if s.noreply and s.expected:
                raise CaseFileError("%s:%d: !noreply but replies are listed"
                                    % (self.name, s.lineno))

    def _command_step(self, line: str, i: int) -> Step:
        if line.startswith("> "):
            step = Step("cmd", i + 1, line)
            try:
                args = split_args(line[2:])
            except CaseFileError as e:
                raise CaseFileError("%s: %s" % (self.where(i), e)) from None
            if not args:
                raise CaseFileError("%s: empty command" % self.where(i))
            step.data = encode_command(args)
        elif line.startswith(">raw "):
            step = Step("raw", i + 1, line)
            step.data = unescape(line[5:])
        elif line.strip() == ">close":
            step = Step("close", i + 1, line)
        elif line.strip() == ">read":
            step = Step("read", i + 1, line)
        else:
            raise CaseFileError("%s: unknown command line %r (commands start with '> ')"
                                % (self.where(i), line))
        step.insert_at = i + 1
        return step

    @property
    def case_count(self) -> int:
        return sum(1 for s in self.steps if s.is_case)


# ---------------------------------------------------------------------------------------
# SERVER PROCESSES
# ---------------------------------------------------------------------------------------

_live_servers: set = set()
_live_lock = threading.Lock()
_ports_in_use: set = set()
_shutting_down = False


def kill_all_servers():
    global _shutting_down
    with _live_lock:
        _shutting_down = True
        servers = list(_live_servers)
    for s in servers:
        s.stop()


class Server:
    def __init__(self, binary: str, args: list[str], workdir: str, port_range):
        self.binary = binary
        self.args = args
        self.workdir = workdir
        self.port_range = port_range
        self.port = None
        self.proc = None
        self.log_path = os.path.join(workdir, "server.log")

    def _pick_port(self) -> int:
        lo, hi = self.port_range
        ports = list(range(lo, hi + 1))
        random.shuffle(ports)
        for p in ports:
            with _live_lock:
                if p in _ports_in_use:
                    continue
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                s.bind(("0.0.0.0", p))
            except OSError:
                continue
            finally:
                s.close()
            with _live_lock:
                if p in _ports_in_use:
                    continue
                _ports_in_use.add(p)
            return p
        raise RuntimeError("no free port in %d-%d" % (lo, hi))

    def start(self, timeout=10.0):
        last_error = ""
        for _attempt in range(3):
            self.port = self._pick_port()
            cmd = [self.binary, "--port", str(self.port), "--save", "", "--daemonize", "no"] \
                + self.args
            log = open(self.log_path, "ab")
            log.write(b"$ " + to_bytes(" ".join(shlex.quote(c) for c in cmd)) + b"\n")
            log.flush()
            self.proc = subprocess.Popen(cmd, cwd=self.workdir, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
            log.close()
            with _live_lock:
                _live_servers.add(self)
                if _shutting_down:
                    raise RuntimeError("shutting down")
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    last_error = "server exited with status %d" % self.proc.returncode
                    break
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                    return self
                except OSError:
                    time.sleep(0.02)
            else:
                last_error = "server did not accept connections within %.0fs" % timeout
            self.stop()
        raise RuntimeError(last_error)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        proc = self.proc
        if proc is not None and proc.poll() is None:
            try:
                proc.terminate()
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            except ProcessLookupError:
                pass
        with _live_lock:
            _live_servers.discard(self)
            _ports_in_use.discard(self.port)

    def log_tail(self, n=40) -> str:
        try:
            with open(self.log_path, "rb") as f:
                lines = to_text(f.read()).splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(lines[-n:])


# ---------------------------------------------------------------------------------------
# CONNECTIONS
# ---------------------------------------------------------------------------------------

class ReplyTimeout(Exception):
    def __init__(self, received: bytes):
        super().__init__("timed out")
        self.received = received


class ConnectionClosed(Exception):
    def __init__(self, received: bytes):
        super().__init__("connection closed")
        self.received = received


class Connection:
    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.eof = False

    def send(self, data: bytes):
        if data:
            self.sock.sendall(data)

    def _fill(self, timeout: float) -> bool:
        """Read what arrives within timeout; False on timeout. Sets eof on close."""
        if self.eof:
            return False
        r, _, _ = select.select([self.sock], [], [], max(timeout, 0))
        if not r:
            return False
        try:
            chunk = self.sock.recv(1 << 16)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def read_value(self, timeout: float) -> Value:
        deadline = time.monotonic() + timeout
        while True:
            r = parse_wire(self.buf)
            if r is not None:
                value, n = r
                self.buf = self.buf[n:]
                return value
            if self.eof:
                raise ConnectionClosed(self.buf)
            if not self._fill(deadline - time.monotonic()) and not self.eof:
                raise ReplyTimeout(self.buf)

    def pending(self, wait: float = 0.0) -> bytes:
        """Bytes that arrived without being asked for (waits up to `wait`)."""
        deadline = time.monotonic() + wait
        while self._fill(deadline - time.monotonic()):
            pass
        return self.buf

    def expect_close(self, timeout: float) -> bytes | None:
        """None if the server closed the connection in time, else the extra bytes read
        (b'' on timeout)."""
        deadline = time.monotonic() + timeout
        while not self.eof:
            if not self._fill(deadline - time.monotonic()) and not self.eof:
                return self.buf
        return None if not self.buf else self.buf

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# ---------------------------------------------------------------------------------------
# RUNNING A FILE
# ---------------------------------------------------------------------------------------

def show_value(v: Value, indent="    ") -> str:
    return "\n".join(indent + ln for ln in render(v))


class Abort(Exception):
    """Stop running this file (desynchronised connection or dead server)."""


class FileRun:
    """Runs (or records) one case file against one fresh server."""

    def __init__(self, case: CaseFile, binary: str, opts, label: str, record=False):
        self.case = case
        self.binary = binary
        self.opts = opts
        self.label = label
        self.record = record
        self.passed = 0
        self.failed = 0
        self.skipped = 0  # pending cases that failed as expected
        self.pending = getattr(opts, "pending", {}) if label != "reference" else {}
        self.messages: list[str] = []
        self.recorded: dict[int, list[Value]] = {}  # step index -> replies (record mode)
        self.server = None
        self.conns: dict[str, Connection] = {}
        self.deadline = 0.0

    # -- reporting --
    def is_pending(self, step: Step | None) -> bool:
        if not self.pending:
            return False
        if (self.case.name, "*") in self.pending:
            return True
        if step is None:
            return False
        text = step.text.strip()
        return ((self.case.name, text) in self.pending or
                ("%s:%d" % (self.case.name, step.lineno), text) in self.pending)

    def fail(self, step: Step | None, text: str):
        if self.is_pending(step):
            self.skipped += 1
            return
        self.failed += 1
        if len([m for m in self.messages if m.startswith("  FAIL")]) < self.opts.max_diffs:
            head = "%s:%d: %s" % (self.case.name, step.lineno, step.text) if step \
                else self.case.name
            self.messages.append("  FAIL %s\n%s" % (head, text))

    def read_timeout(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Abort("file timeout (%.0fs) exceeded" % self.opts.file_timeout)
        return min(self.opts.timeout, left)

    def conn(self, name: str) -> Connection:
        c = self.conns.get(name)
        if c is None:
            try:
                c = Connection(self.server.port)
            except OSError as e:
                raise Abort("cannot connect client %r: %s" % (name, e)) from None
            self.conns[name] = c
        return c

    # -- main loop --
    def run(self) -> "FileRun":
        workdir = tempfile.mkdtemp(prefix="osprey-it-", dir=self.opts.tmpdir)
        self.deadline = time.monotonic() + self.opts.file_timeout
        steps = self.case.steps
        try:
            self.server = Server(self.binary, self.case.server_args, workdir,
                                 self.opts.port_range)
            try:
                self.server.start()
            except RuntimeError as e:
                raise Abort("cannot start %s: %s" % (self.binary, e)) from None
            current = "main"
            for index, step in enumerate(steps):
                if step.kind == "sleep":
                    time.sleep(step.arg)
                elif step.kind == "client":
                    current = step.arg
                else:
                    self.run_step(index, step, current)
            self.check_leftovers()
        except Abort as e:
            not_run = self.case.case_count - self.passed - self.failed - self.skipped
            if (self.case.name, "*") in self.pending:
                self.skipped += max(not_run, 0)
                not_run = 0
            if not self.server or not self.server.alive():
                reason = "%s (server is not running)" % e
            else:
                reason = str(e)
            self.failed += max(not_run, 0)
            self.messages.append("  ABORT %s: %s; %d case(s) not run, counted as failed"
                                 % (self.case.name, reason, not_run))
        finally:
            for c in self.conns.values():
                c.close()
            if self.server:
                self.server.stop()
            if self.failed and self.server:
                self.messages.append("  server log (%s):\n%s" % (
                    self.server.log_path if self.opts.keep_tmp else "tail",
                    "\n".join("    | " + ln for ln in self.server.log_tail().splitlines())))
            if not self.opts.keep_tmp:
                shutil.rmtree(workdir, ignore_errors=True)
        return self

    def run_step(self, index: int, step: Step, client: str):
        conn = self.conn(client)
        if self.opts.verbose:
            self.messages.append("  [%s] %s" % (client, step.text))
        try:
            conn.send(step.data)
        except OSError as e:
            if step.kind != "close":
                self.conns.pop(client).close()
                self.fail(step, "    send failed: %s" % e)
                return
        if step.kind == "close":
            extra = conn.expect_close(self.read_timeout())
            self.conns.pop(client).close()
            if extra is None:
                self.passed += 1
            elif extra:
                self.fail(step, "    expected the connection to close, got bytes:\n    %r"
                          % extra)
            else:
                self.fail(step, "    expected the connection to close, it stayed open")
            return
        if self.record:
            self.record_step(index, step, conn)
            return
        ok = True
        for k, exp in enumerate(step.expected):
            try:
                act = conn.read_value(self.read_timeout())
            except ReplyTimeout as e:
                self.fail(step, "    timed out waiting for reply %d of %d; expected:\n%s\n"
                          "    received so far: %r" % (k + 1, len(step.expected),
                                                       show_value(exp), e.received))
                raise Abort("no reply within %.1fs" % self.opts.timeout) from None
            except ConnectionClosed as e:
                self.fail(step, "    connection closed by the server; expected:\n%s\n"
                          "    received before close: %r" % (show_value(exp), e.received))
                self.conns.pop(client).close()
                if not self.server.alive():
                    raise Abort("server died") from None
                return
            except ProtocolError as e:
                self.fail(step, "    malformed reply: %s\n    bytes: %r" % (e, conn.buf[:300]))
                raise Abort("protocol error in reply") from None
            exp_cmp = sorted_value(exp, exp.sort)
            act_cmp = sorted_value(act, exp.sort)
            if not matches(exp_cmp, act_cmp):
                ok = False
                note = " (compared sorted)" if exp.sort is not None else ""
                which = " reply %d of %d" % (k + 1, len(step.expected)) \
                    if len(step.expected) > 1 else ""
                self.fail(step, "    expected%s%s:\n%s\n    actual:\n%s\n"
                          "    expected bytes: %r\n    actual bytes:   %r"
                          % (which, note, show_value(exp_cmp), show_value(act_cmp),
                             encode(exp_cmp), encode(act_cmp)))
                break
        if ok:
            extra = conn.pending()
            if extra:
                ok = False
                self.fail(step, "    unexpected extra bytes after the reply: %r" % extra[:300])
                conn.buf = b""
        if ok:
            self.passed += 1
            if self.is_pending(step) and (self.case.name, "*") not in self.pending:
                self.messages.append("  NOW PASSES %s:%d: %s (remove it from pending.txt)"
                                     % (self.case.name, step.lineno, step.text))

    def check_leftovers(self):
        for name, conn in self.conns.items():
            extra = conn.pending(0.05)
            if extra:
                self.fail(None, "    client %r: unread bytes at end of file: %r"
                          % (name, extra[:300]))

    # -- record mode --
    def record_step(self, index: int, step: Step, conn: Connection):
        got: list[Value] = []
        if not step.noreply:
            quiet = 0.02  # a reply's parts arrive together on localhost
            try:
                got.append(conn.read_value(self.read_timeout()))
                while len(got) < len(step.expected) or conn.pending(quiet):
                    got.append(conn.read_value(self.read_timeout()))
            except (ReplyTimeout, ConnectionClosed, ProtocolError) as e:
                if isinstance(e, ConnectionClosed):
                    for name, c in list(self.conns.items()):
                        if c is conn:
                            self.conns.pop(name).close()
                    self.messages.append("  note %s:%d: the server closed the connection "
                                         "(add >close)" % (self.case.name, step.lineno))
                if not got:
                    self.fail(step, "    no reply recorded: %s" % e)
                    if isinstance(e, ReplyTimeout):
                        raise Abort("no reply") from None
                    return
        elif conn.pending(0.1):
            self.fail(step, "    !noreply, but the reference replied %r" % conn.buf)
            conn.buf = b""
        self.recorded[index] = got
        self.passed += 1


# ---------------------------------------------------------------------------------------
# RECORDING: REWRITE A FILE'S EXPECTATIONS FROM THE REFERENCE'S REPLIES
# ---------------------------------------------------------------------------------------

def record_file(path: str, opts) -> int:
    case = CaseFile(path, allow_empty=True)
    run = FileRun(case, opts.reference_server, opts, "record", record=True).run()
    for m in run.messages:
        print(m)
    replace: dict[int, list[str]] = {}  # insert position -> lines
    drop: set[int] = set()
    changed = 0
    for index, step in enumerate(case.steps):
        if index not in run.recorded or step.noreply:
            continue
        got = run.recorded[index]
        same = len(got) == len(step.expected) and all(
            matches(sorted_value(e, e.sort), sorted_value(a, e.sort))
            for e, a in zip(step.expected, got))
        if same:
            continue
        changed += 1
        if any(e.has_regex() for e in step.expected):
            print("  note %s:%d: a ~regex reply was replaced by literal values; review it"
                  % (case.name, step.lineno))
        new_lines = []
        for k, a in enumerate(got):
            spec = step.expected[k].sort if k < len(step.expected) else \
                (step.sort_first if k == 0 else None)
            new_lines += render(sorted_value(a, spec))
        for start, end in step.value_spans:
            drop.update(range(start, end))
        at = step.value_spans[0][0] if step.value_spans else step.insert_at
        replace[at] = new_lines
    out = []
    for i in range(len(case.lines) + 1):
        if i in replace:
            out += replace[i]
        if i < len(case.lines) and i not in drop:
            out.append(case.lines[i])
    with open(path, "wb") as f:
        f.write(to_bytes("\n".join(out) + ("\n" if case.trailing_newline or out else "")))
    print("recorded %s: %d case(s), %d block(s) rewritten" % (case.name, case.case_count,
                                                            changed))
    return 1 if run.failed else 0


# ---------------------------------------------------------------------------------------
# MAIN
# ---------------------------------------------------------------------------------------

def parse_port_range(text: str):
    lo, _, hi = text.partition("-")
    return int(lo), int(hi or lo)


def _resolve_binary(path: str) -> str:
    """Servers start in their own temporary directory, so a relative path such as
    bin/osprey-server must be made absolute first (a bare name is looked up in PATH)."""
    if os.sep in path:
        return os.path.abspath(path)
    return shutil.which(path) or path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Exact-bytes integration tests for Osprey.",
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="Case file format: see the docstring of run.py.")
    ap.add_argument("files", nargs="*", help="case files (default: cases/*.txt)")
    ap.add_argument("--server", help="server binary to test")
    ap.add_argument("--reference", action="store_true",
                    help="also run every file against the reference server first")
    ap.add_argument("--reference-server", default=REFERENCE_SERVER)
    ap.add_argument("--record", action="store_true",
                    help="rewrite the files' replies from the reference server")
    ap.add_argument("-j", "--jobs", type=int, default=min(4, os.cpu_count() or 1))
    ap.add_argument("--timeout", type=float, default=5.0, help="seconds per reply")
    ap.add_argument("--file-timeout", type=float, default=120.0, help="seconds per file")
    ap.add_argument("--ports", default=os.environ.get("OSPREY_TEST_PORTS", "7400-7499"),
                    help="port range for servers (default 7400-7499 or $OSPREY_TEST_PORTS)")
    ap.add_argument("--max-diffs", type=int, default=10, help="failures shown per file")
    ap.add_argument("--keep-tmp", action="store_true", help="keep server dirs and logs")
    ap.add_argument("--tmpdir", default=None)
    ap.add_argument("--pending", dest="pending_files", action="append", default=[], metavar="FILE",
                    help="more pending cases for this binary (e.g. pending-asan.txt)")
    ap.add_argument("-v", "--verbose", action="store_true", help="echo every command")
    opts = ap.parse_args(argv)
    opts.port_range = parse_port_range(opts.ports)

    files = [os.path.abspath(f) for f in opts.files] if opts.files else sorted(
        os.path.join(CASES_DIR, f) for f in os.listdir(CASES_DIR) if f.endswith(".txt"))
    if opts.tmpdir is None:
        opts.tmpdir = tempfile.mkdtemp(prefix="osprey-integration-")
        if not opts.keep_tmp:
            atexit.register(shutil.rmtree, opts.tmpdir, True)

    if opts.record:
        if not opts.files:
            ap.error("--record needs the files to rewrite")
        status = 0
        for f in files:
            status |= record_file(f, opts)
        return status

    if not opts.server and not opts.reference:
        ap.error("--server is required (or --reference alone)")
    runs = []  # (label, binary)
    if opts.reference:
        runs.append(("reference", _resolve_binary(opts.reference_server)))
    if opts.server:
        runs.append((os.path.basename(opts.server), _resolve_binary(opts.server)))
    for _, binary in runs:
        if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
            print("error: server binary not found or not executable: %s" % binary)
            print("0 passed, 1 failed")
            return 1

    try:
        cases = [CaseFile(f) for f in files]
        opts.pending = load_pending(PENDING_FILE)
        for extra in opts.pending_files:
            opts.pending.update(load_pending(extra))
    except (CaseFileError, OSError) as e:
        print("error: %s" % e)
        print("0 passed, 1 failed")
        return 1

    passed = failed = skipped = 0
    for label, binary in runs:
        # Not a `with` block: on Ctrl-C we must not wait for the workers to finish.
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs))
        futures = [pool.submit(FileRun(c, binary, opts, label).run) for c in cases]
        for fut in futures:
            run = fut.result()
            passed += run.passed
            failed += run.failed
            skipped += run.skipped
            status = "ok (%d cases)" % run.passed if not run.failed else \
                "FAILED (%d of %d cases)" % (run.failed, run.case.case_count)
            if run.skipped:
                status += ", %d pending" % run.skipped
            print("[%s] %s: %s" % (label, run.case.name, status), flush=True)
            for m in run.messages:
                print(m)
        pool.shutdown()
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


def _on_signal(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    atexit.register(kill_all_servers)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        kill_all_servers()
        print("interrupted", file=sys.stderr)
        sys.stdout.flush()
        os._exit(130)
