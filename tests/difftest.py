#!/usr/bin/env python3
"""Differential test: `sshfwd -G` against `ssh -G` (OpenSSH 9.2p1 Debian).

A seeded generator writes random client configs (Host/Match/Include blocks,
% tokens, ${ENV}, quoting, every keyword family, valid and invalid lines) and
random command lines, runs both programs with the same argv, stdin from
/dev/null and a fixed environment, and compares stdout and exit status byte
for byte. stderr is compared too but reported separately (a failing sshfwd
must at least say something on stderr).

Every case is a pure function of (--seed, case index), so one case can be
replayed with `--seed S --only I`. A failing case can be written out as a
standalone reproducer directory (--keep-failures DIR) whose run.sh rebuilds
the files and runs both programs.

No network: every host name is made up (`.invalid` for anything that may be
looked up), CanonicalDomains are `.invalid` domains (NXDOMAIN, or an
immediate failure on a machine without a resolver), and
CanonicalizePermittedCNAMEs -- which makes even `ssh -G` resolve the host
name -- only appears with destinations that fail to resolve (`*.invalid`,
numeric addresses, or single made-up labels). On this machine a failed lookup
takes < 0.1 s; pass --no-dns to leave all DNS-triggering keywords out.

Python 3 standard library only.
"""

import argparse
import concurrent.futures
import difflib
import os
import random
import shutil
import stat
import subprocess
import sys
import tempfile

# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

# Destination host names. Single labels and *.invalid never resolve (the
# generator only lets DNS-triggering keywords near them); numeric forms
# exercise ssh's address normalisation, which needs no DNS.
DEST_HOSTS = ["h1", "h2", "web", "H1", "Web", "db.invalid", "a.b.invalid",
              "gw1", "127.0.0.1", "127.1", "10.000.0.1", "::1", "0x7f.1",
              "x-y_z", "h1.invalid"]
PATTERNS = ["h1", "h2", "web", "H1", "*", "h?", "*.invalid", "!h1", "!*",
            "127.0.0.1", "127.*", "::1", "gw*", "a.b.*", "*b*", "!web",
            "h1.invalid", "db.invalid", "x-y_z", "h1,h2", "10.*"]
USERS = ["bob", "alice", "root", "u1", "Bob", "a.b", "u%u", "bob smith"]
CL_USERS = ["bob", "alice", "u1", "Bob", "a$b", "x y", "-bad", "b'q", "a@b",
            "bob\\"]
# Share of cases run with -v/-vv/-vvv (stderr compared byte for byte).
VERBOSE_SHARE = 0.25

ENV_FIXED = {
    "SHELL": "/bin/sh",
    "PATH": "/usr/bin:/bin",
    "LC_ALL": "C",
    "FOO": "foo",
    "BARDIR": "/tmp/bar",
    "EMPTYV": "",
    "SP": "two words",
}

CIPHERS = ["3des-cbc", "aes128-cbc", "aes192-cbc", "aes256-cbc", "aes128-ctr",
           "aes192-ctr", "aes256-ctr", "aes128-gcm@openssh.com",
           "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com"]
MACS = ["hmac-sha1", "hmac-sha1-96", "hmac-sha2-256", "hmac-sha2-512",
        "hmac-md5", "hmac-md5-96", "umac-64@openssh.com",
        "umac-128@openssh.com", "hmac-sha1-etm@openssh.com",
        "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com",
        "umac-64-etm@openssh.com", "umac-128-etm@openssh.com"]
KEX = ["diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1",
       "diffie-hellman-group14-sha256", "diffie-hellman-group16-sha512",
       "diffie-hellman-group18-sha512", "diffie-hellman-group-exchange-sha1",
       "diffie-hellman-group-exchange-sha256", "ecdh-sha2-nistp256",
       "ecdh-sha2-nistp384", "ecdh-sha2-nistp521", "curve25519-sha256",
       "curve25519-sha256@libssh.org", "sntrup761x25519-sha512",
       "sntrup761x25519-sha512@openssh.com"]
KEYTYPES = ["ssh-ed25519", "ssh-ed25519-cert-v01@openssh.com",
            "sk-ssh-ed25519@openssh.com", "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp521",
            "sk-ecdsa-sha2-nistp256@openssh.com",
            "webauthn-sk-ecdsa-sha2-nistp256@openssh.com", "ssh-dss",
            "ssh-rsa", "ssh-rsa-cert-v01@openssh.com", "rsa-sha2-256",
            "rsa-sha2-512", "rsa-sha2-512-cert-v01@openssh.com"]
SIGTYPES = ["ssh-ed25519", "sk-ssh-ed25519@openssh.com", "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp521", "ssh-dss", "ssh-rsa", "rsa-sha2-256",
            "rsa-sha2-512"]
GSSKEX = ["gss-gex-sha1-", "gss-group1-sha1-", "gss-group14-sha1-",
          "gss-group14-sha256-", "gss-group16-sha512-",
          "gss-nistp256-sha256-", "gss-curve25519-sha256-"]

FLAG_KW = ["BatchMode", "CheckHostIP", "ClearAllForwardings",
           "EnableSSHKeysign", "ExitOnForwardFailure", "ForwardX11",
           "ForwardX11Trusted", "GatewayPorts", "HashKnownHosts",
           "HostbasedAuthentication", "IdentitiesOnly",
           "KbdInteractiveAuthentication", "ChallengeResponseAuthentication",
           "SkeyAuthentication", "NoHostAuthenticationForLocalhost",
           "PasswordAuthentication", "PermitLocalCommand", "ProxyUseFdpass",
           "StreamLocalBindUnlink", "TCPKeepAlive", "KeepAlive",
           "VisualHostKey", "EnableEscapeCommandline", "StdinNull",
           "ForkAfterAuthentication", "GSSAPIAuthentication",
           "GSSAPIKeyExchange", "GSSAPIDelegateCredentials", "GSSAPITrustDns",
           "GSSAPIRenewalForcesRekey", "Compression"]
FLAG_OK = ["yes", "no", "true", "false", "YES", "No", "True", "FALSE"]
FLAG_BAD = ["maybe", "1", "on", "ask", "y"]

MULTI = {
    "AddressFamily": (["inet", "inet6", "any", "INET6", "Any"], ["inet4", "ipv6"]),
    "ControlMaster": (["yes", "no", "ask", "auto", "autoask", "true", "false", "AUTO"], ["maybe"]),
    "RequestTTY": (["yes", "no", "force", "auto", "true", "false"], ["always"]),
    "StrictHostKeyChecking": (["yes", "no", "ask", "accept-new", "off", "true", "false", "Accept-New"], ["new"]),
    "Tunnel": (["yes", "no", "point-to-point", "ethernet", "true", "false"], ["tap"]),
    "VerifyHostKeyDNS": (["yes", "no", "ask", "true", "false"], ["auto"]),
    "UpdateHostKeys": (["yes", "no", "ask", "true", "false"], ["auto"]),
    "PubkeyAuthentication": (["yes", "no", "unbound", "host-bound", "true", "false"], ["bound"]),
    "DSAAuthentication": (["yes", "no"], []),
    "SessionType": (["none", "subsystem", "default", "NONE"], ["shell"]),
    "FingerprintHash": (["md5", "sha1", "sha256", "SHA512", "sha384"], ["sha3", "sha224"]),
    "LogLevel": (["QUIET", "FATAL", "ERROR", "INFO", "VERBOSE", "silent", "info", "DEBUG1"], ["LOUD"]),
    "SyslogFacility": (["DAEMON", "USER", "AUTH", "AUTHPRIV", "LOCAL0", "local7", "user"], ["KERN"]),
    "AddKeysToAgent": (["yes", "no", "ask", "confirm", "confirm 5m", "1h", "true", "false", "confirm 0"], ["sometimes", "confirm x", "yes 5"]),
}

INT_KW = ["ConnectionAttempts", "NumberOfPasswordPrompts",
          "ServerAliveCountMax", "CanonicalizeMaxDots", "RequiredRSASize"]
INT_OK = ["1", "2", "3", "10", "010", "+4", "2147483647", "0"]
INT_BAD = ["-1", "2147483648", "x", "1k", "3.5"]

TIME_KW = ["ConnectTimeout", "ServerAliveInterval", "ProtocolKeepAlives",
           "SetupTimeOut", "ForwardX11Timeout"]
TIME_OK = ["0", "5", "30s", "1m", "1h30m", "1m1", "2W", "1d", "none",
           "90S", "1w2d3h4m5s"]
TIME_BAD = ["NONE", "5x", "-1", "99999999999", "1M1x", "h", "1.5"]

PORT_OK = ["22", "2222", "ssh", "http", "65535", "022", "+22", "1"]
PORT_BAD = ["0", "65536", "0x16", "abc", "-1", "22x"]

REMOTE_HOSTS = ["localhost", "internal", "10.0.0.5", "[::1]", "[2001:db8::1]",
                "h\\:x", "${FOO}", "%h", "db.invalid", "[*]"]
LISTENS = ["8080", "0", "1080", "http", "127.0.0.1:8080", "[::1]:8080",
           "*:8080", ":8080", "localhost:9090", "/tmp/l.sock",
           "/tmp/%h-%p.sock", "[/tmp/x]:1", "65536", "x", "::1:8080",
           "${FOO}", "[127.0.0.1]:2222", "0.0.0.0:2222", "/tmp/${FOO}.sock",
           "/tmp/%C.sock"]
TARGETS = ["localhost:80", "internal:22", "h:http", "[2001:db8::1]:80",
           "h\\:x:80", "/tmp/r.sock", "/tmp/%r.sock", "h:0", "db.invalid:5432",
           "${FOO}:80", "${UNSETVAR}:80", "10.0.0.5:x", "%h:22", "a:b:c:d:e"]
LISTENS_BAD_LOCAL = ["0", "65536", "x", "::1:8080", "${FOO}"]
LISTENS_BAD_REMOTE = ["65536", "x", "::1:8080", "${FOO}"]
TARGETS_BAD = ["h:0", "${UNSETVAR}:80", "10.0.0.5:x", "a:b:c:d:e"]
DYN_BAD = ["0", "x", "1080:x"]
DYN_LISTENS = ["1080", "127.0.0.1:1081", "/tmp/d.sock", "[::1]:1082",
               "localhost:1083", "*:1084", "0", "x", "1080:x", "/tmp/%u.sock"]

JUMPS = ["gw1", "u@gw1", "gw1:2222", "ssh://u@gw1:22", "gw1,gw2",
         "u1@gw1:2200,u2@gw2", "none", "[::1]:22", "10.0.0.1", "123",
         "gw:0", "@gw", "a,,b", "ssh://[::1]", "ssh://a%40b@gw", "gw;x",
         "10.0.0.1,10.0.0.2", "NONE", "gw1,", "g$w"]
JUMPS_BAD = ["gw:0", "@gw", "a,,b", "ssh://[::1]", "gw1,", "a, b"]
JUMPS_BAD_CL = JUMPS_BAD + ["gw;x", "g$w"]
JUMPS_CONFIG_ONLY = ["gw extra", "a, b", "\"gw\"", "none # c", "gw1 # comment"]

PROXYCMDS = ["nc %h %p", "none", "none # c", "ssh -W %h:%p gw1",
             "exec nc %%h %r", "/bin/false %k %n", "-", "nc -x \"p q\" %h %p",
             "NONE"]
LOCALCMDS = ["echo %h %p %r", "none", "echo %T", "ls # x", "printf '%%s' %C"]
REMOTECMDS = ["uptime", "echo %h %p %r %u", "none", "echo %C", "echo %x",
              "echo %%", "tail -f /var/log/%n", "echo %d %i %L"]
KHCMDS = ["/bin/true %H %I %t %f %K", "none", "/usr/bin/kh %h"]

IPQOS_NAMES = ["af11", "af12", "af13", "af21", "af22", "af23", "af31", "af32",
               "af33", "af41", "af42", "af43", "cs0", "cs1", "cs2", "cs3",
               "cs4", "cs5", "cs6", "cs7", "ef", "le", "lowdelay",
               "throughput", "reliability", "none", "AF21", "0", "7", "010",
               "0x10", "255"]
IPQOS_BAD = ["256", "-1", "bogus", "af99", "0x100"]


def q(rng, s):
    """Maybe wrap a token in double quotes (argv_split removes them)."""
    if " " in s or s == "" or "\t" in s:
        return '"' + s + '"'
    if rng.random() < 0.08 and '"' not in s:
        return '"' + s + '"'
    return s


# --------------------------------------------------------------------------
# Line generators, one per family. Each returns (keyword, value-text) where
# value-text is already tokenised/quoted as it should appear in a file. A
# generator may return None to skip.
# --------------------------------------------------------------------------


def bad(c, p=0.06):
    """True when this line should be invalid (only in error-mode cases)."""
    return c.err and c.rng.random() < p * 2


def choose(c, lst, badlist=()):
    """Pick from lst; entries in badlist only in error-mode cases, rarely."""
    if c.err and c.rng.random() < 0.15:
        return c.rng.choice(lst)
    ok = [x for x in lst if x not in badlist]
    return c.rng.choice(ok)


def g_flags(c):
    r = c.rng
    kw = r.choice(FLAG_KW)
    if kw == "Compression":
        v = r.choice(["yes", "no", "YES"]) if not bad(c, 0.15) else r.choice(["true", "maybe"])
    else:
        v = r.choice(FLAG_OK) if not bad(c) else r.choice(FLAG_BAD)
    if kw == "ForkAfterAuthentication" and v.lower() in ("yes", "true") and not bad(c, 0.3):
        v = "no"
    return kw, v


def g_multi(c):
    r = c.rng
    kw = r.choice(sorted(MULTI))
    ok, ko = MULTI[kw]
    v = r.choice(ko) if ko and bad(c) else r.choice(ok)
    if kw == "LogLevel" and v.upper().startswith("DEBUG") and r.random() < 0.7:
        v = "VERBOSE"
    return kw, v


def g_ints(c):
    r = c.rng
    return r.choice(INT_KW), (r.choice(INT_BAD) if bad(c) else r.choice(INT_OK))


def g_times(c):
    r = c.rng
    return r.choice(TIME_KW), (r.choice(TIME_BAD) if bad(c) else r.choice(TIME_OK))


def g_ports(c):
    r = c.rng
    return "Port", (r.choice(PORT_BAD) if bad(c, 0.08) else r.choice(PORT_OK))


def algo_value(c, names, wildcard_ok):
    r = c.rng
    n = r.randint(1, 3)
    items = []
    pre = r.random()
    prefix = "+" if pre < 0.25 else "-" if pre < 0.5 else "^" if pre < 0.62 else ""
    if prefix == "-":
        wildcard_ok = True
    for _ in range(n):
        x = r.random()
        if not c.err and not wildcard_ok:
            x = 0
        elif not c.err:
            x = x * 0.92
        if x < 0.65:
            items.append(r.choice(names))
        elif x < 0.85:
            base = r.choice(names)
            cut = r.randint(2, max(2, len(base) - 2))
            items.append(base[:cut] + "*")
        elif x < 0.92:
            items.append(r.choice(["*", "?sh-rsa", "*-cert-v01@openssh.com"] + (["*sha1*"] if c.err else [])))
        else:
            items.append(r.choice(["bogus-alg", "!ssh-rsa", ""]))
    return prefix + ",".join(items)


def g_algos(c):
    r = c.rng
    kw, names = r.choice([
        ("Ciphers", CIPHERS), ("MACs", MACS), ("KexAlgorithms", KEX),
        ("HostKeyAlgorithms", KEYTYPES),
        ("PubkeyAcceptedAlgorithms", KEYTYPES),
        ("PubkeyAcceptedKeyTypes", KEYTYPES),
        ("HostbasedAcceptedAlgorithms", KEYTYPES),
        ("HostbasedKeyTypes", KEYTYPES),
        ("CASignatureAlgorithms", SIGTYPES),
        ("GSSAPIKexAlgorithms", GSSKEX)])
    v = algo_value(c, names, kw not in ("Ciphers", "MACs", "KexAlgorithms", "GSSAPIKexAlgorithms"))
    if kw == "GSSAPIKexAlgorithms" and not c.err:
        v = ",".join(r.sample(GSSKEX, r.randint(1, 3)))   # no +-^ or wildcards
    if r.random() < 0.03:
        v = "-*"
    return kw, v


def fwd_local(c, remote=False):
    return "%s %s" % (choose(c, LISTENS, LISTENS_BAD_REMOTE if remote else LISTENS_BAD_LOCAL),
                      choose(c, TARGETS, TARGETS_BAD))


def g_forwards(c):
    r = c.rng
    x = r.random()
    if x < 0.4:
        if bad(c, 0.05):
            return "LocalForward", r.choice(["8080:localhost:80", "8080"])
        return "LocalForward", fwd_local(c)
    if x < 0.75:
        if r.random() < 0.3:
            return "RemoteForward", choose(c, LISTENS, LISTENS_BAD_REMOTE)
        return "RemoteForward", fwd_local(c, True)
    if bad(c, 0.05):
        return "DynamicForward", "1080 1081"
    return "DynamicForward", choose(c, DYN_LISTENS, DYN_BAD)


def g_proxy(c):
    r = c.rng
    x = r.random()
    if x < 0.55:
        return "ProxyJump", choose(c, JUMPS + JUMPS_CONFIG_ONLY, JUMPS_BAD)
    if x < 0.9:
        return "ProxyCommand", r.choice(PROXYCMDS)
    if x < 0.95:
        return "LocalCommand", r.choice(LOCALCMDS)
    return "RemoteCommand", choose(c, REMOTECMDS, ["echo %x"])


def g_env(c):
    r = c.rng
    if r.random() < 0.55:
        vals = []
        for _ in range(r.randint(1, 3)):
            vals.append(choose(c, ["LANG", "LC_*", "-LC_*", "FOO", "-FOO",
                                   "X_Y", "-*", "EDITOR", "A=B", "\"\"",
                                   "LC_ALL", "-L*"], ["A=B", "\"\""]))
        return "SendEnv", " ".join(vals)
    vals = []
    for _ in range(r.randint(1, 3)):
        vals.append(r.choice(["A=1", "B=\"two words\"", "A=2", "C=", "LANG=C",
                              "\"D=x y\"", "E=%h", "F=${FOO}"]))
    if bad(c, 0.08):
        vals.append("NOEQ")
    return "SetEnv", " ".join(vals)


def g_ident(c):
    r = c.rng
    x = r.random()
    if x < 0.45:
        return r.choice(["IdentityFile", "IdentityFile", "IdentityFile2"]), q(r, r.choice(
            ["~/.ssh/id_test", "/tmp/key1", "%d/.ssh/id_%h", "${FOO}/k",
             "id_rel", "~/.ssh/id_rsa", "/tmp/key1", "/tmp/k %r",
             "${UNSETVAR}/x"]))
    if x < 0.65:
        return "CertificateFile", q(r, r.choice(
            ["~/.ssh/id_test-cert.pub", "/tmp/c1", "%h-cert", "/tmp/c1"]))
    if x < 0.8:
        return "IdentityAgent", q(r, choose(c,
            ["SSH_AUTH_SOCK", "none", "~/agent.sock", "$FOO", "${FOO}/a",
             "/tmp/%h.sock", "${UNSETVAR}", "$BAD-NAME", "/tmp/%C",
             "$SSH_AUTH_SOCK"], ["${UNSETVAR}", "$BAD-NAME"]))
    return "ForwardAgent", q(r, choose(c,
        ["yes", "no", "/tmp/a.sock", "~/fa.sock", "${FOO}/x", "$BAD-NAME",
         "${UNSETVAR}", "true", "%d/s"], ["${UNSETVAR}", "$BAD-NAME"]))


def g_known(c):
    r = c.rng
    x = r.random()
    if x < 0.45:
        return "UserKnownHostsFile", r.choice(
            ["~/.ssh/known_hosts", "/tmp/kh1 /tmp/kh2", "none",
             "~/.ssh/kh_%h", "${FOO}/kh", "/root/.ssh/known_hosts",
             "~/.ssh/known_hosts ~/.ssh/known_hosts2", "none /x",
             "%d/kh_%r_%p"] if c.err else ["~/.ssh/known_hosts", "/tmp/kh1 /tmp/kh2", "none",
             "~/.ssh/kh_%h", "${FOO}/kh", "/root/.ssh/known_hosts",
             "~/.ssh/known_hosts ~/.ssh/known_hosts2", "%d/kh_%r_%p"])
    if x < 0.7:
        return "GlobalKnownHostsFile", r.choice(
            ["/etc/ssh/kh", "none", "/a /b", "~/g_%h"])
    if x < 0.8:
        return "RevokedHostKeys", r.choice(["/etc/ssh/revoked", "none", "~/rev"])
    if x < 0.9:
        return "KnownHostsCommand", r.choice(KHCMDS)
    return "HashKnownHosts", r.choice(["yes", "no"])


def g_canon(c):
    r = c.rng
    x = r.random()
    if x < 0.3:
        return "CanonicalizeHostname", r.choice(
            ["yes", "no", "always", "true", "false", "no"]
            if not c.no_dns else ["no", "false"]) if not bad(c) else "bogus"
    if x < 0.55:
        return "CanonicalDomains", choose(c,
            ["invalid", "example.invalid", "a.invalid b.invalid", "none",
             "bad..domain", "-bad.invalid", "EXAMPLE.INVALID",
             "example.invalid."], ["bad..domain", "-bad.invalid", "example.invalid."])
    if x < 0.75:
        return "CanonicalizeFallbackLocal", r.choice(["yes", "no", "yes"])
    if x < 0.9 or c.no_dns or not c.dns_safe:
        return "CanonicalizeMaxDots", r.choice(["0", "1", "2", "3"])
    # Makes even ssh -G resolve the destination: only when dns_safe.
    return "CanonicalizePermittedCNAMEs", choose(c,
        ["*.invalid:*.invalid", "none", "*:*", "*.a.invalid:*.b.invalid,*.c.invalid",
         "bogus", "A.INVALID:B.INVALID"], ["bogus"])


def g_special(c):
    r = c.rng
    x = r.randrange(9)
    if x == 0:
        if bad(c):
            return "IPQoS", r.choice(IPQOS_BAD + ["af11 af12 af13"])
        return "IPQoS", " ".join(r.choice(IPQOS_NAMES) for _ in range(r.randint(1, 2)))
    if x == 1:
        if bad(c):
            return "RekeyLimit", r.choice(["15", "bogus", "1G x", "-1", "1G 1h 2"])
        a = r.choice(["default", "1G", "16", "0", "4K", "2M", "1g", "512", "100K", "3000000000"])
        b = r.choice(["", "", " 1h", " none", " 30m", " 0", " 1m1"])
        return "RekeyLimit", a + b
    if x == 2:
        return "EscapeChar", choose(c,
            ["~", "none", "^A", "^?", "^a", "\"#\"", "x", "%", "\\\\", "^Z",
             "^[", "ab", "!", "^@", "^B", "NONE", "\"^ \""],
            ["^?", "NONE", "\"^ \"", "ab"])
    if x == 3:
        return "ControlPersist", r.choice(
            ["yes", "no", "0", "5m", "YES", "1h30", "true", "False",
             "bogus" if bad(c, 0.5) else "60", "4h"])
    if x == 4:
        return "ControlPath", q(r, choose(c,
            ["~/.ssh/cm-%r@%h:%p", "/tmp/cm-%C", "none", "/tmp/%%h-%n",
             "${FOO}/cm", "/tmp/%u-%i-%d", "/tmp/%k", "/tmp/cm-%x",
             "/tmp/%L", "${UNSETVAR}/cm", "/tmp/%h %p"], ["/tmp/cm-%x", "${UNSETVAR}/cm"]))
    if x == 5:
        return "StreamLocalBindMask", choose(c,
            ["0177", "022", "0", "0022x", "777", "8", "x", "0777", "07777"], ["8", "x", "07777"])
    if x == 6:
        return "TunnelDevice", choose(c,
            ["any", "any:any", "1", "1:2", ":3", "3:any", "x", "0", "any:5",
             "2147483647"], [":3", "x", "2147483647"])
    if x == 7:
        return "LogVerbose", r.choice(["kex.c:*:1000", "a b", "none", "x:y:*"])
    if bad(c, 0.2):
        return "PermitRemoteOpen", r.choice(["bad", "host:x", "h:"])
    return "PermitRemoteOpen", r.choice(
        ["any", "none", "ANY", "host:22", "h1:80 h2:*", "[::1]:22",
         "localhost:8080"])


def g_strings(c):
    r = c.rng
    x = r.randrange(14)
    if x == 0:
        return "User", q(r, r.choice(USERS + ["${FOO}", "%r"]))
    if x == 1:
        return "Hostname", q(r, r.choice(
            ["h1", "real.invalid", "127.1", "::1", "%h.invalid", "%%x",
             "Real.INVALID", "0x7f.1", "10.000.0.1", "${FOO}", "h%h",
             "999.1.1.1", "FE80::1%lo", "h2", "x.%h"]))
    if x == 2:
        return "HostKeyAlias", q(r, r.choice(["Alias1", "ka", "%h"]))
    if x == 3:
        return "BindAddress", r.choice(["127.0.0.1", "::1", "lo0"])
    if x == 4:
        return "BindInterface", r.choice(["lo", "eth0"])
    if x == 5:
        return "PreferredAuthentications", r.choice(["publickey,password", "keyboard-interactive"])
    if x == 6:
        return "KbdInteractiveDevices", r.choice(["pam", "bsdauth,pam"])
    if x == 7:
        return "XAuthLocation", r.choice(["/usr/bin/xauth", "/opt/xauth"])
    if x == 8:
        return r.choice(["PKCS11Provider", "SmartcardDevice"]), r.choice(["none", "/usr/lib/p11.so"])
    if x == 9:
        return "SecurityKeyProvider", r.choice(["internal", "none", "/x/sk.so", "$SK"])
    if x == 10:
        return r.choice(["GSSAPIClientIdentity", "GSSAPIServerIdentity"]), r.choice(["me@REALM", "host/x"])
    if x == 11:
        return "LocalCommand", r.choice(LOCALCMDS)
    if x == 12:
        return "RemoteCommand", choose(c, REMOTECMDS, ["echo %x"])
    return "KnownHostsCommand", r.choice(KHCMDS)


def g_oddkw(c):
    """Deprecated, unsupported, unknown and lexically odd keywords."""
    r = c.rng
    x = r.randrange(8) if c.err else r.choice([0, 1, 2, 3, 7])
    if x in (2, 3) and not c.err and not c.ignore_all:
        x = 0
    if x == 7 and not c.err:
        return "Ciphers", "+aes128-cbc"
    if x == 0:
        return r.choice(["Cipher", "UseRoaming", "FallBackToRsh", "UseRsh",
                         "UsePrivilegedPort", "UseBlacklistedKeys",
                         "GlobalKnownHostsFile2", "UserKnownHostsFile2",
                         "RhostsAuthentication", "Protocol"]), r.choice(["no", "yes", "2", "x"])
    if x == 1:
        return r.choice(["RSAAuthentication", "RhostsRSAAuthentication",
                         "KerberosAuthentication", "KerberosTGTPassing",
                         "AFSTokenPassing", "CompressionLevel"]), r.choice(["yes", "6"])
    if x in (2, 3):
        kw = r.choice(["FooBar", "Tag", "UseKeychain", "AddKeysToAgentX", "x-custom"])
        c.unknown_kws.add(kw.lower())
        return kw, r.choice(["x", "yes", "1 2"])
    if x == 4:
        return r.choice(["Port", "User", "Foo"]), ""      # no argument after keyword
    if x == 5:
        return "User", r.choice(["\"bob", "\"\"", "#x", "b\"o b\"b", "'it''s'", "a\\#b", "bob#x", "a\\ b"])
    if x == 6:
        return "Port", r.choice(["22 33", "==22"])
    return "Ciphers", r.choice(["aes128-ctr aes256-ctr", "+aes128-cbc"])


FAMILIES = {
    "flags": g_flags, "multi": g_multi, "ints": g_ints, "times": g_times,
    "ports": g_ports, "algos": g_algos, "forwards": g_forwards,
    "proxy": g_proxy, "env": g_env, "ident": g_ident, "known": g_known,
    "canon": g_canon, "special": g_special, "strings": g_strings,
    "oddkw": g_oddkw,
}
# Structural families: they shape the file rather than add keyword lines.
STRUCT_FAMILIES = ["host", "match", "include", "lex", "cmdline"]
ALL_FAMILIES = sorted(FAMILIES) + STRUCT_FAMILIES

# --------------------------------------------------------------------------
# Case generation
# --------------------------------------------------------------------------


class Ctx:
    def __init__(self, rng, families, no_dns):
        self.rng = rng
        self.families = families
        self.no_dns = no_dns
        self.dns_safe = True
        self.unknown_kws = set()
        self.files = {}          # relpath (under case dir) -> content
        self.modes = {}          # relpath -> chmod mode
        self.inc_count = 0
        self.err = False         # error-mode case: invalid lines allowed
        self.ignore_all = False


EXEC_CMDS = ["true", "false", "\"test %h = h1\"", "\"test %n = web\"",
                     "\"test %r = bob\"", "\"test %p = 22\"", "\"exit 1\"",
                     "\"test %u = root\"", "\"test -n %C\"", "\"test %k = %h\"",
                     "\"test %i -ge 0\"", "\"test %% = %%\"", "\"echo %x\"",
                     "\"test %l = %l\"", "'test -n x'", "\"test %d = /root\""]


def match_line(c):
    r = c.rng
    if bad(c, 0.05):
        return r.choice(["foo bar", "host", "all host h1", "host h1 all", "exec 'test -n x'", "host a b",
                         "host a b c", "# c", "localnetwork 10.0.0.0/8",
                         "tagged x", "exec"])
    crits = []
    for _ in range(r.randint(1, 3)):
        x = r.random()
        neg = "!" if r.random() < 0.15 else ""
        if x < 0.1:
            if c.err:
                crits.append(neg + "all")
            elif not crits:
                return neg + "all"
            elif len(crits) == 1:
                crits.append("all")     # quirk: accepted after one attribute
                break
        elif x < 0.2:
            crits.append(neg + r.choice(["final", "canonical", "Final"]))
        elif x < 0.35:
            crits.append(neg + "exec " + choose(c, EXEC_CMDS, ["\"echo %x\"", "'test -n x'"]))
        elif x < 0.6:
            pats = ",".join(r.choice(PATTERNS).replace(",", "")
                            for _ in range(r.randint(1, 2)))
            crits.append(neg + r.choice(["host", "Host", "host="]).rstrip("=")
                         + (r.choice([" ", "="])) + pats)
        elif x < 0.75:
            pats = ",".join(r.choice(PATTERNS).replace(",", "")
                            for _ in range(r.randint(1, 2)))
            crits.append(neg + "originalhost " + pats)
        elif x < 0.9:
            crits.append(neg + "user " + r.choice(["bob", "alice", "b*", "!bob,*", "root", "Bob"]))
        else:
            crits.append(neg + "localuser " + r.choice(["root", "!root", "r*", "nobody"]))
    if len(crits) == 1 and r.random() < 0.05:
        crits = ["all"]
    return " ".join(crits)


def host_line(c):
    r = c.rng
    if bad(c, 0.03):
        return r.choice(["\"\"", "\"h1"])
    pats = [r.choice(PATTERNS) for _ in range(r.randint(1, 3))]
    return " ".join(q(r, p) for p in pats)


def keyword_line(c, in_cmdline=False):
    r = c.rng
    fams = [f for f in c.families if f in FAMILIES]
    if not fams:
        fams = sorted(FAMILIES)
    gen = FAMILIES[r.choice(fams)]
    for _ in range(5):
        kv = gen(c)
        if kv is not None:
            return kv
    return "BatchMode", "no"


def render_kw(c, kw):
    r = c.rng
    if "lex" in c.families and r.random() < 0.25:
        choice = r.random()
        if choice < 0.4:
            return kw.lower()
        if choice < 0.7:
            return kw.upper()
        return "".join(ch.upper() if r.random() < 0.5 else ch.lower() for ch in kw)
    return kw


def render_line(c, kw, val):
    r = c.rng
    lex = "lex" in c.families
    indent = ""
    if lex and r.random() < 0.3:
        indent = r.choice(["  ", "\t", "    ", " \t"])
    sep = " "
    if lex and r.random() < 0.35:
        sep = r.choice(["=", " = ", "\t", "  ", "= ", " =", "\t=\t"])
    line = indent + render_kw(c, kw) + (sep + val if val != "" else r.choice(["", "=", " "]))
    if lex and r.random() < 0.1:
        line += r.choice([" # trailing comment", "\t#c", "   ", "\t", " \f"])
    return line


def gen_body(c, nlines):
    out = []
    for _ in range(nlines):
        kw, val = keyword_line(c)
        out.append(render_line(c, kw, val))
    return out


def gen_file_lines(c, depth, nblocks, top):
    """A config file: a preamble and some Host/Match blocks."""
    r = c.rng
    lines = []
    fams = c.families
    if top and c.unknown_hint and r.random() < 0.5:
        ig = r.choice(["FooBar,Tag", "*", "foo*,x-*", "usekeychain", "*"])
        c.ignore_all = ig == "*"
        lines.append("IgnoreUnknown " + ig)
    lines += gen_body(c, r.randint(0, 4))
    for _ in range(nblocks):
        x = r.random()
        if "match" in fams and (x < 0.4 or "host" not in fams):
            lines.append(render_line(c, "Match", match_line(c)))
        elif "host" in fams:
            lines.append(render_line(c, "Host", host_line(c)))
        lines += gen_body(c, r.randint(0, 4))
        if "include" in fams and depth < 2 and r.random() < 0.3:
            lines.append(include_line(c, depth))
    if "include" in fams and depth < 2 and r.random() < 0.3:
        lines.insert(r.randint(0, len(lines)), include_line(c, depth))
    if "lex" in fams:
        for _ in range(r.randint(0, 2)):
            lines.insert(r.randint(0, len(lines)), r.choice(
                ["", "# comment", "   ", "\t# indented comment", "#Port 1",
                 "\"Port 2", "=Port 3", "User bob\\"]))
    return lines


def include_line(c, depth):
    """Create 1-2 include files and return the Include line for them."""
    r = c.rng
    args = []
    for _ in range(r.randint(1, 2)):
        c.inc_count += 1
        n = c.inc_count
        kind = r.random()
        body = "\n".join(gen_file_lines(c, depth + 1, r.randint(0, 2), False)) + "\n"
        if kind < 0.3:
            c.files["home/.ssh/inc/f%d.conf" % n] = body
            args.append(r.choice(["inc/f%d.conf" % n, "inc/f%d*" % n, "~/.ssh/inc/f%d.conf" % n]))
        elif kind < 0.5:
            c.files["home/.ssh/inc/g%da.conf" % n] = body
            c.files["home/.ssh/inc/g%dB.conf" % n] = "\n".join(gen_file_lines(c, depth + 1, 1, False)) + "\n"
            args.append(r.choice(["inc/g%d*.conf" % n, "inc/g%d[aB].conf" % n, "inc/g%d?.conf" % n]))
        elif kind < 0.7:
            c.files["abs/a%d.conf" % n] = body
            args.append("@DIR@/abs/a%d.conf" % n)
        elif kind < 0.8:
            c.files["home/.ssh/inc/p%d.conf" % n] = body
            c.modes["home/.ssh/inc/p%d.conf" % n] = r.choice([0o666, 0o644, 0o600, 0o664] if c.err else [0o644, 0o600, 0o640])
            args.append("inc/p%d.conf" % n)
        elif kind < 0.9:
            args.append(r.choice(["inc/missing%d.conf" % n, "nothere/*.conf", "@DIR@/abs/none%d" % n]))
        else:
            c.files["home/.ssh/inc/d%d/x.conf" % n] = body
            args.append(r.choice(["inc/d%d" % n, "inc/d%d/*" % n]))
    return render_line(c, "Include", " ".join(args))


def jump_for_cmdline(r):
    return r.choice(JUMPS)


def fwd_cmdline(c, flag):
    if flag == "D":
        return choose(c, DYN_LISTENS, DYN_BAD)
    listen = choose(c, LISTENS, LISTENS_BAD_REMOTE if flag == "R" else LISTENS_BAD_LOCAL)
    if flag == "R" and c.rng.random() < 0.3:
        return listen
    return listen + ":" + choose(c, TARGETS, TARGETS_BAD)


def opt_for_cmdline(c):
    kw, val = keyword_line(c)
    if c.rng.random() < 0.5:
        return "%s=%s" % (kw, val)
    return "%s %s" % (kw, val)


def gen_argv(c, cfgpath):
    r = c.rng
    argv = []
    if cfgpath is not None:
        argv += ["-F", cfgpath]
    opts = []
    cmd = "cmdline" in c.families
    n = r.randint(0, 4) if cmd else 0
    for _ in range(n):
        x = r.random()
        if x < 0.3:
            opts.append(["-o", opt_for_cmdline(c)])
        elif x < 0.38:
            opts.append(["-p", choose(c, PORT_OK + PORT_BAD[:2], PORT_BAD)])
        elif x < 0.46:
            opts.append(["-l", choose(c, CL_USERS, ["-bad", "b'q", "bob\\"])])
        elif x < 0.52:
            opts.append(["-i", r.choice(["@DIR@/keys/k1", "@DIR@/keys/k2", "@DIR@/keys/missing", "keys/k1"])])
        elif x < 0.58:
            opts.append(["-J", choose(c, JUMPS, JUMPS_BAD_CL)])
        elif x < 0.76:
            f = r.choice("LRD")
            opts.append(["-" + f, fwd_cmdline(c, f)])
        elif x < 0.84:
            opts.append([r.choice(["-4", "-6", "-C"])])
        elif x < 0.92:
            opts.append(["-c", choose(c, ["aes128-ctr", "+aes128-cbc", "^3des-cbc", "-aes128-ctr", "bogus", "aes256-ctr,aes128-ctr", "aes*"], ["-aes128-ctr", "bogus", "aes*"])])
        else:
            opts.append(["-m", choose(c, ["hmac-sha2-256", "+hmac-md5", "bogus", "hmac-sha1,umac-64@openssh.com"], ["+hmac-md5", "bogus"])])
        if opts[-1][0] in ("-o",) and r.random() < 0.1:
            opts[-1] = ["-o" + opts[-1][1]]       # joined -oKey=value
    for o in opts:
        argv += o
    # Destination.
    host = r.choice(DEST_HOSTS)
    x = r.random() if cmd else 0.9
    if x < 0.1:
        dest = r.choice(CL_USERS[:5]) + "@" + host
    elif x < 0.17:
        h = host if c.err or ":" not in host else "h2"
        dest = "ssh://" + (r.choice(["bob@", "", "a%40b@", "u+v@"])) + h + choose(c, ["", ":2222", ":22", ":0", "/path"], [":0", "/path"])
    elif x < 0.2 and c.err:
        dest = r.choice(["-bad", "h;x", "h,x", "@h1", "a@b@h1", "h\x01", "h'q", ""])
    else:
        dest = host
    argv.append(dest)
    if cmd and r.random() < 0.15:
        # Options after the destination are still parsed by ssh.
        argv += r.choice([["-p", "2200"], ["-4"], ["-l", "late"], ["-o", "User=late"]])
    if cmd and r.random() < 0.05:
        argv += ["uptime"]
    c.dest_host = host
    return argv


def gen_case(seed, index, families, no_dns):
    """Returns dict: files, modes, argv, cfg (relpath of -F file)."""
    r = random.Random("%d/%d" % (seed, index))
    c = Ctx(r, families, no_dns)
    # DNS safety: CanonicalizePermittedCNAMEs makes ssh -G resolve the final
    # host name; only allow it when every candidate destination / Hostname is
    # made up. All names in this file are, so dns_safe stays True unless
    # --no-dns; kept as a switch for extensions.
    c.dns_safe = not no_dns
    c.err = r.random() < 0.4
    c.unknown_hint = "oddkw" in families and r.random() < 0.5
    c.ignore_all = False
    nblocks = r.randint(0, 5)
    lines = gen_file_lines(c, 0, nblocks, True)
    content = "\n".join(lines) + "\n"
    if "lex" in families and r.random() < 0.05:
        content = content.replace("\n", "\r\n")
    if "lex" in families and r.random() < 0.03:
        content = content.rstrip("\n")
    cfg = r.choice(["cfg/main.conf", "@DIR@/cfg/main.conf"])
    c.files["cfg/main.conf"] = content
    c.files["keys/k1"] = "not a key\n"
    c.files["keys/k2"] = "not a key either\n"
    argv = gen_argv(c, cfg if r.random() > 0.01 else "none")
    # A share of the cases run with -v, -vv or -vvv, where stderr (ssh's
    # debug lines) must agree too. Drawn from a stream of its own so the
    # files and argv of every case stay what they were for a seed.
    rv = random.Random("%d/%d/verbose" % (seed, index))
    verbose = 0
    if rv.random() < VERBOSE_SHARE:
        verbose = rv.randint(1, 3)
        argv = (["-" + "v" * verbose] if rv.random() < 0.5
                else ["-v"] * verbose) + argv
    return {"seed": seed, "index": index, "files": c.files, "modes": c.modes,
            "argv": argv, "verbose": verbose}


# --------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------


def verbose_stderr(b):
    """ssh -v stderr without its version banner (sshfwd prints none). The
    banner follows whatever the command line printed before log_init."""
    lines = b.split(b"\n")
    for i, line in enumerate(lines):
        if line.startswith(b"OpenSSH_"):
            del lines[i]
            break
    return b"\n".join(lines)


def materialize(case, d):
    for rel, content in case["files"].items():
        p = os.path.join(d, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", newline="") as f:
            f.write(content.replace("@DIR@", d))
        os.chmod(p, case["modes"].get(rel, 0o644))
    os.makedirs(os.path.join(d, "home", ".ssh"), exist_ok=True)
    return [a.replace("@DIR@", d) for a in case["argv"]]


def case_env(d, extra=None):
    env = dict(ENV_FIXED)
    env["HOME"] = os.path.join(d, "home")
    if extra:
        env.update(extra)
    return env


def sanitizer_env(leak_check=True):
    """ASan/UBSan settings from the caller's environment, for sshfwd only.
    Without leak_check, LeakSanitizer is turned off for this run: its exit
    scan costs more CPU than the whole ssh -G run (see --leak-check-every)."""
    env = {k: v for k, v in os.environ.items()
           if k.endswith("SAN_OPTIONS") or k == "LLVM_PROFILE_FILE"}
    if not leak_check:
        env["ASAN_OPTIONS"] = ":".join(x for x in (env.get("ASAN_OPTIONS", ""), "detect_leaks=0") if x)
    return env


def run_one(prog, argv, d, env, timeout):
    try:
        # argv[0] is the bare name: ssh -v prints it in the ProxyCommand
        # it builds from ProxyJump, as a user typing "ssh" would see it.
        p = subprocess.run([os.path.basename(prog), "-G"] + argv,
                           executable=prog, cwd=d, env=env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return "timeout", b"", b""


def compare(case, ssh, sshfwd, timeout, leak_check=True):
    d = tempfile.mkdtemp(prefix="difftest.")
    try:
        argv = materialize(case, d)
        env = case_env(d)
        er, eo, ee = run_one(ssh, argv, d, env, timeout)
        if er == "timeout":
            return {"status": "skip", "why": "ssh timed out"}
        env2 = dict(env)
        env2.update(sanitizer_env(leak_check))
        gr, go, ge = run_one(sshfwd, argv, d, env2, timeout)
        res = {"exp": (er, eo, ee), "got": (gr, go, ge), "dir": d}
        kinds = []
        if er != gr:
            kinds.append("status")
        if eo != go:
            kinds.append("stdout")
        if gr != 0 and gr != "timeout" and ee.strip() and not ge.strip():
            kinds.append("silent-failure")
        if case.get("verbose"):
            ee = verbose_stderr(ee)
            if ee.replace(d.encode(), b"@DIR@") != ge.replace(d.encode(), b"@DIR@"):
                kinds.append("stderr-verbose")
        res["kinds"] = kinds
        res["stderr_differs"] = (ee != ge)
        res["status"] = "fail" if kinds else "ok"
        # Paths inside outputs name the temp dir; make them comparable.
        res["exp"] = (er, eo.replace(d.encode(), b"@DIR@"), ee.replace(d.encode(), b"@DIR@"))
        res["got"] = (gr, go.replace(d.encode(), b"@DIR@"), ge.replace(d.encode(), b"@DIR@"))
        return res
    finally:
        shutil.rmtree(d, ignore_errors=True)


def worker(job):
    seed, index, families, no_dns, ssh, sshfwd, timeout, leak_every = job
    case = gen_case(seed, index, families, no_dns)
    res = compare(case, ssh, sshfwd, timeout,
                  leak_check=leak_every > 0 and index % leak_every == 0)
    res.pop("dir", None)
    res["index"] = index
    if "exp" in res:
        res["ssh_status"] = res["exp"][0]
    if res["status"] != "fail":
        # Keep the parent's memory small: outputs only for failures.
        res.pop("exp", None)
        res.pop("got", None)
    return res


# --------------------------------------------------------------------------
# Minimisation (greedy line/option removal while the same mismatch persists)
# --------------------------------------------------------------------------


def same_failure(case, kinds, ssh, sshfwd, timeout):
    res = compare(case, ssh, sshfwd, timeout)
    return res.get("status") == "fail" and set(kinds) <= set(res["kinds"]), res


def minimize(case, kinds, ssh, sshfwd, timeout, budget=300):
    import copy
    best = copy.deepcopy(case)
    runs = 0

    def try_variant(v):
        nonlocal runs
        runs += 1
        ok, _ = same_failure(v, kinds, ssh, sshfwd, timeout)
        return ok

    changed = True
    while changed and runs < budget:
        changed = False
        # 1. drop whole files that are not the main config (includes).
        for rel in sorted(best["files"]):
            if rel == "cfg/main.conf" or rel.startswith("keys/") or runs >= budget:
                continue
            v = copy.deepcopy(best)
            del v["files"][rel]
            if try_variant(v):
                best, changed = v, True
        # 2. drop lines of every config file, chunks first.
        for rel in sorted(best["files"]):
            if rel.startswith("keys/"):
                continue
            lines = best["files"][rel].split("\n")
            chunk = max(1, len(lines) // 2)
            while chunk >= 1 and runs < budget:
                i = 0
                while i < len(lines) and runs < budget:
                    cand = lines[:i] + lines[i + chunk:]
                    v = copy.deepcopy(best)
                    v["files"][rel] = "\n".join(cand)
                    if try_variant(v):
                        best, lines, changed = v, cand, True
                    else:
                        i += chunk
                chunk //= 2
        # 3. drop command-line options (never -F and the destination).
        argv = best["argv"]
        i = 0
        while i < len(argv) - 1 and runs < budget:
            if argv[i] == "-F":
                i += 2
                continue
            width = 2 if argv[i] in ("-o", "-p", "-l", "-i", "-J", "-L", "-R", "-D", "-c", "-m") else 1
            v = copy.deepcopy(best)
            v["argv"] = argv[:i] + argv[i + width:]
            if try_variant(v):
                best, argv, changed = v, v["argv"], True
            else:
                i += width
    return best


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------


def show_bytes(b, limit=4000):
    s = b.decode("utf-8", "backslashreplace")
    return s if len(s) <= limit else s[:limit] + "\n...[truncated]\n"


def describe(case):
    out = []
    for rel in sorted(case["files"]):
        if rel.startswith("keys/"):
            continue
        out.append("--- file %s%s" % (rel, " (mode %o)" % case["modes"][rel] if rel in case["modes"] else ""))
        out.append(case["files"][rel].rstrip("\n"))
    out.append("--- argv: ssh -G " + " ".join(sh_quote(a) for a in case["argv"]))
    return "\n".join(out)


def sh_quote(s):
    if s and all(ch.isalnum() or ch in "@%+=:,./-_^*" for ch in s):
        return s
    return "'" + s.replace("'", "'\\''") + "'"


def diff_text(res):
    er, eo, ee = res["exp"]
    gr, go, ge = res["got"]
    out = ["exit status: ssh %s, sshfwd %s" % (er, gr)]
    if eo != go:
        d = difflib.unified_diff(
            eo.decode("utf-8", "backslashreplace").splitlines(),
            go.decode("utf-8", "backslashreplace").splitlines(),
            "ssh -G (expected)", "sshfwd -G (got)", lineterm="", n=1)
        out.append(show_bytes("\n".join(d).encode()))
    out.append("ssh stderr:    " + show_bytes(ee, 600).rstrip().replace("\n", "\n               "))
    out.append("sshfwd stderr: " + show_bytes(ge, 600).rstrip().replace("\n", "\n               "))
    return "\n".join(out)


RUN_SH = r"""#!/bin/sh
# Standalone reproducer written by tests/difftest.py (seed %(seed)d, case %(index)d).
# Usage: SSHFWD=/path/to/sshfwd sh run.sh
# Rebuilds the case's files in a temp dir (@DIR@ below is that dir), runs
# `ssh -G` and `$SSHFWD -G` with the same argv, HOME and environment, and
# diffs stdout and exit status.
here=$(cd "$(dirname "$0")" && pwd)
D=$(mktemp -d /tmp/difftest-repro.XXXXXX)
cp -R "$here/files/." "$D/"
find "$D" -type f | while read -r f; do sed -i "s|@DIR@|$D|g" "$f"; done
%(chmods)s
mkdir -p "$D/home/.ssh"
cd "$D" || exit 2
SSHFWD=${SSHFWD:-sshfwd}
run() {
	env -i HOME="$D/home" %(envs)s "$@" </dev/null
}
run ssh -G %(argv)s >"$D/ssh.out" 2>"$D/ssh.err"; es=$?
run "$SSHFWD" -G %(argv)s >"$D/sshfwd.out" 2>"$D/sshfwd.err"; gs=$?
echo "exit status: ssh $es, sshfwd $gs"
diff -u "$D/ssh.out" "$D/sshfwd.out" && [ "$es" = "$gs" ] && { echo "SAME"; rm -rf "$D"; exit 0; }
echo "--- ssh stderr";    cat "$D/ssh.err"
echo "--- sshfwd stderr"; cat "$D/sshfwd.err"
echo "(files kept in $D)"
exit 1
"""


def write_reproducer(case, res, outdir, name):
    d = os.path.join(outdir, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "files"))
    for rel, content in case["files"].items():
        p = os.path.join(d, "files", rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", newline="") as f:
            f.write(content)
    chmods = "\n".join("chmod %o \"$D/%s\"" % (m, rel) for rel, m in sorted(case["modes"].items()))
    envs = " ".join("%s=%s" % (k, sh_quote(v) if v else "''") for k, v in sorted(ENV_FIXED.items()))
    argv = " ".join(sh_quote(a).replace("@DIR@", "'\"$D\"'") if "@DIR@" in a else sh_quote(a)
                    for a in case["argv"])
    with open(os.path.join(d, "run.sh"), "w") as f:
        f.write(RUN_SH % {"seed": case["seed"], "index": case["index"],
                          "chmods": chmods, "envs": envs, "argv": argv})
    os.chmod(os.path.join(d, "run.sh"), 0o755)
    with open(os.path.join(d, "README.txt"), "w") as f:
        f.write(describe(case) + "\n\n" + diff_text(res) + "\n")
    for tag, (st, out, err) in (("expected", res["exp"]), ("got", res["got"])):
        with open(os.path.join(d, tag + ".out"), "wb") as f:
            f.write(out)
        with open(os.path.join(d, tag + ".err"), "wb") as f:
            f.write(err)
        with open(os.path.join(d, tag + ".status"), "w") as f:
            f.write("%s\n" % st)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--start", type=int, default=0, help="first case index")
    ap.add_argument("--only", type=int, action="append",
                    help="run only this case index (repeatable)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--families", default="",
                    help="comma list to restrict to (of: %s)" % ",".join(ALL_FAMILIES))
    ap.add_argument("--keep-failures", metavar="DIR")
    ap.add_argument("--show", type=int, default=5, help="failures to print in full")
    ap.add_argument("--minimize", type=int, default=5,
                    help="failures to minimise before printing (0: none)")
    ap.add_argument("--strict-stderr", action="store_true",
                    help="count stderr-only differences as failures")
    ap.add_argument("--no-dns", action="store_true",
                    help="leave out every keyword that can trigger a DNS lookup")
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--leak-check-every", type=int, default=1, metavar="N",
                    help="ASan builds: keep LeakSanitizer on only for every Nth "
                    "case (1: all, the default; 0: none)")
    ap.add_argument("--ssh", default=os.environ.get("SSH", "ssh"))
    ap.add_argument("--sshfwd", default=os.environ.get("SSHFWD"))
    ap.add_argument("--print-case", action="store_true",
                    help="print the generated case(s) and exit (no running)")
    a = ap.parse_args()

    fams = [f.strip() for f in a.families.split(",") if f.strip()] or ALL_FAMILIES
    for f in fams:
        if f not in ALL_FAMILIES:
            ap.error("unknown family %r (known: %s)" % (f, ",".join(ALL_FAMILIES)))
    # Structural families always present unless restricted explicitly:
    # restricting to e.g. `algos` still gives a plain file with algos lines.
    indices = a.only if a.only else list(range(a.start, a.start + a.count))

    if a.print_case:
        for i in indices:
            case = gen_case(a.seed, i, fams, a.no_dns)
            print("=== case %d" % i)
            print(describe(case))
        return 0
    if not a.sshfwd:
        ap.error("--sshfwd (or $SSHFWD) is required")
    ssh = shutil.which(a.ssh) or a.ssh
    sshfwd = os.path.abspath(a.sshfwd)

    jobs = [(a.seed, i, fams, a.no_dns, ssh, sshfwd, a.timeout, a.leak_check_every)
            for i in indices]
    results = []
    with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, a.jobs)) as ex:
        for res in ex.map(worker, jobs, chunksize=8):
            results.append(res)

    fails = [r for r in results if r["status"] == "fail"]
    skips = [r for r in results if r["status"] == "skip"]
    ok = [r for r in results if r["status"] == "ok"]
    stderr_only = [r for r in ok if r.get("stderr_differs")]
    if a.strict_stderr:
        for r in stderr_only:
            r["status"] = "fail"
        fails += stderr_only

    print("difftest: seed %d, %d cases: %d agree, %d mismatch, %d skipped; "
          "%d agree on stdout+status but differ on stderr"
          % (a.seed, len(results), len(ok), len(fails), len(skips), len(stderr_only)))
    hist = {}
    for r in results:
        if "ssh_status" in r:
            hist[r["ssh_status"]] = hist.get(r["ssh_status"], 0) + 1
    print("difftest: ssh -G exit statuses: " + ", ".join(
        "%s: %d" % kv for kv in sorted(hist.items(), key=lambda kv: str(kv[0]))))
    kinds = {}
    for r in fails:
        for k in r["kinds"] or ["stderr"]:
            kinds[k] = kinds.get(k, 0) + 1
    if kinds:
        print("difftest: mismatch kinds: " + ", ".join("%s %d" % kv for kv in sorted(kinds.items())))

    for n, r in enumerate(fails):
        case = gen_case(a.seed, r["index"], fams, a.no_dns)
        if n < a.minimize and r["kinds"]:
            mcase = minimize(case, r["kinds"], ssh, sshfwd, a.timeout)
            _, mres = same_failure(mcase, r["kinds"], ssh, sshfwd, a.timeout)
        else:
            mcase, mres = case, r
        if n < a.show:
            print("\n===== FAIL seed %d case %d (%s)%s =====" % (
                a.seed, r["index"], ",".join(r["kinds"]) or "stderr",
                " minimised" if mcase is not case else ""))
            print(describe(mcase))
            print(diff_text(mres))
        if a.keep_failures:
            os.makedirs(a.keep_failures, exist_ok=True)
            write_reproducer(case, r, a.keep_failures, "seed%d-case%d" % (a.seed, r["index"]))
            if mcase is not case:
                write_reproducer(mcase, mres, a.keep_failures, "seed%d-case%d-min" % (a.seed, r["index"]))
    if len(fails) > a.show:
        print("\n(%d more failures: %s)" % (len(fails) - a.show,
              " ".join(str(r["index"]) for r in fails[a.show:a.show + 200])))
    if fails:
        print("replay one case: %s --seed %d --only INDEX --families %s"
              % (sys.argv[0], a.seed, ",".join(fams)))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
