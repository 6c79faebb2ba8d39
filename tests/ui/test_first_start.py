"""The first start: a welcome on an empty store, then demo data on request."""

import os
import tempfile

import careui


def test_welcome_then_demo():
    with careui.App() as app:
        w = app.window
        careui.wait_for_text(w, "Welcome to Aftercare")
        assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)
        careui.click(w, role_name="push button", name_contains="Explore Demo Data")
        # The Today page replaces the welcome once the demo (200 customers) is in.
        careui.wait_for_text(w, "Service Levels at Risk", timeout=60)
        careui.wait_for_no_text(w, "Welcome to Aftercare")
        assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)
        careui.press("alt+2")
        careui.wait_for_text(w, "200 customers")


def test_demo_option_uses_a_separate_store():
    data = tempfile.mkdtemp(prefix="aftercare-ui-")
    with careui.App("--demo", "--demo-size", "50", data_dir=data) as app:
        careui.wait_for_text(app.window, "Service Levels at Risk", timeout=60)
        careui.press("alt+2")
        careui.wait_for_text(app.window, "50 customers")
    assert os.path.exists(os.path.join(data, "demo.db"))
    assert not os.path.exists(os.path.join(data, "aftercare.db"))
    # The real store is still empty: a plain start welcomes the user.
    with careui.App(data_dir=data) as app:
        careui.wait_for_text(app.window, "Welcome to Aftercare")


def test_unreadable_store_is_explained():
    data = tempfile.mkdtemp(prefix="aftercare-ui-")
    with open(os.path.join(data, "aftercare.db"), "wb") as f:
        f.write(b"this is not a database" * 500)
    with careui.App(data_dir=data) as app:
        careui.wait_for_text(app.window, "Your Data Could Not Be Opened")
        careui.wait_for_text(app.window, "aftercare.db")


def test_keyboard_shortcuts_window():
    with careui.App() as app:
        careui.wait_for_text(app.window, "Welcome to Aftercare")
        careui.press("ctrl+question")
        careui.wait_for(lambda: [c for c in careui.children(app.root)
                                 if "Shortcuts" in careui.name(c) or careui.find_all(c, name_contains="Show keyboard shortcuts")],
                        "the shortcuts window")


if __name__ == "__main__":
    careui.main([test_welcome_then_demo, test_demo_option_uses_a_separate_store,
                 test_unreadable_store_is_explained, test_keyboard_shortcuts_window])
