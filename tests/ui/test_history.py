"""A record's History panel against a real aftercare-server: who changed
what and when, read from the server, with this device's edits that are
not sent yet on top, and offline a plain word that the server's part is
missing."""

import json
import os
import subprocess
import tempfile
import urllib.request
import uuid

import careui
from test_customers import click_button, dialog, no_dialog, open_customers, query, texts, type_into, see
from test_workflows import button
from test_sync import PASSWORD, SERVER, Server, free_port, open_page, press_button, type_secret, wait_state


def api(port, method, path, body=None, token=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json"})
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=30) as response:
        return json.loads(response.read())


def shot(app, name):
    """Keeps a screenshot to look at when AFTERCARE_SCREENSHOT_DIR is set."""
    folder = os.environ.get("AFTERCARE_SCREENSHOT_DIR")
    if folder:
        careui.screenshot(os.path.join(folder, name), app.proc.pid)


def history_texts(app):
    return texts(app.window)


def test_history_panel():
    tmp = tempfile.mkdtemp(prefix="aftercare-history-ui-")
    db = os.path.join(tmp, "server.db")
    for user in ("ana", "bruno"):
        subprocess.run([SERVER, "--db", db, "useradd", user, "--role", "agent"], input=PASSWORD + "\n",
                       text=True, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    server = Server(db, port)
    try:
        with careui.App() as app:
            w = app.window
            careui.wait_for_text(w, "Welcome to Aftercare")
            careui.press("ctrl+comma")
            prefs = dialog(app, "Preferences")
            open_page(prefs, "Server")
            type_into(prefs, "Server Address", f"http://127.0.0.1:{port}")
            type_into(prefs, "User Name", "ana")
            type_secret(prefs, "Password", PASSWORD)
            press_button(prefs, "Sign In")
            careui.wait_for(lambda: f"ana at http://127.0.0.1:{port}" in texts(prefs), "the signed-in account",
                            timeout=30)
            careui.press("Escape")
            no_dialog(app, "Preferences")
            wait_state(app, "Synced")

            open_customers(app)
            click_button(w, "Add a Customer")
            dlg = dialog(app, "New Customer")
            type_into(dlg, "Name", "Helena Hill")
            careui.press("ctrl+s")
            no_dialog(app, "New Customer")
            wait_state(app, "Synced")
            (record_id,), = query(app, "SELECT id FROM customer WHERE name = 'Helena Hill'")

            # Another agent changes the phone on the server.
            token = api(port, "POST", "/api/v1/session", {"username": "bruno", "password": PASSWORD})["token"]
            result = api(port, "POST", "/api/v1/sync/push", {
                "client_id": str(uuid.uuid4()),
                "mutations": [{"mutation_id": 1, "entity": "customer", "id": record_id, "op": "update",
                               "base_rev": 1, "fields": {"phone": {"from": None, "to": "+351 912 000 111"}}}]},
                token)
            assert result["results"][0]["status"] == "applied", result

            # The panel says who did what: ana created, bruno changed the phone.
            see(w, "Refresh History")
            careui.activate(button(w, "Refresh History"))
            see(w, "Phone: (empty) → +351 912 000 111")
            careui.wait_for(lambda: "bruno (agent)" in history_texts(app), "bruno's change in the history")
            assert "ana (agent)" in history_texts(app), history_texts(app)
            assert "Created" in history_texts(app)
            assert "Not sent yet" not in history_texts(app)
            assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)
            shot(app, "history-online.png")

            # A long history comes a page at a time: the creation and the
            # phone are on the second page after 55 notes.
            result = api(port, "POST", "/api/v1/sync/push", {
                "client_id": str(uuid.uuid4()),
                "mutations": [{"mutation_id": n, "entity": "customer", "id": record_id, "op": "update",
                               "base_rev": n + 1,
                               "fields": {"notes": {"from": None if n == 1 else f"Note {n - 1}",
                                                    "to": f"Note {n}"}}} for n in range(1, 56)]},
                token)
            assert all(r["status"] == "applied" for r in result["results"]), result
            careui.activate(button(w, "Refresh History"))
            careui.wait_for(lambda: "Notes: Note 54 → Note 55" in history_texts(app), "the newest note")
            assert "Phone: (empty) → +351 912 000 111" not in history_texts(app)
            see(w, "Show Older Changes")
            shot(app, "history-older.png")
            careui.activate(button(w, "Show Older Changes"))
            careui.wait_for(lambda: "Phone: (empty) → +351 912 000 111" in history_texts(app),
                            "the older page with the phone")
            assert "Notes: (empty) → Note 1" in history_texts(app)
            assert "Show Older Changes" not in history_texts(app)

            # Offline: a new customer's creation is on top, marked as not
            # sent, and the panel says why there is nothing from the server.
            server.stop()
            server = None
            careui.press("ctrl+n")
            dlg = dialog(app, "New Customer")
            type_into(dlg, "Name", "Olga Offline")
            careui.press("ctrl+s")
            no_dialog(app, "New Customer")
            wait_state(app, "Offline, 1 change waiting")
            see(w, "The history on the server is not available offline.")
            careui.wait_for(lambda: "Not sent yet" in history_texts(app), "the pending creation")
            assert "bruno (agent)" not in history_texts(app)
            assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)
            shot(app, "history-offline.png")
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    careui.main([test_history_panel])
