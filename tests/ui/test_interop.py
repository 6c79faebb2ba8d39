"""Contacts and calendar files through GTK's real file chooser: customers
exported as vCard and CSV (all of them, then a search's matches) and read back
by independent parsers (python3-vobject, csv); a vCard with a malformed card
imported with its counts and reasons shown; junk, empty, oversized and
wrong-format files refused without changing anything; an appointment and a
training session saved as .ics and read by python3-icalendar."""

import csv
import os
import shutil
import sqlite3
import tempfile
import time

import careui

DEMO = ("--demo", "--demo-size", "30")
# GTK's own chooser, not the portal's (there is none in the test session).
# The app says on stderr what each chooser answered and what it chose, which
# the test's log keeps when a step fails.
ENV = {"GTK_USE_PORTAL": "0", "G_MESSAGES_DEBUG": "care-file-job"}

NEW_CONTACTS = """BEGIN:VCARD\r
VERSION:4.0\r
UID:urn:uuid:3f1c2a9e-8d4b-4c61-9a52-0b7e5d1f2a01\r
FN:Zoltan Interop\r
EMAIL:zoltan@interop.example\r
TEL:+36 1 555 0101\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:4.0\r
UID:urn:uuid:3f1c2a9e-8d4b-4c61-9a52-0b7e5d1f2a02\r
FN:Yvette Interop\r
EMAIL:yvette@interop.example\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:4.0\r
UID:urn:uuid:3f1c2a9e-8d4b-4c61-9a52-0b7e5d1f2a03\r
FN:Broken Card\r
this line is not a property\r
END:VCARD\r
"""


def query(app, sql, *params):
    con = sqlite3.connect(os.path.join(app.data_dir, "demo.db"))
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def screenshot(name):
    target = os.environ.get("AFTERCARE_SCREENSHOTS")
    if target:
        time.sleep(1)
        careui.screenshot(os.path.join(target, name))


def node(root, role_name, name_is=None, name_contains=None, timeout=careui.DEFAULT_TIMEOUT):
    """The innermost widget in root whatever a hit test says (a menu button
    and its inner button share their name; dialogs are their own toplevels)."""
    def search():
        found = [n for n in careui.walk(root) if careui.role(n) == role_name
                 and (name_is is None or careui.name(n) == name_is)
                 and (name_contains is None or name_contains in careui.name(n))]
        return found[-1] if found else None
    return careui.wait_for(search, f"{role_name} named {name_is or name_contains!r}", timeout)


def toplevel(app, title, timeout=careui.DEFAULT_TIMEOUT):
    return careui.wait_for(lambda: next((c for c in careui.children(app.root) if careui.name(c) == title
                                         and careui.is_visible(c)), None), f"the window {title!r}", timeout)


def gone(app, title, timeout=careui.DEFAULT_TIMEOUT):
    careui.wait_for(lambda: not any(careui.name(c) == title and careui.is_visible(c)
                                    for c in careui.children(app.root)), f"the window {title!r} to close", timeout)


def texts(root):
    return [careui.text_of(n) for n in careui.walk(root)]


def wait_for_text_in(root, text, timeout=careui.DEFAULT_TIMEOUT):
    try:
        return careui.wait_for(lambda: any(text in t for t in texts(root)), f"the text {text!r}", timeout)
    except careui.UIError:
        raise careui.UIError(f"never showed {text!r}; shows: {texts(root)[:80]}")


def focused_entry(root):
    """The text entry that has the keyboard focus in root, if any."""
    for n in careui.walk(root):
        if careui.role(n) == "text":
            try:
                if n.get_state_set().contains(careui.Atspi.StateType.FOCUSED):
                    return n
            except careui.gi.repository.GLib.Error:
                continue
    return None


def choose_file(app, title, path, save=True):
    """Types @path into GTK's chooser: the name entry of a save dialog has
    the focus; an open dialog takes a location after Ctrl+L. Each step waits
    for the state it needs (the entry focused, the path typed in full), so a
    busy machine is slower, not wrong."""
    dialog = toplevel(app, title)
    node(dialog, "filler", name_is="GtkFileChooserWidget")
    if not save:
        careui.press("ctrl+l")
    entry = careui.wait_for(lambda: focused_entry(dialog), f"the entry of {title!r} to take the focus")
    careui.press("ctrl+a")
    careui.type_keys(path)
    careui.wait_for(lambda: careui.text_of(entry).endswith(os.path.basename(path)), f"{path!r} typed into {title!r}")
    # The location entry completes as it is typed: let the text settle
    # before Return, which would otherwise go to a completion. A single
    # Return: a second one could land in the window the first one opens.
    settled = {"text": None, "since": time.monotonic()}

    def stable():
        text = careui.text_of(entry)
        if text != settled["text"]:
            settled.update(text=text, since=time.monotonic())
        return text.endswith(os.path.basename(path)) and time.monotonic() - settled["since"] > 0.5
    careui.wait_for(stable, f"the text of {title!r} to settle")
    careui.press("Return")
    gone(app, title)


def mouse_click(app, n):
    """A real click at the middle of n (list rows have no action to call)."""
    e = careui.Atspi.Component.get_extents(n, careui.Atspi.CoordType.WINDOW)
    run = lambda *args: careui.subprocess.run(["xdotool", *args], check=True, capture_output=True,
                                              text=True).stdout
    wid = run("search", "--onlyvisible", "--pid", str(app.proc.pid), "--name", "^Aftercare$").split()[0]
    geometry = dict(line.strip().split(": ", 1) for line in run("getwindowgeometry", wid).splitlines()[1:])
    x, y = (int(v) for v in geometry["Position"].split(" ")[0].split(","))
    run("mousemove", str(x + e.x + e.width // 2), str(y + e.y + e.height // 2), "click", "1")
    time.sleep(0.3)


def open_first_row(app, list_name):
    """Clicks the first row of a view's list, which shows its details."""
    rows = node(app.window, "list", name_is=list_name)
    row = careui.wait_for(lambda: next((c for c in careui.children(rows) if careui.role(c) == "list item"), None),
                          f"a row in {list_name}")
    mouse_click(app, row)


def see_toast(app, text):
    """Waits until the app has shown a toast (its toast log says so even
    when the window is read late), then closes it as a user would if it is
    still up: a toast added while another is up waits behind it. A toast
    whose time ran out before a busy machine read the window is gone
    already, and that is fine."""
    w = app.window
    app.wait_for_toast(text)

    def closed_or_gone():
        toast = next((n for n in careui.walk(w) if careui.name(n) == "AdwToastWidget"
                      and any(text in careui.text_of(c) for c in careui.walk(n))), None)
        if toast is None:
            return not any(text in t for t in texts(w))
        close = [c for c in careui.children(toast) if careui.role(c) == "push button"][-1]
        careui.activate(close)
        return False
    careui.wait_for(closed_or_gone, f"the toast {text!r} to close")


def contacts_menu(app, item):
    """Opens the customers view's menu and picks @item, as a user would."""
    w = app.window
    careui.activate(node(w, "push button", name_is="Import and Export"))
    careui.activate(node(w, "menu item", name_is=item))


def customer_count(w):
    for t in texts(w):
        if t.endswith(" customers") and t.split(" ")[0].isdigit():
            return int(t.split(" ")[0])
    return None


def open_customers(app):
    w = app.window
    careui.wait_for_text(w, "Service Levels at Risk", timeout=60)
    careui.show_view(app, "Customers", "customers")
    careui.wait_for(lambda: customer_count(w), "the customer count")
    return w


def test_export_customers():
    out = tempfile.mkdtemp(prefix="ac")
    try:
        with careui.App(*DEMO, env=ENV) as app:
            w = open_customers(app)
            assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)
            customers = dict(query(app, "SELECT id, name FROM customer"))
            contacts = query(app, "SELECT count(*) FROM contact WHERE customer_id IN (SELECT id FROM customer)")[0][0]
            known = sorted(customers.values())[0]

            # By keyboard: the menu's button comes right before the search.
            vcf = os.path.join(out, "everyone.vcf")
            careui.press("ctrl+f", "shift+Tab")
            careui.wait_for(lambda: any(careui.name(n) == "Import and Export" for n in careui.walk(w)
                                        if n.get_state_set().contains(careui.Atspi.StateType.FOCUSED)),
                            "the focus on the menu's button")
            careui.press("Return")
            node(w, "menu item", name_is="Export Contacts…")
            careui.press("Down", "Return")
            choose_file(app, "Export Contacts", vcf)
            see_toast(app, f"{len(customers)} customers exported to “everyone.vcf”")

            import vobject
            with open(vcf, encoding="utf-8") as f:
                cards = list(vobject.readComponents(f.read()))
            uids = {c.uid.value.removeprefix("urn:uuid:") for c in cards}
            assert set(customers) <= uids, set(customers) - uids
            assert len(cards) == len(customers) + contacts, (len(cards), len(customers), contacts)
            assert known in {c.fn.value for c in cards}, known

            path = os.path.join(out, "everyone.csv")
            contacts_menu(app, "Export Contacts…")
            choose_file(app, "Export Contacts", path)
            see_toast(app, f"{len(customers)} customers exported to “everyone.csv”")
            with open(path, encoding="utf-8", newline="") as f:
                rows = list(csv.DictReader(f))
            assert len(rows) == len(customers), (len(rows), len(customers))
            assert {r["id"] for r in rows} == set(customers)
            assert known in {r["name"] for r in rows}, known

            # With a search, the file holds what the list shows: the matches.
            word = known.split()[0]
            careui.press("ctrl+f")
            careui.type_keys(word)
            matches = careui.wait_for(lambda: next((int(t.split(" ")[0]) for t in texts(w)
                                                    if t.endswith((" match", " matches"))), None), "the matches")
            assert 0 < matches < len(customers), matches
            path = os.path.join(out, "matches.csv")
            contacts_menu(app, "Export Contacts…")
            choose_file(app, "Export Contacts", path)
            noun = "customer" if matches == 1 else "customers"
            see_toast(app, f"{matches} {noun} exported to “matches.csv”")
            with open(path, encoding="utf-8", newline="") as f:
                rows = list(csv.DictReader(f))
            assert len(rows) == matches and known in {r["name"] for r in rows}, (rows, known)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def test_import_contacts_and_junk():
    out = tempfile.mkdtemp(prefix="ac")
    try:
        good = os.path.join(out, "new-contacts.vcf")
        with open(good, "w", encoding="utf-8", newline="") as f:
            f.write(NEW_CONTACTS)
        junk = os.path.join(out, "junk.vcf")
        with open(junk, "wb") as f:
            f.write(bytes(range(256)) * 64)
        empty = os.path.join(out, "empty.csv")
        open(empty, "wb").close()
        huge = os.path.join(out, "huge.vcf")
        with open(huge, "wb") as f:
            f.truncate(21 * 1024 * 1024)
        table = os.path.join(out, "table.vcf")
        with open(table, "w", encoding="utf-8") as f:
            f.write("name,email\nAda Table,ada@table.example\n")

        with careui.App(*DEMO, env=ENV) as app:
            w = open_customers(app)
            before = customer_count(w)

            contacts_menu(app, "Import Contacts…")
            choose_file(app, "Import Contacts", good, save=False)
            app.wait_for_toast("new-contacts.vcf: 2 records imported, 1 skipped")
            wait_for_text_in(w, "new-contacts.vcf: 2 records imported, 1 skipped")
            screenshot("import-toast.png")
            careui.wait_for(lambda: customer_count(w) == before + 2, "two more customers in the list")
            # The toast's button lists what was skipped and why.
            careui.activate(node(w, "push button", name_contains="Details"))
            details = toplevel(app, "Imported “new-contacts.vcf”")
            wait_for_text_in(details, "Line 14: a line of the vCard is not a valid property")
            screenshot("import-details.png")
            careui.activate(node(details, "push button", name_contains="Close"))
            gone(app, "Imported “new-contacts.vcf”")
            # Read the window afresh: its accessible can go stale while a
            # dialog of the app comes and goes.
            w = app.window
            careui.press("ctrl+f")
            careui.type_keys("Zoltan")
            careui.wait_for_text(w, "1 match")
            careui.wait_for_text(w, "zoltan@interop.example")
            careui.press("ctrl+a", "BackSpace")
            careui.wait_for(lambda: customer_count(w) == before + 2, "the whole list again")
            names = [r[0] for r in query(app, "SELECT name FROM customer WHERE name LIKE '% Interop'"
                                              " OR name = 'Broken Card' ORDER BY name")]
            assert names == ["Yvette Interop", "Zoltan Interop"], names


            count = query(app, "SELECT count(*) FROM customer")[0][0]
            contacts_menu(app, "Import Contacts…")
            choose_file(app, "Import Contacts", junk, save=False)
            error = toplevel(app, "Could Not Import “junk.vcf”")
            wait_for_text_in(error, "The file contains binary data")
            screenshot("import-error.png")
            careui.activate(node(error, "push button", name_contains="Close"))
            gone(app, "Could Not Import “junk.vcf”")
            # An empty CSV goes to the CSV reader, which says so.
            contacts_menu(app, "Import Contacts…")
            choose_file(app, "Import Contacts", empty, save=False)
            error = toplevel(app, "Could Not Import “empty.csv”")
            wait_for_text_in(error, "The file is empty")
            careui.activate(node(error, "push button", name_contains="Close"))
            gone(app, "Could Not Import “empty.csv”")
            # Too large (checked before reading) and the wrong format.
            contacts_menu(app, "Import Contacts…")
            choose_file(app, "Import Contacts", huge, save=False)
            error = toplevel(app, "Could Not Import “huge.vcf”")
            wait_for_text_in(error, "The file is larger than 20 MiB")
            careui.activate(node(error, "push button", name_contains="Close"))
            gone(app, "Could Not Import “huge.vcf”")
            contacts_menu(app, "Import Contacts…")
            choose_file(app, "Import Contacts", table, save=False)
            error = toplevel(app, "Could Not Import “table.vcf”")
            wait_for_text_in(error, "The file contains no vCard")
            careui.activate(node(error, "push button", name_contains="Close"))
            gone(app, "Could Not Import “table.vcf”")
            assert query(app, "SELECT count(*) FROM customer")[0][0] == count

            # The same file again updates rather than duplicates, and says so.
            contacts_menu(app, "Import Contacts…")
            choose_file(app, "Import Contacts", good, save=False)
            see_toast(app, "new-contacts.vcf: 2 records imported, 1 skipped (2 already up to date)")
            assert query(app, "SELECT count(*) FROM customer")[0][0] == count
            careui.wait_for(lambda: customer_count(w) == before + 2, "the list to count two more customers")
    finally:
        shutil.rmtree(out, ignore_errors=True)


def read_ics(path):
    import icalendar
    with open(path, "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    assert len(events) == 1, events
    return events[0]


def utc(iso):
    return time.strftime("%Y%m%dT%H%M%SZ", time.strptime(iso, "%Y-%m-%dT%H:%M:%SZ"))


def test_export_calendar():
    out = tempfile.mkdtemp(prefix="ac")
    try:
        with careui.App(*DEMO, env=ENV) as app:
            w = app.window
            careui.wait_for_text(w, "Service Levels at Risk", timeout=60)

            careui.show_view(app, "Appointments", "All technicians")
            careui.activate(node(w, "push button", name_contains="Week"))
            # The demo books from today on, not every week: go to the first booked one.
            for _ in range(8):
                if careui.find_all(w, role_name="list", name_is="Appointments"):
                    break
                careui.activate(node(w, "push button", name_is="Next"))
                time.sleep(0.5)
            open_first_row(app, "Appointments")
            button = node(w, "push button", name_contains="Export to Calendar")
            path = os.path.join(out, "visit.ics")
            careui.activate(button)
            choose_file(app, "Export to Calendar", path)
            see_toast(app, "Saved the event as “visit.ics”")
            event = read_ics(path)
            uid = str(event["UID"])
            row = query(app, "SELECT id, start_at FROM appointment WHERE ? LIKE '%' || id || '%'", uid)
            assert len(row) == 1, (uid, row)
            assert event.decoded("DTSTART").strftime("%Y%m%dT%H%M%SZ") == utc(row[0][1]), (event["DTSTART"], row)
            assert str(event["SUMMARY"]), event

            careui.show_view(app, "Training", "All courses")
            open_first_row(app, "Training sessions")
            button = node(w, "push button", name_contains="Export to Calendar")
            path = os.path.join(out, "class.ics")
            careui.activate(button)
            choose_file(app, "Export to Calendar", path)
            see_toast(app, "Saved the event as “class.ics”")
            event = read_ics(path)
            uid = str(event["UID"])
            row = query(app, "SELECT s.id, s.start_at, c.title FROM training_session s JOIN training_course c"
                             " ON c.id = s.course_id WHERE ? LIKE '%' || s.id || '%'", uid)
            assert len(row) == 1, (uid, row)
            assert event.decoded("DTSTART").strftime("%Y%m%dT%H%M%SZ") == utc(row[0][1]), (event["DTSTART"], row)
            assert row[0][2] in str(event["SUMMARY"]), (event["SUMMARY"], row)
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    careui.main([test_export_customers, test_import_contacts_and_junk, test_export_calendar])
