#!/usr/bin/env python3
"""netkit: the traffic servers and clients of sshfwd's end-to-end tests and
benchmark.

Every server and client speaks to an ADDR that is either HOST:PORT (IPv6 as
[::1]:PORT) or unix:/path. Servers accept --portfile FILE: they bind (port 0
picks a free port), write the bound port there, then serve. Data is a
deterministic pattern (a 1 MiB block drawn from a seeded PRNG, repeated) so a
client knows the checksum of what a source sends without a shared file.

Servers
  serve-echo   ADDR            echo every byte back; honours half-close
  serve-source ADDR --size N   send N pattern bytes, then close
  serve-sink   ADDR --log F    read to EOF, append "count sha256" to F and
                               send the same line back, then close
  serve-http   ADDR --tag T    GET /bytes/N[?seed=S] -> N pattern bytes,
                               header X-Served-By: T
Clients (exit 0 only when every byte checked out; one line of result)
  download ADDR --size N       read to EOF, check count and sha256
  upload   ADDR --size N       send N bytes, half-close, check the sink's reply
  echo     ADDR --size N       send N random bytes, read them back, compare
  echo-many ADDR --conns C --size N [--hold-file F]
                               C concurrent echo connections; with
                               --hold-file keep them open (idle) after the
                               echo, write "ready" to F, wait for SIGTERM
  seq-echo ADDR --conns C --size N [--watch-pid P --samples F --every K]
                               C strictly sequential echo connections (each
                               one half-closed and read to EOF before the
                               next); with --watch-pid, record "conn fds
                               rss_kB" of process P every K connections in F
  first-byte ADDR --since T    connect+echo one byte until it works; print
                               seconds since epoch time T
  expect-closed ADDR           connect; expect EOF (or refusal) without data
  garbage ADDR HEX [--eof]     send raw bytes (then half-close); the peer
                               must reply or close
Misc
  freeport                     print a free TCP port on 127.0.0.1
  pattern-sha --size N         sha256 of the first N pattern bytes
"""

import argparse
import asyncio
import hashlib
import os
import random
import signal
import socket
import sys
import time

BLOCK = 1 << 20
_blocks = {}


def block(seed):
    b = _blocks.get(seed)
    if b is None:
        b = random.Random(seed).randbytes(BLOCK)
        _blocks[seed] = b
    return b


def pattern_chunks(size, seed, chunk=BLOCK):
    """Yield memoryviews covering the first size pattern bytes."""
    mv = memoryview(block(seed))
    off = 0
    left = size
    while left > 0:
        n = min(left, chunk, BLOCK - off)
        yield mv[off:off + n]
        off = (off + n) % BLOCK
        left -= n


def pattern_sha(size, seed):
    h = hashlib.sha256()
    for c in pattern_chunks(size, seed):
        h.update(c)
    return h.hexdigest()


def parse_size(s):
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    s = s.strip().upper().rstrip("B").rstrip("I")
    if s and s[-1] in mult:
        return int(float(s[:-1]) * mult[s[-1]])
    return int(s)


def parse_addr(addr):
    if addr.startswith("unix:"):
        return socket.AF_UNIX, addr[5:]
    host, _, port = addr.rpartition(":")
    if host.startswith("["):
        return socket.AF_INET6, (host[1:-1], int(port))
    if not host:
        host = "127.0.0.1"
    return socket.AF_INET, (host, int(port))


def connect(addr, timeout=30.0):
    fam, sa = parse_addr(addr)
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(sa)
    if fam != socket.AF_UNIX:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def listen(addr, backlog=4096):
    fam, sa = parse_addr(addr)
    s = socket.socket(fam, socket.SOCK_STREAM)
    if fam == socket.AF_UNIX:
        try:
            os.unlink(sa)
        except FileNotFoundError:
            pass
    else:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(sa)
    s.listen(backlog)
    return s


def announce(s, portfile):
    if portfile:
        port = "0"
        if s.family != socket.AF_UNIX:
            port = str(s.getsockname()[1])
        tmp = portfile + ".tmp"
        with open(tmp, "w") as f:
            f.write(port + "\n")
        os.rename(tmp, portfile)


def die(msg):
    print("netkit: " + msg, file=sys.stderr)
    sys.exit(1)


# ---------------------------------------------------------------- servers


async def serve(args, handler):
    lsock = listen(args.addr)
    announce(lsock, args.portfile)
    if lsock.family == socket.AF_UNIX:
        server = await asyncio.start_unix_server(handler, sock=lsock,
                                                 limit=1 << 20)
    else:
        server = await asyncio.start_server(handler, sock=lsock,
                                            limit=1 << 20)
    async with server:
        await server.serve_forever()


def set_nodelay(writer):
    sock = writer.get_extra_info("socket")
    if sock is not None and sock.family != socket.AF_UNIX:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass


async def close_writer(writer):
    try:
        writer.close()
        await writer.wait_closed()
    except (ConnectionError, OSError):
        pass


def cmd_serve_echo(args):
    async def handle(reader, writer):
        set_nodelay(writer)
        try:
            while True:
                data = await reader.read(1 << 18)
                if not data:
                    break
                writer.write(data)
                await writer.drain()
            if writer.can_write_eof():
                writer.write_eof()
        except (ConnectionError, OSError):
            pass
        await close_writer(writer)

    asyncio.run(serve(args, handle))


def cmd_serve_source(args):
    size, seed = parse_size(args.size), args.seed

    async def handle(reader, writer):
        set_nodelay(writer)
        try:
            for c in pattern_chunks(size, seed, 1 << 18):
                writer.write(c)
                await writer.drain()
            if writer.can_write_eof():
                writer.write_eof()
            # Wait for the client's EOF so the close is orderly.
            await asyncio.wait_for(reader.read(), timeout=60)
        except (ConnectionError, OSError, asyncio.TimeoutError):
            pass
        await close_writer(writer)

    asyncio.run(serve(args, handle))


def cmd_serve_sink(args):
    async def handle(reader, writer):
        set_nodelay(writer)
        h = hashlib.sha256() if not args.nohash else None
        count = 0
        try:
            while True:
                data = await reader.read(1 << 18)
                if not data:
                    break
                count += len(data)
                if h is not None:
                    h.update(data)
            line = "%d %s\n" % (count, h.hexdigest() if h else "-")
            if args.log:
                with open(args.log, "a") as f:
                    f.write(line)
            writer.write(line.encode())
            await writer.drain()
        except (ConnectionError, OSError):
            pass
        await close_writer(writer)

    asyncio.run(serve(args, handle))


def cmd_serve_http(args):
    import http.server
    import socketserver
    from urllib.parse import parse_qs, urlparse

    tag = args.tag

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, fmt, *a):
            if args.verbose:
                sys.stderr.write("http: " + (fmt % a) + "\n")

        def do_GET(self):
            u = urlparse(self.path)
            parts = u.path.strip("/").split("/")
            if len(parts) != 2 or parts[0] != "bytes":
                self.send_error(404)
                return
            size = parse_size(parts[1])
            seed = int(parse_qs(u.query).get("seed", ["1"])[0])
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(size))
            self.send_header("X-Served-By", tag)
            self.end_headers()
            try:
                for c in pattern_chunks(size, seed):
                    self.wfile.write(c)
            except (ConnectionError, OSError):
                pass

    fam, sa = parse_addr(args.addr)

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        allow_reuse_address = True
        address_family = fam
        request_queue_size = 1024

    httpd = Server(sa, Handler)
    announce(httpd.socket, args.portfile)
    httpd.serve_forever()


# ---------------------------------------------------------------- clients


def cmd_download(args):
    size, seed = parse_size(args.size), args.seed
    t0 = time.monotonic()
    s = connect(args.addr, args.timeout)
    buf = bytearray(1 << 20)
    mv = memoryview(buf)
    h = None if args.nocheck else hashlib.sha256()
    count = 0
    while True:
        n = s.recv_into(buf)
        if n == 0:
            break
        count += n
        if h is not None:
            h.update(mv[:n])
    dt = time.monotonic() - t0
    s.close()
    ok = count == size
    msg = "download %s: %d bytes in %.3f s (%.1f MB/s)" % (
        args.addr, count, dt, count / dt / 1e6 if dt > 0 else 0)
    if h is not None:
        want = pattern_sha(size, seed)
        got = h.hexdigest()
        ok = ok and got == want
        msg += " sha256 %s expected %s" % (got[:16], want[:16])
    print(("ok " if ok else "FAIL ") + msg)
    if args.seconds_file:
        with open(args.seconds_file, "w") as f:
            f.write("%.6f\n" % dt)
    sys.exit(0 if ok else 1)


def cmd_upload(args):
    size, seed = parse_size(args.size), args.seed
    t0 = time.monotonic()
    s = connect(args.addr, args.timeout)
    for c in pattern_chunks(size, seed):
        s.sendall(c)
    s.shutdown(socket.SHUT_WR)
    reply = b""
    try:
        while not reply.endswith(b"\n"):
            d = s.recv(4096)
            if not d:
                break
            reply += d
    except socket.timeout:
        pass
    dt = time.monotonic() - t0
    s.close()
    if not reply.endswith(b"\n"):
        print("FAIL upload %s: %d bytes sent, no reply from the sink after "
              "half-close (%r)" % (args.addr, size, reply))
        sys.exit(1)
    parts = reply.decode().split()
    count = int(parts[0])
    ok = count == size
    msg = "upload %s: sink got %d of %d bytes in %.3f s (%.1f MB/s)" % (
        args.addr, count, size, dt, size / dt / 1e6 if dt > 0 else 0)
    if not args.nocheck:
        want = pattern_sha(size, seed)
        ok = ok and parts[1] == want
        msg += " sha256 %s expected %s" % (parts[1][:16], want[:16])
    print(("ok " if ok else "FAIL ") + msg)
    if args.seconds_file:
        with open(args.seconds_file, "w") as f:
            f.write("%.6f\n" % dt)
    sys.exit(0 if ok else 1)


async def echo_one(addr, size, idx, timeout):
    fam, sa = parse_addr(addr)
    data = random.Random(idx * 7919 + size).randbytes(size)
    if fam == socket.AF_UNIX:
        reader, writer = await asyncio.wait_for(
            asyncio.open_unix_connection(sa, limit=1 << 20), timeout)
    else:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(sa[0], sa[1], limit=1 << 20), timeout)
    set_nodelay(writer)

    async def send():
        for off in range(0, size, 1 << 16):
            writer.write(data[off:off + (1 << 16)])
            await writer.drain()

    sender = asyncio.ensure_future(send())
    got = await asyncio.wait_for(reader.readexactly(size), timeout)
    await sender
    if got != data:
        first = next(i for i in range(size) if got[i] != data[i])
        raise ValueError("conn %d: data differs at byte %d" % (idx, first))
    return reader, writer


async def echo_many(args):
    size = parse_size(args.size)
    sem = asyncio.Semaphore(args.parallel) if args.parallel else None
    t0 = time.monotonic()

    async def one(i):
        if sem is None:
            return await echo_one(args.addr, size, i, args.timeout)
        async with sem:
            return await echo_one(args.addr, size, i, args.timeout)

    res = await asyncio.gather(*(one(i) for i in range(args.conns)),
                               return_exceptions=True)
    dt = time.monotonic() - t0
    errs = [r for r in res if isinstance(r, BaseException)]
    good = [r for r in res if not isinstance(r, BaseException)]
    ok = not errs
    print("%s echo-many %s: %d/%d connections intact, %d bytes each, "
          "%.3f s" % ("ok" if ok else "FAIL", args.addr, len(good),
                      args.conns, size, dt))
    for e in errs[:5]:
        print("  error: %s: %s" % (type(e).__name__, e))
    if args.seconds_file:
        with open(args.seconds_file, "w") as f:
            f.write("%.6f\n" % dt)
    if args.hold_file and ok:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        with open(args.hold_file, "w") as f:
            f.write("ready %d\n" % len(good))
        await stop.wait()
    for _, w in good:
        w.close()
    return ok


def cmd_echo_many(args):
    sys.exit(0 if asyncio.run(echo_many(args)) else 1)


def cmd_echo(args):
    args.conns = 1
    args.parallel = 0
    args.hold_file = None
    cmd_echo_many(args)


def proc_sample(pid):
    fds = len(os.listdir("/proc/%d/fd" % pid))
    rss = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return fds, rss


def cmd_seq_echo(args):
    # Blocking sockets, one connection at a time: the tunnel sees exactly
    # one live connection, and each one has ended on both sides (EOF read)
    # before the next starts.
    fam, sa = parse_addr(args.addr)
    size = parse_size(args.size)
    data = random.Random(size).randbytes(size)
    samples = open(args.samples, "w") if args.samples else None
    t0 = time.monotonic()
    for i in range(args.conns):
        if samples and args.watch_pid and i % args.every == 0:
            fds, rss = proc_sample(args.watch_pid)
            samples.write("%d %d %d\n" % (i, fds, rss))
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(args.timeout)
        try:
            s.connect(sa)
            s.sendall(data)
            got = bytearray()
            while len(got) < size:
                b = s.recv(size - len(got))
                if not b:
                    break
                got += b
            s.shutdown(socket.SHUT_WR)
            if bytes(got) != data:
                print("FAIL seq-echo %s: connection %d: %d of %d bytes "
                      "came back intact" % (args.addr, i, len(got), size))
                sys.exit(1)
            if s.recv(1) != b"":
                print("FAIL seq-echo %s: connection %d: data after the "
                      "echo" % (args.addr, i))
                sys.exit(1)
        except OSError as e:
            print("FAIL seq-echo %s: connection %d: %s" % (args.addr, i, e))
            sys.exit(1)
        finally:
            s.close()
    dt = time.monotonic() - t0
    if samples and args.watch_pid:
        fds, rss = proc_sample(args.watch_pid)
        samples.write("%d %d %d\n" % (args.conns, fds, rss))
        samples.close()
    print("ok seq-echo %s: %d sequential connections, %d bytes each, "
          "%.3f s (%.2f ms each)" % (args.addr, args.conns, size, dt,
                                     dt * 1000 / max(args.conns, 1)))


def cmd_first_byte(args):
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        try:
            s = connect(args.addr, 5.0)
            s.sendall(b"x")
            d = s.recv(1)
            s.close()
            if d == b"x":
                print("%.6f" % (time.time() - args.since))
                return
        except (OSError, socket.timeout):
            pass
        time.sleep(0.002)
    die("first-byte: nothing came back from %s within %.0f s"
        % (args.addr, args.timeout))


def cmd_expect_closed(args):
    try:
        s = connect(args.addr, args.timeout)
    except ConnectionRefusedError:
        print("ok connection to %s refused" % args.addr)
        return
    try:
        s.sendall(b"hello\n")
    except OSError:
        pass
    try:
        d = s.recv(4096)
    except ConnectionResetError:
        d = b""
    except socket.timeout:
        die("expect-closed: %s stayed open %.0f s without data"
            % (args.addr, args.timeout))
    if d:
        die("expect-closed: %s sent data %r" % (args.addr, d[:40]))
    print("ok connection to %s closed without data" % args.addr)


def cmd_garbage(args):
    """Send raw bytes (hex) and require the peer to answer or close within
    the timeout: a malformed request must never hang."""
    s = connect(args.addr, args.timeout)
    s.sendall(bytes.fromhex(args.hex))
    if args.eof:
        s.shutdown(socket.SHUT_WR)
    got = b""
    try:
        while True:
            d = s.recv(4096)
            if not d:
                break
            got += d
    except ConnectionResetError:
        pass
    except socket.timeout:
        die("garbage: %s neither answered nor closed within %.0f s "
            "(got %r)" % (args.addr, args.timeout, got[:40]))
    print("ok %s closed after %d reply bytes %s" % (args.addr, len(got),
                                                    got[:16].hex()))


def cmd_freeport(args):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
    s.close()


def cmd_pattern_sha(args):
    print(pattern_sha(parse_size(args.size), args.seed))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    def add(name, fn, addr=True):
        sp = sub.add_parser(name)
        if addr:
            sp.add_argument("addr")
        sp.set_defaults(fn=fn)
        return sp

    for name, fn in (("serve-echo", cmd_serve_echo),
                     ("serve-source", cmd_serve_source),
                     ("serve-sink", cmd_serve_sink),
                     ("serve-http", cmd_serve_http)):
        sp = add(name, fn)
        sp.add_argument("--portfile")
        sp.add_argument("--size", default="1M")
        sp.add_argument("--seed", type=int, default=1)
        sp.add_argument("--log")
        sp.add_argument("--tag", default="netkit")
        sp.add_argument("--nohash", action="store_true")
        sp.add_argument("--verbose", action="store_true")
    for name, fn in (("download", cmd_download), ("upload", cmd_upload),
                     ("echo", cmd_echo), ("echo-many", cmd_echo_many)):
        sp = add(name, fn)
        sp.add_argument("--size", default="1M")
        sp.add_argument("--seed", type=int, default=1)
        sp.add_argument("--timeout", type=float, default=60.0)
        sp.add_argument("--nocheck", action="store_true")
        sp.add_argument("--seconds-file")
        sp.add_argument("--conns", type=int, default=1)
        sp.add_argument("--parallel", type=int, default=0)
        sp.add_argument("--hold-file")
    sp = add("seq-echo", cmd_seq_echo)
    sp.add_argument("--conns", type=int, default=1)
    sp.add_argument("--size", default="1K")
    sp.add_argument("--timeout", type=float, default=10.0)
    sp.add_argument("--watch-pid", type=int)
    sp.add_argument("--samples")
    sp.add_argument("--every", type=int, default=1000)
    sp = add("first-byte", cmd_first_byte)
    sp.add_argument("--since", type=float, required=True)
    sp.add_argument("--timeout", type=float, default=60.0)
    sp = add("expect-closed", cmd_expect_closed)
    sp.add_argument("--timeout", type=float, default=20.0)
    sp = add("garbage", cmd_garbage)
    sp.add_argument("hex")
    sp.add_argument("--eof", action="store_true", help="half-close after")
    sp.add_argument("--timeout", type=float, default=20.0)
    add("freeport", cmd_freeport, addr=False)
    sp = add("pattern-sha", cmd_pattern_sha, addr=False)
    sp.add_argument("--size", required=True)
    sp.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
