#!/usr/bin/python3
"""test-scale-out.py: real nginx in front of real aftercare-server processes.

nginx runs with the shipped data/nginx/aftercare.conf (its upstream, listen
and certificate lines replaced for the test) on 127.0.0.1, under the test's
control (daemon off, pid, logs and temporary files in a temporary prefix).
Behind it run aftercare-server processes on a database given by the
environment:

  AFTERCARE_TEST_SERVER_DB   the --db of every server (a PostgreSQL URL once
  (or AFTERCARE_TEST_PG_URL)  the server takes one): three servers share it,
                              all in the upstream
  neither                     a SQLite file in the temporary directory: one
                              server, and a stand-by on the same file as
                              nginx's `backup`, which takes over when the
                              first is killed

Checked: health (database, draining by SIGUSR1/SIGUSR2 and by a drain file,
a dead database file), the access log (one line per request, no secrets),
feed URLs built from the forwarded scheme and host (and forwarded headers
from an untrusted peer ignored), TLS at nginx, two clients converging
under a lost response and a server killed in the middle of a push,
failover, and a graceful shutdown that finishes a push under way.

Exit status 77 (skipped) without nginx. Timings are never asserted.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import uuid

SERVER = os.environ.get("AFTERCARE_SERVER")
NGINX = os.environ.get("NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
HERE = os.path.dirname(os.path.abspath(__file__))
NGINX_CONF = os.environ.get("AFTERCARE_NGINX_CONF",
                            os.path.join(HERE, "..", "..", "data", "nginx", "aftercare.conf"))
SHARED_DB = (os.environ.get("AFTERCARE_TEST_SERVER_DB") or os.environ.get("AFTERCARE_TEST_PG_URL")
             or os.environ.get("AFTERCARE_TEST_POSTGRES"))
PASSWORD = "scale-out-secret"
TIMEOUT = 30  # seconds any one request may take before the test gives up

n_tests = 0


def ok(cond, what):
    global n_tests
    n_tests += 1
    if not cond:
        print("not ok %d - %s" % (n_tests, what), flush=True)
        raise AssertionError(what)
    print("ok %d - %s" % (n_tests, what), flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One aftercare-server process; its stderr (the log) goes to a file."""

    def __init__(self, tmp, name, db, extra=()):
        self.name, self.db, self.extra = name, db, list(extra)
        self.log_path = os.path.join(tmp, name + ".log")
        self.drain_file = os.path.join(tmp, name + ".drain")
        self.proc = None
        self.port = None

    def start(self):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [SERVER, "--db", self.db, "--listen", "127.0.0.1:0", "--trusted-proxy", "127.0.0.1",
             "--drain-file", self.drain_file] + self.extra,
            stdout=subprocess.PIPE, stderr=log, text=True)
        log.close()
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if m is None:
            raise RuntimeError("%s did not start: %r" % (self.name, line))
        self.port = int(m.group(1))
        return self

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()


def useradd(db, name, role):
    p = subprocess.run([SERVER, "--db", db, "useradd", name, "--role", role], input=PASSWORD + "\n",
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(p.stderr)


class Http:
    """Requests to one address, a new connection each (so failover is
    seen per request), optionally over TLS or from another source address."""

    def __init__(self, port, tls_ca=None, source=None):
        self.port, self.tls_ca, self.source = port, tls_ca, source

    def connection(self):
        source = (self.source, 0) if self.source else None
        if self.tls_ca:
            ctx = ssl.create_default_context(cafile=self.tls_ca)
            return http.client.HTTPSConnection("127.0.0.1", self.port, context=ctx, timeout=TIMEOUT,
                                               source_address=source)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT, source_address=source)

    def request(self, method, path, body=None, token=None, headers=None):
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        c = self.connection()
        try:
            c.request(method, path, body=data, headers=h)
            r = c.getresponse()
            raw = r.read()
            ctype = r.getheader("Content-Type") or ""
            return r.status, (json.loads(raw) if raw and ctype.startswith("application/json") else raw), r
        finally:
            c.close()

    def sign_in(self, user):
        status, obj, _ = self.request("POST", "/api/v1/session", {"username": user, "password": PASSWORD})
        ok(status == 200 and "token" in obj, "%s signs in through port %d" % (user, self.port))
        return obj["token"]


class Client:
    """A sync client as the desktop one behaves: an outbox of mutations with
    increasing ids, pushed until acknowledged, retried on network errors and
    5xx; a pull cursor; a local copy of every record."""

    def __init__(self, http_, token):
        self.http, self.token = http_, token
        self.client_id = str(uuid.uuid4())
        self.next_id = 1
        self.outbox = []
        self.records = {}  # (entity, id) -> (rev, fields)
        self.cursor = ""

    def add(self, entity, op, rid, fields=None, base_rev=None):
        m = {"mutation_id": self.next_id, "entity": entity, "id": rid, "op": op}
        if fields is not None:
            m["fields"] = fields
        if base_rev is not None:
            m["base_rev"] = base_rev
        self.next_id += 1
        self.outbox.append(m)
        return m

    def push_body(self):
        return {"client_id": self.client_id, "mutations": list(self.outbox)}

    def push(self, attempts=10):
        body = self.push_body()
        for _ in range(attempts):
            try:
                status, obj, _ = self.http.request("POST", "/api/v1/sync/push", body, self.token)
            except (OSError, http.client.HTTPException):
                time.sleep(0.2)
                continue
            if status >= 500:
                time.sleep(0.2)
                continue
            ok(status == 200, "push of %d mutations answered 200 (got %d)" % (len(body["mutations"]), status))
            self.outbox = []
            return obj["results"]
        raise AssertionError("push never got through")

    def pull(self):
        while True:
            status, obj, _ = self.http.request("GET", "/api/v1/sync/pull?limit=1000&cursor=" + self.cursor,
                                               token=self.token)
            if status != 200:
                raise AssertionError("pull answered %d: %r" % (status, obj))
            for ch in obj["changes"]:
                key = (ch["entity"], ch["id"])
                if ch["deleted"]:
                    self.records.pop(key, None)
                else:
                    self.records[key] = (ch["rev"], ch["fields"])
            self.cursor = obj["next_cursor"]
            if not obj["has_more"]:
                return


def push_without_reading(port, token, body):
    """Sends a push and hangs up before the answer: the response is lost."""
    data = json.dumps(body).encode()
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    s.sendall(("POST /api/v1/sync/push HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: Bearer %s\r\n"
               "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (port, token, len(data))).encode()
              + data)
    s.close()


def make_cert(tmp):
    if shutil.which("openssl") is None:
        return None, None
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


def nginx_config(tmp, upstream_lines, plain_port, tls_port, redirect_port, cert, key):
    """The shipped configuration with the test's upstream, ports and
    certificate, inside a main configuration that keeps everything in tmp."""
    with open(NGINX_CONF) as f:
        site = f.read()
    site, n = re.subn(r"(?m)^(\s*)server 127\.0\.0\.1:\d+ [^\n]*;\n(\s*server 127\.0\.0\.1:\d+ [^\n]*;\n)*",
                      lambda m: "".join("%sserver %s;\n" % (m.group(1), u) for u in upstream_lines), site)
    assert n == 1, "the upstream's server lines are not where the test expects them"
    site = re.sub(r"(?m)^\s*listen \[::\][^\n]*\n", "", site)
    site = site.replace("listen 80;", "listen 127.0.0.1:%d;" % redirect_port)
    if cert:
        site = site.replace("listen 443 ssl http2;",
                            "listen 127.0.0.1:%d;\n    listen 127.0.0.1:%d ssl;" % (plain_port, tls_port))
        site = re.sub(r"ssl_certificate [^;]*;", "ssl_certificate %s;" % cert, site)
        site = re.sub(r"ssl_certificate_key [^;]*;", "ssl_certificate_key %s;" % key, site)
    else:
        site = site.replace("listen 443 ssl http2;", "listen 127.0.0.1:%d;" % plain_port)
        site = re.sub(r"(?m)^\s*ssl_[^\n]*\n", "", site)
    site_path = os.path.join(tmp, "aftercare.conf")
    with open(site_path, "w") as f:
        f.write(site)

    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "".join("%s_temp_path %s;\n" % (t, os.path.join(tmp, t))
                   for t in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = ("%sdaemon off;\nworker_processes 1;\npid %s;\nerror_log %s info;\n"
            "events { worker_connections 4096; }\n"
            "http {\naccess_log %s;\n%s include %s;\n}\n") % (
        user, os.path.join(tmp, "nginx.pid"), os.path.join(tmp, "nginx-error.log"),
        os.path.join(tmp, "nginx-access.log"), temp, site_path)
    path = os.path.join(tmp, "nginx.conf")
    with open(path, "w") as f:
        f.write(main)
    return path


def wait_listening(port, proc, what):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("%s exited with %d" % (what, proc.returncode))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("%s does not listen on %d" % (what, port))


def health(port):
    status, obj, _ = Http(port).request("GET", "/api/v1/health")
    return status, obj


def main():
    if not SERVER or not os.access(SERVER, os.X_OK):
        print("1..0 # SKIP AFTERCARE_SERVER is not set")
        return 77
    if not os.access(NGINX, os.X_OK):
        print("1..0 # SKIP nginx is not installed")
        return 77

    tmp = tempfile.mkdtemp(prefix="care-scale-out-")
    servers, nginx = [], None
    try:
        shared = SHARED_DB is not None
        db = SHARED_DB if shared else os.path.join(tmp, "server.db")
        # A shared database outlives the test: users of a name of their own.
        suffix = "-" + uuid.uuid4().hex[:8] if shared else ""
        alice_name, bob_name = "alice" + suffix, "bob" + suffix
        useradd(db, alice_name, "admin")
        useradd(db, bob_name, "agent")

        if shared:
            servers = [Server(tmp, "server%d" % i, db).start() for i in range(3)]
            upstream = ["127.0.0.1:%d max_fails=2 fail_timeout=10s" % s.port for s in servers]
        else:
            servers = [Server(tmp, "primary", db).start(), Server(tmp, "standby", db).start()]
            upstream = ["127.0.0.1:%d max_fails=2 fail_timeout=10s" % servers[0].port,
                        "127.0.0.1:%d backup" % servers[1].port]

        cert, key = make_cert(tmp)
        plain_port, tls_port, redirect_port = free_port(), free_port(), free_port()
        conf = nginx_config(tmp, upstream, plain_port, tls_port, redirect_port, cert, key)
        nginx = subprocess.Popen([NGINX, "-p", tmp, "-c", conf, "-e", os.path.join(tmp, "nginx-error.log")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_listening(plain_port, nginx, "nginx")
        front = Http(plain_port)
        first = servers[0]

        # Health, direct and through nginx.
        status, obj = health(first.port)
        ok(status == 200 and obj["status"] == "ok" and obj["database"] == "ok",
           "health: 200 with status ok and database ok")
        status, obj, _ = front.request("GET", "/api/v1/health")
        ok(status == 200 and obj["status"] == "ok", "health through nginx")
        status, _, r = Http(redirect_port).request("GET", "/api/v1/health")
        ok(status == 301 and r.getheader("Location", "").startswith("https://"),
           "plain HTTP on the public port is sent to HTTPS")

        # Sign in, and a staff record to subscribe to.
        alice = front.sign_in(alice_name)
        bob_token = front.sign_in(bob_name)
        admin = Client(front, alice)
        staff_id = str(uuid.uuid4())
        admin.add("staff", "create", staff_id, {"name": "Tess Tech", "role": "technician"})
        results = admin.push()
        ok(results[0]["status"] == "applied", "a staff record is created through nginx")

        # Feed URLs: the forwarded scheme and host, from the trusted proxy only.
        status, feed, _ = front.request("POST", "/api/v1/calendar/feeds", {"staff_id": staff_id}, alice)
        ok(status == 201 and feed["url"].startswith("http://127.0.0.1:%d/api/v1/calendar/feed/" % plain_port),
           "through nginx the feed URL names nginx's address, not the server's: %s"
           % re.sub("feed/[0-9a-f]+", "feed/…", feed["url"]))
        feed_path = feed["url"][feed["url"].index("/api/"):]
        status, body, r = front.request("GET", feed_path)
        ok(status == 200 and b"BEGIN:VCALENDAR" in body, "the feed URL works through nginx")
        if cert:
            tls = Http(tls_port, tls_ca=cert)
            status, feed_tls, _ = tls.request("POST", "/api/v1/calendar/feeds", {"staff_id": staff_id}, alice)
            ok(status == 201 and feed_tls["url"].startswith("https://127.0.0.1:%d/" % tls_port)
               and feed_tls["webcal_url"].startswith("webcal://127.0.0.1:%d/" % tls_port),
               "over TLS at nginx the feed URL is https:// with nginx's port")
            status, body, _ = tls.request("GET", feed_tls["url"][feed_tls["url"].index("/api/"):])
            ok(status == 200 and b"BEGIN:VCALENDAR" in body, "the https feed URL works")
        spoof = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https",
                 "Forwarded": 'proto=https;host="evil.example"'}
        stranger = Http(first.port, source="127.0.0.2")
        status, f2, _ = stranger.request("POST", "/api/v1/calendar/feeds", {"staff_id": staff_id}, alice, spoof)
        ok(status == 201 and f2["url"].startswith("http://127.0.0.1:%d/" % first.port)
           and "evil" not in f2["url"] + f2["webcal_url"],
           "forwarded headers from an untrusted peer are ignored")
        trusted = Http(first.port)
        status, f3, _ = trusted.request("POST", "/api/v1/calendar/feeds", {"staff_id": staff_id}, alice,
                                        {"Forwarded": 'for=192.0.2.7;proto=https;host="care.example.com"'})
        ok(status == 201 and f3["url"].startswith("https://care.example.com/api/v1/calendar/feed/"),
           "a trusted proxy's Forwarded header gives scheme and host (default port left out)")
        status, f4, _ = trusted.request("POST", "/api/v1/calendar/feeds", {"staff_id": staff_id}, alice,
                                        {"X-Forwarded-Host": "evil.example/@x", "X-Forwarded-Proto": "gopher"})
        ok(status == 201 and f4["url"].startswith("http://127.0.0.1:%d/" % first.port),
           "a malformed forwarded host and an unknown scheme are ignored")

        # Two clients; a push whose response is lost, then retried.
        c1 = Client(front, bob_token)
        c2 = Client(front, front.sign_in(bob_name))
        ids = [str(uuid.uuid4()) for _ in range(5)]
        for i, rid in enumerate(ids):
            c1.add("customer", "create", rid, {"kind": "company", "name": "Lost %d" % i})
        push_without_reading(plain_port, c1.token, c1.push_body())
        replay = c1.push()
        ok(all(r["status"] == "applied" and r["rev"] == 1 for r in replay),
           "a push retried after its response was lost is answered as applied once (rev 1)")
        c2.pull()
        ok(all(("customer", rid) in c2.records and c2.records[("customer", rid)][0] == 1 for rid in ids),
           "the second client sees each record once, at rev 1")
        c2.add("customer", "update", ids[0], {"name": {"from": "Lost 0", "to": "Found 0"}}, base_rev=1)
        c2.push()

        # The server killed in the middle of a push: nginx sends the push on
        # to the next server, which replays what was done and does the rest.
        big_ids = [str(uuid.uuid4()) for _ in range(3000)]
        for i, rid in enumerate(big_ids):
            c1.add("customer", "create", rid, {"kind": "person", "name": "Bulk %d" % i})
        killer = threading.Thread(target=lambda: (time.sleep(0.15), first.kill()))
        killer.start()
        results = c1.push()
        killer.join()
        ok(len(results) == 3000 and all(r["status"] == "applied" for r in results),
           "a push cut short by a killed server completes on the other one")
        status, obj, _ = front.request("GET", "/api/v1/health")
        ok(status == 200, "with the first server dead, nginx answers from another")
        print("# the second server answered %d pushes" % servers[1].log().count("path=/api/v1/sync/push status=200"))

        c1.pull()
        c2.pull()
        ok(c1.records == c2.records, "the two clients converge (%d records)" % len(c1.records))
        ok(c1.records[("customer", ids[0])][1]["name"] == "Found 0", "the second client's edit is there")
        ok(all(("customer", rid) in c1.records for rid in ids + big_ids), "no record lost")
        ok(all(c1.records[("customer", rid)][0] == 1 for rid in big_ids),
           "each record of the cut-short push was applied once (rev 1)")

        # The access log: one line per request, and no secrets (the
        # requests went to whichever server nginx chose).
        log = "".join(s.log() for s in servers)
        ok(re.search(r"method=POST path=/api/v1/sync/push status=200 duration_ms=[0-9.]+ user=%s" % re.escape(bob_name), log),
           "the access log has a line per push with status, duration and user")
        ok(re.search(r"method=GET path=/api/v1/calendar/feed/\[redacted\]\.ics status=200", log),
           "a feed request is logged with its token blanked")
        ok(alice not in log and bob_token not in log and PASSWORD not in log
           and feed_path.split("/")[-1][:-4] not in log, "no token or password in the log")

        survivor = servers[1]
        # Draining: health says 503 "draining" while requests are still served.
        survivor.proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + TIMEOUT
        while health(survivor.port)[0] != 503 and time.monotonic() < deadline:
            time.sleep(0.02)
        status, obj = health(survivor.port)
        ok(status == 503 and obj["status"] == "draining" and obj["database"] == "ok",
           "SIGUSR1: health answers 503 draining")
        status, _, _ = Http(survivor.port).request("GET", "/api/v1/sync/pull?limit=1", token=c1.token)
        ok(status == 200, "a draining server still serves requests")
        survivor.proc.send_signal(signal.SIGUSR2)
        while health(survivor.port)[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.02)
        ok(health(survivor.port)[0] == 200, "SIGUSR2: draining ends")
        open(survivor.drain_file, "w").close()
        status, obj = health(survivor.port)
        ok(status == 503 and obj["status"] == "draining", "while the drain file exists, health answers 503")
        os.unlink(survivor.drain_file)
        ok(health(survivor.port)[0] == 200, "the drain file removed, health answers 200")

        # A graceful shutdown finishes the push under way, then exits 0.
        if not shared:
            lone_db = os.path.join(tmp, "lone.db")
            useradd(lone_db, "carol", "agent")
            lone = Server(tmp, "lone", lone_db).start()
            direct = Http(lone.port)
            c3 = Client(direct, direct.sign_in("carol"))
            for i in range(4000):
                c3.add("customer", "create", str(uuid.uuid4()), {"kind": "person", "name": "Late %d" % i})
            answer = {}

            def push_direct():
                try:
                    answer["status"], answer["obj"], _ = direct.request("POST", "/api/v1/sync/push",
                                                                       c3.push_body(), c3.token)
                except Exception as e:  # noqa: BLE001 - reported below
                    answer["error"] = repr(e)

            pusher = threading.Thread(target=push_direct)
            pusher.start()
            # Once the first chunk is committed the push is under way.
            ro = sqlite3.connect("file:%s?mode=ro" % lone_db, uri=True, timeout=5)
            deadline = time.monotonic() + TIMEOUT
            applied = 0
            while pusher.is_alive() and time.monotonic() < deadline:
                applied = ro.execute("SELECT count(*) FROM client_mutations WHERE client_id = ?",
                                     (c3.client_id,)).fetchone()[0]
                if applied > 0:
                    break
                time.sleep(0.002)
            ro.close()
            lone.proc.send_signal(signal.SIGTERM)
            pusher.join(TIMEOUT)
            code = lone.proc.wait(TIMEOUT)
            print("# SIGTERM came with %d of 4000 mutations applied" % applied)
            ok(answer.get("status") == 200 and len(answer["obj"]["results"]) == 4000,
               "SIGTERM during a push: the push still gets its whole answer (%r)" % answer.get("error"))
            ok(code == 0, "and the server exits 0 (got %d)" % code)
            ok("Shutting down" in lone.log(), "the shutdown is logged")

            # A dead database file: health answers 503, "database": "unavailable".
            dead_db = os.path.join(tmp, "dead.db")
            useradd(dead_db, "dave", "agent")
            dead = Server(tmp, "dead", dead_db).start()
            servers.append(dead)
            ok(health(dead.port)[0] == 200, "a fresh server is healthy")
            garbage = dead_db + ".new"
            with open(garbage, "wb") as f:
                f.write(os.urandom(8192))
            os.replace(garbage, dead_db)
            status, obj = health(dead.port)
            ok(status == 503 and obj["database"] == "unavailable" and obj["status"] == "unavailable",
               "a database file replaced by garbage: health answers 503")
            os.unlink(dead_db)
            status, obj = health(dead.port)
            ok(status == 503 and obj["database"] == "unavailable", "a deleted database file: 503")
            dead.proc.send_signal(signal.SIGTERM)
            ok(dead.proc.wait(TIMEOUT) == 0, "an idle server exits 0 at SIGTERM")

        print("1..%d" % n_tests)
        return 0
    except AssertionError as e:
        print("# failed: %s" % e)
        for s in servers:
            if os.path.exists(s.log_path):
                print("# --- %s log (tail) ---\n# %s" % (s.name, "\n# ".join(s.log()[-3000:].splitlines())))
        return 1
    finally:
        if nginx is not None:
            nginx.send_signal(signal.SIGQUIT)
            try:
                nginx.wait(10)
            except subprocess.TimeoutExpired:
                nginx.kill()
                nginx.wait()
        for s in servers:
            s.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
