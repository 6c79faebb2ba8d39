"""Sync as a user sees it, against a real aftercare-server: sign in through
Preferences, work offline while the server is down, and see the change
reach the server when it is back."""

import os
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time

import careui
from careui import Atspi
from test_customers import click_button, dialog, field, no_dialog, open_customers, query, texts, type_into

SERVER = os.environ["AFTERCARE_SERVER"]
PASSWORD = "correct horse battery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, db, port):
        self.proc = subprocess.Popen([SERVER, "--db", db, "--listen", f"127.0.0.1:{port}"],
                                     stdout=subprocess.PIPE, text=True, env=careui.clock_env())
        line = self.proc.stdout.readline()
        assert line.startswith("listening on "), line

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        assert self.proc.wait(20) == 0


def type_secret(win, name, text):
    node = field(win, name)
    e = Atspi.Component.get_extents(node, Atspi.CoordType.WINDOW)
    subprocess.run(["xdotool", "mousemove", str(e.x + e.width // 2), str(e.y + e.height // 2), "click", "1"],
                   check=True)
    time.sleep(0.3)
    careui.press("ctrl+a", "BackSpace")
    careui.type_keys(text)


def open_page(prefs, title):
    """Clicks a tab of the preferences window's view switcher."""
    tab = careui.wait_for(lambda: next((n for n in careui.walk(prefs, showing_only=False)
                                        if careui.role(n) == "page tab" and careui.name(n) == title
                                        and careui.on_screen(n)), None), f"the {title!r} tab")
    e = Atspi.Component.get_extents(tab, Atspi.CoordType.WINDOW)
    subprocess.run(["xdotool", "mousemove", str(e.x + e.width // 2), str(e.y + e.height // 2), "click", "1"],
                   check=True)


def press_button(win, label):
    """Activates the button showing @label in a dialog (dialogs are walked,
    not hit-tested: GTK 4.8 reports their role as filler)."""
    def found():
        for n in careui.walk(win, showing_only=False):
            if careui.role(n) == "push button" and careui.is_visible(n) and careui.on_screen(n) \
                    and (careui.name(n) == label or careui.name(n).startswith(label + " ")):
                return n
        return None
    careui.activate(careui.wait_for(found, f"the {label!r} button"))


def server_customers(db):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return [r[0] for r in con.execute("SELECT fields FROM record WHERE entity = 'customer' AND NOT deleted")]


def sync_button(app):
    """The sidebar's sync button, named after the state it shows."""
    for n in careui.walk(app.window):
        if careui.role(n) in ("toggle button", "push button") and careui.name(n).startswith(
                ("Synced", "Syncing", "Offline", "Not signed in", "Sync problem", "1 change", "2 changes")):
            return n
    return None


def sync_state(app):
    button = sync_button(app)
    return careui.name(button) if button is not None else ""


def wait_state(app, prefix, timeout=60):
    careui.wait_for(lambda: sync_state(app).startswith(prefix), f"the sync button to say {prefix!r}", timeout)


def test_sign_in_offline_and_back():
    tmp = tempfile.mkdtemp(prefix="aftercare-sync-ui-")
    db = os.path.join(tmp, "server.db")
    subprocess.run([SERVER, "--db", db, "useradd", "ana", "--role", "agent"], input=PASSWORD + "\n", text=True,
                   check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    server = Server(db, port)
    try:
        with careui.App() as app:
            w = app.window
            careui.wait_for_text(w, "Welcome to Aftercare")
            wait_state(app, "Not signed in")

            careui.press("ctrl+comma")
            prefs = dialog(app, "Preferences")
            open_page(prefs, "Server")
            careui.wait_for(lambda: "Sign In to a Server" in texts(prefs), "the server page")
            assert careui.unnamed_controls(prefs) == [], careui.unnamed_controls(prefs)
            type_into(prefs, "Server Address", f"http://127.0.0.1:{port}")
            type_into(prefs, "User Name", "ana")

            # A wrong password is said plainly and nothing is kept.
            type_secret(prefs, "Password", "wrong")
            press_button(prefs, "Sign In")
            careui.wait_for(lambda: "did not accept this user name and password" in texts(prefs),
                            "the sign-in error")
            assert "Signed In" not in texts(prefs)

            type_secret(prefs, "Password", PASSWORD)
            press_button(prefs, "Sign In")
            careui.wait_for(lambda: f"ana at http://127.0.0.1:{port}" in texts(prefs), "the signed-in account",
                            timeout=30)
            careui.press("Escape")
            no_dialog(app, "Preferences")
            wait_state(app, "Synced")

            # The server goes away; the agent keeps working.
            server.stop()
            server = None
            open_customers(app)
            click_button(w, "Add a Customer")
            dlg = dialog(app, "New Customer")
            type_into(dlg, "Name", "Offline Oliveira")
            careui.press("ctrl+s")
            no_dialog(app, "New Customer")
            wait_state(app, "Offline, 1 change waiting")
            assert query(app, "SELECT count(*) FROM outbox") == [(1,)]
            assert not any("Offline Oliveira" in f for f in server_customers(db))

            # Back in range: Sync Now sends it, exactly once.
            server = Server(db, port)
            e = Atspi.Component.get_extents(sync_button(app), Atspi.CoordType.WINDOW)
            subprocess.run(["xdotool", "mousemove", str(e.x + e.width // 2), str(e.y + e.height // 2), "click", "1"],
                           check=True)
            press_button(w, "Sync Now")
            wait_state(app, "Synced")
            assert [f for f in server_customers(db) if "Offline Oliveira" in f].__len__() == 1
            assert query(app, "SELECT count(*) FROM outbox") == [(0,)]
            assert query(app, "SELECT sync_state FROM customer WHERE name = 'Offline Oliveira'") == [(0,)]
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    careui.main([test_sign_in_offline_and_back])
