#!/usr/bin/env python3
"""Makes the small seed corpora of tests/fuzz/corpus/ from our own test data.

  tests/fuzz/gen_corpus.py [bin/osprey-server]

resp     requests of the integration case files (tests/integration/cases/*.txt), as
         multibulk and as inline lines, with the harness's two leading control bytes;
rdb      files saved by Osprey (SAVE) holding every type and encoding the tests use,
         with and without their checksum (eight zero bytes: not checked);
restore  DUMP payloads of the same values, without their footer (the harness adds it);
lua      JSON and MessagePack documents and struct formats from the unit tests' scripts;
config   the project's redis.conf and the upstream suite's default.conf line groups.
The server runs with test_busy.py's launcher (a temp dir, a port of OSPREY_TEST_PORTS).
"""
import hashlib
import os
import re
import shlex
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from test_busy import Server, encode  # noqa: E402

CORPUS = os.path.join(HERE, "corpus")

# Values of every type and encoding (small packed and large forms).
DATASET = [
    ("SET", "s:int", "12345"), ("SET", "s:embstr", "hello"), ("SET", "s:raw", "x" * 80),
    ("SET", "s:neg", "-9223372036854775808"),
    ("RPUSH", "l:small", "a", "1", "bb", "-5"), ("RPUSH", "l:big", *[str(i) * 30 for i in range(200)]),
    ("HSET", "h:small", "f", "v", "n", "1"), ("HSET", "h:big", *sum(([f"f{i}", "v" * 70] for i in range(150)), [])),
    ("SADD", "set:int", "1", "2", "3", "-100"), ("SADD", "set:small", "a", "b", "c"),
    ("SADD", "set:big", *[f"m{i}" for i in range(600)]),
    ("ZADD", "z:small", "1", "a", "2.5", "b", "-inf", "c"),
    ("ZADD", "z:big", *sum(([str(i / 3), f"m{i}" * 10] for i in range(200)), [])),
]


def write(kind, name, data):
    d = os.path.join(CORPUS, kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def resp_seeds():
    seen = set()
    for fn in sorted(os.listdir(os.path.join(ROOT, "tests", "integration", "cases"))):
        with open(os.path.join(ROOT, "tests", "integration", "cases", fn), errors="replace") as f:
            for line in f:
                m = re.match(r"^>\s*(.+)$", line.rstrip("\n"))
                if not m:
                    continue
                cmd = m.group(1)
                if cmd in seen or len(seen) >= 60:
                    continue
                seen.add(cmd)
                try:
                    args = shlex.split(cmd)
                except ValueError:
                    continue
                h = hashlib.sha1(cmd.encode()).hexdigest()[:12]
                write("resp", f"mb-{h}", b"\x00\x10" + encode(*args))
                write("resp", f"in-{h}", b"\x01\x07" + cmd.encode() + b"\r\n")
    write("resp", "pipeline", b"\x00\x05" + encode("SET", "k", "v") + encode("GET", "k") + b"PING\r\n")
    write("resp", "small-limit", b"\x06\x03" + encode("SET", "key", "a" * 40))
    write("resp", "quotes", b"\x00\x09" + b'SET "a\\x41b" \'c d\' "\\n"\r\n')


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "bin", "osprey-server")
    resp_seeds()
    srv = Server(binary)
    srv.start()
    try:
        c = srv.conn()
        for cmd in DATASET:
            c.send(*cmd)
            c.read_reply()
        for cmd in DATASET:
            c.send("DUMP", cmd[1])
            reply = c.read_reply()
            payload = reply.split(b"\r\n", 1)[1][:-2]  # the bulk's bytes
            body = payload[:-10]  # without RDB version and CRC64
            write("restore", cmd[1].replace(":", "-") + "-sanitize", b"\x03" + body)
            write("restore", cmd[1].replace(":", "-") + "-trusted", b"\x02" + body)
        c.send("FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function() return 1 end)")
        c.read_reply()
        c.send("SAVE")
        c.read_reply()
        with open(os.path.join(srv.dir, "dump.rdb"), "rb") as f:
            rdb = f.read()
        write("rdb", "all-types", rdb)
        write("rdb", "all-types-nocrc", rdb[:-8] + b"\x00" * 8)
        c.send("FLUSHALL")
        c.read_reply()
        c.send("FUNCTION", "FLUSH")
        c.read_reply()
        c.send("SET", "k", "v")
        c.read_reply()
        c.send("SAVE")
        c.read_reply()
        with open(os.path.join(srv.dir, "dump.rdb"), "rb") as f:
            small = f.read()
        write("rdb", "one-key-nocrc", small[:-8] + b"\x00" * 8)
        c.close()
    finally:
        srv.cleanup()

    for i, doc in enumerate([b'{"a":[1,2.5,"x",null,true,{"b":{}}]}', b'[[[[[[[[1]]]]]]]]', b'"\\u00e9\\ud83d\\ude00"',
                             b'{"n":-1e308,"m":1e-320,"big":123456789012345678901234567890}', b'[]', b'{}']):
        write("lua", f"json-{i}", b"\x00" + doc)
        write("lua", f"json-pack-{i}", b"\x03" + doc)
    for i, mp in enumerate([b"\x93\x01\xa1a\xc3", b"\x82\xa1k\xa1v\xa1n\xcb@\t!\xfbTD-\x18", b"\xdc\x00\x03\x01\x02\x03",
                            b"\xc4\x03abc", b"\xcf\xff\xff\xff\xff\xff\xff\xff\xff", b"\x91\x91\x91\x91\xc0"]):
        write("lua", f"msgpack-{i}", b"\x01" + mp)
    for i, st in enumerate([b"<i4\x00\x01\x00\x00\x00", b">hHbB\x00\x00\x01\x00\x02\x03\x04", b"c0i\x00\x03abc",
                            b"s\x00hello\x00", b"d!8f\x00" + b"\x00" * 12, b"xI3\x00" + b"\x00" * 4]):
        write("lua", f"struct-{i}", b"\x02" + st)
    write("lua", "reply-tree", b"\x04" + bytes([10, 3, 3, 2, b"h"[0], b"i"[0], 11, 1, 3, 1, b"k"[0], 6] + [0x40] * 8 + [13, 2, 9, 3] + list(b"123")))

    for name in ("redis.conf",):
        with open(os.path.join(ROOT, name), "rb") as f:
            lines = [l for l in f.read().split(b"\n") if l.strip() and not l.startswith(b"#")]
        safe = [l for l in lines if not re.match(rb"\s*(logfile|include|dir|pidfile|unixsocket)\b", l)]
        for i in range(0, len(safe), 8):
            write("config", f"redis-conf-{i // 8}", b"\n".join(safe[i:i + 8]) + b"\n")
    write("config", "quoted", b'save "900 1" "300 10"\nrename-command "FLUSHALL" ""\nrequirepass "a\\x41\\"b"\n')
    write("config", "bad", b"port 70000\nmaxmemory 10xb\n")
    write("config", "client-output", b"client-output-buffer-limit normal 0 0 0 replica 256mb 64mb 60 pubsub 32mb 8mb 60\n")
    for kind in sorted(os.listdir(CORPUS)):
        print(f"gen_corpus: {kind:8} {len(os.listdir(os.path.join(CORPUS, kind)))} inputs")


if __name__ == "__main__":
    main()
