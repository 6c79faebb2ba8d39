"""The customers view: edit, log a call, delete with undo."""

import careui
from test_customers import click_button, dialog, no_dialog, open_customers, query, search, see, type_into


def test_edit_call_delete_undo():
    with careui.App("--demo", "--demo-size", "200") as app:
        w = app.window
        open_customers(app)
        careui.wait_for_text(w, "200 customers", timeout=60)
        (cid, email), = query(app, "SELECT id, email FROM customer ORDER BY seq LIMIT 1", demo=True)

        # The email address names one customer only.
        search(app, email)
        careui.wait_for_text(w, "1 match")
        careui.press("Return")
        careui.wait_for_text(w, "Products")

        # Edit: the new phone shows at once.
        click_button(w, "Edit")
        dlg = dialog(app, "Edit Customer")
        type_into(dlg, "Phone", "+1 212 555 0142")
        careui.press("ctrl+s")
        no_dialog(app, "Edit Customer")
        careui.wait_for_text(w, "+1 212 555 0142")
        assert query(app, "SELECT phone FROM customer WHERE id = ?", cid, demo=True) == [("+1 212 555 0142",)]

        # Log a call: it is first in the timeline.
        click_button(w, "Log Call")
        dlg = dialog(app, "Log Call")
        assert careui.unnamed_controls(dlg) == [], careui.unnamed_controls(dlg)
        type_into(dlg, "Subject", "Asked about the extended warranty")
        careui.press("ctrl+s")
        no_dialog(app, "Log Call")
        see(w, "Asked about the extended warranty")
        assert query(app, "SELECT count(*) FROM call_log WHERE customer_id = ? AND subject = ?",
                     cid, "Asked about the extended warranty", demo=True) == [(1,)]

        # Delete, then undo: still there, in the store and on screen.
        see(w, "Delete", up=True)
        click_button(w, "Delete")
        app.wait_for_toast("deleted")
        # The toast's button at once: the toast goes after a few seconds.
        click_button(w, "Undo")
        careui.wait_for_text(w, "1 match")
        see(w, "Asked about the extended warranty")
        assert query(app, "SELECT sync_state FROM customer WHERE id = ?", cid, demo=True) != [(3,)]
        assert query(app, "SELECT count(*) FROM outbox WHERE record_id = ? AND op = 'delete'", cid,
                     demo=True) == [(0,)]

        # Delete and let the toast go: gone, with its outbox entry.
        see(w, "Delete", up=True)
        click_button(w, "Delete")
        careui.wait_for_text(w, "No Customer Selected")
        careui.wait_for_text(w, "0 matches")
        careui.wait_for(lambda: query(app, "SELECT sync_state FROM customer WHERE id = ?", cid, demo=True) == [(3,)],
                        "the delete to be stored")
        assert query(app, "SELECT count(*) FROM outbox WHERE record_id = ? AND op = 'delete'", cid,
                     demo=True) == [(1,)]
        careui.press("ctrl+f", "Escape")
        careui.wait_for_text(w, "199 customers")


if __name__ == "__main__":
    careui.main([test_edit_call_delete_undo])
