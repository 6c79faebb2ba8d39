"""The customers view: empty states, create with validation, search."""

import os
import re
import sqlite3
import subprocess
import tempfile
import time
import uuid

import careui
from careui import Atspi


def open_customers(app):
    """Alt+2, once the window is up to take the key."""
    careui.wait_for_text(app.window, "Today")

    def shown():
        if count_label(app.window) is not None:
            return True
        careui.press("alt+2")
        return False
    careui.wait_for(shown, "the customers view", interval=1.0)


def count_label(win):
    """The count under the search entry: it is on screen only in this view."""
    for n in careui.find_all(win, role_name="label"):
        if re.fullmatch(r"\d+ (customers?|match(es)?)", careui.name(n)):
            return careui.name(n)
    return None


def click_button(win, label):
    """Clicks the button showing @label. GTK 4.8 answers the hit test with
    the label inside a button, so find what the user reads, then its button."""
    def found():
        for n in careui.find_all(win, role_name="label", name_is=label):
            p = n
            for _ in range(4):
                p = p.get_parent()
                if p is not None and careui.role(p) in ("push button", "toggle button"):
                    return p
        return None
    careui.activate(careui.wait_for(found, f"a button showing {label!r}"))


def dialog(app, title, timeout=careui.DEFAULT_TIMEOUT):
    """A window of the app (editor, preferences) other than the main one."""
    def found():
        for c in careui.children(app.root):
            if careui.name(c) == title and careui.is_visible(c):
                return c
        return None
    return careui.wait_for(found, f"the {title!r} window", timeout)


def no_dialog(app, title):
    careui.wait_for(lambda: not [c for c in careui.children(app.root)
                                 if careui.name(c) == title and careui.is_visible(c)],
                    f"the {title!r} window to close")


def field(win, name, role_name="text"):
    """An entry of an editor by its label; dialogs are not hit-tested."""
    def found():
        for n in careui.walk(win):
            # GTK appends the row title it is labelled by.
            if careui.role(n) == role_name and (careui.name(n) == name or careui.name(n).startswith(name + " ")):
                return n
        return None
    return careui.wait_for(found, f"the field {name!r}")


def type_into(win, name, text):
    node = field(win, name)
    # GTK 4.8 does not implement grab_focus over AT-SPI: click it as a user
    # would. Without a window manager every window sits at the origin.
    e = Atspi.Component.get_extents(node, Atspi.CoordType.WINDOW)
    subprocess.run(["xdotool", "mousemove", str(e.x + e.width // 2), str(e.y + e.height // 2), "click", "1"],
                   check=True)
    time.sleep(0.3)
    careui.type_checked(node, text)


def see(win, text, up=False, scrolls=15):
    """Scrolls the detail page (as a user does, with the wheel) until
    @text is on screen."""
    for _ in range(scrolls):
        if careui.find_all(win, name_contains=text):
            return
        subprocess.run(["xdotool", "mousemove", "850", "450", "click", "--repeat", "4", "4" if up else "5"],
                       check=True)
        time.sleep(0.3)
    careui.wait_for_text(win, text, timeout=2)


def texts(win):
    return " | ".join(careui.shown_texts(win))


def search(app, text):
    careui.press("ctrl+f")
    careui.type_keys(text)


def db_path(app, demo=False):
    return os.path.join(app.data_dir, "demo.db" if demo else "aftercare.db")


def query(app, sql, *params, demo=False):
    with sqlite3.connect(db_path(app, demo)) as db:
        return db.execute(sql, params).fetchall()


def test_empty_store_create_and_validate():
    with careui.App() as app:
        w = app.window
        open_customers(app)
        careui.wait_for_text(w, "No Customers Yet")
        careui.wait_for_text(w, "0 customers")
        assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)

        # The empty state's button does what it says.
        click_button(w, "Add a Customer")
        dlg = dialog(app, "New Customer")
        assert careui.unnamed_controls(dlg) == [], careui.unnamed_controls(dlg)
        type_into(dlg, "Name", "Zoë Lindqvist-Müller")
        type_into(dlg, "Email", "zoe at example")
        type_into(dlg, "Phone", "+49 30 555 0199")
        careui.press("ctrl+s")
        # The wrong field is named; the dialog stays; nothing was stored.
        careui.wait_for(lambda: "not a valid email address" in texts(dlg), "the email error")
        dialog(app, "New Customer")
        assert query(app, "SELECT count(*) FROM customer") == [(0,)]

        type_into(dlg, "Email", "zoe@example.org")
        careui.press("ctrl+s")
        no_dialog(app, "New Customer")
        saved = query(app, "SELECT name, email, phone FROM customer")
        assert saved == \
            [("Zoë Lindqvist-Müller", "zoe@example.org", "+49 30 555 0199")], saved

        # The list and the detail show the new customer.
        careui.wait_for_text(w, "1 customer")
        careui.wait_for_text(w, "zoe@example.org")
        careui.wait_for_text(w, "Log Call")
        assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)

        # Found with the accents typed without them, and by phone digits.
        search(app, "zoe muller")
        careui.wait_for_text(w, "1 match")
        careui.press("ctrl+a", "BackSpace")
        careui.type_keys("305550")
        careui.wait_for_text(w, "1 match")
        careui.press("ctrl+a", "BackSpace")
        careui.type_keys("nobody here")
        careui.wait_for_text(w, "No customer matches “nobody here”")
        assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)
        # Escape clears the search.
        careui.press("Escape")
        careui.wait_for_text(w, "1 customer")

        # Ctrl+N opens the editor; Escape closes it and stores nothing.
        careui.press("ctrl+n")
        dialog(app, "New Customer")
        careui.press("Escape")
        no_dialog(app, "New Customer")
        assert query(app, "SELECT count(*) FROM customer") == [(1,)]

        check_ranked_search(app)


def check_ranked_search(app):
    """The reported case: a company whose contacts are a Camille and a
    Lefèvre, older than three customers named Camille Lefèvre, comes after
    them, and each row says why it matched; Return opens the first."""
    w = app.window
    stamp = "2026-01-01T00:00:00Z"
    with sqlite3.connect(db_path(app)) as db:
        def customer(name, email=None):
            cid = str(uuid.uuid4())
            db.execute("INSERT INTO customer (id, created_at, updated_at, kind, name, email) "
                       "VALUES (?, ?, ?, ?, ?, ?)",
                       (cid, stamp, stamp, "company" if email is None else "person", name, email))
            return cid
        atelier = customer("Atelier Dubois")
        for contact in ("Camille Martin", "Yves Lefèvre"):
            db.execute("INSERT INTO contact (id, created_at, updated_at, customer_id, name) VALUES (?, ?, ?, ?, ?)",
                       (str(uuid.uuid4()), stamp, stamp, atelier, contact))
        for i in range(3):
            customer("Camille Lefèvre", f"camille{i}@example.fr")

    search(app, "camille lef")
    careui.wait_for_text(w, "4 matches")
    rows = r"^(Camille Lefèvre|Atelier Dubois), (Name|Contact): .*"

    def ranked():
        names = [careui.name(n) for n in careui.walk(w) if re.match(rows, careui.name(n))]
        return names if len(names) == 4 else None
    names = careui.wait_for(ranked, "the four ranked rows")
    assert names == ["Camille Lefèvre, Name: Camille Lefèvre"] * 3 + \
        ["Atelier Dubois, Contact: Camille Martin · Contact: Yves Lefèvre"], names
    careui.screenshot(os.path.join(os.environ.get("MESON_BUILD_ROOT", tempfile.gettempdir()),
                                   "search-ranked.png"), app.proc.pid)

    careui.press("Return")
    careui.wait_for_text(w, "camille0@example.fr")


def demo_customer(app):
    """A demo customer with a product and a Latin name with diacritics."""
    rows = query(app, "SELECT c.name, c.phone, p.serial FROM customer c JOIN product p ON p.customer_id = c.id "
                      "WHERE c.name GLOB '*[àáâãäåçèéêëìíîïñòóôõöùúûüčšžćđłńśźż]*' ORDER BY c.seq LIMIT 1",
                 demo=True)
    assert rows, "no demo customer with accents"
    return rows[0]


def strip_accents(text):
    import unicodedata
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def test_search_demo_data():
    with careui.App("--demo", "--demo-size", "200") as app:
        w = app.window
        open_customers(app)
        careui.wait_for_text(w, "200 customers", timeout=60)
        name, phone, serial = demo_customer(app)
        ascii_name = strip_accents(name)
        assert ascii_name != name

        # By name typed without accents; Enter opens the first result.
        search(app, ascii_name.lower())
        careui.wait_for(lambda: careui.find_all(w, name_contains="match"), "a match count")
        careui.press("Return")
        careui.wait_for(lambda: careui.find_all(w, role_name="label", name_is=name), "the detail of " + name)
        see(w, serial)
        see(w, "Timeline")
        assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)

        # By the digits of the number as an agent hears it: without the
        # country code and the spaces.
        national = "".join(ch for ch in phone.split(" ", 1)[1] if ch.isdigit())
        search(app, national[:6])
        careui.wait_for_text(w, "1 match")
        careui.press("Return")
        careui.wait_for_text(w, phone)

        # By a product's serial number.
        search(app, serial)
        careui.wait_for_text(w, "1 match")
        careui.press("Return")
        see(w, serial)


if __name__ == "__main__":
    careui.main([test_empty_store_create_and_validate, test_search_demo_data])
