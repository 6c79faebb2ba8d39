"""The Today page on demo data: its counts agree with the store, its charts
speak to screen readers, a row opens its record; reminders reach a D-Bus
notification server once; a completed course gives a certificate PDF."""

import calendar
import datetime
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time

import careui

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO_SIZE = "300"

# The same rule as the store's: a warranty lapses unless another of the
# product carries on from the next day.
LAPSING = ("w.sync_state != 3 AND w.end_date >= ? AND w.end_date {} ? AND NOT EXISTS ("
           "SELECT 1 FROM warranty n WHERE n.product_id = w.product_id AND n.sync_state != 3 "
           "AND n.id != w.id AND n.start_date <= date(w.end_date, '+1 day') AND n.end_date > w.end_date)")


iso = careui.iso


def local_midnight(now):
    """The start of now's day in the local time zone (TZ), as the app counts days."""
    return now.astimezone().replace(hour=0, minute=0, second=0, microsecond=0)


def next_midnight(midnight):
    """The start of the next local day: a day is 23 to 25 hours long."""
    return local_midnight(midnight + datetime.timedelta(hours=26))


def expected(db_path):
    """What the Today page should show, from the data file, at the app's now."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    now = careui.now_utc()
    midnight = local_midnight(now)
    today = midnight.date()
    one = db.execute
    out = {
        "appointments": one("SELECT count(*) FROM appointment WHERE sync_state != 3 AND status != 'cancelled' "
                            "AND start_at >= ? AND start_at < ?",
                            (iso(midnight), iso(next_midnight(midnight)))).fetchone()[0],
        "follow_ups": one("SELECT count(*) FROM appointment WHERE sync_state != 3 AND kind = 'follow_up_call' "
                          "AND status = 'planned' AND start_at < ?1 AND end_at <= ?1", (iso(now),)).fetchone()[0],
        "warranties": one("SELECT count(*) FROM warranty w WHERE " + LAPSING.format("<="),
                          (today.isoformat(), (today + datetime.timedelta(days=30)).isoformat())).fetchone()[0],
    }
    ages = one("SELECT sum(opened_at > ?1), sum(opened_at <= ?1 AND opened_at > ?2), "
               "sum(opened_at <= ?2 AND opened_at > ?3), sum(opened_at <= ?3) FROM service_case "
               "WHERE sync_state != 3 AND status IN ('open', 'in_progress', 'waiting')",
               tuple(iso(now - datetime.timedelta(days=d)) for d in (1, 8, 31))).fetchone()
    out["ages"] = [a or 0 for a in ages]
    first_month = today.replace(day=1)
    end_month = first_month.replace(year=first_month.year + 1)
    out["expiring_year"] = one("SELECT count(*) FROM warranty w WHERE " + LAPSING.format("<"),
                               (today.isoformat(), end_month.isoformat())).fetchone()[0]
    out["first_expiring"] = one(
        "SELECT c.name, p.name, p.serial FROM warranty w JOIN product p ON p.id = w.product_id "
        "JOIN customer c ON c.id = p.customer_id WHERE " + LAPSING.format("<=") +
        " ORDER BY w.end_date, w.seq LIMIT 1",
        (today.isoformat(), (today + datetime.timedelta(days=30)).isoformat())).fetchone()
    db.close()
    return out


def group_node(w, title):
    """The preferences group whose title is @title (shown or scrolled away)."""
    label = careui.wait_for(lambda: (careui.find_all(w, role_name="label", name_is=title, showing_only=False)
                                     or [None])[0], f"the group {title!r}")
    node = label
    for _ in range(6):
        node = node.get_parent()
        if careui.find_all(node, role_name="list", showing_only=False):
            return node
    raise careui.UIError(f"no list under {title!r}")


def numbers_in(node):
    return [careui.name(n) for n in careui.find_all(node, role_name="label", showing_only=False)
            if re.fullmatch(r"[\d,]+", careui.name(n))]


def group_count(w, title):
    """The count beside a group's title: the first number in the group's header."""
    nums = numbers_in(group_node(w, title))
    return int(nums[0].replace(",", "")) if nums else None


def row_count(w, title):
    row = careui.wait_for(lambda: (careui.find_all(w, role_name="list item", name_is=title, showing_only=False)
                                   or [None])[0], f"the row {title!r}")
    nums = numbers_in(row)
    return int(nums[0].replace(",", "")) if nums else None


def xdotool(*args):
    return subprocess.run(["xdotool", *args], check=True, capture_output=True, text=True).stdout


def click_row(app, row):
    """A real click on a row (list rows have no action to call), after
    scrolling the page with the mouse wheel until the row is in sight."""
    wid = xdotool("search", "--onlyvisible", "--pid", str(app.proc.pid), "--name", "^Aftercare$").split()[0]
    geometry = dict(line.strip().split(": ", 1) for line in xdotool("getwindowgeometry", wid).splitlines()[1:])
    x, y = (int(v) for v in geometry["Position"].split(" ")[0].split(","))
    height = int(geometry["Geometry"].split("x")[1])
    for _ in range(40):
        e = careui.Atspi.Component.get_extents(row, careui.Atspi.CoordType.WINDOW)
        if 60 < e.y and e.y + e.height < height - 10:
            break
        xdotool("mousemove", str(x + e.x + e.width // 2), str(y + height // 2), "click", "5" if e.y > 60 else "4")
        time.sleep(0.2)
    e = careui.Atspi.Component.get_extents(row, careui.Atspi.CoordType.WINDOW)
    xdotool("mousemove", str(x + e.x + e.width // 2), str(y + e.y + e.height // 2), "click", "1")
    time.sleep(0.3)


def start_demo(data):
    app = careui.App("--demo", "--demo-size", DEMO_SIZE, data_dir=data).start()
    app.wait_for_toast("Demo data loaded", timeout=90)
    careui.wait_for_text(app.window, "Service Levels at Risk", timeout=30)
    return app


def test_today_matches_the_store():
    data = tempfile.mkdtemp(prefix="aftercare-ui-")
    app = start_demo(data)
    try:
        w = app.window
        want = expected(os.path.join(data, "demo.db"))
        assert want["warranties"] > 0, "the demo data has no warranty expiring in 30 days"

        # Not signed in: everyone's appointments, and the page says so.
        careui.wait_for_text(w, "Appointments Today")
        careui.wait_for_text(w, "sign in as a technician to see only yours")

        for title, key in (("Appointments Today", "appointments"), ("Overdue Follow-up Calls", "follow_ups"),
                           ("Warranties Expiring in the Next 30 Days", "warranties")):
            careui.wait_for(lambda: group_count(w, title) == want[key],
                            f"{title} to count {want[key]} (shows {group_count(w, title)})")
        for title, n in zip(("Opened less than a day ago", "Open for 1 to 7 days", "Open for 8 to 30 days",
                             "Open for more than 30 days"), want["ages"]):
            careui.wait_for(lambda: row_count(w, title) == n, f"{title} to count {n} (shows {row_count(w, title)})")

        # At most eight rows, then one that says how many more.
        group = group_node(w, "Warranties Expiring in the Next 30 Days")
        rows = careui.find_all(group, role_name="list item", showing_only=False)
        assert len(rows) == min(want["warranties"], 8) + (1 if want["warranties"] > 8 else 0), \
            [careui.name(r) for r in rows]
        if want["warranties"] > 8:
            assert careui.name(rows[-1]) == f"{want['warranties'] - 8} more", careui.name(rows[-1])

        # The charts: named, described in words, the description true to the data.
        charts = {careui.name(n): n.get_description() or ""
                  for n in careui.find_all(w, role_name="image", showing_only=False)
                  if "per Week" in careui.name(n) or "per Month" in careui.name(n)}
        assert set(charts) == {"Cases Opened and Resolved per Week", "Customer Satisfaction per Month",
                               "Warranties Expiring per Month", "Service Level Targets Met per Month (%)"}, charts
        assert re.search(r"\d+% of first responses and \d+% of resolutions were on time",
                         charts["Service Level Targets Met per Month (%)"]), charts
        assert "cases were opened" in charts["Cases Opened and Resolved per Week"], charts
        assert "out of 5" in charts["Customer Satisfaction per Month"], charts
        assert charts["Warranties Expiring per Month"].startswith(
            f"{want['expiring_year']:,} warrant"), (charts, want["expiring_year"])
        assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)

        # The soonest expiring warranty opens in the Warranties view.
        customer, product, serial = want["first_expiring"]
        assert careui.name(rows[0]) == customer, (careui.name(rows[0]), customer)
        click_row(app, rows[0])
        careui.wait_for_text(w, serial)
        careui.wait_for_text(w, "Open a Claim")
        careui.wait_for_no_text(w, "Service Levels at Risk")
    finally:
        app.stop()


def notifications(log):
    """The reminders of warranties: a demo case at risk of breaching its
    service level is notified too (test_service_levels.py checks those)."""
    if not os.path.exists(log):
        return []
    with open(log, encoding="utf-8") as f:
        sent = [json.loads(line) for line in f if line.strip()]
    return [s for s in sent if not s["summary"].startswith("Case at Risk")]


def test_reminders_reach_the_notification_server_once():
    data = tempfile.mkdtemp(prefix="aftercare-ui-")
    log = os.path.join(data, "notifications.jsonl")
    server = subprocess.Popen([sys.executable, os.path.join(HERE, "notification_server.py"), log],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "ready"
        app = start_demo(data)
        try:
            want = expected(os.path.join(data, "demo.db"))
            n = want["warranties"]
            # The three soonest one by one, one more notification for the rest.
            sent = careui.wait_for(lambda: len(notifications(log)) >= min(n, 3) + (n > 3) and notifications(log),
                                   "the reminders", timeout=30)
            time.sleep(3)
            sent = notifications(log)
            single = [s for s in sent if s["summary"].startswith("Warranty Ends on")]
            assert len(single) == min(n, 3), sent
            if n > 3:
                more = [s for s in sent if "More Warrant" in s["summary"]]
                assert len(more) == 1 and more[0]["summary"].startswith(f"{n - 3} More"), sent
            assert len(sent) == len(single) + (n > 3), sent
            assert all("default" in s["actions"] for s in sent), sent

            # Clicking one opens its warranty.
            first = single[0]
            customer = first["body"].split(" — ")[0]
            subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.Notifications",
                            "--object-path", "/org/freedesktop/Notifications",
                            "--method", "org.aftercare.TestNotifications.Invoke", str(first["id"]), "default"],
                           check=True, capture_output=True)
            careui.wait_for_no_text(app.window, "Service Levels at Risk")
            careui.wait_for_text(app.window, customer)
            careui.wait_for_text(app.window, "Open a Claim")
        finally:
            app.stop()

        # Once: a restart on the same data sends none of them again.
        before = len(notifications(log))
        with careui.App("--demo", "--demo-size", DEMO_SIZE, data_dir=data) as again:
            careui.wait_for_text(again.window, "Service Levels at Risk", timeout=30)
            time.sleep(5)
        assert len(notifications(log)) == before, notifications(log)[before:]
    finally:
        server.terminate()
        server.wait(10)


def completion(db_path):
    """Past sessions, latest first, each with its confirmed participants and
    whether they attended every session of the course they were confirmed in."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    now = iso(careui.now_utc())
    out = []
    for sid, course, title, start, end, trainer in db.execute(
            "SELECT s.id, s.course_id, c.title, s.start_at, s.end_at, st.name FROM training_session s "
            "JOIN training_course c ON c.id = s.course_id LEFT JOIN staff st ON st.id = s.trainer_id "
            "WHERE s.sync_state != 3 AND s.end_at < ? "
            "ORDER BY s.start_at DESC LIMIT 3", (now,)):
        people = []
        for contact, name in db.execute(
                "SELECT k.id, k.name FROM enrolment e JOIN contact k ON k.id = e.contact_id "
                "WHERE e.session_id = ? AND e.status = 'confirmed' AND e.sync_state != 3", (sid,)):
            n, attended = db.execute(
                "SELECT count(*), sum(e.attended) FROM enrolment e JOIN training_session s ON s.id = e.session_id "
                "WHERE e.contact_id = ? AND s.course_id = ? AND e.status = 'confirmed' AND e.sync_state != 3 "
                "AND s.sync_state != 3", (contact, course)).fetchone()
            people.append((name, n > 0 and n == attended))
        out.append({"title": title, "start_at": start, "end_at": end, "people": people, "trainer": trainer})
    db.close()
    return out


def certificate_button(w, name):
    """The participant's Certificate button, sensitive or not (a hit test
    would pass over an insensitive one)."""
    return careui.wait_for(lambda: next((n for n in careui.walk(w) if careui.role(n) == "push button"
                                         and careui.name(n) == f"Certificate of {name}"), None),
                           f"the certificate button of {name}")


COMPANY = "Formação Lopes Lda."


def test_certificate_for_a_completed_course():
    data = tempfile.mkdtemp(prefix="aftercare-ui-")
    app = start_demo(data)
    try:
        w = app.window
        sessions = completion(os.path.join(data, "demo.db"))
        session = next((s for s in sessions if any(done for _, done in s["people"])), None)
        assert session is not None, f"no completed participant in the latest past sessions: {sessions}"
        name = next(n for n, done in session["people"] if done)

        careui.show_view(app, "Training", "All courses")
        careui.click(w, role_name="push button", name_contains="Past sessions")
        start = time.localtime(calendar.timegm(time.strptime(session["start_at"], "%Y-%m-%dT%H:%M:%SZ")))
        end = time.localtime(calendar.timegm(time.strptime(session["end_at"], "%Y-%m-%dT%H:%M:%SZ")))
        when = time.strftime("%x %H:%M", start) + " – " + time.strftime("%H:%M", end)
        click_row(app, careui.find(w, role_name="label", name_is=when))
        careui.wait_for_text(w, "Participants")

        # Not attended throughout: no certificate, and the tooltip says why.
        for other, done in session["people"]:
            if not done:
                button = certificate_button(w, other)
                assert not button.get_state_set().contains(careui.Atspi.StateType.SENSITIVE), other
                assert "every session attended" in (button.get_description() or ""), button.get_description()
                break

        # The issuer of the certificate, as a new user sets it.
        from test_customers import dialog, no_dialog, type_into
        from test_schedule import wait_for_text_in
        careui.press("ctrl+comma")
        prefs = dialog(app, "Preferences")
        wait_for_text_in(prefs, "Set the company name")
        type_into(prefs, "Company Name", COMPANY)
        wait_for_text_in(prefs, "Printed on visit reports and certificates")
        careui.press("Escape")
        no_dialog(app, "Preferences")

        button = certificate_button(w, name)
        assert button.get_state_set().contains(careui.Atspi.StateType.SENSITIVE), name
        assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)
        careui.activate(button)

        # GTK's own file chooser (no portal here): a full path in the name field.
        careui.wait_for(lambda: next((c for c in careui.children(app.root) if careui.name(c) == "Save Certificate"),
                                     None), "the file chooser")
        time.sleep(1)
        target = os.path.join(data, "certificate.pdf")
        careui.press("ctrl+a")
        careui.type_keys(target)
        careui.press("Return")
        careui.wait_for(lambda: os.path.exists(target) and os.path.getsize(target) > 0, "the PDF", timeout=20)
        app.wait_for_toast("Certificate saved as certificate.pdf")
        text = subprocess.run(["pdftotext", target, "-"], check=True, capture_output=True, text=True).stdout
        flat = " ".join(text.split())
        assert name in flat, (name, flat)
        assert " ".join(session["title"].split()) in flat, (session["title"], flat)
        # Who issues it and who trained: the company set in Preferences, the trainer.
        assert f"Issued by {COMPANY} on" in flat, flat
        if session["trainer"]:
            assert "Trainer: " in flat and session["trainer"] in flat, (session["trainer"], flat)
    finally:
        app.stop()


def test_technician_sees_own_appointments():
    """Signed in as a technician (a login the server links to a staff
    record), the page lists only their appointments of the day."""
    from test_customers import dialog, no_dialog, texts, type_into
    from test_sync import SERVER, Server, free_port, open_page, press_button, type_secret, wait_state

    tmp = tempfile.mkdtemp(prefix="aftercare-ui-")
    server_db = os.path.join(tmp, "server.db")
    users = subprocess.run([SERVER, "--db", server_db, "demo", "--customers", "60"], check=True,
                           capture_output=True, text=True).stdout
    password = next(line.split("\t")[2] for line in users.splitlines() if line.startswith("demo-technician\t"))
    with sqlite3.connect(f"file:{server_db}?mode=ro", uri=True) as con:
        staff_id = con.execute("SELECT staff_id FROM users WHERE username = 'demo-technician'").fetchone()[0]
    assert staff_id, users
    port = free_port()
    server = Server(server_db, port)
    try:
        with careui.App() as app:
            w = app.window
            careui.wait_for_text(w, "Welcome to Aftercare")
            careui.press("ctrl+comma")
            prefs = dialog(app, "Preferences")
            open_page(prefs, "Server")
            type_into(prefs, "Server Address", f"http://127.0.0.1:{port}")
            type_into(prefs, "User Name", "demo-technician")
            type_secret(prefs, "Password", password)
            press_button(prefs, "Sign In")
            careui.wait_for(lambda: "demo-technician at" in texts(prefs), "the signed-in account", timeout=30)
            careui.press("Escape")
            no_dialog(app, "Preferences")
            wait_state(app, "Synced", timeout=120)

            careui.wait_for_text(w, "My Appointments Today", timeout=30)
            careui.wait_for_no_text(w, "sign in as a technician to see only yours")
            midnight = local_midnight(careui.now_utc())
            with sqlite3.connect(f"file:{os.path.join(app.data_dir, 'aftercare.db')}?mode=ro", uri=True) as con:
                mine = con.execute("SELECT count(*) FROM appointment WHERE sync_state != 3 AND status != 'cancelled' "
                                   "AND technician_id = ? AND start_at >= ? AND start_at < ?",
                                   (staff_id, iso(midnight), iso(next_midnight(midnight)))).fetchone()[0]
            careui.wait_for(lambda: group_count(w, "My Appointments Today") == mine,
                            f"my appointments to count {mine} (shows {group_count(w, 'My Appointments Today')})")
    finally:
        server.stop()


if __name__ == "__main__":
    careui.main([test_today_matches_the_store, test_reminders_reach_the_notification_server_once,
                 test_certificate_for_a_completed_course, test_technician_sees_own_appointments])
