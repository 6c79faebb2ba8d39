"""The customer's tax number: typed as people write it, refused inline with
the reason when its check digit is wrong, stored compact, shown and found."""

import careui
from test_customers import click_button, dialog, no_dialog, open_customers, query, search, texts, type_into


def test_tax_number():
    with careui.App() as app:
        w = app.window
        open_customers(app)
        careui.wait_for_text(w, "No Customers Yet")

        click_button(w, "Add a Customer")
        dlg = dialog(app, "New Customer")
        type_into(dlg, "Name", "Padaria Central, Lda")
        # The last digit is wrong: the field says why, nothing is stored.
        type_into(dlg, "Tax number", "pt 501 964 842")
        careui.press("ctrl+s")
        careui.wait_for(lambda: "not a valid Portuguese NIF" in texts(dlg), "the tax number error")
        dialog(app, "New Customer")
        assert query(app, "SELECT count(*) FROM customer") == [(0,)]

        type_into(dlg, "Tax number", "pt 501 964 843")
        careui.press("ctrl+s")
        no_dialog(app, "New Customer")
        assert query(app, "SELECT tax_number FROM customer") == [("PT501964843",)]
        careui.wait_for_text(w, "PT501964843")

        # Found by the number, with or without its country code.
        search(app, "501964843")
        careui.wait_for_text(w, "1 match")
        careui.press("ctrl+a", "BackSpace")
        careui.type_keys("PT5019")
        careui.wait_for_text(w, "1 match")
        careui.press("Escape")
        careui.wait_for_text(w, "1 customer")


if __name__ == "__main__":
    careui.main([test_tax_number])
