"""The welcome page offers a way to start for real, not only the demo: a
first customer, and the company that heads the documents."""

import os

# A fixed instant unless the suite gives one.
os.environ.setdefault("AFTERCARE_NOW", "2026-12-03T10:30:00Z")

import careui  # noqa: E402
from test_customers import dialog, no_dialog, texts  # noqa: E402
from test_sync import press_button  # noqa: E402


def test_welcome_offers_a_start():
    with careui.App() as app:
        w = app.window
        careui.wait_for_text(w, "Welcome to Aftercare")
        assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)
        careui.screenshot(os.path.join(os.environ.get("AFTERCARE_SCREENSHOTS", "/tmp"), "welcome.png"),
                          app.proc.pid)

        # The company, set where the documents take it from.
        press_button(w, "Set Up Your Company")
        prefs = dialog(app, "Preferences")
        careui.wait_for(lambda: "Company Name" in texts(prefs), "the company's details")
        careui.press("Escape")
        no_dialog(app, "Preferences")

        # A first customer, in the Customers view's own form.
        press_button(w, "Add a Customer")
        dialog(app, "New Customer")
        careui.press("Escape")
        no_dialog(app, "New Customer")
        careui.wait_for(lambda: careui.find_all(w, role_name="label", name_is="Customers"), "the Customers view")


if __name__ == "__main__":
    careui.main([test_welcome_offers_a_start])
