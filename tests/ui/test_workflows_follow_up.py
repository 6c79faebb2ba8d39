"""The follow-up call is booked whichever way a delivery becomes done:
here through the appointment's Edit dialog (the Mark Done path is in
test_schedule.py, resolving a case in test_workflows.py)."""

import datetime

import careui
from test_schedule import appointments_screen, ascii_name, book, db, gone, toplevel, wait_for_text_in
from test_workflows import focus_row


def test_done_in_the_editor_books_the_call():
    with careui.App("--demo", "--demo-size", "200") as app:
        w = appointments_screen(app)
        con = db(app)
        technician = ascii_name(con, "SELECT name FROM staff WHERE role = 'technician' ORDER BY name")
        customer = [r[0] for r in con.execute(
            "SELECT name FROM customer GROUP BY name HAVING count(*) = 1 ORDER BY name DESC") if r[0].isascii()][0]

        book(app, customer, technician)
        careui.press("ctrl+s")
        gone(app, "New Appointment")
        careui.wait_for_text(w, f"Delivery · {customer}")

        careui.click(w, role_name="push button", name_contains="Edit Appointment")
        dialog = toplevel(app, "Edit Appointment")
        focus_row(dialog, "Status", "combo box")  # a click opens its list
        careui.press("Down", "Return")
        wait_for_text_in(dialog, "Done")
        careui.press("ctrl+s")
        gone(app, "Edit Appointment")

        day = (careui.today() + datetime.timedelta(days=7)).strftime("%x")
        app.wait_for_toast(f"Follow-up call booked for {day}")
        call = con.execute("SELECT a.start_at, a.status FROM appointment a JOIN customer c ON c.id = a.customer_id"
                           " WHERE c.name = ? AND a.kind = 'follow_up_call'", (customer,)).fetchone()
        assert call is not None and call["status"] == "planned", call
        careui.click(w, role_name="push button", name_contains="Show Call")
        careui.wait_for_text(w, f"Follow-up call · {customer}")


if __name__ == "__main__":
    careui.main([test_done_in_the_editor_books_the_call])
