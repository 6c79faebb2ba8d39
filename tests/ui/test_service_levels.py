"""Service levels in the real window: a case's timers on its page, the
"At risk" and "Breached" lists, the Today page's cases at risk with a
breached case reassigned in one action, the notification before a breach,
and the policies in Preferences → Service Levels.

The store holds a fixture written with sqlite3 between two starts: one
policy (first response in 4 working hours, resolution in 16) on a calendar
working 09:00-17:00 UTC on weekdays, and four cases opened at known
instants. The clock is pinned to Thursday 3 December 2026, 10:00 UTC, so
every figure is known: only the minutes that pass while the test runs
move them, and no assertion depends on those."""

import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid

import careui
from test_customers import dialog, texts

HERE = os.path.dirname(os.path.abspath(__file__))
NOW = "2026-12-03T10:00:00Z"  # a Thursday
ENV = {"AFTERCARE_NOW": NOW, "TZ": "UTC"}
STAMP = "2026-11-01T00:00:00Z"

# subject -> (opened_at, status, [(status, changed_at)], updated_at)
CASES = {
    # Opened this morning: 1 h of 4 used, on track; on no list.
    "Printer jams": ("2026-12-03T09:00:00Z", "open", [], "2026-12-03T09:00:00Z"),
    # Opened yesterday at 09:00, never answered: 9 h of 4, 5 h late.
    "Screen flickers": ("2026-12-02T09:00:00Z", "open", [], "2026-12-02T09:00:00Z"),
    # Opened yesterday at 14:20: 2 h 40 min + 1 h of 4 used, 20 min left (8%).
    "Noisy fan": ("2026-12-02T14:20:00Z", "open", [], "2026-12-02T14:20:00Z"),
    # Answered an hour after opening, waiting on the customer since noon.
    "Waiting on parts": ("2026-12-02T09:00:00Z", "waiting",
                         [("in_progress", "2026-12-02T10:00:00Z"), ("waiting", "2026-12-02T12:00:00Z")],
                         "2026-12-02T12:00:00Z"),
}


def insert(db, table, **fields):
    rid = str(uuid.uuid4())
    cols = ["id", "created_at", "updated_at", *fields]
    db.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
               (rid, fields.pop("created_at", STAMP), fields.get("updated_at", STAMP), *fields.values()))
    return rid


def write_fixture(path):
    with sqlite3.connect(path) as db:
        week = {d: "09:00-17:00" for d in ("monday", "tuesday", "wednesday", "thursday", "friday")}
        cal = insert(db, "working_calendar", name="Fixture office", time_zone="UTC", **week)
        policy = insert(db, "sla_policy", name="Fixture policy", calendar_id=cal,
                        first_response_minutes=240, resolution_minutes=960)
        insert(db, "staff", name="Fixture Agent", role="agent")
        insert(db, "staff", name="Sofia Supervisor", role="admin")
        customer = insert(db, "customer", kind="company", name="Fixture Customer")
        ids = {}
        for subject, (opened, status, moves, updated) in CASES.items():
            ids[subject] = insert(db, "service_case", customer_id=customer, kind="complaint", subject=subject,
                                  opened_at=opened, priority="normal", status=status, sla_policy_id=policy)
            db.execute("UPDATE service_case SET updated_at = ? WHERE id = ?", (updated, ids[subject]))
            for to, at in moves:
                insert(db, "case_status_change", case_id=ids[subject], status=to, changed_at=at)
        return ids


def start(data):
    app = careui.App(data_dir=data, env=ENV).start()
    careui.wait_for_text(app.window, "Today")
    return app


def notifications(log):
    if not os.path.exists(log):
        return []
    with open(log, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def expect(root, *want, timeout=careui.DEFAULT_TIMEOUT):
    def shown():
        have = texts(root)
        return all(re.search(w, have) for w in want)
    try:
        careui.wait_for(shown, f"the texts {want!r}", timeout)
    except careui.UIError:
        raise careui.UIError(f"the window never showed all of {want!r}; it shows: {texts(root)[:3000]}")


def click_node(node):
    """A real click in the middle of @node: a drop-down's item has no action."""
    e = careui.Atspi.Component.get_extents(node, careui.Atspi.CoordType.WINDOW)
    subprocess.run(["xdotool", "mousemove", str(e.x + e.width // 2), str(e.y + e.height // 2), "click", "1"],
                   check=True)


def press_node(root, text):
    """Activates the shown control or row named @text (or containing it),
    with its action when it has one, else with a click."""
    def found():
        nodes = (careui.find_all(root, name_is=text, showing_only=False) or
                 careui.find_all(root, name_contains=text, showing_only=False))
        # What is at its own place on screen; GTK 4.8 keeps stale extents for
        # hidden pages, but a button in a row may not answer hit tests.
        return [n for n in nodes if careui.really_shown(n)] or [n for n in nodes if careui.on_screen(n)]
    nodes = careui.wait_for(found, f"a control named {text!r}")
    for n in nodes:
        if careui.role(n) != "label" and n.get_action_iface() is not None and \
                careui.Atspi.Action.get_n_actions(n) > 0:
            careui.activate(n)
            return
    click_node(nodes[0])


def choose_filter(w, keys):
    """Opens the "Show cases" drop-down with a click and picks an item with
    the keyboard: a popover is a surface of its own, where a click by the
    main window's coordinates would land elsewhere."""
    click_node(careui.find(w, name_is="Show cases"))
    time.sleep(0.5)
    careui.press(*keys, "Return")


def test_service_levels():
    data = tempfile.mkdtemp(prefix="aftercare-ui-")
    log = os.path.join(data, "notifications.jsonl")
    server = subprocess.Popen([sys.executable, os.path.join(HERE, "notification_server.py"), log],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "ready"
        app = start(data)
        app.stop()
        ids = write_fixture(os.path.join(data, "aftercare.db"))

        app = start(data)
        try:
            w = app.window
            # Today: the breached case escalated, the one at risk, nothing else.
            expect(w, "Service Levels at Risk", "Screen flickers", "Noisy fan", "Escalated")
            shown = texts(w)
            assert "Printer jams" not in shown and "Waiting on parts" not in shown, shown
            assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)

            # Once per case, before the breach: the case at risk, not the breached one.
            careui.wait_for(lambda: any(n["summary"] == "Case at Risk: Noisy fan" for n in notifications(log)),
                            "the notification of the case at risk", timeout=30)
            time.sleep(2)
            sla = [n for n in notifications(log) if n["summary"].startswith("Case at Risk")]
            assert [n["summary"] for n in sla] == ["Case at Risk: Noisy fan"], sla
            assert sla[0]["body"].startswith("Fixture Customer — First response: "), sla

            # One action reassigns the breached case.
            press_node(w, "Reassign Screen flickers")
            # The picker lists the staff; a search narrows it to one, Return picks it.
            def listed(name):
                return [n for n in careui.find_all(w, role_name="label", name_is=name, showing_only=False)
                        if careui.on_screen(n)]
            careui.wait_for(lambda: listed("Sofia Supervisor"), "the staff picker")
            careui.type_keys("Sofia")
            careui.wait_for(lambda: not listed("Fixture Agent"), "the search in the picker")
            careui.press("Return")
            app.wait_for_toast("Assigned to Sofia Supervisor")
            with sqlite3.connect(os.path.join(data, "aftercare.db")) as db:
                (assignee,) = db.execute("SELECT s.name FROM service_case c JOIN staff s ON s.id = c.assignee_id "
                                         "WHERE c.id = ?", (ids["Screen flickers"],)).fetchone()
            assert assignee == "Sofia Supervisor", assignee

            # A row opens its case, with its timers.
            press_node(w, "Noisy fan")
            expect(w, "Service Level", "Fixture policy", "At risk", r"\d+ min left · due ")
        finally:
            app.stop()

        # Once: a restart does not say it again.
        before = len(notifications(log))
        app = start(data)
        try:
            w = app.window
            expect(w, "Service Levels at Risk", "Noisy fan")
            time.sleep(3)
            assert len(notifications(log)) == before, notifications(log)[before:]

            careui.show_view(app, "Service Cases", "4 cases")
            press_node(w, "Screen flickers")
            expect(w, "First response", "Breached", r"5 h( \d+ min)? late", "Resolution", r"\d+ h( \d+ min)? left · due 12/03/26 17:00")

            press_node(w, "Waiting on parts")
            expect(w, "Paused while the case waits on the customer", "Met in 1 h")

            # The lists by timers: each holds its one case.
            for item, keys, subject, other in (("Breached", ["End"], "Screen flickers", "Noisy fan"),
                                               ("At risk", ["End", "Up"], "Noisy fan", "Screen flickers")):
                choose_filter(w, keys)
                careui.wait_for(lambda: careui.find_all(w, role_name="label", name_is=item)
                                and careui.find_all(w, name_is="1 case"), f"the {item!r} list")
                listed = careui.find(w, role_name="list", name_is="Service cases")
                names = " | ".join(careui.name(n) for n in careui.walk(listed))
                assert subject in names and other not in names, (item, names)
        finally:
            app.stop()

        # Preferences → Service Levels: the policy and its targets, every control named.
        app = start(data)
        try:
            careui.press("ctrl+comma")
            prefs = dialog(app, "Preferences")
            press_node(prefs, "Service Levels")
            careui.wait_for(lambda: "Fixture policy" in texts(prefs), "the policy")
            shown = texts(prefs)
            assert "first response 4 h, resolution 16 h" in shown, shown
            assert "Fixture office" in shown, shown
            assert careui.unnamed_controls(prefs) == [], careui.unnamed_controls(prefs)
            press_node(prefs, "Edit Fixture policy")
            editor = dialog(app, "Edit Service Level Policy")
            careui.wait_for(lambda: "Resolution within (working minutes)" in texts(editor), "the editor")
            careui.press("Escape")
        finally:
            app.stop()
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    careui.main([test_service_levels])
