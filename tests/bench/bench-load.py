#!/usr/bin/python3
"""bench-load.py: many sync clients at once against aftercare-server.

Simulates --clients desktop clients (default 1,000) on 127.0.0.1, each with
its own keep-alive connection, client_id and pull cursor. Clients share the
tokens of a few users (--users; every client signing in would measure
Argon2id, 4 checks at once, rather than sync). Each client, every
--interval seconds on average (jittered from half to one and a half times
it), pushes 1 to 5 mutations (creates of its own customers, and updates of
them once it has some) and then pulls one page (--pull-limit changes) from
its cursor. Clients start spread over --ramp seconds; figures count only
the --duration seconds after that.

Targets: --server BINARY starts one aftercare-server on a new SQLite
database in a temporary directory and creates the users; or --url URL[,URL…]
(several servers, or an nginx in front of them) with --db DB to create the
users there with --server's useradd (a shared PostgreSQL database, once the
server takes one), or users that exist already (load-0, load-1, … with
--password). Clients are spread over the URLs in turn.

Prints push and pull p50/p95/p99, throughput and errors, and one JSON line
{"bench-load": {…}} that tests/bench/aftercare-bench.py reads. Timings are
printed, never asserted; --max-errors N makes the exit status 1 when more
requests than N failed (the smoke test uses 0).
"""

import argparse
import asyncio
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid

PASSWORD = "bench-load-password"


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(p * (len(values) - 1) + 0.5))]


class Stats:
    def __init__(self):
        self.push_ms, self.pull_ms = [], []
        self.errors = {}
        self.mutations = 0
        self.pulled = 0
        self.measuring = False

    def error(self, what):
        if self.measuring:
            self.errors[what] = self.errors.get(what, 0) + 1


class Connection:
    """One HTTP/1.1 keep-alive connection; reconnects when the server closed it."""

    def __init__(self, host, port, base):
        self.host, self.port, self.base = host, port, base
        self.reader = self.writer = None

    async def request(self, method, path, body=None, token=None, timeout=60):
        data = json.dumps(body, separators=(",", ":")).encode() if body is not None else b""
        head = "%s %s%s HTTP/1.1\r\nHost: %s:%d\r\n" % (method, self.base, path, self.host, self.port)
        if token:
            head += "Authorization: Bearer %s\r\n" % token
        if body is not None:
            head += "Content-Type: application/json\r\n"
        head += "Content-Length: %d\r\n\r\n" % len(data)
        for attempt in (0, 1):
            fresh = self.writer is None
            if fresh:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=1 << 24)
            try:
                self.writer.write(head.encode() + data)
                return await asyncio.wait_for(self._response(), timeout)
            except (ConnectionError, asyncio.IncompleteReadError) as e:
                # A kept-alive connection the server closed meanwhile: once more on a new one.
                self.close()
                if fresh or attempt == 1:
                    raise e
            except BaseException:
                self.close()
                raise
        raise ConnectionError("unreachable")

    async def _response(self):
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        length, close = 0, False
        while True:
            line = await self.reader.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                close = True
            elif name == "transfer-encoding":
                raise ConnectionError("chunked answers are not expected")
        body = await self.reader.readexactly(length) if length else b""
        if close:
            self.close()
        return status, body

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def parse_url(url):
    u = urllib.parse.urlsplit(url)
    if u.scheme != "http":
        raise SystemExit("bench-load.py speaks plain HTTP; put it in front of nginx's plain port: %s" % url)
    return u.hostname, u.port or 80, u.path.rstrip("/")


async def sign_in(url, user, password):
    host, port, base = parse_url(url)
    conn = Connection(host, port, base)
    for _ in range(20):
        status, body = await conn.request("POST", "/api/v1/session", {"username": user, "password": password})
        if status == 200:
            conn.close()
            return json.loads(body)["token"]
        if status not in (429, 503):
            raise SystemExit("cannot sign in as %s: %d %s" % (user, status, body[:200]))
        await asyncio.sleep(1)
    raise SystemExit("cannot sign in as %s: the server stays busy" % user)


async def run_client(n, url, token, args, stats, start_at, stop_at):
    host, port, base = parse_url(url)
    conn = Connection(host, port, base)
    rng = random.Random(n)
    client_id = str(uuid.uuid4())
    mutation_id = 0
    mine = {}  # id -> (rev, name)
    cursor = ""
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    # The first cycle comes at a random point of the interval, so cycles do
    # not march in step.
    await asyncio.sleep(rng.uniform(0, args.interval))
    while time.monotonic() < stop_at:
        cycle = time.monotonic()
        mutations = []
        for _ in range(rng.randint(args.min_mutations, args.max_mutations)):
            mutation_id += 1
            if mine and rng.random() < 0.5:
                rid = rng.choice(list(mine))
                rev, name = mine[rid]
                new = "%s." % name[:150]
                mutations.append({"mutation_id": mutation_id, "entity": "customer", "id": rid, "op": "update",
                                  "base_rev": rev, "fields": {"name": {"from": name, "to": new}}})
                mine[rid] = (rev, new)
            else:
                rid = str(uuid.uuid4())
                name = "Load %d-%d" % (n, mutation_id)
                mutations.append({"mutation_id": mutation_id, "entity": "customer", "id": rid, "op": "create",
                                  "fields": {"kind": "company", "name": name}})
                mine[rid] = (0, name)
        try:
            t0 = time.monotonic()
            status, body = await conn.request("POST", "/api/v1/sync/push",
                                              {"client_id": client_id, "mutations": mutations}, token)
            t1 = time.monotonic()
            if status != 200:
                stats.error("push %d" % status)
            else:
                results = json.loads(body)["results"]
                for m, r in zip(mutations, results):
                    if r["status"] in ("applied", "merged"):
                        mine[m["id"]] = (r["rev"], mine[m["id"]][1])
                    else:
                        stats.error("push result %s/%s" % (r["status"], r.get("code")))
                        mine.pop(m["id"], None)
                if stats.measuring:
                    stats.push_ms.append((t1 - t0) * 1000)
                    stats.mutations += len(mutations)
            t0 = time.monotonic()
            status, body = await conn.request("GET", "/api/v1/sync/pull?limit=%d&cursor=%s" % (
                args.pull_limit, urllib.parse.quote(cursor)), token=token)
            t1 = time.monotonic()
            if status != 200:
                stats.error("pull %d" % status)
            else:
                page = json.loads(body)
                cursor = page["next_cursor"]
                if stats.measuring:
                    stats.pull_ms.append((t1 - t0) * 1000)
                    stats.pulled += len(page["changes"])
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError) as e:
            stats.error(type(e).__name__)
            conn.close()
        await asyncio.sleep(max(0.0, cycle + args.interval * rng.uniform(0.5, 1.5) - time.monotonic()))
    conn.close()


async def loop_lag(stats, stop_at, lags):
    """How late the generator's own event loop runs: if it is busy, the
    latencies it measures include its own waiting."""
    while time.monotonic() < stop_at:
        t = time.monotonic()
        await asyncio.sleep(0.05)
        if stats.measuring:
            lags.append((time.monotonic() - t - 0.05) * 1000)


def process_cpu(pid):
    """The CPU time (user + system) a process has used so far, in seconds."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


async def bench(args, urls, server_pid):
    tokens = []
    for i in range(args.users):
        tokens.append(await sign_in(urls[i % len(urls)], "load-%d" % i, args.password))
    stats = Stats()
    now = time.monotonic()
    start_at = now + 0.5
    measure_at = start_at + args.ramp + args.interval
    stop_at = measure_at + args.duration
    lags = []
    tasks = [asyncio.create_task(run_client(n, urls[n % len(urls)], tokens[n % len(tokens)], args, stats,
                                            start_at + args.ramp * n / args.clients, stop_at))
             for n in range(args.clients)]
    tasks.append(asyncio.create_task(loop_lag(stats, stop_at, lags)))
    await asyncio.sleep(measure_at - time.monotonic())
    stats.measuring = True
    cpu0 = time.process_time()
    server0 = process_cpu(server_pid) if server_pid else None
    await asyncio.sleep(max(0.0, stop_at - time.monotonic()))
    stats.measuring = False
    cpu = time.process_time() - cpu0
    server_cpu = process_cpu(server_pid) - server0 if server0 is not None else None
    await asyncio.gather(*tasks)
    return stats, lags, cpu, server_cpu


def start_server(binary, db, tmp, extra):
    log = open(os.path.join(tmp, "server.log"), "wb")
    p = subprocess.Popen([binary, "--db", db, "--listen", "127.0.0.1:0", "--max-connections", "8192",
                          "--max-connections-per-client", "8192"] + extra,
                         stdout=subprocess.PIPE, stderr=log, text=True)
    line = p.stdout.readline()
    m = re.search(r"(http://\S+)", line)
    if m is None:
        p.kill()
        raise SystemExit("aftercare-server did not start: %r" % line)
    return p, m.group(1)


def add_users(binary, db, n, password):
    for i in range(n):
        p = subprocess.run([binary, "--db", db, "useradd", "load-%d" % i, "--role", "agent"],
                           input=password + "\n", capture_output=True, text=True)
        if p.returncode != 0 and "exists" not in p.stderr:
            raise SystemExit("useradd failed: %s" % p.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", help="the aftercare-server binary (starts one on SQLite unless --url)")
    parser.add_argument("--url", help="target servers or an nginx in front of them, comma separated")
    parser.add_argument("--db", help="with --url and --server: create the users in this database first")
    parser.add_argument("--password", default=PASSWORD, help="the load-N users' password (with --url)")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--users", type=int, default=10, help="users whose tokens the clients share")
    parser.add_argument("--interval", type=float, default=3.0, help="mean seconds between a client's cycles")
    parser.add_argument("--min-mutations", type=int, default=1)
    parser.add_argument("--max-mutations", type=int, default=5)
    parser.add_argument("--pull-limit", type=int, default=100, help="changes per pull page")
    parser.add_argument("--ramp", type=float, default=5.0, help="seconds over which clients start")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds measured after the ramp")
    parser.add_argument("--server-arg", action="append", default=[], help="an extra server argument")
    parser.add_argument("--max-errors", type=int, default=-1, help="exit 1 with more errors than this")
    parser.add_argument("--json", action="store_true", help="only the JSON line on stdout")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < min(hard, args.clients + 256):
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))

    tmp = tempfile.mkdtemp(prefix="care-bench-load-")
    server = None
    try:
        if args.url:
            urls = [u.strip() for u in args.url.split(",") if u.strip()]
            if args.db:
                if not args.server:
                    raise SystemExit("--db needs --server for useradd")
                add_users(args.server, args.db, args.users, args.password)
            target = "%d URL(s)" % len(urls)
        elif args.server:
            db = os.path.join(tmp, "server.db")
            add_users(args.server, db, args.users, args.password)
            server, url = start_server(args.server, db, tmp, args.server_arg)
            urls = [url]
            target = "one server, SQLite"
        else:
            raise SystemExit("say --server BINARY or --url URL")

        wall0 = time.monotonic()
        stats, lags, gen_cpu, server_cpu = asyncio.run(bench(args, urls, server.pid if server else None))
        n_requests = len(stats.push_ms) + len(stats.pull_ms)
        n_errors = sum(stats.errors.values())
        result = {
            "target": target,
            "clients": args.clients,
            "users": args.users,
            "interval_s": args.interval,
            "duration_s": args.duration,
            "pushes": len(stats.push_ms),
            "pulls": len(stats.pull_ms),
            "mutations": stats.mutations,
            "pulled_changes": stats.pulled,
            "push_p50_ms": percentile(stats.push_ms, 0.50),
            "push_p95_ms": percentile(stats.push_ms, 0.95),
            "push_p99_ms": percentile(stats.push_ms, 0.99),
            "pull_p50_ms": percentile(stats.pull_ms, 0.50),
            "pull_p95_ms": percentile(stats.pull_ms, 0.95),
            "pull_p99_ms": percentile(stats.pull_ms, 0.99),
            "requests_per_s": (len(stats.push_ms) + len(stats.pull_ms)) / args.duration,
            "mutations_per_s": stats.mutations / args.duration,
            "errors": n_errors,
            "error_kinds": stats.errors,
            "generator_cpu_s": gen_cpu,
            "generator_loop_lag_p99_ms": percentile(lags, 0.99),
            "server_cpu_s": server_cpu,
            "server_cpu_ms_per_request": server_cpu * 1000 / n_requests if server_cpu and n_requests else None,
            "wall_s": time.monotonic() - wall0,
        }
        if not args.json:
            print("%d clients (%d users' tokens) against %s, one cycle every %.1f s each "
                  "(push %d-%d mutations, pull a page of up to %d), %.0f s measured:" % (
                      args.clients, args.users, target, args.interval, args.min_mutations, args.max_mutations,
                      args.pull_limit, args.duration))
            print("  push  p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  (%d pushes, %.0f mutations/s)" % (
                result["push_p50_ms"], result["push_p95_ms"], result["push_p99_ms"], result["pushes"],
                result["mutations_per_s"]))
            print("  pull  p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  (%d pulls, %.0f changes each on average)" % (
                result["pull_p50_ms"], result["pull_p95_ms"], result["pull_p99_ms"], result["pulls"],
                stats.pulled / max(1, len(stats.pull_ms))))
            print("  %.0f requests/s, %d errors %s" % (result["requests_per_s"], n_errors, stats.errors or ""))
            if server_cpu is not None:
                print("  the server: %.1f s CPU in %.0f s, %.2f ms per request" % (
                    server_cpu, args.duration, result["server_cpu_ms_per_request"] or 0))
            print("  the generator: %.1f s CPU in %.0f s, its loop late by %.1f ms at p99" % (
                gen_cpu, args.duration, result["generator_loop_lag_p99_ms"]))
        print(json.dumps({"bench-load": result}), flush=True)
        if args.max_errors >= 0 and n_errors > args.max_errors:
            return 1
        return 0
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
