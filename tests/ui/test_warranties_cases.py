"""Warranties and service cases: "is this covered?", the expiring filter,
a warranty claim opened from a warranty and a case through its workflow.

Runs the real binary on demo data; the expected answers come from the demo
store itself, opened read-only with sqlite3."""

import datetime
import os
import sqlite3
import time

import careui

TODAY = careui.today()
SOON = TODAY + datetime.timedelta(days=30)


def fmt(iso):
    """A date as the app shows it: strftime's %x in the test's C locale."""
    return datetime.date.fromisoformat(iso).strftime("%x")


def demo_db(app):
    path = os.path.join(app.data_dir, "demo.db")
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


_app = None


def demo_app():
    """One app on demo data for every test here: each start and each walk
    of the accessibility tree costs seconds, and the tests build on
    different records. The demo store is filled in the background, in one
    transaction: all 200 customers are there once it is done."""
    global _app
    if _app is None:
        _app = careui.App("--demo", "--demo-size", "200").start()
        careui.wait_for_text(_app.window, "Service Levels at Risk", timeout=60)

        def loaded():
            db = demo_db(_app)
            try:
                return db.execute("SELECT count(*) FROM customer").fetchone()[0] == 200
            finally:
                db.close()
        careui.wait_for(loaded, "the 200 demo customers", timeout=60)
    return _app


def covered_serial(db):
    """A product covered today, and the last day of its longest cover."""
    t = TODAY.isoformat()
    return db.execute(
        "SELECT p.serial, MAX(w.end_date) FROM product p JOIN warranty w ON w.product_id = p.id "
        "WHERE w.sync_state != 3 AND w.start_date <= ? AND w.end_date >= ? "
        "GROUP BY p.id ORDER BY p.seq LIMIT 1", (t, t)).fetchone()


def expired_serial(db):
    """A product whose every warranty has ended, and the last one's end."""
    t = TODAY.isoformat()
    return db.execute(
        "SELECT p.serial, MAX(w.end_date) AS last FROM product p JOIN warranty w ON w.product_id = p.id "
        "WHERE w.sync_state != 3 GROUP BY p.id HAVING last < ? AND MIN(w.start_date) <= ? "
        "ORDER BY p.seq LIMIT 1", (t, t)).fetchone()


def view_node(app, type_name):
    """The accessible node of a view (GTK names it after its type): walking
    only the view skips the hidden pages GTK 4.8 still reports as shown."""
    def found():
        for n in careui.walk(app.window, showing_only=False, max_depth=12):
            if careui.name(n) == type_name:
                return n
        return None
    return careui.wait_for(found, f"the {type_name} view")


def button_labelled(root, text, timeout=careui.DEFAULT_TIMEOUT):
    """The shown button whose label reads @text. GTK 4.8 hit-tests a button
    to the label inside it, so look for the label and go up to its button."""
    def found():
        for label in careui.find_all(root, role_name="label", name_is=text):
            node = label
            for _ in range(4):
                node = node.get_parent()
                if node is None:
                    break
                if careui.role(node) in ("push button", "toggle button"):
                    return node
        return None
    return careui.wait_for(found, f"a button labelled {text!r}", timeout)


def click(root, text, timeout=careui.DEFAULT_TIMEOUT):
    careui.activate(button_labelled(root, text, timeout))


def lookup(app, serial):
    """Ctrl+F goes to the serial number field and selects what it holds."""
    careui.press("ctrl+f")
    careui.type_keys(serial)
    careui.press("Return")


def expect(root, *texts, timeout=careui.DEFAULT_TIMEOUT):
    """Waits until the window shows every one of @texts. One walk of the
    tree answers for all of them: each walk costs a second or two."""
    def shown():
        have = careui.shown_texts(root)
        return all(any(t.lower() in h.lower() for h in have) for t in texts)
    try:
        careui.wait_for(shown, f"the texts {texts!r}", timeout)
    except careui.UIError:
        have = careui.shown_texts(root)
        missing = [t for t in texts if not any(t.lower() in h.lower() for h in have)]
        raise careui.UIError(f"the window never showed {missing!r}; it shows: {have[:80]}")


def assert_all_named(node, where):
    bad = careui.unnamed_controls(node)
    assert bad == [], f"unnamed controls on {where}: {bad}"


def window_with(app, text, timeout=careui.DEFAULT_TIMEOUT):
    """The dialog of the app that shows @text. GTK 4.8 gives a transient
    window no frame role, so hit-testing cannot tell what it shows: a
    dialog is on top of the main window, look at everything in it."""
    def found():
        for c in careui.children(app.root):
            if c != app.window and careui.find_all(c, name_contains=text, showing_only=False):
                return c
        return None
    return careui.wait_for(found, f"a window showing {text!r}", timeout)


def click_in_dialog(dialog, text):
    # A message dialog lays its responses out twice (side by side and
    # stacked) and shows one of the two: take the visible one.
    buttons = [n for n in careui.walk(dialog)
               if careui.role(n) == "push button" and careui.text_of(n).split(" ")[-1] == text]
    assert len(buttons) == 1, f"{len(buttons)} buttons named {text!r} in the dialog"
    careui.activate(buttons[0])


def gone(app, dialog):
    return careui.wait_for(lambda: dialog not in careui.children(app.root), "the dialog to close")


def test_is_this_covered():
    app = demo_app()
    db = demo_db(app)
    careui.show_view(app, "Warranties", "No Warranty Selected")
    w = app.window
    v = view_node(app, "CareWarrantiesView")

    serial, end = covered_serial(db)
    lookup(app, serial)
    expect(v, f"Covered until {fmt(end)}", "Covers ", serial)
    assert_all_named(w, "the Warranties view with a covered answer")

    # Typed in lower case, a serial is still found.
    serial, end = expired_serial(db)
    lookup(app, serial.lower())
    expect(v, f"Expired on {fmt(end)}", "Last warranty:", serial)
    assert not any("Covered until" in t for t in careui.shown_texts(v))

    lookup(app, "NO-SUCH-SERIAL-42")
    expect(v, "Unknown serial number", "NO-SUCH-SERIAL-42")
    assert not careui.find_all(v, role_name="label", name_is="Show Warranty"), "an unknown serial offers a warranty"
    assert_all_named(w, "the Warranties view with an unknown serial")


def test_expiring_filter():
    app = demo_app()
    db = demo_db(app)
    careui.show_view(app, "Warranties", "No Warranty Selected")
    w = app.window
    v = view_node(app, "CareWarrantiesView")
    t, soon = TODAY.isoformat(), SOON.isoformat()
    where = "w.sync_state != 3 AND w.start_date <= ? AND w.end_date >= ? AND w.end_date < ?"
    n = db.execute(f"SELECT COUNT(*) FROM warranty w WHERE {where}", (t, t, soon)).fetchone()[0]
    first = db.execute(f"SELECT p.serial FROM warranty w JOIN product p ON p.id = w.product_id "
                       f"WHERE {where} ORDER BY w.end_date, w.seq LIMIT 1", (t, t, soon)).fetchone()
    assert n > 0, "the demo data has no warranty expiring within 30 days"

    click(v, "Expiring")
    expect(v, f"{n} warranties" if n != 1 else "1 warranty", first[0], "Expiring soon")
    # Each row says how the warranty stands; here all expire soon.
    rows = [t for t in careui.shown_texts(v) if " · ends " in t and t.count(", ") >= 3]
    assert rows, "no warranty rows shown"
    assert all(r.endswith(", Expiring soon") for r in rows), rows

    click(v, "Expired")
    n_expired = db.execute("SELECT COUNT(*) FROM warranty WHERE sync_state != 3 AND end_date < ?",
                           (t,)).fetchone()[0]
    expect(v, f"{n_expired} warranties")
    assert_all_named(w, "the expiring filter")


def test_claim_and_workflow():
    app = demo_app()
    db = demo_db(app)
    careui.show_view(app, "Warranties", "No Warranty Selected")
    w = app.window
    v = view_node(app, "CareWarrantiesView")

    serial, end = covered_serial(db)
    expected_status = "Expiring soon" if end < SOON.isoformat() else "Active"
    lookup(app, serial)
    click(v, "Show Warranty")
    click(v, "Open a Claim…")

    dialog = window_with(app, "New Warranty Claim")
    assert_all_named(dialog, "the claim editor")
    subject = f"Drum noise {int(time.time())}"
    careui.type_keys(subject)
    careui.press("ctrl+s")

    # The claim opens in the Service cases view with the recorded status.
    v = view_node(app, "CareCasesView")
    expect(v, "Warranty at opening", subject, expected_status)
    assert_all_named(w, "the new claim")
    row = db.execute("SELECT kind, status, warranty_status, p.serial FROM service_case c "
                     "JOIN product p ON p.id = c.product_id WHERE subject = ?", (subject,)).fetchone()
    assert row == ("warranty_claim", "open",
                   "expiring" if expected_status == "Expiring soon" else "active", serial), row

    # Ctrl+F searches case subjects in SQL: only the new claim matches.
    careui.press("ctrl+f")
    careui.type_keys(subject)
    careui.wait_for(lambda: "1 case" in careui.shown_texts(v), "one matching case")
    careui.press("Escape")
    careui.wait_for(lambda: "1 case" not in careui.shown_texts(v), "the search to end")

    # Only the valid next step is offered.
    assert not careui.find_all(v, role_name="label", name_is="Close Case")
    click(v, "Start Work")
    button_labelled(v, "Wait for Reply")
    expect(v, "In progress")

    # Resolving without saying how is refused: the dialog asks again, saying why.
    click(v, "Resolve…")
    dialog = window_with(app, "Resolve Case?")
    assert_all_named(dialog, "the resolve dialog")
    click_in_dialog(dialog, "Resolve")
    dialog = window_with(app, "Describe the resolution to resolve the case")
    status = db.execute("SELECT status, resolution FROM service_case WHERE subject = ?", (subject,)).fetchone()
    assert status == ("in_progress", None), status

    careui.type_keys("Replaced the drum bearing")
    click_in_dialog(dialog, "Resolve")
    expect(v, "Resolved")
    button_labelled(v, "Reopen")
    careui.wait_for(lambda: db.execute("SELECT resolution FROM service_case WHERE subject = ?",
                                       (subject,)).fetchone()[0] == "Replaced the drum bearing",
                    "the resolution to be stored")

    click(v, "Close Case")
    expect(v, "Closed")
    careui.wait_for(lambda: not careui.find_all(v, role_name="label", name_is="Reopen"), "no steps after closing")
    status = db.execute("SELECT status, resolution, warranty_status FROM service_case WHERE subject = ?",
                        (subject,)).fetchone()
    assert status[:2] == ("closed", "Replaced the drum bearing"), status
    assert_all_named(w, "a closed case")

    # Ctrl+N opens an empty case in the editor; Escape leaves it unsaved.
    careui.press("ctrl+n")
    dialog = window_with(app, "New Service Case")
    assert_all_named(dialog, "the new case editor")
    careui.press("Escape")
    gone(app, dialog)


if __name__ == "__main__":
    try:
        careui.main([test_is_this_covered, test_expiring_filter, test_claim_and_workflow])
    finally:
        if _app is not None:
            _app.stop()
