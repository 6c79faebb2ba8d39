"""The customers view in a narrow window: list and detail fold into one column."""

import subprocess

import careui
from test_customers import click_button, count_label, open_customers, query, search


def test_narrow_window_folds():
    with careui.App("--demo", "--demo-size", "50") as app:
        w = app.window
        open_customers(app)
        careui.wait_for_text(w, "50 customers", timeout=60)
        (email,), = query(app, "SELECT email FROM customer ORDER BY seq LIMIT 1", demo=True)
        wid = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(app.proc.pid)],
                             capture_output=True, text=True, check=True).stdout.split()[0]
        subprocess.run(["xdotool", "windowsize", wid, "460", "700"], check=True)

        # One column: the list, then the detail with a way back.
        careui.wait_for(lambda: not careui.find_all(w, role_name="label", name_is="No Customer Selected"),
                        "the detail to fold away")
        search(app, email)
        careui.wait_for_text(w, "1 match")
        careui.press("Return")
        careui.wait_for_text(w, "Log Call")
        assert count_label(w) is None, "the list is still shown beside the detail"
        assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)
        click_button(w, "Customers")
        careui.wait_for(lambda: count_label(w) == "1 match", "the list again")
        assert not careui.find_all(w, role_name="label", name_is="Log Call")


if __name__ == "__main__":
    careui.main([test_narrow_window_folds])
