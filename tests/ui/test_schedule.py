"""Appointments and training on demo data: booking, clashes, visit outcomes,
the follow-up offer, waitlists, promotions and attendance."""

import calendar
import datetime
import os
import re
import sqlite3
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

import careui  # noqa: E402

DEMO = ("--demo", "--demo-size", "200")


class Db:
    """Reads the demo store; every query sees the latest commit (a cursor
    left open would pin an old snapshot of the WAL)."""

    def __init__(self, app):
        self.path = os.path.join(app.data_dir, "demo.db")

    def execute(self, sql, args=()):
        con = sqlite3.connect(self.path)
        con.row_factory = sqlite3.Row
        try:
            return Rows(con.execute(sql, args).fetchall())
        finally:
            con.close()


class Rows(list):
    def fetchone(self):
        return self[0] if self else None


def db(app):
    return Db(app)


def now_utc():
    return careui.iso(careui.now_utc())


def node(root, role_name, name_is=None, name_contains=None, timeout=careui.DEFAULT_TIMEOUT):
    """A widget in root whatever a hit test says: dialogs are their own
    toplevels, which careui.really_shown cannot place."""
    def search():
        for n in careui.walk(root):
            if careui.role(n) != role_name:
                continue
            nm = careui.name(n)
            if name_is is not None and nm != name_is:
                continue
            if name_contains is not None and name_contains.lower() not in nm.lower():
                continue
            return n
        return None
    return careui.wait_for(search, f"{role_name} named {name_is or name_contains!r}", timeout)


def toggle(root, label):
    """The Day or Week button (whose name repeats its label; "Today" also contains "Day")."""
    return careui.wait_for(lambda: next((n for n in careui.walk(root) if careui.role(n) == "push button"
                                         and careui.name(n).split(" ")[0] == label), None), f"the {label} button")


def texts(root):
    return [careui.text_of(n) for n in careui.walk(root)]


def wait_for_text_in(root, text, timeout=careui.DEFAULT_TIMEOUT):
    try:
        return careui.wait_for(lambda: any(text in t for t in texts(root)), f"the text {text!r}", timeout)
    except careui.UIError:
        raise careui.UIError(f"never showed {text!r}; shows: {texts(root)[:80]}")


def toplevel(app, title, timeout=careui.DEFAULT_TIMEOUT):
    return careui.wait_for(lambda: next((c for c in careui.children(app.root) if careui.name(c) == title), None),
                           f"the window {title!r}", timeout)


def gone(app, title):
    careui.wait_for(lambda: not any(careui.name(c) == title for c in careui.children(app.root)),
                    f"the window {title!r} to close")


def mouse_click(app, n):
    """A real click at the middle of n (list rows have no action to call)."""
    e = Atspi.Component.get_extents(n, Atspi.CoordType.WINDOW)
    run = lambda *args: careui.subprocess.run(["xdotool", *args], check=True, capture_output=True,
                                              text=True).stdout
    wid = run("search", "--onlyvisible", "--pid", str(app.proc.pid), "--name", "^Aftercare$").split()[0]
    geometry = dict(line.strip().split(": ", 1) for line in run("getwindowgeometry", wid).splitlines()[1:])
    x, y = (int(v) for v in geometry["Position"].split(" ")[0].split(","))
    run("mousemove", str(x + e.x + e.width // 2), str(y + e.y + e.height // 2), "click", "1")
    time.sleep(0.3)


def checked(n):
    return n.get_state_set().contains(Atspi.StateType.CHECKED)


def pick(dialog, label, entity, text):
    """Chooses a record in an editor's reference row by typing in its search."""
    careui.activate(node(dialog, "push button", name_is=f"Choose {label}"))
    entry = node(dialog, "entry", name_is=f"Search {entity}")
    careui.wait_for(lambda: entry.get_state_set().contains(Atspi.StateType.FOCUSED), "the search to take focus")
    careui.type_keys(text)
    careui.wait_for(lambda: node(dialog, "label", name_is=text), f"{text!r} among the matches")
    time.sleep(0.3)
    careui.press("Return")
    wait_for_text_in(dialog, text)


def free_weeks_ahead(con, at_least):
    """How many weeks ahead (at least @at_least) the demo has booked nothing
    on today's weekday, in the local day as the agenda counts it."""
    for weeks in range(at_least, at_least + 52):
        day = careui.today() + datetime.timedelta(days=7 * weeks)
        start = datetime.datetime.combine(day, datetime.time()).astimezone()
        end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()).astimezone()
        booked = con.execute("SELECT count(*) FROM appointment WHERE sync_state != 3 AND start_at >= ? AND start_at < ?",
                             (careui.iso(start), careui.iso(end))).fetchone()[0]
        if booked == 0:
            return weeks
    raise AssertionError("the demo books every week for a year")


def agenda_day(days_ahead):
    """The agenda's heading for a day, as the C locale of the tests writes it."""
    return careui.day_heading(careui.today() + datetime.timedelta(days=days_ahead))


def ascii_name(con, sql, *args):
    for row in con.execute(sql, args):
        if row[0].isascii():
            return row[0]
    raise AssertionError(f"no ASCII name for {sql}")


def screenshot(name):
    target = os.environ.get("AFTERCARE_SCREENSHOTS")
    if target:
        time.sleep(1)
        careui.screenshot(os.path.join(target, name))


def appointments_screen(app):
    w = app.window
    careui.wait_for_text(w, "Service Levels at Risk", timeout=60)
    careui.show_view(app, "Appointments", "All technicians")
    return w


def extents(n):
    e = Atspi.Component.get_extents(n, Atspi.CoordType.WINDOW)
    return (e.x, e.y, e.width, e.height)


def row_value(dialog, title):
    """What a form's row shows under its title (the label after it)."""
    seen = False
    for n in careui.walk(dialog):
        if careui.role(n) == "label":
            if seen:
                return careui.text_of(n)
            seen = careui.name(n) == title
    return None


def save_button(dialog):
    """The editor's Save button (its name repeats its label)."""
    return careui.wait_for(lambda: next((n for n in careui.walk(dialog) if careui.role(n) == "push button"
                                         and careui.name(n).split(" ")[0] == "Save"), None), "the Save button")


def window_shot(path, title):
    """A screenshot of one window of the app, found by its title."""
    wid = careui.subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"],
                                capture_output=True, text=True).stdout.split()
    careui.subprocess.run(["import", "-window", wid[0], path], check=True)


def book(app, customer, technician):
    careui.press("ctrl+n")
    dialog = toplevel(app, "New Appointment")
    pick(dialog, "Customer", "Customer", customer)
    pick(dialog, "Technician", "Staff member", technician)
    return dialog


def test_book_clash_and_follow_up():
    with careui.App(*DEMO) as app:
        w = appointments_screen(app)
        assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)
        con = db(app)
        technician = ascii_name(con, "SELECT name FROM staff WHERE role = 'technician' ORDER BY name")
        customers = [r[0] for r in con.execute(
            "SELECT name FROM customer GROUP BY name HAVING count(*) = 1 ORDER BY name") if r[0].isascii()]
        first, second = customers[0], customers[1]

        # Some weeks ahead the demo has booked nothing on this weekday: the
        # empty state says what to do.
        weeks = free_weeks_ahead(con, 3)
        careui.wait_for_text(w, agenda_day(0))
        heading = node(w, "label", name_is=agenda_day(0))
        careui.activate(toggle(w, "Week"))
        careui.wait_for(lambda: careui.text_of(heading) != agenda_day(0), "the week's heading")
        nxt = node(w, "push button", name_is="Next")
        for _ in range(weeks):
            before = careui.text_of(heading)
            careui.activate(nxt)
            careui.wait_for(lambda: careui.text_of(heading) != before, "the next week")
        careui.activate(toggle(w, "Day"))
        shown_day = agenda_day(7 * weeks)
        careui.wait_for_text(w, shown_day)
        careui.wait_for_text(w, "No Appointments")
        careui.wait_for_text(w, "Nothing is booked on this day")

        dialog = book(app, first, technician)
        careui.press("ctrl+s")
        gone(app, "New Appointment")
        careui.wait_for_text(w, f"Delivery · {first}")
        careui.wait_for_text(w, shown_day)
        careui.wait_for_text(w, technician)

        # The same technician at the same time: a warning that names the
        # clashing booking, and the booking still saves. The warning comes
        # under the times, so nothing above it moves (nor a popover open on
        # them): the Start row stays where the pointer left it.
        careui.press("ctrl+n")
        dialog = toplevel(app, "New Appointment")
        pick(dialog, "Customer", "Customer", second)
        # The booking takes the customer's address, for the technician.
        address = con.execute("SELECT address FROM customer WHERE name = ?", (second,)).fetchone()[0]
        if address:
            careui.wait_for(lambda: any(careui.text_of(n) == address for n in careui.walk(dialog)
                                        if careui.role(n) == "text"), f"the address {address!r}")
        start_button = node(dialog, "push button", name_is="Choose Start")
        before = extents(start_button)
        pick(dialog, "Technician", "Staff member", technician)
        wait_for_text_in(dialog, f"{technician} is already booked at this time")
        wait_for_text_in(dialog, first)
        assert extents(start_button) == before, ("the warning moved the Start row", before,
                                                 extents(start_button))
        if os.environ.get("AFTERCARE_SCREENSHOTS"):
            time.sleep(1)
            window_shot(os.path.join(os.environ["AFTERCARE_SCREENSHOTS"], "new-appointment-clash.png"),
                        "New Appointment")

        # A 24-hour clock shows "09:00"; End follows Start by the booking's
        # length; an End before Start is refused in the End row, unsaved.
        start_text, end_text = row_value(dialog, "Start"), row_value(dialog, "End")
        careui.activate(start_button)
        hour = node(app.root, "spin button", name_is="Hour")
        minute = node(app.root, "spin button", name_is="Minute")
        assert careui.text_of(minute) == "00", careui.text_of(minute)
        assert careui.text_of(hour) == "09", careui.text_of(hour)
        Atspi.Value.set_current_value(hour, 11)
        careui.wait_for(lambda: row_value(dialog, "Start") == start_text.replace("09:00", "11:00"),
                        "the start at 11:00")
        careui.wait_for(lambda: row_value(dialog, "End") == end_text.replace("10:00", "12:00"),
                        f"the end to follow to 12:00 (shows {row_value(dialog, 'End')!r})")
        Atspi.Value.set_current_value(hour, 9)
        careui.wait_for(lambda: row_value(dialog, "End") == end_text, "the end back at 10:00")
        careui.activate(start_button)
        careui.activate(node(dialog, "push button", name_is="Choose End"))
        end_hour = careui.wait_for(lambda: ([n for n in careui.walk(app.root) if careui.role(n) == "spin button"
                                             and careui.name(n) == "Hour"] or [None])[-1], "the End's hour")
        Atspi.Value.set_current_value(end_hour, 8)
        careui.wait_for(lambda: "End: must not be before Start" in row_value(dialog, "End"),
                        f"the End row to refuse 08:00 (shows {row_value(dialog, 'End')!r})")
        careui.activate(node(dialog, "push button", name_is="Choose End"))
        # Save with the button: keys would go to the popover the accessibility
        # action has just closed.
        careui.activate(save_button(dialog))
        careui.wait_for(lambda: "End: must not be before Start" in texts(dialog), "the refusal under the form")
        toplevel(app, "New Appointment")  # still open: nothing saved
        assert con.execute("SELECT count(*) FROM appointment a JOIN customer c ON c.id = a.customer_id"
                           " WHERE c.name = ? AND a.start_at > ?", (second, now_utc())).fetchone()[0] == 0
        careui.activate(node(dialog, "push button", name_is="Choose End"))
        Atspi.Value.set_current_value(end_hour, 10)
        careui.wait_for(lambda: row_value(dialog, "End") == end_text, "the end at 10:00 again")
        careui.activate(node(dialog, "push button", name_is="Choose End"))
        careui.activate(save_button(dialog))
        try:
            gone(app, "New Appointment")
        except careui.UIError:
            raise careui.UIError(f"not saved; the form shows {texts(dialog)}")
        careui.wait_for_text(w, f"Delivery · {second}")
        careui.wait_for_text(w, f"Delivery · {first}")
        careui.wait_for_text(w, "Technician double-booked")
        rows = con.execute("SELECT count(*) FROM appointment a JOIN staff s ON s.id = a.technician_id"
                           " WHERE s.name = ? AND a.start_at > ?", (technician, now_utc())).fetchone()[0]
        assert rows >= 2, rows

        # Recording the delivery asks for work notes and books the follow-up call.
        careui.click(w, role_name="push button", name_contains="Mark Done")
        ask = toplevel(app, "Mark as Done?")
        careui.type_keys("Delivered and unpacked")
        careui.activate(node(ask, "push button", name_contains="Mark Done"))
        gone(app, "Mark as Done?")
        app.wait_for_toast("Delivery done. Follow-up call booked for")
        # The toast's button, at once: the toast is gone after a few seconds.
        careui.press_toast_button(w, "Show Call")
        careui.wait_for_text(w, f"Follow-up call · {second}")
        row = con.execute("SELECT a.status, a.work_notes, a.start_at FROM appointment a JOIN customer c"
                          " ON c.id = a.customer_id WHERE c.name = ? AND a.kind = 'delivery' AND a.start_at > ?",
                          (second, now_utc())).fetchone()
        assert (row["status"], row["work_notes"]) == ("done", "Delivered and unpacked"), tuple(row)
        assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)
        screenshot("appointments.png")

        # A visit marked not done by mistake is one click to take back: the
        # follow-up call just shown, say.
        mouse_click(app, node(w, "label", name_is=f"Follow-up call · {second}"))
        careui.wait_for_text(w, f"Follow-up call for {second}")
        careui.click(w, role_name="push button", name_contains="Mark Not Done")
        ask = toplevel(app, "Mark as Not Done?")
        careui.activate(node(ask, "push button", name_contains="Mark Not Done"))
        gone(app, "Mark as Not Done?")
        status = lambda: con.execute("SELECT a.status FROM appointment a JOIN customer c ON c.id = a.customer_id"
                                     " WHERE c.name = ? AND a.kind = 'follow_up_call'", (second,)).fetchone()[0]
        careui.wait_for(lambda: status() == "not_done", "the outcome to be stored")
        app.wait_for_toast("Marked as not done")
        from test_customers import click_button
        click_button(w, "Undo")
        careui.wait_for(lambda: status() == "planned", "the undo to put the visit back to planned")

        call = con.execute("SELECT a.start_at, a.status FROM appointment a JOIN customer c ON c.id = a.customer_id"
                           " WHERE c.name = ? AND a.kind = 'follow_up_call'", (second,)).fetchone()
        assert call is not None and call["status"] == "planned"
        # A week (the default delay) after the day of the visit.
        day = lambda iso: calendar.timegm(time.strptime(iso[:10], "%Y-%m-%d"))
        assert day(call["start_at"]) - day(row["start_at"]) == 7 * 86400, (call["start_at"], row["start_at"])


def open_session(app, w, session):
    """Clicks the session's row, found by its time as the list writes it."""
    start = time.localtime(calendar.timegm(time.strptime(session["start_at"], "%Y-%m-%dT%H:%M:%SZ")))
    end = time.localtime(calendar.timegm(time.strptime(session["end_at"], "%Y-%m-%dT%H:%M:%SZ")))
    when = time.strftime("%x %H:%M", start) + " – " + time.strftime("%H:%M", end)
    mouse_click(app, node(w, "label", name_is=when))
    careui.wait_for_text(w, "Participants")
    careui.wait_for(lambda: node(w, "label", name_is=when), "the session's details")


def test_waitlist_promotion_and_attendance():
    with careui.App(*DEMO) as app:
        w = app.window
        careui.wait_for_text(w, "Service Levels at Risk", timeout=60)
        careui.show_view(app, "Training", "All courses")
        assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)
        con = db(app)
        session = con.execute("SELECT id, seats, start_at, end_at FROM training_session WHERE end_at >= ? ORDER BY start_at LIMIT 1",
                              (now_utc(),)).fetchone()
        enrolled_ids = lambda status: [(r[0], r[1]) for r in con.execute(
            "SELECT k.id, k.name FROM enrolment e JOIN contact k ON k.id = e.contact_id WHERE e.session_id = ?"
            " AND e.status = ? ORDER BY e.enrolled_at, e.seq", (session["id"], status))]
        enrolled = lambda status: [name for _, name in enrolled_ids(status)]
        confirmed = enrolled("confirmed")
        assert len(confirmed) >= session["seats"], ("the demo's first upcoming session should be full",
                                                    len(confirmed), session["seats"])
        waiting = enrolled("waitlisted")
        first_waiting = enrolled_ids("waitlisted")[0]
        newcomer = ascii_name(con, "SELECT name FROM contact WHERE id NOT IN (SELECT contact_id FROM enrolment"
                                   " WHERE session_id = ?) GROUP BY name HAVING count(*) = 1 ORDER BY name",
                              session["id"])

        open_session(app, w, session)
        careui.wait_for_text(w, "waitlisted")
        screenshot("training.png")

        # A full session puts a newcomer on the waitlist.
        careui.activate(node(w, "push button", name_is="Enrol Participant…"))
        entry = node(w, "entry", name_is="Search Contact")
        careui.wait_for(lambda: entry.get_state_set().contains(Atspi.StateType.FOCUSED), "the search to take focus")
        careui.type_keys(newcomer)
        careui.wait_for(lambda: node(w, "label", name_is=newcomer), "the contact among the matches")
        time.sleep(0.3)
        careui.press("Return")
        app.wait_for_toast(f"The session is full: {newcomer} is waitlisted")
        row = node(w, "list item", name_is=newcomer)
        careui.wait_for(lambda: any("Waitlisted" in t for t in texts(row)), "the newcomer's waitlisted status")
        assert enrolled("waitlisted") == waiting + [newcomer], (enrolled("waitlisted"), waiting, newcomer)
        # The sessions list counts the waitlist as the detail does.
        n = len(enrolled("waitlisted"))
        careui.wait_for(lambda: any(re.search(rf", {n} waitlisted$", t) for t in texts(w)),
                        f"the session's row to count {n} waitlisted: {[t for t in texts(w) if 'waitlisted' in t]}")

        # Cancelling a confirmed seat gives it to the oldest on the waitlist.
        leaving_id, leaving = enrolled_ids("confirmed")[0]
        careui.activate(node(w, "push button", name_is=f"Cancel the enrolment of {leaving}"))
        ask = careui.wait_for(lambda: next((c for c in careui.children(app.root)
                                            if leaving in careui.name(c)), None), "the confirmation")
        careui.activate(node(ask, "push button", name_contains="Cancel Enrolment"))
        # A toast replaces the last one; the hit test can still meet the old one as it fades.
        app.wait_for_toast(f"{waiting[0]} moved from the waitlist")
        assert first_waiting in enrolled_ids("confirmed"), enrolled_ids("confirmed")
        assert leaving_id not in [i for i, _ in enrolled_ids("confirmed")], enrolled_ids("confirmed")
        assert first_waiting not in enrolled_ids("waitlisted")

        # Attendance is kept: tick, leave, come back.
        everyone = enrolled("confirmed") + enrolled("waitlisted") + enrolled("cancelled")
        # One of the first rows, which the window shows without scrolling.
        attendee = next(n for n in enrolled("confirmed")[:4] if everyone.count(n) == 1)
        box = node(w, "check box", name_contains=f"Attended: {attendee}")
        assert not checked(box)
        # GTK 4.8 gives check buttons no accessible action: a real click.
        mouse_click(app, box)
        careui.wait_for(lambda: checked(box), "the tick")
        careui.wait_for(lambda: con.execute(
            "SELECT e.attended FROM enrolment e JOIN contact k ON k.id = e.contact_id WHERE e.session_id = ?"
            " AND k.name = ?", (session["id"], attendee)).fetchone()[0] == 1, "the attendance to be stored")
        careui.show_view(app, "Appointments", "All technicians")
        careui.show_view(app, "Training", "All courses")
        open_session(app, w, session)
        box = node(w, "check box", name_contains=f"Attended: {attendee}")
        assert checked(box)
        assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)


if __name__ == "__main__":
    careui.main([test_book_clash_and_follow_up, test_waitlist_promotion_and_attendance])
