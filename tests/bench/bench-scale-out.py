#!/usr/bin/env python3
"""bench-scale-out.py: bench-load.py against several aftercare-servers on
one PostgreSQL database, behind Debian's nginx with the shipped
data/nginx/aftercare.conf.

Starts a throwaway PostgreSQL 15 cluster (through
tests/integration/run-with-postgres.sh, which runs it as an unprivileged
user when started as root), --servers servers on it and nginx in front of
them (plain HTTP on 127.0.0.1), then runs bench-load.py against nginx with
the arguments given after --, and prints what it prints. Everything it
started is stopped at the end.

  bench-scale-out.py --server build-rel/src/server/aftercare-server -- --clients 1000 --json
"""

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
WITH_POSTGRES = os.path.join(TOP, "tests", "integration", "run-with-postgres.sh")


def scale_out_module(server):
    """The scale-out test's helpers (servers, nginx configuration), which
    read the server binary from the environment when loaded."""
    os.environ["AFTERCARE_SERVER"] = server
    os.environ.setdefault("AFTERCARE_NGINX_CONF", os.path.join(TOP, "data", "nginx", "aftercare.conf"))
    spec = importlib.util.spec_from_file_location(
        "scale_out", os.path.join(TOP, "tests", "integration", "test-scale-out.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", required=True, help="the aftercare-server binary")
    parser.add_argument("--servers", type=int, default=3, help="how many servers share the database")
    parser.add_argument("--logs", help="copy the servers' and nginx's logs into this directory at the end")
    parser.add_argument("load_args", nargs="*", help="bench-load.py's arguments (after --)")
    args = parser.parse_args()
    server = os.path.abspath(args.server)

    url = os.environ.get("AFTERCARE_TEST_POSTGRES")
    if url is None:  # a cluster first: this script again, under the wrapper
        os.execv(WITH_POSTGRES, [WITH_POSTGRES, sys.executable, os.path.abspath(__file__)] + sys.argv[1:])

    so = scale_out_module(server)
    if not os.access(so.NGINX, os.X_OK):
        print("bench-scale-out: nginx is not installed", file=sys.stderr)
        return 77
    tmp = tempfile.mkdtemp(prefix="care-bench-scale-out-")
    servers, nginx = [], None
    try:
        # The servers migrate the new database once, together.
        servers = [so.Server(tmp, "server%d" % i, url).start() for i in range(args.servers)]
        upstream = ["127.0.0.1:%d max_fails=2 fail_timeout=10s" % s.port for s in servers]
        port, redirect = so.free_port(), so.free_port()
        conf = so.nginx_config(tmp, upstream, port, None, redirect, None, None)
        nginx = subprocess.Popen([so.NGINX, "-p", tmp, "-c", conf, "-e", os.path.join(tmp, "nginx-error.log")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        so.wait_listening(port, nginx, "nginx")
        cmd = [sys.executable, os.path.join(HERE, "bench-load.py"), "--server", server,
               "--url", "http://127.0.0.1:%d" % port, "--db", url] + args.load_args
        return subprocess.run(cmd).returncode
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait()
        for s in servers:
            s.kill()
        if args.logs:
            os.makedirs(args.logs, exist_ok=True)
            for name in os.listdir(tmp):
                if name.endswith(".log"):
                    shutil.copy(os.path.join(tmp, name), args.logs)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
