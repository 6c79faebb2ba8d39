"""Keyboard and screen readers: Alt+N takes the keyboard into the view, the
agenda's Alt+←/→/Home work before any row is clicked, list rows and
drop-downs have names, the shortcuts window is named and lists each
shortcut once."""

import os

# A fixed instant unless the suite gives one (the New Year in Sofia run).
os.environ.setdefault("AFTERCARE_NOW", "2026-12-03T10:30:00Z")

import datetime  # noqa: E402
import tempfile  # noqa: E402

import careui  # noqa: E402
from careui import Atspi  # noqa: E402
from test_dashboard import start_demo  # noqa: E402


def focused(w):
    for n in careui.walk(w):
        if n.get_state_set().contains(Atspi.StateType.FOCUSED):
            return n
    return None


CONTROLS = ("push button", "toggle button", "combo box", "list item", "menu button", "check box", "text")


def class_named(w):
    """Controls a screen reader would announce by their GTK class name."""
    return [f"{careui.role(n)} {careui.name(n)!r}" for n in careui.walk(w)
            if careui.role(n) in CONTROLS and careui.name(n).startswith("Gtk")]


def unnamed_rows(w):
    return [careui.describe(n) for n in careui.walk(w)
            if careui.role(n) == "list item" and not careui.name(n).strip()]


def test_keyboard_and_names():
    data = tempfile.mkdtemp(prefix="aftercare-ui-")
    app = start_demo(data)
    try:
        w = app.window
        today = careui.today()

        # Alt+5: the keyboard is in the agenda, not on the header's "+".
        careui.press("alt+5")
        careui.wait_for_text(w, careui.day_heading(today))
        node = careui.wait_for(lambda: focused(w), "a focused widget")
        assert careui.name(node) != "New Appointment", careui.describe(node)
        # Alt+→ and Alt+Home before any row is clicked.
        careui.press("alt+Right")
        careui.wait_for_text(w, careui.day_heading(today + datetime.timedelta(days=1)))
        careui.press("alt+Home")
        careui.wait_for_text(w, careui.day_heading(today))
        careui.press("alt+Left")
        careui.wait_for_text(w, careui.day_heading(today - datetime.timedelta(days=1)))
        careui.press("alt+Home")
        careui.wait_for_text(w, careui.day_heading(today))
        careui.wait_for(lambda: not class_named(w), f"no class names: {class_named(w)}")
        careui.wait_for(lambda: not unnamed_rows(w), f"every agenda row named: {unnamed_rows(w)}")

        for key, marker in (("alt+4", "All open cases"), ("alt+2", "customers"), ("alt+6", "All courses")):
            careui.press(key)
            careui.wait_for_text(w, marker)
            careui.wait_for(lambda: not class_named(w), f"no class names: {class_named(w)}")
            careui.wait_for(lambda: not unnamed_rows(w), f"every row named: {unnamed_rows(w)}")
            assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)

        # The shortcuts window: its own name, each shortcut once, six views.
        careui.press("ctrl+question")
        shortcuts = careui.wait_for(lambda: next((c for c in careui.children(app.root)
                                                  if careui.name(c) == "Keyboard Shortcuts"), None),
                                    "a window named Keyboard Shortcuts")
        titles = [careui.name(n) for n in careui.walk(shortcuts) if careui.role(n) == "label"]
        assert titles.count("Preferences") == 1, titles
        assert "Go to a view (first to sixth)" in titles, titles
        careui.press("Escape")
    finally:
        app.stop()


def test_sign_in_errors_say_what_to_do():
    """A server that cannot be found or does not answer is named, in words,
    and the typed password stays for the next try."""
    from test_customers import dialog, field, texts, type_into
    from test_sync import free_port, open_page, press_button, type_secret

    with careui.App() as app:
        careui.wait_for_text(app.window, "Welcome to Aftercare")
        careui.press("ctrl+comma")
        prefs = dialog(app, "Preferences")
        open_page(prefs, "Server")
        careui.wait_for(lambda: "Sign In to a Server" in texts(prefs), "the server page")
        for url, said in ((f"http://127.0.0.1:{free_port()}", "The server “127.0.0.1” does not answer"),
                          ("http://no-such-host.invalid", "The server “no-such-host.invalid” could not be found")):
            type_into(prefs, "Server Address", url)
            type_into(prefs, "User Name", "ana")
            type_secret(prefs, "Password", "s3cret-pass")
            press_button(prefs, "Sign In")
            careui.wait_for(lambda: said in texts(prefs), f"{said!r}", timeout=40)
            assert "Error resolving" not in texts(prefs) and "Error connecting" not in texts(prefs), texts(prefs)
            password = field(prefs, "Password")
            assert Atspi.Text.get_character_count(password) == len("s3cret-pass"), \
                Atspi.Text.get_character_count(password)


if __name__ == "__main__":
    careui.main([test_keyboard_and_names, test_sign_in_errors_say_what_to_do])
