#!/usr/bin/env python3
"""aftercare-bench.py: every performance figure of Aftercare in one table.

For each size it runs bench-store (bulk import, search-as-you-type, the list
model, kept as the data directory of that size), then the real `aftercare`
binary in a real window under Xvfb (tests/ui/ui-session.sh), timed by its
AFTERCARE_BENCH probe (src/app/care-bench-probe.c): the start to the first
frame that shows rows of the customers list, and frame times while the list
scrolls through 10,000 rows. Then bench-sync against a real aftercare-server,
and bench-load.py: 1,000 simulated clients pushing and pulling at once
against one server on SQLite (or --load-url, a list of servers or an nginx
in front), then against three servers on one PostgreSQL database behind
nginx (bench-scale-out.py; --load-scale-out 0 skips it).

Usage: aftercare-bench.py --build BUILDDIR [--sizes 100000,1000000] [--runs 5]
       [--sync-customers 100000] [--load-clients 1000] [--load-url URL,…]
       [--load-scale-out 3] [--reuse]
Timings are printed, never asserted: machines are noisy.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(p * (len(values) - 1) + 0.5))]


def json_line(text, key):
    for line in text.splitlines():
        if line.startswith("{") and key in line:
            obj = json.loads(line)
            if key in obj:
                return obj
    return None


def run_store(build, size, data_dir):
    """bench-store into data_dir/aftercare.db, which the window runs open."""
    shutil.rmtree(data_dir, ignore_errors=True)
    os.makedirs(data_dir)
    exe = os.path.join(build, "tests", "bench", "bench-store")
    out = subprocess.run([exe, "--customers", str(size), "--db", os.path.join(data_dir, "aftercare.db"),
                          "--keep", "--json"], check=True, capture_output=True, text=True).stdout
    return json_line(out, "bench-store")["bench-store"]


def run_client(build, data_dir, mode, timeout=600):
    """One run of the client with the probe; inside a ui-session."""
    env = dict(os.environ)
    env.update({
        "AFTERCARE_BENCH": mode,
        "GSETTINGS_BACKEND": "keyfile",
        "GSETTINGS_SCHEMA_DIR": os.path.join(build, "data"),
        "AFTERCARE_LOCALEDIR": os.path.join(build, "po"),
    })
    exe = os.path.join(build, "src", "app", "aftercare")
    spawned = time.time()
    p = subprocess.run([exe, "--data-dir", data_dir], env=env, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError("aftercare exited with %d: %s" % (p.returncode, p.stderr[-2000:]))
    obj = json_line(p.stdout, "aftercare-bench")
    if obj is None:
        raise RuntimeError("aftercare printed no figures: %s" % p.stderr[-2000:])
    if obj["aftercare-bench"] == "first-frame":
        obj["from_spawn_ms"] = obj["wall_us"] / 1000.0 - spawned * 1000.0
    return obj


def window_inner(args):
    """Runs inside tests/ui/ui-session.sh: the client, --runs starts and one scroll."""
    # The customers list is what an agent left open; the window opens on it.
    settings = os.path.join(os.environ["XDG_CONFIG_HOME"], "glib-2.0", "settings")
    os.makedirs(settings, exist_ok=True)
    with open(os.path.join(settings, "keyfile"), "w") as f:
        f.write("[io/github/aftercare/Aftercare]\nlast-view='customers'\n")

    # One start not counted: the first loads GTK, the theme and fonts from disk.
    run_client(args.build, args.window, "startup")
    starts = [run_client(args.build, args.window, "startup") for _ in range(args.runs)]
    scrolls = [run_client(args.build, args.window, "scroll") for _ in range(args.scroll_runs)]
    print(json.dumps({"window": {"starts": starts, "scrolls": scrolls}}))


def run_window(build, data_dir, runs, scroll_runs):
    cmd = [os.path.join(SOURCE_ROOT, "tests", "ui", "ui-session.sh"), sys.executable, os.path.abspath(__file__),
           "--build", build, "--window", data_dir, "--runs", str(runs), "--scroll-runs", str(scroll_runs)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    obj = json_line(p.stdout, "window")
    if p.returncode != 0 or obj is None:
        raise RuntimeError("window runs failed: %s%s" % (p.stdout[-2000:], p.stderr[-2000:]))
    return obj["window"]


def run_sync(build, customers):
    exe = os.path.join(build, "tests", "bench", "bench-sync")
    server = os.path.join(build, "src", "server", "aftercare-server")
    out = subprocess.run([exe, "--customers", str(customers), "--server", server, "--json"], check=True,
                         capture_output=True, text=True).stdout
    return json_line(out, "bench-sync")["bench-sync"]


def run_load(build, clients, duration, urls, db):
    exe = os.path.join(HERE, "bench-load.py")
    server = os.path.join(build, "src", "server", "aftercare-server")
    cmd = [sys.executable, exe, "--server", server, "--clients", str(clients), "--duration", str(duration),
           "--json"]
    if urls:
        cmd += ["--url", urls]
        if db:
            cmd += ["--db", db]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json_line(out, "bench-load")["bench-load"]


def run_load_scale_out(build, clients, duration, servers):
    """bench-load against @servers servers on a new PostgreSQL database
    behind nginx (bench-scale-out.py starts and stops them)."""
    exe = os.path.join(HERE, "bench-scale-out.py")
    server = os.path.join(build, "src", "server", "aftercare-server")
    cmd = [sys.executable, exe, "--server", server, "--servers", str(servers), "--",
           "--clients", str(clients), "--duration", str(duration), "--json"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    load = json_line(out, "bench-load")["bench-load"]
    load["target"] = "%d servers behind nginx on PostgreSQL" % servers
    return load


def fmt_size(n):
    return "{:,}".format(n)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", required=True, help="the meson build directory")
    parser.add_argument("--sizes", default="100000,1000000", help="customers, comma separated")
    parser.add_argument("--runs", type=int, default=5, help="timed starts of the client per size")
    parser.add_argument("--scroll-runs", type=int, default=3, help="timed scrolls of the client per size")
    parser.add_argument("--sync-customers", type=int, default=100000, help="size for bench-sync (0: skip)")
    parser.add_argument("--load-clients", type=int, default=1000, help="clients for bench-load (0: skip)")
    parser.add_argument("--load-duration", type=float, default=60, help="seconds bench-load measures")
    parser.add_argument("--load-url", help="bench-load against these servers (or an nginx), comma separated; "
                        "default: one server it starts on SQLite")
    parser.add_argument("--load-scale-out", type=int, default=3,
                        help="bench-load again against this many servers on PostgreSQL behind nginx (0: skip)")
    parser.add_argument("--load-db", help="with --load-url: the database to create bench-load's users in")
    parser.add_argument("--data", help="where the data directories are kept (default: BUILD/tests/bench/data)")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse kept data directories: skips bench-store's figures where one exists")
    parser.add_argument("--window", help=argparse.SUPPRESS)  # internal: the part inside ui-session.sh
    args = parser.parse_args()
    args.build = os.path.abspath(args.build)

    if args.window:
        window_inner(args)
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s]
    data_root = os.path.abspath(args.data or os.path.join(args.build, "tests", "bench", "data"))
    started = time.time()
    store, window = {}, {}
    for size in sizes:
        data_dir = os.path.join(data_root, str(size))
        if args.reuse and os.path.exists(os.path.join(data_dir, "aftercare.db")):
            store[size] = None
        else:
            print("bench-store, %s customers…" % fmt_size(size), file=sys.stderr, flush=True)
            store[size] = run_store(args.build, size, data_dir)
        print("the client under Xvfb, %s customers…" % fmt_size(size), file=sys.stderr, flush=True)
        window[size] = run_window(args.build, data_dir, args.runs, args.scroll_runs)
    sync = None
    if args.sync_customers > 0:
        print("bench-sync, %s customers…" % fmt_size(args.sync_customers), file=sys.stderr, flush=True)
        sync = run_sync(args.build, args.sync_customers)
    loads = []
    if args.load_clients > 0:
        print("bench-load, %s clients…" % fmt_size(args.load_clients), file=sys.stderr, flush=True)
        loads.append(run_load(args.build, args.load_clients, args.load_duration, args.load_url, args.load_db))
    if args.load_clients > 0 and args.load_scale_out > 0:
        print("bench-load, %s clients, %d servers behind nginx on PostgreSQL…" % (
            fmt_size(args.load_clients), args.load_scale_out), file=sys.stderr, flush=True)
        loads.append(run_load_scale_out(args.build, args.load_clients, args.load_duration, args.load_scale_out))

    rows = []  # (figure, {size: text}, goal, {size: met or None})
    # With --sizes "" only the server figures are measured: one column.
    columns = sizes or [0]

    def add(figure, goal, value, met=None):
        cells, oks = {}, {}
        for size in columns:
            v = value(size)
            cells[size] = v if v is not None else "—"
            oks[size] = met(size) if (met is not None and v is not None) else None
        rows.append((figure, cells, goal, oks))

    def st(size, key):
        return store[size][key] if store.get(size) else None

    def starts_ms(size):
        return [s["from_spawn_ms"] for s in window[size]["starts"]]

    def scrolls(size):
        return window[size]["scrolls"]

    def scroll_p(size, p, key="work_ms"):
        """The median over the scroll runs of each run's percentile: one
        run slowed by another process on the machine does not decide it."""
        return statistics.median(percentile(s[key], p) for s in scrolls(size))

    if window:
        add("cold start to first frame with the customers list, median of %d" % args.runs, "<= 1.0 s",
            lambda n: "%.2f s" % (statistics.median(starts_ms(n)) / 1000),
            lambda n: statistics.median(starts_ms(n)) <= 1000)
        add("  (slowest of those starts)", "",
            lambda n: "%.2f s" % (max(starts_ms(n)) / 1000))
        add("search-as-you-type, keystroke to rows in the model, p95", "<= 50 ms (100k), <= 100 ms (1M)",
            lambda n: "%.1f ms" % st(n, "search_p95_ms") if store.get(n) else None,
            lambda n: st(n, "search_p95_ms") <= (100 if n >= 1000000 else 50))
        add("  (p50)", "",
            lambda n: "%.1f ms" % st(n, "search_p50_ms") if store.get(n) else None)
        add("scroll the real window through 10,000 rows, frame work p99 (median of %d)" % args.scroll_runs,
            "<= 16.7 ms", lambda n: "%.1f ms" % scroll_p(n, 0.99), lambda n: scroll_p(n, 0.99) <= 16.7)
        add("  (p50, p95; frames over 16.7 ms of all; worst frame)", "",
            lambda n: "%.1f, %.1f ms; %d of %d; %.0f ms" % (
                scroll_p(n, 0.50), scroll_p(n, 0.95),
                sum(1 for s in scrolls(n) for w in s["work_ms"] if w > 16.7),
                sum(len(s["work_ms"]) for s in scrolls(n)),
                max(w for s in scrolls(n) for w in s["work_ms"] + [0])))
        add("  (the client's own CPU time per frame, p99: no waiting for a busy CPU)", "",
            lambda n: "%.1f ms" % scroll_p(n, 0.99, "cpu_ms"))
        add("  (list model alone: 40 rows per frame, p99)", "",
            lambda n: "%.2f ms" % st(n, "model_page_p99_ms") if store.get(n) else None)
    if sync is not None:
        label = "" if sync["customers"] in sizes else " (at %s customers)" % fmt_size(sync["customers"])
        add("initial sync from a local aftercare-server" + label, ">= 5,000 records/s",
            lambda n: ("{:,.0f} rec/s".format(sync["records"] / sync["initial_s"])
                       if n == sync["customers"] or (label and n == columns[0]) else None),
            lambda n: sync["records"] / sync["initial_s"] >= 5000)
        add("  (records, time)", "",
            lambda n: ("{:,} in {:.1f} s".format(sync["records"], sync["initial_s"])
                       if n == sync["customers"] or (label and n == columns[0]) else None))
        add("incremental sync of 100 changed records, push + pull" + label, "<= 1 s",
            lambda n: ("%.2f s" % sync["incremental_s"]
                       if n == sync["customers"] or (label and n == columns[0]) else None),
            lambda n: sync["incremental_s"] <= 1)
    def first(text):
        return lambda n: text if n == columns[0] else None

    for load in loads:
        load_label = " (%s clients, %s)" % (fmt_size(load["clients"]), load["target"])
        add("sync server under load: push p95" + load_label, "<= 100 ms",
            first("%.1f ms" % load["push_p95_ms"]), lambda n, load=load: load["push_p95_ms"] <= 100)
        add("  (push p50, p99; pull p50, p95, p99)", "",
            first("%.1f, %.1f ms; %.1f, %.1f, %.1f ms" % (load["push_p50_ms"], load["push_p99_ms"],
                                                          load["pull_p50_ms"], load["pull_p95_ms"],
                                                          load["pull_p99_ms"])))
        if load.get("server_cpu_ms_per_request") is not None:
            add("  (server CPU per request; the generator's own loop late by, p99)", "",
                first("%.2f ms; %.0f ms" % (load["server_cpu_ms_per_request"], load["generator_loop_lag_p99_ms"])))
        add("  (throughput; errors)", "0 errors",
            first("{:,.0f} requests/s, {:,.0f} mutations/s; {:d}".format(
                load["requests_per_s"], load["mutations_per_s"], load["errors"])),
            lambda n, load=load: load["errors"] == 0)
    if window:
        add("bulk import into the local store (insert only)", ">= 100,000 rows/s",
            lambda n: ("{:,.0f} rows/s".format(st(n, "records") / max(0.001, st(n, "import_s") - st(n, "generate_s")))
                       if store.get(n) else None),
            lambda n: st(n, "records") / max(0.001, st(n, "import_s") - st(n, "generate_s")) >= 100000)
        add("  (records; generator alone, generate + insert)", "",
            lambda n: ("{:,}; {:.1f} s, {:.1f} s".format(st(n, "records"), st(n, "generate_s"), st(n, "import_s"))
                       if store.get(n) else None))
        add("peak resident memory of the client, list open and scrolled", "<= 300 MB",
            lambda n: "%.0f MB" % (max(s["vmhwm_kb"] for s in scrolls(n)) / 1024),
            lambda n: max(s["vmhwm_kb"] for s in scrolls(n)) / 1024 <= 300)
        add("open the store and read the first list page (bench-store)", "",
            lambda n: "%.0f ms" % st(n, "open_ms") if store.get(n) else None)

    header = ["figure"] + ["%s customers" % fmt_size(n) if n else "value" for n in columns] + ["goal", "met?"]
    table = []
    for figure, cells, goal, oks in rows:
        judged = [(n, ok) for n, ok in oks.items() if ok is not None]
        if not judged:
            met = ""
        elif all(ok for _, ok in judged):
            met = "yes"
        else:
            met = "no (" + ", ".join(fmt_size(n) for n, ok in judged if not ok) + ")" if sizes else "no"
        table.append([figure] + [cells[n] for n in columns] + [goal, met])

    widths = [max(len(r[i]) for r in [header] + table) for i in range(len(header))]
    print()
    print("Aftercare benchmark, %s, %d CPUs, load average %.1f at the end, %.0f s" % (
        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.cpu_count(), os.getloadavg()[0],
        time.time() - started))
    print()
    for r in [header, ["-" * w for w in widths]] + table:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")
    print()
    print("Start: from spawning the process to the end of the first frame painting list rows, under Xvfb "
          "(GSK_RENDERER=cairo), file cache warm; the first start of each size is not counted.")
    print("Frame work: the frame clock's before-paint to after-paint, 40 rows a frame. Peak memory: VmHWM.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
