"""After-sales workflows on demo data: a return with an exchange that
carries the warranty over, a satisfaction survey, the follow-up call booked
when a case is resolved, and a maintenance plan that books its visits; each
form refuses bad input inline and saves nothing then."""

import calendar
import datetime
import os
import sqlite3
import subprocess
import time

import careui
from careui import Atspi
from test_customers import open_customers, search, see, type_into
from test_warranties_cases import (button_labelled, click, covered_serial, expect, lookup, view_node,
                                   window_with, click_in_dialog)

TODAY = careui.today()


def db(app):
    path = os.path.join(app.data_dir, "demo.db")
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def one(app, sql, *args):
    con = db(app)
    try:
        return con.execute(sql, args).fetchone()
    finally:
        con.close()


def fmt(iso):
    return datetime.date.fromisoformat(iso[:10]).strftime("%x")


def button(root, name):
    """A push or toggle button by its accessible name, wherever it is in
    root, scrolled into view or not (its action works either way)."""
    def found():
        for n in careui.walk(root, showing_only=False, max_depth=40):
            if careui.role(n) in ("push button", "toggle button") and (careui.name(n) == name or careui.name(n).startswith(name + " ")) \
                    and careui.is_visible(n):
                return n
        return None
    return careui.wait_for(found, f"the button {name!r}")


def dialog_texts(dialog):
    return [careui.text_of(n) for n in careui.walk(dialog, showing_only=False)]


def dialog_shows(dialog, text):
    careui.wait_for(lambda: any(text in t for t in dialog_texts(dialog)), f"{text!r} in the dialog")


def closed(app, dialog):
    careui.wait_for(lambda: dialog not in careui.children(app.root), "the dialog to close")


def focus_row(dialog, name, role_name):
    """Clicks the widget of a form row (no window manager: windows sit at the origin)."""
    def found():
        for n in careui.walk(dialog):
            if careui.role(n) == role_name and careui.name(n).startswith(name):
                return n
        return None
    n = careui.wait_for(found, f"the {role_name} {name!r}")
    e = Atspi.Component.get_extents(n, Atspi.CoordType.WINDOW)
    subprocess.run(["xdotool", "mousemove", str(e.x + e.width // 2), str(e.y + e.height // 2), "click", "1"],
                   check=True)
    time.sleep(0.3)


def mouse_click(n):
    """A real click at the middle of n (a menu button has no action to call)."""
    e = Atspi.Component.get_extents(n, Atspi.CoordType.WINDOW)
    subprocess.run(["xdotool", "mousemove", str(e.x + e.width // 2), str(e.y + e.height // 2), "click", "1"],
                   check=True)
    time.sleep(0.5)


def pick_past_day(dialog, label):
    """Opens a date row's calendar and goes one month back with its arrow:
    the field takes the day the calendar then shows selected, a month
    before the one it showed (today or later), on any day of the year."""
    def row_value():
        row = next((n for n in careui.walk(dialog, showing_only=False)
                    if careui.role(n) == "list item" and careui.name(n) == label), None)
        return row and " ".join(careui.text_of(n) for n in careui.walk(row, showing_only=False)
                                if careui.role(n) == "label")
    before = row_value()
    # The menu button's inner button: the outer one has no action to call.
    opener = careui.wait_for(lambda: next((n for n in careui.walk(dialog, showing_only=False)
                                           if careui.role(n) == "push button" and careui.name(n) == f"Choose {label}"
                                           and Atspi.Action.get_n_actions(n) > 0), None), f"the button Choose {label}")
    careui.activate(opener)
    calendar = careui.wait_for(lambda: next((n for n in careui.walk(dialog, showing_only=False)
                                             if careui.role(n) == "filler" and careui.name(n) == label
                                             and careui.is_visible(n)), None), f"the {label} calendar")
    # GTK's calendar: previous month, next month, previous year, next year.
    arrows = [n for n in careui.walk(calendar, showing_only=False) if careui.role(n) == "push button"]
    careui.activate(arrows[0])
    careui.wait_for(lambda: row_value() != before, f"{label} to take the day a month back")
    careui.press("Escape")


def single_product_customers(app):
    con = db(app)
    try:
        return con.execute(
            "SELECT p.id, p.serial, p.name, c.name FROM product p JOIN customer c ON c.id = p.customer_id "
            "WHERE (SELECT count(*) FROM product q WHERE q.customer_id = c.id) = 1 ORDER BY p.seq LIMIT 2").fetchall()
    finally:
        con.close()


def open_customer_of(app, serial):
    w = app.window
    search(app, serial)
    careui.wait_for_text(w, "1 match")
    careui.press("Return")
    see(w, serial)


def screenshot(name):
    target = os.environ.get("AFTERCARE_SCREENSHOTS")
    if target:
        time.sleep(1)
        careui.screenshot(os.path.join(target, name))


def add_months(day, n):
    month = day.month - 1 + n
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def test_return_survey_and_follow_up():
    with careui.App("--demo", "--demo-size", "200") as app:
        w = app.window
        careui.wait_for_text(w, "Service Levels at Risk", timeout=60)
        con = db(app)
        serial, end = covered_serial(con)
        con.close()

        # A claim on a covered product, opened from its warranty.
        careui.show_view(app, "Warranties", "No Warranty Selected")
        v = view_node(app, "CareWarrantiesView")
        lookup(app, serial)
        click(v, "Show Warranty")
        click(v, "Open a Claim…")
        window_with(app, "New Warranty Claim")
        subject = f"Dead on arrival {int(time.time())}"
        careui.type_keys(subject)
        careui.press("ctrl+s")
        v = view_node(app, "CareCasesView")
        expect(v, subject, "Returns", "No returns or exchanges.", "Satisfaction", "No answers recorded yet.")
        case_id, customer_id, customer = one(app, "SELECT c.id, c.customer_id, k.name FROM service_case c "
                                             "JOIN customer k ON k.id = c.customer_id WHERE subject = ?", subject)
        assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)

        # An exchange needs the new unit's serial: refused inline, nothing saved.
        careui.activate(button(v, "Return or Exchange"))
        dialog = window_with(app, "Replacement serial number")
        assert careui.unnamed_controls(dialog) == [], careui.unnamed_controls(dialog)
        type_into(dialog, "Reason", "Does not power on")
        focus_row(dialog, "Outcome", "combo box")  # a click opens its list
        time.sleep(0.5)
        careui.press("Down", "Down", "Return")
        screenshot("rma-dialog.png")
        careui.press("ctrl+s")
        dialog_shows(dialog, "Enter the serial number of the replacement unit.")
        screenshot("rma-dialog-error.png")
        assert one(app, "SELECT count(*) FROM rma WHERE case_id = ?", case_id)[0] == 0

        # A serial already registered is refused too, and the return with it.
        type_into(dialog, "Replacement serial number", serial)
        careui.press("ctrl+s")
        dialog_shows(dialog, "is already registered")
        assert one(app, "SELECT count(*) FROM rma WHERE case_id = ?", case_id)[0] == 0

        new_serial = f"RX-{int(time.time())}"
        type_into(dialog, "Replacement serial number", new_serial)
        careui.press("ctrl+s")
        closed(app, dialog)
        expect(v, "Does not power on", f"replacement {new_serial}", "Completed")
        rma = one(app, "SELECT outcome, status, replacement_product_id FROM rma WHERE case_id = ?", case_id)
        assert rma[:2] == ("replace", "completed"), rma
        product = one(app, "SELECT customer_id, serial FROM product WHERE id = ?", rma[2])
        assert product == (customer_id, new_serial), product
        kept = one(app, "SELECT max(end_date), min(start_date) FROM warranty WHERE product_id = ?", rma[2])
        assert kept == (end, TODAY.isoformat()), kept

        # A survey without a score is refused; with one it is listed.
        careui.activate(button(v, "Record Satisfaction"))
        dialog = window_with(app, "Comment")
        assert careui.unnamed_controls(dialog) == [], careui.unnamed_controls(dialog)
        careui.press("ctrl+s")
        dialog_shows(dialog, "Choose a score from 1 to 5.")
        assert one(app, "SELECT count(*) FROM survey WHERE case_id = ?", case_id)[0] == 0
        careui.activate(button(dialog, "4, Satisfied"))
        dialog_shows(dialog, "4 of 5: Satisfied")
        focus_row(dialog, "Comment", "text")
        careui.type_keys("Quick exchange")
        screenshot("survey-dialog.png")
        careui.press("ctrl+s")
        closed(app, dialog)
        expect(v, "4 of 5: Satisfied", "Quick exchange")
        count, average = one(app, "SELECT count(*), avg(score) FROM survey WHERE customer_id = ?", customer_id)
        assert count >= 1

        # Resolving the case books the follow-up call.
        click(v, "Start Work")
        expect(v, "In progress")
        click(v, "Resolve…")
        dialog = window_with(app, "Resolve Case?")
        careui.type_keys("Exchanged the unit")
        click_in_dialog(dialog, "Resolve")
        call_day = (TODAY + datetime.timedelta(days=7)).isoformat()
        app.wait_for_toast(f"Follow-up call booked for {fmt(call_day)}")
        expect(w, "Resolved")
        call = one(app, "SELECT start_at, status FROM appointment WHERE case_id = ? AND kind = 'follow_up_call'",
                   case_id)
        assert call is not None and call[0].startswith(call_day) and call[1] == "planned", call

        # The customer's page: the replacement with the warranty it kept, and satisfaction.
        open_customers(app)
        search(app, new_serial)
        careui.wait_for_text(w, "1 match")
        careui.press("Return")
        careui.wait_for(lambda: careui.find_all(w, role_name="label", name_is=customer), "the customer's page")
        see(w, new_serial)
        expect(w, f"Covered until {fmt(end)}")
        answers = f"Average of {count} answer" + ("s" if count != 1 else "")
        see(w, answers)
        expect(w, f"{average:.1f} of 5", answers)
        assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)


def test_maintenance_plan():
    with careui.App("--demo", "--demo-size", "200") as app:
        w = app.window
        careui.wait_for_text(w, "Service Levels at Risk", timeout=60)
        (product_id, serial, name, _), (late_id, late_serial, late_name, _) = single_product_customers(app)
        open_customers(app)
        open_customer_of(app, serial)

        careui.activate(button(w, f"Maintenance Plan for {name}"))
        dialog = window_with(app, "Number of visits")
        assert careui.unnamed_controls(dialog) == [], careui.unnamed_controls(dialog)
        dialog_shows(dialog, "Visit 4:")

        # No visits at all is refused inline, and nothing is saved.
        type_into(dialog, "Number of visits", "0")
        careui.press("ctrl+s")
        dialog_shows(dialog, "between 1 and 520")
        screenshot("maintenance-plan-error.png")
        plans = lambda: one(app, "SELECT count(*) FROM maintenance_plan WHERE product_id = ?", product_id)[0]
        assert plans() == 0

        # Neither is an end before the first visit.
        type_into(dialog, "Number of visits", "3")
        pick_past_day(dialog, "End")
        careui.press("ctrl+s")
        dialog_shows(dialog, "End: must not be before First visit")
        assert plans() == 0
        careui.activate(button(dialog, "Clear End"))

        # Three monthly visits from the first visit the form proposes.
        careui.wait_for(lambda: not any("Visit 4:" in t for t in dialog_texts(dialog)), "three visits listed")
        dialog_shows(dialog, "Visit 3:")
        screenshot("maintenance-plan-dialog.png")
        careui.press("ctrl+s")
        closed(app, dialog)
        app.wait_for_toast("Plan saved, 3 visits booked")
        start = datetime.date.fromisoformat(
            one(app, "SELECT start_date FROM maintenance_plan WHERE product_id = ?", product_id)[0])
        con = db(app)
        days = [r[0][:10] for r in con.execute(
            "SELECT a.start_at FROM appointment a JOIN maintenance_visit v ON v.appointment_id = a.id "
            "WHERE a.product_id = ? AND a.kind = 'maintenance' ORDER BY a.start_at", (product_id,))]
        con.close()
        assert days == [add_months(start, i).isoformat() for i in range(3)], (start, days)

        # Reopened, the plan lists its booked visits.
        careui.activate(button(w, f"Maintenance Plan for {name}"))
        dialog = window_with(app, "Number of visits")
        dialog_shows(dialog, "Visit 3:")
        dialog_shows(dialog, "Planned")
        careui.press("Escape")
        closed(app, dialog)

        # A plan that started weeks ago: its first visit is overdue, in the
        # plan and on the customer's page.
        open_customer_of(app, late_serial)
        careui.activate(button(w, f"Maintenance Plan for {late_name}"))
        dialog = window_with(app, "Number of visits")
        pick_past_day(dialog, "First visit")
        type_into(dialog, "Number of visits", "2")
        careui.press("ctrl+s")
        closed(app, dialog)
        first = one(app, "SELECT min(start_at) FROM appointment WHERE product_id = ? AND kind = 'maintenance'",
                    late_id)[0]
        assert first < careui.iso(careui.now_utc()), first
        expect(w, "Maintenance overdue")
        careui.activate(button(w, f"Maintenance Plan for {late_name}"))
        dialog = window_with(app, "Number of visits")
        dialog_shows(dialog, "Overdue")
        screenshot("maintenance-plan-overdue.png")
        careui.press("Escape")
        closed(app, dialog)


if __name__ == "__main__":
    careui.main([test_return_survey_and_follow_up, test_maintenance_plan])
