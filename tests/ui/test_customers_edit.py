"""The customers view: edit, log a call, delete with undo."""

import time

import careui
from test_customers import click_button, dialog, no_dialog, open_customers, query, search, see, type_into
from test_schedule import wait_for_text_in
from test_workflows import focus_row


def confirm_delete(app, name, products):
    ask = dialog(app, f"Delete “{name}”?")
    wait_for_text_in(ask, "logged call")
    said = " ".join(careui.shown_texts(ask))
    if products:
        assert f"{products} product" in said, (products, said)
    careui.activate(careui.wait_for(lambda: next((n for n in careui.walk(ask) if careui.role(n) == "push button"
                                                  and careui.name(n).split(" ")[-1] == "Delete"), None), "the Delete button"))
    no_dialog(app, f"Delete “{name}”?")


def test_edit_call_delete_undo():
    with careui.App("--demo", "--demo-size", "200") as app:
        w = app.window
        open_customers(app)
        careui.wait_for_text(w, "200 customers", timeout=60)
        (cid, email, name), = query(app, "SELECT id, email, name FROM customer ORDER BY seq LIMIT 1", demo=True)

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

        # Log a call: the window names the customer, and the outcome is the
        # agent's to choose (no default that a hurried save would keep).
        click_button(w, "Log Call")
        title = f"Log Call with {name}"
        dlg = dialog(app, title)
        assert careui.unnamed_controls(dlg) == [], careui.unnamed_controls(dlg)
        wait_for_text_in(dlg, "Choose an outcome")
        type_into(dlg, "Subject", "Asked about the extended warranty")
        careui.press("ctrl+s")
        time.sleep(0.5)
        dialog(app, title)  # refused: no outcome yet
        assert query(app, "SELECT count(*) FROM call_log WHERE customer_id = ? AND subject = ?",
                     cid, "Asked about the extended warranty", demo=True) == [(0,)]
        focus_row(dlg, "Outcome", "combo box")  # a click opens its list
        time.sleep(0.5)
        careui.press("Down", "Down", "Return")
        wait_for_text_in(dlg, "Information given")
        careui.press("ctrl+s")
        no_dialog(app, title)
        see(w, "Asked about the extended warranty")
        assert query(app, "SELECT outcome FROM call_log WHERE customer_id = ? AND subject = ?",
                     cid, "Asked about the extended warranty", demo=True) == [("information_given",)]

        # Delete, then undo: still there, in the store and on screen. A
        # customer with a history is deleted only once the user has read
        # what goes with it.
        (products,), = query(app, "SELECT count(*) FROM product WHERE customer_id = ?", cid, demo=True)
        see(w, "Delete", up=True)
        click_button(w, "Delete")
        confirm_delete(app, name, products)
        app.wait_for_toast("deleted")
        # The toast's button at once: the toast goes after a few seconds.
        careui.press_toast_button(w, "Undo")
        careui.wait_for_text(w, "1 match")
        see(w, "Asked about the extended warranty")
        assert query(app, "SELECT sync_state FROM customer WHERE id = ?", cid, demo=True) != [(3,)]
        assert query(app, "SELECT count(*) FROM outbox WHERE record_id = ? AND op = 'delete'", cid,
                     demo=True) == [(0,)]

        # Cancelled: nothing happens.
        see(w, "Delete", up=True)
        click_button(w, "Delete")
        ask = dialog(app, f"Delete “{name}”?")
        careui.activate(careui.wait_for(lambda: next((n for n in careui.walk(ask) if careui.role(n) == "push button"
                                                      and careui.name(n).split(" ")[-1] == "Cancel"), None), "Cancel"))
        no_dialog(app, f"Delete “{name}”?")
        careui.wait_for_text(w, "1 match")

        # Delete and let the toast go: gone, with its outbox entry.
        see(w, "Delete", up=True)
        click_button(w, "Delete")
        confirm_delete(app, name, products)
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
