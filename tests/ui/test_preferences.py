"""The preferences window: opened with Ctrl+comma, every control named, and
a change applies to the customer shown at once."""

import datetime
import subprocess
import time

import careui
from careui import Atspi
from test_customers import dialog, field, no_dialog, open_customers, query, search, see, texts


def customer_with_warranty_ending_soon(app):
    """A customer none of whose warranties expire within 30 days, with one
    that ends within the year: "Covered" now, "Expiring soon" at 365 days."""
    today = careui.today()
    rows = query(app, "SELECT c.id, c.email, w.end_date FROM customer c JOIN product p ON p.customer_id = c.id "
                      "JOIN warranty w ON w.product_id = p.id WHERE w.start_date <= ? AND w.end_date > ? "
                      "AND w.end_date < ? ORDER BY c.seq",
                 today.isoformat(), (today + datetime.timedelta(days=60)).isoformat(),
                 (today + datetime.timedelta(days=300)).isoformat(), demo=True)
    for cid, email, _ in rows:
        soon = query(app, "SELECT count(*) FROM warranty w JOIN product p ON w.product_id = p.id "
                          "WHERE p.customer_id = ? AND w.end_date >= ? AND w.end_date < ?",
                     cid, today.isoformat(), (today + datetime.timedelta(days=45)).isoformat(), demo=True)
        if soon == [(0,)]:
            return email
    raise AssertionError("no demo customer with a warranty ending within the year")


def test_preferences():
    with careui.App("--demo", "--demo-size", "200") as app:
        w = app.window
        open_customers(app)
        careui.wait_for_text(w, "200 customers", timeout=60)
        email = customer_with_warranty_ending_soon(app)
        search(app, email)
        careui.wait_for_text(w, "1 match")
        careui.press("Return")
        see(w, "Covered until")
        assert not careui.find_all(w, role_name="label", name_is="Expiring soon")

        careui.press("ctrl+comma")
        prefs = dialog(app, "Preferences")
        careui.wait_for(lambda: "Expiring Soon" in texts(prefs), "the warranty setting")
        assert "Timeline Length" in texts(prefs)
        assert careui.unnamed_controls(prefs) == [], careui.unnamed_controls(prefs)

        # Type a year into the spin button, as a user would.
        spin = field(prefs, "Days before a warranty counts as expiring", role_name="spin button")
        e = Atspi.Component.get_extents(spin, Atspi.CoordType.WINDOW)
        subprocess.run(["xdotool", "mousemove", str(e.x + e.width // 4), str(e.y + e.height // 2), "click", "1"],
                       check=True)
        time.sleep(0.3)
        careui.press("ctrl+a")
        careui.type_keys("365")
        careui.press("Tab")
        careui.press("Escape")
        no_dialog(app, "Preferences")

        # The detail follows the setting without a restart.
        see(w, "Expiring soon")


if __name__ == "__main__":
    careui.main([test_preferences])
