#!/usr/bin/python3
"""bench-history.py: what recording history costs a push.

Starts aftercare-server twice per round on the same kind of database, once
as shipped and once with AFTERCARE_BENCH_NO_HISTORY=1 (history off, for
this measurement only), and pushes the same work to each: --batches pushes
of --batch mutations over one keep-alive connection, first creates of
customers, then updates of three fields of each. Rounds alternate the
order (with, without; without, with) so that a busy machine slows both
alike. Prints mutations per second for each round (by the clock, and per
second of the server process's CPU time, which a busy machine disturbs
less), the medians and the cost of history as a share of push
throughput, and one JSON line
{"bench-history": {...}}. Timings are printed, never asserted.

--db sqlite (default): a new SQLite file per run. --db URI: a PostgreSQL
database shared by every run (records get new ids each run), e.g. under
tests/integration/run-with-postgres.sh with --db "$AFTERCARE_TEST_POSTGRES".
"""

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

PASSWORD = "bench-history-password"


def start_server(binary, db, tmp, history):
    env = dict(os.environ)
    env.pop("AFTERCARE_BENCH_NO_HISTORY", None)
    if not history:
        env["AFTERCARE_BENCH_NO_HISTORY"] = "1"
    log = open(os.path.join(tmp, "server-%s.log" % ("on" if history else "off")), "ab")
    p = subprocess.Popen([binary, "--db", db, "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                         stderr=log, text=True, env=env)
    line = p.stdout.readline()
    m = re.search(r"http://([^/:]+):(\d+)", line)
    if m is None:
        p.kill()
        raise SystemExit("aftercare-server did not start: %r" % line)
    return p, m.group(1), int(m.group(2))


def cpu_seconds(pid):
    """The user and system CPU time of a process so far (Linux)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def request(conn, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise SystemExit("%s %s answered %d: %s" % (method, path, response.status, data[:300]))
    return json.loads(data)


def run(binary, db, tmp, history, batches, batch, user):
    server, host, port = start_server(binary, db, tmp, history)
    try:
        conn = http.client.HTTPConnection(host, port, timeout=600)
        token = request(conn, "POST", "/api/v1/session", {"username": user, "password": PASSWORD})["token"]
        client = str(uuid.uuid4())
        ids = [str(uuid.uuid4()) for _ in range(batches * batch // 2)]
        mutations = []
        for i, rid in enumerate(ids):
            mutations.append({"entity": "customer", "id": rid, "op": "create",
                              "fields": {"kind": "person", "name": "Bench %d" % i,
                                         "email": "bench%d@example.com" % i}})
        for i, rid in enumerate(ids):
            mutations.append({"entity": "customer", "id": rid, "op": "update", "base_rev": 1,
                              "fields": {"name": {"from": "Bench %d" % i, "to": "Bench %d b" % i},
                                         "phone": {"from": None, "to": "+1 555 %04d" % (i % 10000)},
                                         "notes": {"from": None, "to": "Called back %d" % i}}})
        for n, m in enumerate(mutations):
            m["mutation_id"] = n + 1
        t0, c0 = time.monotonic(), cpu_seconds(server.pid)
        for b in range(0, len(mutations), batch):
            response = request(conn, "POST", "/api/v1/sync/push",
                               {"client_id": client, "mutations": mutations[b:b + batch]}, token)
            bad = [r for r in response["results"] if r["status"] != "applied"]
            if bad:
                raise SystemExit("a mutation was not applied: %r" % bad[0])
        elapsed, cpu = time.monotonic() - t0, cpu_seconds(server.pid) - c0
        conn.close()
        return len(mutations) / elapsed, len(mutations) / max(cpu, 0.01)
    finally:
        server.terminate()
        server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", required=True, help="the aftercare-server binary")
    parser.add_argument("--db", default="sqlite", help="sqlite (a new file per run) or a PostgreSQL URI")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batches", type=int, default=20, help="pushes per run")
    parser.add_argument("--batch", type=int, default=500, help="mutations per push")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="aftercare-bench-history-")
    rates = {True: [], False: []}
    cpu_rates = {True: [], False: []}
    user = "bench-%s" % uuid.uuid4().hex[:8]
    n = 0
    try:
        for r in range(args.rounds):
            for history in ((True, False) if r % 2 == 0 else (False, True)):
                n += 1
                db = os.path.join(tmp, "server-%d.db" % n) if args.db == "sqlite" else args.db
                if args.db == "sqlite" or n == 1:
                    subprocess.run([args.server, "--db", db, "useradd", user, "--role", "agent"],
                                   input=PASSWORD + "\n", capture_output=True, text=True, check=True)
                rate, cpu_rate = run(args.server, db, tmp, history, args.batches, args.batch, user)
                rates[history].append(rate)
                cpu_rates[history].append(cpu_rate)
                print("round %d, history %-3s: %8.0f mutations/s, %8.0f per server CPU second"
                      % (r + 1, "on" if history else "off", rate, cpu_rate), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    on, off = statistics.median(rates[True]), statistics.median(rates[False])
    cpu_on, cpu_off = statistics.median(cpu_rates[True]), statistics.median(cpu_rates[False])
    cost = (off - on) / off * 100
    cpu_cost = (cpu_off - cpu_on) / cpu_off * 100
    backend = "SQLite" if args.db == "sqlite" else "PostgreSQL"
    print("\nPush throughput on %s, %d pushes of %d mutations (creates, then 3-field updates), "
          "median of %d rounds" % (backend, args.batches, args.batch, args.rounds))
    print("| history | mutations/s | per server CPU second |")
    print("|---------|-------------|-----------------------|")
    print("| off     | %11.0f | %21.0f |" % (off, cpu_off))
    print("| on      | %11.0f | %21.0f |" % (on, cpu_on))
    print("\nhistory costs %.1f%% of push throughput, %.1f%% of the server's CPU per mutation "
          "(goal: at most 20%%)" % (cost, cpu_cost))
    if backend == "PostgreSQL":
        print("(on PostgreSQL the server's CPU leaves out the database's own work)")
    print(json.dumps({"bench-history": {"backend": backend, "off": round(off), "on": round(on),
                                        "cost_percent": round(cost, 1), "cpu_off": round(cpu_off),
                                        "cpu_on": round(cpu_on), "cpu_cost_percent": round(cpu_cost, 1)}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
