"""A booking takes the customer's primary contact, as it takes their
address: the technician knows whom to ask for, and how to reach them."""

import os

# A fixed instant unless the suite gives one (the New Year in Sofia run).
os.environ.setdefault("AFTERCARE_NOW", "2026-12-03T10:30:00Z")

import careui  # noqa: E402
from test_schedule import DEMO, appointments_screen, ascii_name, book, db, gone, wait_for_text_in  # noqa: E402


def test_booking_takes_the_primary_contact():
    with careui.App(*DEMO) as app:
        w = appointments_screen(app)
        con = db(app)
        technician = ascii_name(con, "SELECT name FROM staff WHERE role = 'technician' ORDER BY name")
        # A customer with several contacts, the primary one not the first.
        customer, customer_id, address = next(
            tuple(r) for r in con.execute(
                "SELECT c.name, c.id, c.address FROM customer c WHERE c.address IS NOT NULL "
                "AND (SELECT count(*) FROM contact k WHERE k.customer_id = c.id AND k.is_primary) = 1 "
                "AND (SELECT count(*) FROM contact k WHERE k.customer_id = c.id) > 1 "
                "AND (SELECT count(*) FROM customer d WHERE d.name = c.name) = 1 ORDER BY c.seq")
            if r[0].isascii())
        contact_id, contact, phone = tuple(con.execute(
            "SELECT id, name, phone FROM contact WHERE customer_id = ? AND is_primary", (customer_id,)).fetchone())

        dialog = book(app, customer, technician)
        wait_for_text_in(dialog, contact)
        careui.press("ctrl+s")
        gone(app, "New Appointment")

        saved = careui.wait_for(lambda: con.execute(
            "SELECT contact_id, address FROM appointment WHERE customer_id = ? ORDER BY seq DESC",
            (customer_id,)).fetchone(), "the booking")
        assert tuple(saved) == (contact_id, address), (tuple(saved), contact_id, address)
        # The agenda's detail names the contact beside the customer.
        careui.wait_for_text(w, f"{customer} · contact: {contact}" + (f", {phone}" if phone else ""))


if __name__ == "__main__":
    careui.main([test_booking_takes_the_primary_contact])
