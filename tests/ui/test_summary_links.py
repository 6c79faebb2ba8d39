"""Every summary is a link to exactly what it summarises: a count on the
Today page opens a list with that many rows, "N more" opens a list where
the rest are; on a customer's page, product, case, appointment, training
and timeline rows open what they show, and show that they do."""

import datetime
import os
import sqlite3
import tempfile
import uuid

# A fixed instant unless the suite gives one (the New Year in Sofia run).
os.environ.setdefault("AFTERCARE_NOW", "2026-12-03T10:30:00Z")

import careui  # noqa: E402
from test_customers import count_label, dialog, no_dialog, open_customers, search  # noqa: E402
from test_dashboard import click_row, expected, group_node, row_count, start_demo  # noqa: E402

SHOTS = os.environ.get("MESON_BUILD_ROOT", tempfile.gettempdir())
AGES = ("Opened less than a day ago", "Open for 1 to 7 days", "Open for 8 to 30 days",
        "Open for more than 30 days")


def cases_label(n):
    return f"{n:,} case" if n == 1 else f"{n:,} cases"


def rows_of(w, title):
    group = group_node(w, title)
    return careui.find_all(group, role_name="list item", showing_only=False)


def has_chevron(row):
    """A row that opens something shows it: a "go next" arrow at its end."""
    return any(careui.role(n) == "image" for n in careui.walk(row, showing_only=False))


def show_all_buttons(w):
    return [n for n in careui.find_all(w, role_name="push button") if careui.name(n).startswith("Show All")]


def show_all_button(w):
    return careui.wait_for(lambda: (show_all_buttons(w) or [None])[0], "the Show All button")


def query(db_path, sql, args=()):
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        return db.execute(sql, args).fetchall()


def check_case_ages(app, want):
    """Each age row opens the open cases of that age: as many as it says."""
    w = app.window
    open_total = sum(want["ages"])
    for title, n in zip(AGES, want["ages"]):
        if n == 0:
            continue
        careui.show_view(app, "Today", "Appointments Today")
        careui.wait_for(lambda: row_count(w, title) == n, f"{title} to count {n}")
        row = careui.find_all(w, role_name="list item", name_is=title, showing_only=False)[0]
        assert has_chevron(row), f"the row {title!r} shows no arrow"
        click_row(app, row)
        careui.wait_for_no_text(w, "Appointments Today")
        # The list says what it is narrowed to, and counts what the row counted.
        careui.wait_for_text(w, cases_label(n))
        careui.find(w, role_name="label", name_is=title)
        if title == "Open for 8 to 30 days":
            careui.screenshot(os.path.join(SHOTS, "summary-links-cases.png"), app.proc.pid)
        # Show All gives the whole list back.
        careui.activate(show_all_button(w))
        careui.wait_for_text(w, cases_label(open_total))


def add_overdue_calls(db_path, n):
    """@n more overdue follow-up calls, to customers who have none, so the
    Today page lists eight and links to the rest."""
    now = careui.now_utc()
    with sqlite3.connect(db_path) as db:
        cols = [r[1] for r in db.execute("PRAGMA table_info(appointment)") if r[1] not in ("seq", "id")]
        template = db.execute("SELECT id FROM appointment WHERE kind = 'follow_up_call' LIMIT 1").fetchone()[0]
        customers = [r[0] for r in db.execute(
            "SELECT id FROM customer WHERE id NOT IN (SELECT customer_id FROM appointment "
            "WHERE kind = 'follow_up_call') ORDER BY seq LIMIT ?", (n,))]
        for i, customer in enumerate(customers):
            start = now - datetime.timedelta(days=3, hours=i)
            values = {"customer_id": customer, "status": "planned", "start_at": careui.iso(start),
                      "end_at": careui.iso(start + datetime.timedelta(minutes=15)), "follow_up_of": None}
            select = ", ".join("?" if c in values else c for c in cols)
            args = [values[c] for c in cols if c in values]
            db.execute(f"INSERT INTO appointment (id, {', '.join(cols)}) SELECT ?, {select} FROM appointment "
                       "WHERE id = ?", [str(uuid.uuid4()), *args, template])


def check_overdue_calls(app, want, db_path):
    """"N more" overdue calls opens a list where those calls are."""
    w = app.window
    n = want["follow_ups"]
    assert n > 8, f"only {n} overdue follow-up calls"
    careui.show_view(app, "Today", "Overdue Follow-up Calls")
    rows = rows_of(w, "Overdue Follow-up Calls")
    more = rows[-1]
    assert careui.name(more) == f"{n - 8} more", careui.name(more)
    assert has_chevron(more)
    # The first call the Today page leaves out.
    ninth = query(db_path, "SELECT c.name FROM appointment a JOIN customer c ON c.id = a.customer_id "
                           "WHERE a.sync_state != 3 AND a.kind = 'follow_up_call' AND a.status = 'planned' "
                           "AND a.start_at < ?1 AND a.end_at <= ?1 ORDER BY a.start_at, a.seq LIMIT 1 OFFSET 8",
                  (careui.iso(careui.now_utc()),))[0][0]
    click_row(app, more)
    careui.wait_for_no_text(w, "Calls to customers after a repair or a delivery, past their time")
    careui.wait_for(lambda: careui.find_all(w, role_name="label", name_is="Overdue Follow-up Calls"),
                    "the agenda narrowed to the overdue calls")
    careui.wait_for(lambda: careui.find_all(w, role_name="label", name_is=f"Follow-up call · {ninth}"),
                    f"the overdue call to {ninth} in the list")
    careui.screenshot(os.path.join(SHOTS, "summary-links-calls.png"), app.proc.pid)
    # Today goes back to the agenda of the day.
    careui.press("alt+Home")
    careui.wait_for_text(w, careui.day_heading(careui.today()))
    careui.wait_for(lambda: not show_all_buttons(w), "the narrowing to end")


def test_today_counts_open_their_lists():
    data = tempfile.mkdtemp(prefix="aftercare-ui-")
    db_path = os.path.join(data, "demo.db")
    app = start_demo(data)
    try:
        want = expected(db_path)
        check_case_ages(app, want)
    finally:
        app.stop()

    add_overdue_calls(db_path, 6)
    app = careui.App("--demo", "--demo-size", "300", data_dir=data).start()
    try:
        careui.wait_for_text(app.window, "Overdue Follow-up Calls", timeout=60)
        check_overdue_calls(app, expected(db_path), db_path)
    finally:
        app.stop()


def linked_customer(db_path):
    """A customer with a product, an open case, an appointment and a call."""
    return query(db_path, """
        SELECT c.id, c.name FROM customer c WHERE c.sync_state != 3
          AND EXISTS (SELECT 1 FROM product p WHERE p.customer_id = c.id)
          AND EXISTS (SELECT 1 FROM service_case s WHERE s.customer_id = c.id
                      AND s.status IN ('open', 'in_progress', 'waiting'))
          AND EXISTS (SELECT 1 FROM appointment a WHERE a.customer_id = c.id)
          AND EXISTS (SELECT 1 FROM call_log l WHERE l.customer_id = c.id)
        ORDER BY c.seq LIMIT 1""")[0]


def open_customer(app, cid):
    """Opens the customer as a link from elsewhere does."""
    name = query(os.path.join(app.data_dir, "demo.db"), "SELECT name FROM customer WHERE id = ?", (cid,))[0][0]
    open_customers(app)
    search(app, name)
    careui.wait_for(lambda: count_label(app.window) not in (None, "300 customers"), "the search to narrow the list",
                    timeout=60)
    careui.press("Return")
    careui.wait_for(lambda: careui.find_all(app.window, role_name="label", name_is=name), "the customer page",
                    timeout=60)


def detail_row(w, title):
    def found():
        for n in careui.find_all(w, role_name="list item", name_is=title, showing_only=False):
            if has_chevron(n):
                return n
        return None
    return careui.wait_for(found, f"a row {title!r} with an arrow")


def test_customer_rows_open_what_they_show():
    data = tempfile.mkdtemp(prefix="aftercare-ui-")
    app = start_demo(data)
    db_path = os.path.join(data, "demo.db")
    try:
        w = app.window
        cid, name = linked_customer(db_path)
        product = query(db_path, "SELECT name, serial FROM product WHERE customer_id = ? ORDER BY seq LIMIT 1",
                        (cid,))[0]
        case = query(db_path, "SELECT subject FROM service_case WHERE customer_id = ? "
                              "AND status IN ('open', 'in_progress', 'waiting') ORDER BY opened_at DESC LIMIT 1",
                     (cid,))[0][0]
        call = query(db_path, "SELECT subject FROM call_log WHERE customer_id = ? ORDER BY called_at DESC LIMIT 1",
                     (cid,))[0][0]

        open_customer(app, cid)
        # The language by its name, not its code.
        code = query(db_path, "SELECT language FROM customer WHERE id = ?", (cid,))[0][0]
        languages = {"pt": "Portuguese", "fr": "French", "bg": "Bulgarian", "sl": "Slovenian", "en": "English"}
        if code in languages:
            careui.wait_for(lambda: careui.find_all(w, role_name="label", name_is=languages[code],
                                                    showing_only=False), f"the language {languages[code]}")
        # The product opens in its editor, with its serial.
        row = detail_row(w, product[0])
        click_row(app, row)
        editor = dialog(app, f"Product: {product[0]}")
        careui.wait_for(lambda: any(careui.text_of(n) == product[1] for n in careui.walk(editor)),
                        "the product's serial in its editor")
        careui.screenshot(os.path.join(SHOTS, "summary-links-product.png"), app.proc.pid)
        careui.press("Escape")
        no_dialog(app, f"Product: {product[0]}")

        # The open case opens in the Service Cases view.
        click_row(app, detail_row(w, case))
        careui.wait_for(lambda: careui.find_all(w, role_name="label", name_is="Service Cases"),
                        "the Service Cases view")
        careui.wait_for_text(w, case)

        # The call in the timeline opens in its editor.
        open_customer(app, cid)
        click_row(app, detail_row(w, call))
        dialog(app, f"Call: {call}")
        careui.press("Escape")
        no_dialog(app, f"Call: {call}")
    finally:
        app.stop()


if __name__ == "__main__":
    careui.main([test_today_counts_open_their_lists, test_customer_rows_open_what_they_show])
