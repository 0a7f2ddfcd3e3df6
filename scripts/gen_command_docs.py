#!/usr/bin/env python3
"""Generate server/command_docs.cpp: key specs, arguments, history and doc flags of every
command, as the real redis-server 7.0.15 reports them through COMMAND INFO and COMMAND DOCS.

Usage:
    python3 scripts/gen_command_docs.py [--port P] [--out server/command_docs.cpp]

Queries the redis-server listening on 127.0.0.1:P; when none answers there it starts
`redis-server --port P --save ""` for the run and stops it afterwards. The tables cover
every command of the reference server, so commands added to Osprey later find their docs
here; COMMAND only consults the entries of commands Osprey has.
"""
import argparse
import os
import socket
import subprocess
import sys
import time


# ---- a RESP3 reader that keeps reply types ----------------------------------------------

class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def call(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a.encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(out)
        return self.read()

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        i = self.buf.index(b"\r\n")
        line, self.buf = self.buf[:i], self.buf[i + 2:]
        return line

    def _fill(self):
        data = self.sock.recv(1 << 20)
        if not data:
            raise EOFError("connection closed")
        self.buf += data

    def _exact(self, n):
        while len(self.buf) < n + 2:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def read(self):
        """One reply as (type char, value): maps become lists of (key, value) pairs."""
        line = self._line()
        kind, rest = chr(line[0]), line[1:]
        if kind in "$=!":
            return (kind, self._exact(int(rest)).decode())
        if kind in "*~>":
            return (kind, [self.read() for _ in range(int(rest))])
        if kind == "%":
            return (kind, [(self.read(), self.read()) for _ in range(int(rest))])
        if kind == ":":
            return (kind, int(rest))
        if kind == "-":
            raise RuntimeError(rest.decode())
        return (kind, rest.decode())


def as_map(node):
    assert node[0] == "%", node
    return {k[1]: v for k, v in node[1]}


# ---- collecting ---------------------------------------------------------------------------

DOC_KEYS = ["summary", "since", "group", "complexity", "doc_flags", "deprecated_since",
            "replaced_by", "history", "arguments", "subcommands"]
ARG_KEYS = ["name", "type", "key_spec_index", "token", "since", "deprecated_since", "flags",
            "arguments"]
SPEC_KEYS = ["notes", "flags", "begin_search", "find_keys"]
ARG_FLAGS = ["optional", "multiple", "multiple_token"]
SPEC_FLAGS = ["RO", "RW", "OW", "RM", "access", "update", "insert", "delete", "not_key",
              "incomplete", "variable_flags"]
DOC_FLAGS = ["deprecated", "syscmd"]


def check_order(keys, known, what):
    """The C++ side prints fields in `known` order: fail loudly if the server does not."""
    pos = [known.index(k) for k in keys]  # ValueError names an unknown field
    if pos != sorted(pos):
        raise SystemExit(f"unexpected field order in {what}: {keys}")


def flatten_args(nodes, out):
    """Pre-order list of argument rows; each row notes how many direct children follow."""
    for node in nodes:
        check_order([k[1] for k, _ in node[1]], ARG_KEYS, "argument")
        a = as_map(node)
        flags = [f[1] for f in a["flags"][1]] if "flags" in a else []
        row = {
            "name": a["name"][1],
            "type": a["type"][1],
            "key_spec_index": a["key_spec_index"][1] if "key_spec_index" in a else -1,
            "token": a.get("token", (None, None))[1],
            "since": a.get("since", (None, None))[1],
            "deprecated_since": a.get("deprecated_since", (None, None))[1],
            "flags": flags,
            "children": None,
        }
        out.append(row)
        if "arguments" in a:
            row["children"] = len(a["arguments"][1])
            flatten_args(a["arguments"][1], out)


def collect_docs(name, node, table):
    check_order([k[1] for k, _ in node[1]], DOC_KEYS, name)
    d = as_map(node)
    entry = table.setdefault(name, {})
    entry["doc_flags"] = [f[1] for f in d["doc_flags"][1]] if "doc_flags" in d else []
    entry["deprecated_since"] = d.get("deprecated_since", (None, None))[1]
    entry["replaced_by"] = d.get("replaced_by", (None, None))[1]
    entry["history"] = [(h[1][0][1], h[1][1][1]) for h in d["history"][1]] if "history" in d else None
    if "arguments" in d:
        entry["top_args"] = len(d["arguments"][1])
        entry["args"] = []
        flatten_args(d["arguments"][1], entry["args"])
    else:
        entry["top_args"] = None
        entry["args"] = []
    if "subcommands" in d:
        for k, v in d["subcommands"][1]:
            collect_docs(k[1], v, table)


def collect_info(node, table):
    fields = node[1]
    name = fields[0][1]
    entry = table.setdefault(name, {})
    specs = []
    for spec in fields[8][1]:
        check_order([k[1] for k, _ in spec[1]], SPEC_KEYS, name + " key spec")
        s = as_map(spec)
        bs, fk = as_map(s["begin_search"]), as_map(s["find_keys"])
        bspec = as_map(bs["spec"])
        fspec = as_map(fk["spec"])
        specs.append({
            "notes": s.get("notes", (None, None))[1],
            "flags": [f[1] for f in s["flags"][1]],
            "bs_type": bs["type"][1],
            "bs_index": bspec.get("index", (None, 0))[1],
            "bs_keyword": bspec.get("keyword", (None, None))[1],
            "bs_startfrom": bspec.get("startfrom", (None, 0))[1],
            "fk_type": fk["type"][1],
            "fk": [fspec[k][1] for k in (("lastkey", "keystep", "limit") if fk["type"][1] == "range"
                                          else ("keynumidx", "firstkey", "keystep")
                                          if fk["type"][1] == "keynum" else ())] + [0, 0, 0],
        })
    entry["specs"] = specs
    for sub in fields[9][1]:
        collect_info(sub, table)


# ---- emitting -------------------------------------------------------------------------------

def cstr(s):
    if s is None:
        return "nullptr"
    out = '"'
    for ch in s:
        if ch in '"\\':
            out += "\\" + ch
        elif 32 <= ord(ch) < 127:
            out += ch
        else:
            out += "\\x%02x" % ord(ch)
    return out + '"'


def ident(name):
    return "".join(c if c.isalnum() else "_" for c in name)


def bits(names, order, prefix):
    used = [prefix + n.upper() for n in names]
    for n in names:
        if n not in order:
            raise SystemExit(f"unknown flag {n}")
    return " | ".join(used) if used else "0"


def emit(table, out):
    w = out.write
    w("// server/command_docs.cpp — GENERATED by scripts/gen_command_docs.py from the public\n"
      "// COMMAND INFO / COMMAND DOCS replies of redis-server 7.0.15: per-command key specs,\n"
      "// arguments, history and doc flags. Do not edit by hand; re-run the generator.\n"
      "#include \"server/command_docs.h\"\n\n"
      "#include <algorithm>\n#include <cstring>\n\n"
      "namespace osprey {\n\nnamespace {\n\n")
    for name in sorted(table):
        e = table[name]
        k = ident(name)
        if e.get("specs"):
            w(f"const KeySpecDoc kSpecs_{k}[] = {{\n")
            for s in e["specs"]:
                bs = {"index": "BeginSearch::Index", "keyword": "BeginSearch::Keyword",
                      "unknown": "BeginSearch::Unknown"}[s["bs_type"]]
                fk = {"range": "FindKeys::Range", "keynum": "FindKeys::Keynum",
                      "unknown": "FindKeys::Unknown"}[s["fk_type"]]
                a, b, c = s["fk"][:3]
                w(f"    {{{cstr(s['notes'])}, {bits(s['flags'], SPEC_FLAGS, 'KS_')}, {bs}, "
                  f"{s['bs_index']}, {cstr(s['bs_keyword'])}, {s['bs_startfrom']}, {fk}, "
                  f"{a}, {b}, {c}}},\n")
            w("};\n")
        if e.get("args"):
            w(f"const ArgDoc kArgs_{k}[] = {{\n")
            for a in e["args"]:
                kids = -1 if a["children"] is None else a["children"]
                w(f"    {{{cstr(a['name'])}, {cstr(a['type'])}, {a['key_spec_index']}, "
                  f"{cstr(a['token'])}, {cstr(a['since'])}, {cstr(a['deprecated_since'])}, "
                  f"{bits(a['flags'], ARG_FLAGS, 'ARG_')}, {kids}}},\n")
            w("};\n")
        if e.get("history"):
            w(f"const HistoryDoc kHistory_{k}[] = {{\n")
            for ver, text in e["history"]:
                w(f"    {{{cstr(ver)}, {cstr(text)}}},\n")
            w("};\n")
    w("\n// Sorted by full name (binary search in findCommandDoc).\n"
      "const CommandDoc kDocs[] = {\n")
    for name in sorted(table):
        e = table[name]
        k = ident(name)
        specs = f"kSpecs_{k}, {len(e['specs'])}" if e.get("specs") else "nullptr, 0"
        if e.get("args"):
            args = f"kArgs_{k}, {len(e['args'])}, {e['top_args']}"
        else:
            args = f"nullptr, 0, {-1 if e.get('top_args') is None else e['top_args']}"
        if e.get("history"):
            hist = f"kHistory_{k}, {len(e['history'])}"
        else:
            hist = "nullptr, -1" if e.get("history") is None else "nullptr, 0"
        w(f"    {{{cstr(name)}, {specs}, {args}, {hist}, "
          f"{bits(e.get('doc_flags', []), DOC_FLAGS, 'DOC_')}, "
          f"{cstr(e.get('deprecated_since'))}, {cstr(e.get('replaced_by'))}}},\n")
    w("};\n\n}  // namespace\n\n"
      "const CommandDoc* findCommandDoc(std::string_view fullname) {\n"
      "  const CommandDoc* end = kDocs + sizeof(kDocs) / sizeof(kDocs[0]);\n"
      "  const CommandDoc* it = std::lower_bound(\n"
      "      kDocs, end, fullname,\n"
      "      [](const CommandDoc& d, std::string_view n) { return std::string_view(d.fullname) < n; });\n"
      "  return it != end && it->fullname == fullname ? it : nullptr;\n"
      "}\n\n}  // namespace osprey\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=7741)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "server",
                                                  "command_docs.cpp"))
    opts = ap.parse_args()
    proc = None
    try:
        conn = Conn(opts.port)
    except OSError:
        proc = subprocess.Popen(["redis-server", "--port", str(opts.port), "--save", ""],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(50):
            time.sleep(0.1)
            try:
                conn = Conn(opts.port)
                break
            except OSError:
                pass
        else:
            raise SystemExit("redis-server did not start")
    try:
        version = as_map(conn.call("HELLO", "3"))["version"][1]
        if version != "7.0.15":
            print(f"warning: reference server is {version}, not 7.0.15", file=sys.stderr)
        table = {}
        for k, v in conn.call("COMMAND", "DOCS")[1]:
            collect_docs(k[1], v, table)
        for node in conn.call("COMMAND", "INFO")[1]:
            collect_info(node, table)
    finally:
        if proc:
            proc.terminate()
            proc.wait()
    with open(opts.out, "w") as f:
        emit(table, f)
    print(f"wrote {len(table)} commands to {opts.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
