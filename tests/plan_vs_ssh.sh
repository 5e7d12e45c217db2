#!/bin/sh
# plan_vs_ssh: check `sshfwd --dry-run --json` against OpenSSH itself.
#
# For each testdata/plan/CASE.conf (+ CASE.args, CASE.expect) the chain is
# derived independently with `ssh -G`, the way ssh's nested invocations
# build it: resolve the destination; while it has a ProxyJump, resolve the
# last jump host with `-l U -p P -J REST -W [host]:port JHOST`. Every hop
# of the plan must then agree with the `ssh -G` of the same arguments
# (user, hostname, port, identityfile, proxyjump, ProxyCommand), and the
# JSON must follow doc/plan-schema.md. sshfwd runs in an empty network
# namespace when one can be made. Exit 77 (skip) without ssh or python3.
: "${SSHFWD:=./sshfwd}"
: "${TOP_SRCDIR:=.}"
command -v ssh >/dev/null 2>&1 || { echo "SKIP: no ssh"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
export SSHFWD TOP_SRCDIR
exec python3 - "$@" <<'PY'
import json, os, re, shlex, subprocess, sys

SSHFWD = os.environ["SSHFWD"]
DATA = os.path.join(os.environ["TOP_SRCDIR"], "testdata", "plan")
MAX_HOPS = 32
failures = 0
checks = 0


def fail(case, msg):
    global failures
    failures += 1
    print("FAIL %s: %s" % (case, msg))


def netns_prefix():
    """Run sshfwd with no network at all when we can (root + unshare)."""
    if os.geteuid() != 0:
        return []
    try:
        r = subprocess.run(["unshare", "-n", "true"], capture_output=True)
        return ["unshare", "-n"] if r.returncode == 0 else []
    except OSError:
        return []


NETNS = netns_prefix()


def ssh_G(conf, args):
    r = subprocess.run(["ssh", "-G", "-F", conf] + args,
                       stdin=subprocess.DEVNULL, capture_output=True)
    d = {}
    for line in r.stdout.decode("utf-8", "replace").splitlines():
        k, _, v = line.partition(" ")
        d.setdefault(k, []).append(v)
    return r.returncode, d, r.stderr.decode("utf-8", "replace")


def strip_dest(dest):
    if dest.startswith("ssh://"):
        dest = dest[6:]
        dest = dest.rsplit("@", 1)[-1]
        m = re.match(r"^([^:]*)(:\d+)?$", dest)
        return m.group(1) if m else dest
    return dest.rsplit("@", 1)[-1]


def split_last(element):
    """The last ProxyJump element as `ssh -G` prints it: [u@]h[:p]."""
    user = None
    if "@" in element:
        user, element = element.rsplit("@", 1)
    if element.startswith("["):
        host, _, rest = element[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else None
    elif ":" in element:
        host, port = element.rsplit(":", 1)
    else:
        host, port = element, None
    return user, host, port


def derive(conf, args):
    """The chain as ssh's nested invocations build it, from ssh -G."""
    hops = []
    cur = list(args)
    alias = strip_dest(args[-1])
    while True:
        rc, d, err = ssh_G(conf, cur)
        if rc != 0:
            return "error", err.strip(), hops
        hop = {
            "alias": alias,
            "argv": cur,
            "user": d["user"][0],
            "hostname": d["hostname"][0],
            "port": int(d["port"][0]),
            "identityfile": d.get("identityfile", []),
            "proxyjump": d.get("proxyjump", [None])[0],
            "proxycommand": d.get("proxycommand", [None])[0],
        }
        key = (hop["alias"], hop["user"], hop["port"])
        if any((h["alias"], h["user"], h["port"]) == key for h in hops):
            return "error", "proxyjump-cycle", hops
        hops.insert(0, hop)
        pj = hop["proxyjump"]
        if pj is None:
            return "ok", None, hops
        if len(hops) == MAX_HOPS:
            return "error", "proxyjump-too-deep", hops
        extra, _, last = pj.rpartition(",")
        user, host, port = split_last(last)
        cur = []
        if user is not None:
            cur += ["-l", user]
        if port is not None:
            cur += ["-p", port]
        if extra:
            cur += ["-J", extra]
        cur += ["-W", "[%s]:%d" % (hop["hostname"], hop["port"]), host]
        alias = host


# ---- schema (doc/plan-schema.md) -------------------------------------
def check_type(path, v, types):
    if not isinstance(v, types) or (isinstance(v, bool) and bool not in (
            types if isinstance(types, tuple) else (types,))):
        raise ValueError("%s: %r is not %s" % (path, v, types))


def check_keys(path, obj, keys):
    check_type(path, obj, dict)
    missing = [k for k in keys if k not in obj]
    if missing:
        raise ValueError("%s: missing %s" % (path, missing))


def check_origin(path, o):
    check_keys(path, o, ["kind"])
    k = o["kind"]
    if k == "file":
        check_keys(path, o, ["file", "line"])
        check_type(path + ".file", o["file"], str)
        check_type(path + ".line", o["line"], int)
        if o["line"] < 1:
            raise ValueError("%s.line < 1" % path)
    elif k == "command-line":
        check_keys(path, o, ["flag"])
        check_type(path + ".flag", o["flag"], (str, type(None)))
    elif k == "derived":
        check_keys(path, o, ["file", "line", "flag"])
    elif k not in ("default", "unset"):
        raise ValueError("%s: bad kind %r" % (path, k))


def check_value(path, v, types):
    check_keys(path, v, ["value", "origin"])
    check_type(path + ".value", v["value"], types)
    check_origin(path + ".origin", v["origin"])


def check_schema(doc):
    check_keys("$", doc, ["version", "valid", "destination", "hops",
                          "forward_settings", "forwards", "diagnostics"])
    if doc["version"] != 1:
        raise ValueError("version != 1")
    check_type("$.valid", doc["valid"], bool)
    check_type("$.hops", doc["hops"], list)
    nh = len(doc["hops"])
    for i, h in enumerate(doc["hops"]):
        p = "$.hops[%d]" % i
        check_keys(p, h, ["index", "alias", "role", "transport", "named_by",
                          "argv", "user", "hostname", "port", "proxy_jump",
                          "identity_files", "identity_agent",
                          "identities_only", "user_known_hosts_files",
                          "global_known_hosts_files", "host_key_alias",
                          "strict_host_key_checking", "ciphers",
                          "kex_algorithms", "server_alive_interval",
                          "server_alive_count_max", "tcp_keep_alive",
                          "options"])
        if h["index"] != i:
            raise ValueError(p + ".index")
        if h["role"] != ("destination" if i == nh - 1 else "jump"):
            raise ValueError(p + ".role")
        t = h["transport"]
        check_keys(p + ".transport", t, ["kind"])
        if t["kind"] == "jump":
            if i == 0 or t.get("via") != i - 1:
                raise ValueError(p + ".transport.via")
        elif t["kind"] == "proxycommand":
            if i != 0:
                raise ValueError(p + ": proxycommand on hop > 0")
            check_type(p + ".transport.command", t["command"], str)
            check_origin(p + ".transport.origin", t["origin"])
        elif t["kind"] == "tcp":
            if i != 0:
                raise ValueError(p + ": tcp on hop > 0")
        else:
            raise ValueError(p + ".transport.kind")
        if (h["named_by"] is None) != (i == nh - 1):
            raise ValueError(p + ".named_by")
        if h["named_by"] is not None:
            check_origin(p + ".named_by", h["named_by"])
        check_type(p + ".argv", h["argv"], list)
        for a in h["argv"]:
            check_type(p + ".argv[]", a, str)
        check_value(p + ".user", h["user"], str)
        check_value(p + ".hostname", h["hostname"], str)
        check_value(p + ".port", h["port"], int)
        if not 1 <= h["port"]["value"] <= 65535:
            raise ValueError(p + ".port range")
        if h["proxy_jump"] is not None:
            check_value(p + ".proxy_jump", h["proxy_jump"], str)
        for j, idf in enumerate(h["identity_files"]):
            check_keys(p + ".identity_files[%d]" % j, idf, ["path", "origin"])
            check_type(p + ".identity_files[].path", idf["path"], str)
            check_origin(p + ".identity_files[].origin", idf["origin"])
        check_value(p + ".identity_agent", h["identity_agent"],
                    (str, type(None)))
        check_value(p + ".identities_only", h["identities_only"], bool)
        check_value(p + ".user_known_hosts_files",
                    h["user_known_hosts_files"], list)
        check_value(p + ".global_known_hosts_files",
                    h["global_known_hosts_files"], list)
        check_value(p + ".host_key_alias", h["host_key_alias"],
                    (str, type(None)))
        check_value(p + ".strict_host_key_checking",
                    h["strict_host_key_checking"], str)
        if h["strict_host_key_checking"]["value"] not in (
                "yes", "no", "ask", "accept-new"):
            raise ValueError(p + ".strict_host_key_checking")
        check_value(p + ".ciphers", h["ciphers"], (str, type(None)))
        check_value(p + ".kex_algorithms", h["kex_algorithms"],
                    (str, type(None)))
        check_value(p + ".server_alive_interval",
                    h["server_alive_interval"], int)
        check_value(p + ".server_alive_count_max",
                    h["server_alive_count_max"], int)
        check_value(p + ".tcp_keep_alive", h["tcp_keep_alive"], bool)
        check_type(p + ".options", h["options"], list)
        for o in h["options"]:
            check_keys(p + ".options[]", o, ["keyword", "value", "origin"])
            check_type(p + ".options[].keyword", o["keyword"], str)
            check_type(p + ".options[].value", o["value"], str)
            check_origin(p + ".options[].origin", o["origin"])
    fs = doc["forward_settings"]
    if doc["valid"]:
        check_keys("$.forward_settings", fs, [
            "cleared", "clear_all_forwardings", "exit_on_forward_failure",
            "gateway_ports"])
        check_type("$.forward_settings.cleared", fs["cleared"], int)
        for k in ("clear_all_forwardings", "exit_on_forward_failure",
                  "gateway_ports"):
            check_value("$.forward_settings." + k, fs[k], bool)
    elif fs is not None and nh == 0:
        raise ValueError("$.forward_settings not null for empty plan")
    for i, f in enumerate(doc["forwards"]):
        p = "$.forwards[%d]" % i
        check_keys(p, f, ["index", "keyword", "kind", "listen", "target",
                          "opened_by", "origin", "duplicate_of",
                          "conflicts_with"])
        if f["index"] != i + 1:
            raise ValueError(p + ".index")
        if f["kind"] not in ("local", "remote", "dynamic", "remote-dynamic"):
            raise ValueError(p + ".kind")
        if f["keyword"] not in ("LocalForward", "RemoteForward",
                                "DynamicForward"):
            raise ValueError(p + ".keyword")
        ls = f["listen"]
        check_keys(p + ".listen", ls, ["side", "bind", "address", "port",
                                       "path", "as_written"])
        remote = f["kind"] in ("remote", "remote-dynamic")
        if ls["side"] != ("remote" if remote else "local"):
            raise ValueError(p + ".listen.side")
        if ls["bind"] not in ("loopback", "any", "address", "path",
                              "remote"):
            raise ValueError(p + ".listen.bind")
        if ls["bind"] == "path":
            check_type(p + ".listen.path", ls["path"], str)
            if ls["port"] is not None:
                raise ValueError(p + ".listen.port with a path")
        else:
            check_type(p + ".listen.port", ls["port"], int)
        if ls["bind"] in ("address", "remote"):
            check_type(p + ".listen.address", ls["address"], str)
        t = f["target"]
        check_keys(p + ".target", t, ["socks", "host", "port", "path"])
        if t["socks"] != (f["kind"] in ("dynamic", "remote-dynamic")):
            raise ValueError(p + ".target.socks")
        if not t["socks"] and t["path"] is None:
            check_type(p + ".target.host", t["host"], str)
            check_type(p + ".target.port", t["port"], int)
        if f["opened_by"] != ("client" if remote else "server"):
            raise ValueError(p + ".opened_by")
        check_origin(p + ".origin", f["origin"])
        for k in ("duplicate_of", "conflicts_with"):
            if f[k] is not None and not 1 <= f[k] <= i:
                raise ValueError(p + "." + k)
    for i, d in enumerate(doc["diagnostics"]):
        p = "$.diagnostics[%d]" % i
        check_keys(p, d, ["severity", "file", "line", "column", "rule",
                          "message", "hint"])
        if d["severity"] not in ("error", "warning", "info"):
            raise ValueError(p + ".severity")
        for k in ("file", "rule", "message"):
            check_type(p + "." + k, d[k], str)
        for k in ("line", "column"):
            check_type(p + "." + k, d[k], int)
        check_type(p + ".hint", d["hint"], (str, type(None)))
    if doc["valid"] and any(d["severity"] == "error"
                            for d in doc["diagnostics"]):
        raise ValueError("valid with error diagnostics")


# ---- the cases ------------------------------------------------------
def run_sshfwd(args):
    return subprocess.run(NETNS + [SSHFWD] + args, stdin=subprocess.DEVNULL,
                          capture_output=True)


def check_case(case):
    global checks
    conf = os.path.join(DATA, case + ".conf")
    with open(os.path.join(DATA, case + ".args")) as f:
        args = shlex.split(f.read())
    with open(os.path.join(DATA, case + ".expect")) as f:
        kind, _, want = f.read().strip().partition(": ")
    status, why, ref = derive(conf, args)
    # The expectation written by hand must be what OpenSSH does.
    if kind == "chain":
        if status != "ok":
            return fail(case, "ssh -G derivation failed: %s" % why)
        if [h["alias"] for h in ref] != want.split():
            return fail(case, "expected chain %s, ssh gives %s" % (
                want, [h["alias"] for h in ref]))
    elif status != "error" or want not in why and why != want:
        return fail(case, "expected error %r, ssh derivation: %s %s" % (
            want, status, why))

    r = run_sshfwd(["--dry-run", "--json", "-F", conf] + args)
    try:
        doc = json.loads(r.stdout.decode("utf-8"))
        check_schema(doc)
    except ValueError as e:
        return fail(case, "bad JSON: %s\n%s" % (e, r.stdout[:400]))
    checks += 1
    if kind == "error":
        if r.returncode != 255 or doc["valid"]:
            return fail(case, "exit %d valid %s, expected 255/false" % (
                r.returncode, doc["valid"]))
        if not any(want in d["message"] or want == d["rule"]
                   for d in doc["diagnostics"]):
            return fail(case, "no diagnostic %r in %s" % (
                want, doc["diagnostics"]))
        if not r.stderr:
            return fail(case, "diagnostics not on stderr")
        return
    if r.returncode != 0 or not doc["valid"]:
        return fail(case, "exit %d: %s" % (r.returncode, r.stderr))
    hops = doc["hops"]
    if len(hops) != len(ref):
        return fail(case, "%d hops, ssh gives %d" % (len(hops), len(ref)))
    for i, (h, s) in enumerate(zip(hops, ref)):
        where = "%s hop %d (%s)" % (case, i, s["alias"])
        # The plan's own arguments, fed to ssh -G, resolve the same hop.
        rc, d, err = ssh_G(conf, h["argv"])
        checks += 1
        if h["argv"] != s["argv"]:
            fail(where, "argv %s, ssh's nested ssh gets %s" % (
                h["argv"], s["argv"]))
        if rc != 0:
            fail(where, "ssh -G %s failed: %s" % (h["argv"], err))
            continue
        pairs = [
            ("alias", h["alias"], s["alias"]),
            ("user", h["user"]["value"], d["user"][0]),
            ("hostname", h["hostname"]["value"], d["hostname"][0]),
            ("port", h["port"]["value"], int(d["port"][0])),
            ("identityfile", [x["path"] for x in h["identity_files"]],
             d.get("identityfile", [])),
            ("proxyjump", h["proxy_jump"]["value"] if h["proxy_jump"]
             else None, d.get("proxyjump", [None])[0]),
        ]
        if i == 0:
            pairs.append(("transport", h["transport"]["kind"],
                          "proxycommand" if "proxycommand" in d else "tcp"))
        for name, mine, theirs in pairs:
            if mine != theirs:
                fail(where, "%s: plan %r, ssh -G %r" % (name, mine, theirs))
    # Text output: the chain line, and 80 columns.
    r = run_sshfwd(["--dry-run", "-F", conf] + args)
    text = r.stdout.decode("utf-8", "replace")
    chain = "Chain: " + ("(ProxyCommand) -> " if hops[0]["transport"][
        "kind"] == "proxycommand" else "") + " -> ".join(
        h["alias"] for h in hops)
    if r.returncode != 0 or chain not in text.splitlines():
        fail(case, "text output lacks %r:\n%s" % (chain, text[:300]))
    for line in text.splitlines():
        # A file path in the legend cannot be wrapped; everything else
        # must fit (make distcheck runs from a deep build directory).
        if len(line) > 80 and not line.strip().startswith("/"):
            fail(case, "text line over 80 columns: %r" % line)
    r = run_sshfwd(["--dry-run", "-v", "-F", conf] + args)
    if r.returncode != 0 or b"All options" not in r.stdout:
        fail(case, "--dry-run -v lacks the option listing")


def check_forwards():
    """forwards.conf: normalisation and conflicts, from the JSON."""
    conf = os.path.join(DATA, "forwards.conf")
    r = run_sshfwd(["--dry-run", "--json", "-F", conf, "-L",
                    "5432:db:5432", "d"])
    doc = json.loads(r.stdout.decode("utf-8"))
    fw = doc["forwards"]
    got = [(f["keyword"], f["listen"]["bind"], f["listen"]["address"],
            f["listen"]["port"] if f["listen"]["bind"] != "path"
            else f["listen"]["path"], f["conflicts_with"]) for f in fw]
    want = [
        ("LocalForward", "loopback", None, 5432, None),
        ("LocalForward", "loopback", None, 8080, None),
        ("LocalForward", "any", None, 8081, None),
        ("LocalForward", "loopback", None, 8080, 2),
        ("DynamicForward", "loopback", None, 1080, None),
        ("LocalForward", "path", None, "/tmp/sshfwd-plan.sock", None),
        ("RemoteForward", "remote", "localhost", 2222, None),
        ("RemoteForward", "remote", "localhost", 1081, None),
    ]
    if got != want:
        fail("forwards", "forwards\n  got  %s\n  want %s" % (got, want))
    fs = doc["forward_settings"]
    if not fs["exit_on_forward_failure"]["value"]:
        fail("forwards", "ExitOnForwardFailure not applied")
    if not any(d["rule"] == "forward-conflict" for d in doc["diagnostics"]):
        fail("forwards", "conflict not diagnosed")
    if fw and fw[-1]["kind"] != "remote-dynamic":
        fail("forwards", "RemoteForward 1081 is not remote-dynamic")


def check_escaping():
    """Hostile bytes in a config still give valid, faithful JSON."""
    import tempfile
    with tempfile.NamedTemporaryFile("wb", suffix=".conf",
                                     delete=False) as f:
        f.write(b'Host d\n  HostName "q\\"uo\\\\te\tx"\n'
                b'  User caf\xc3\xa9\xff\n'
                b'  ProxyCommand printf "%s\\n" "\x01"\n')
        name = f.name
    try:
        r = run_sshfwd(["--dry-run", "--json", "-F", name, "d"])
        doc = json.loads(r.stdout.decode("utf-8"))
        check_schema(doc)
        rc, d, _ = ssh_G(name, ["d"])
        if doc["valid"] and rc == 0:
            if doc["hops"][0]["user"]["value"] != "caf\u00e9\ufffd":
                fail("escaping", "user %r" % doc["hops"][0]["user"])
            if doc["hops"][0]["hostname"]["value"] != d["hostname"][0]:
                fail("escaping", "hostname %r vs %r" % (
                    doc["hops"][0]["hostname"]["value"], d["hostname"][0]))
    except ValueError as e:
        fail("escaping", "bad JSON: %s" % e)
    finally:
        os.unlink(name)


cases = sorted(f[:-5] for f in os.listdir(DATA) if f.endswith(".args"))
only = sys.argv[1:]
for c in cases:
    if not only or c in only:
        check_case(c)
if not only:
    check_forwards()
    check_escaping()
print("plan_vs_ssh: %d cases, %d checks, %d failures%s" % (
    len(cases), checks, failures,
    "" if NETNS else " (no network namespace: not isolated)"))
sys.exit(1 if failures else 0)
PY
