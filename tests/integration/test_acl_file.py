#!/usr/bin/env python3
"""ACL files crossing between Osprey and the real redis-server 7.0.15, and ACL users used
the way clients use them.

usage: test_acl_file.py <path to osprey-server> [<path to redis-server>]

1. Osprey creates users (passwords, key read/write patterns, channels, categories, a
   command, a first argument, selectors) and ACL SAVEs them; the real redis-server started
   with that aclfile shows the same ACL LIST, and the users log in there.
2. The real server changes the users and ACL SAVEs; Osprey ACL LOADs the file and shows the
   same ACL LIST; so does an Osprey started with it.
3. A file with errors is refused by both with the same error, and nothing changes.
4. redis-cli --user/--pass and AUTH user pass work against Osprey as against Redis.
5. redis-py (Debian's python3-redis: run this with /usr/bin/python3) as an application uses
   it: a client with username/password, ACL SETUSER/GETUSER/DRYRUN/DELUSER through its API,
   its NoPermissionError and the WRONGPASS error; the same outcomes on both servers.
6. CONFIG REWRITE of a config file with `user` lines: the real server started with the
   rewritten file shows the same ACL LIST.
Ports come from OSPREY_TEST_PORTS. Prints `N passed, M failed` last; exits 1 on failure.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_busy import Conn, port_candidates, port_free  # noqa: E402  (shared helpers)

passed = 0
failed = 0


def check(name, got, expected):
    global passed, failed
    if got == expected:
        passed += 1
    else:
        failed += 1
        print("FAIL %s\n  expected: %r\n  got:      %r" % (name, expected, got))


def start(binary, workdir, *args, conf=None):
    """Starts binary (with the config file conf, if any) on a free port of
    OSPREY_TEST_PORTS; returns (process, port)."""
    for port in port_candidates():
        if not port_free(port):
            continue
        log = open(os.path.join(workdir, "server-%d.log" % port), "w")
        proc = subprocess.Popen([binary] + ([conf] if conf else []) +
                                ["--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                 "--dir", workdir] + list(args),
                                stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                c = Conn(port)
                c.close()
                return proc, port
            except OSError:
                time.sleep(0.05)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    raise RuntimeError("could not start %s" % binary)


def stop(proc):
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def call(port, *args):
    c = Conn(port)
    c.send(*args)
    reply = c.read_reply()
    c.close()
    return reply


def canonical(reply):
    """ACL LIST with each run of single-command rules sorted: Redis emits such a run in its
    command hash table's order, which differs from run to run; everything else is exact."""
    out = []
    for line in reply.split(b"\r\n"):
        words, run = [], []
        for w in line.split(b" "):
            if w[:1] in (b"+", b"-") and not w.startswith((b"+@", b"-@")):
                run.append(w)
                continue
            words += sorted(run) + [w]
            run = []
        out.append(b" ".join(words + sorted(run)))
    return b"\r\n".join(out)


def acl_list(port):
    return canonical(call(port, "ACL", "LIST"))


def auth_whoami(port, user, password):
    c = Conn(port)
    c.send("AUTH", user, password)
    r1 = c.read_reply()
    c.send("ACL", "WHOAMI")
    r2 = c.read_reply()
    c.close()
    return r1, r2


# Users with categories, single commands (alice: the write commands of @hash but HDEL),
# subcommands, a first argument, selectors, key read/write patterns and channels.
SETUP = [
    ["alice", "on", ">alicepw", "~app:*", "%R~ro:*", "%W~wo:*", "&news.*", "+@read", "+@hash",
     "-hdel", "+acl|whoami"],
    ["bob", "on", ">bobpw", ">second", "allkeys", "allchannels", "+@all", "-@dangerous",
     "(+get ~bob:*)", "(%R~shared:* resetchannels +@read)"],
    ["carol", "off", "nopass", "resetchannels", "-@all", "+select|0"],
    ["dave", "on", "#" + "a" * 64, "~*", "+@all", "-debug", "+debug|digest"],
]


EXPECTED_PY = [
    ("setuser", True),
    ("getuser", (["on", "sanitize-payload"], ["-@all", "+@string"], ["~py:*"], [])),
    ("dryrun", "OK"),
    ("set", True),
    ("get", "v"),
    ("denied key", "NoPermissionError"),
    ("denied command", "NoPermissionError"),
    ("wrong password", "ResponseError"),  # redis-py 4.3 maps WRONGPASS to ResponseError
    ("deluser", 1),
]


def redis_py_session(port):
    """What an application using redis-py sees, as comparable values."""
    import redis  # Debian's python3-redis
    out = []
    admin = redis.Redis(port=port)
    out.append(("setuser", admin.acl_setuser("pyuser", enabled=True, passwords=["+pypw"],
                                             categories=["+@string"],
                                             keys=["py:*"], reset=True)))
    info = admin.acl_getuser("pyuser")
    out.append(("getuser", (sorted(info["flags"]), info["categories"], info["keys"], info["channels"])))
    out.append(("dryrun", admin.execute_command("ACL", "DRYRUN", "pyuser", "GET", "py:1").decode()))
    user = redis.Redis(port=port, username="pyuser", password="pypw")
    out.append(("set", user.set("py:1", "v")))
    out.append(("get", user.get("py:1").decode()))
    for name, fn in (("denied key", lambda: user.get("other")),
                     ("denied command", lambda: user.hset("py:h", "f", "v"))):
        try:
            fn()
            out.append((name, "no error"))
        except redis.exceptions.RedisError as e:
            out.append((name, type(e).__name__))
    try:
        redis.Redis(port=port, username="pyuser", password="wrong").ping()
        out.append(("wrong password", "no error"))
    except redis.exceptions.RedisError as e:
        out.append(("wrong password", type(e).__name__))
    user.close()
    out.append(("deluser", admin.acl_deluser("pyuser")))
    admin.close()
    return out


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    osprey = os.path.abspath(sys.argv[1])
    redis = sys.argv[2] if len(sys.argv) > 2 else shutil.which("redis-server")
    if not redis:
        print("redis-server not found: nothing to compare with")
        return 2
    work = tempfile.mkdtemp(prefix="osprey-acl-")
    procs = []
    try:
        # --- 1. Osprey writes, Redis reads ---------------------------------------------
        d1 = os.path.join(work, "one")
        os.mkdir(d1)
        open(os.path.join(d1, "users.acl"), "w").close()
        p, o_port = start(osprey, d1, "--aclfile", "users.acl")
        procs.append(p)
        for rules in SETUP:
            check("osprey ACL SETUSER %s" % rules[0], call(o_port, "ACL", "SETUSER", *rules), b"+OK\r\n")
        check("osprey ACL SAVE", call(o_port, "ACL", "SAVE"), b"+OK\r\n")
        osprey_list = acl_list(o_port)
        p2, r_port = start(redis, d1, "--aclfile", "users.acl")
        procs.append(p2)
        check("redis loads Osprey's file: same ACL LIST", acl_list(r_port), osprey_list)
        for port, who in ((o_port, "osprey"), (r_port, "redis")):
            check(who + " AUTH alice", auth_whoami(port, "alice", "alicepw"), (b"+OK\r\n", b"$5\r\nalice\r\n"))
            check(who + " AUTH bob second", auth_whoami(port, "bob", "second"), (b"+OK\r\n", b"$3\r\nbob\r\n"))
            check(who + " AUTH carol (off)", auth_whoami(port, "carol", "x")[0],
                  b"-WRONGPASS invalid username-password pair or user is disabled.\r\n")

        # --- 2. Redis writes, Osprey reads -----------------------------------------------
        check("redis ACL SETUSER", call(r_port, "ACL", "SETUSER", "erin", "on", ">erinpw", "%RW~e:*",
                                        "&chat", "-@all", "+@pubsub"), b"+OK\r\n")
        check("redis ACL SETUSER alice", call(r_port, "ACL", "SETUSER", "alice", "<alicepw", ">newpw"),
              b"+OK\r\n")
        check("redis ACL DELUSER carol", call(r_port, "ACL", "DELUSER", "carol"), b":1\r\n")
        check("redis ACL SAVE", call(r_port, "ACL", "SAVE"), b"+OK\r\n")
        redis_list = acl_list(r_port)
        check("osprey ACL LOAD of Redis's file", call(o_port, "ACL", "LOAD"), b"+OK\r\n")
        check("osprey ACL LIST after LOAD", acl_list(o_port), redis_list)
        stop(p)
        p, o_port = start(osprey, d1, "--aclfile", "users.acl")
        procs.append(p)
        check("osprey started with Redis's file: same ACL LIST", acl_list(o_port), redis_list)
        check("osprey AUTH alice newpw", auth_whoami(o_port, "alice", "newpw"), (b"+OK\r\n", b"$5\r\nalice\r\n"))
        check("osprey AUTH alice old password", auth_whoami(o_port, "alice", "alicepw")[0],
              b"-WRONGPASS invalid username-password pair or user is disabled.\r\n")

        # --- 3. A broken file: the same refusal, nothing changes -------------------------
        with open(os.path.join(d1, "users.acl"), "a") as f:
            f.write("user zed on +nosuchcommand\nuser alice on\n")
        r_err = call(r_port, "ACL", "LOAD")
        o_err = call(o_port, "ACL", "LOAD")
        check("broken file: same error", o_err, r_err)
        check("broken file: error text", o_err.startswith(b"-ERR users.acl:"), True)
        check("broken file: osprey unchanged", acl_list(o_port), redis_list)

        # --- 4. redis-cli --user / --pass ------------------------------------------------
        cli = shutil.which("redis-cli")
        if cli:
            for port, who in ((o_port, "osprey"), (r_port, "redis")):
                out = subprocess.run([cli, "-p", str(port), "--user", "erin", "--pass", "erinpw",
                                      "--no-auth-warning", "ACL", "WHOAMI"],
                                     capture_output=True, text=True, timeout=10).stdout
                check(who + " redis-cli --user erin ACL WHOAMI", out, "NOPERM this user has no "
                      "permissions to run the 'acl|whoami' command\n\n")
                out = subprocess.run([cli, "-p", str(port), "--user", "erin", "--pass", "erinpw",
                                      "--no-auth-warning", "PUBLISH", "chat", "hi"],
                                     capture_output=True, text=True, timeout=10).stdout
                check(who + " redis-cli --user erin PUBLISH chat", out, "0\n")
                out = subprocess.run([cli, "-p", str(port), "--user", "erin", "--pass", "wrong",
                                      "--no-auth-warning", "PING"],
                                     capture_output=True, text=True, timeout=10)
                check(who + " redis-cli wrong password", "WRONGPASS" in out.stderr + out.stdout, True)

        # --- 5. redis-py ------------------------------------------------------------------
        outcomes = {}
        for port, who in ((o_port, "osprey"), (r_port, "redis")):
            outcomes[who] = redis_py_session(port)
        check("redis-py: same outcomes on both servers", outcomes["osprey"], outcomes["redis"])
        check("redis-py: outcomes", outcomes["osprey"], EXPECTED_PY)

        # --- 6. CONFIG REWRITE of users -------------------------------------------------
        d2 = os.path.join(work, "two")
        os.mkdir(d2)
        conf = os.path.join(d2, "osprey.conf")
        with open(conf, "w") as f:
            f.write('requirepass "foo"\n'
                    "user alice on >pw ~a* (+get ~b*) +@hash\n"
                    "user default on nopass ~* &* +@all -flushdb\n")
        p3, o3 = start(osprey, d2, conf=conf)
        procs.append(p3)
        check("config users: ACL SETUSER", call(o3, "ACL", "SETUSER", "bob", "on", "nopass", "&x",
                                                "-@all", "+ping"), b"+OK\r\n")
        check("config users: CONFIG REWRITE", call(o3, "CONFIG", "REWRITE"), b"+OK\r\n")
        rewritten = acl_list(o3)
        stop(p3)
        p4, r4 = start(redis, d2, conf=conf)
        procs.append(p4)
        check("redis started with Osprey's rewritten config: same ACL LIST", acl_list(r4), rewritten)
        check("rewritten users", rewritten.count(b"user "), 3)
    finally:
        for p in procs:
            stop(p)
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
