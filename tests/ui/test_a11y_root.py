"""The app's accessible root as a screen reader reads it: a child asked for
past the shown windows (the list changed between the count and the call, as
when a dialog closes) is answered, never a crash; the shortcuts window opens
with Ctrl+? under its own name and goes when closed, keeping no hidden
window behind."""

import careui


def shown_frames(app):
    return [careui.name(c) for c in careui.children(app.root) if careui.role(c) == "frame"]


def assert_alive(app):
    # A round trip the app must answer: it has handled the call before.
    assert careui.name(app.root.get_child_at_index(0)) == "Aftercare"
    assert app.proc.poll() is None, f"aftercare died with status {app.proc.returncode}"


def test_child_past_the_shown_windows():
    with careui.App() as app:
        careui.wait_for_text(app.window, "Welcome to Aftercare")
        assert app.root.get_child_count() == 1
        app.root.get_child_at_index(1)
        assert_alive(app)


def test_shortcuts_window_comes_and_goes():
    with careui.App() as app:
        careui.wait_for_text(app.window, "Welcome to Aftercare")
        careui.press("ctrl+question")
        careui.wait_for(lambda: "Keyboard Shortcuts" in shown_frames(app), "the shortcuts window")
        careui.press("Escape")
        careui.wait_for(lambda: shown_frames(app) == ["Aftercare"], "the shortcuts window to close")
        assert app.root.get_child_count() == 1
        app.root.get_child_at_index(1)
        assert_alive(app)


if __name__ == "__main__":
    careui.main([test_child_past_the_shown_windows, test_shortcuts_window_comes_and_goes])
