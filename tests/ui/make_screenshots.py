"""Takes the screenshots of every view on demo data (1280x800) for the README
and the AppStream metainfo.

Run inside ui-session.sh, e.g. from the source folder:
  tests/ui/ui-session.sh env AFTERCARE=build/src/app/aftercare \\
      GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR=build/data PYTHONPATH=tests/ui \\
      /usr/bin/python3 tests/ui/make_screenshots.py data/screenshots
"""

import subprocess
import sys
import time

import careui
import test_schedule as t


def fill_screen(app):
    """No window manager runs under Xvfb: size and place the window ourselves."""
    wid = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(app.proc.pid), "--name", "^Aftercare$"],
                         check=True, capture_output=True, text=True).stdout.split()[0]
    subprocess.run(["xdotool", "windowmove", "--sync", wid, "0", "0", "windowsize", "--sync", wid, "1280", "800"],
                   check=True)
    time.sleep(1)


def first_row(app, w, list_name):
    rows = careui.wait_for(lambda: [n for n in careui.walk(w) if careui.role(n) == "list item"
                                    and careui.name(n.get_parent()) == list_name], f"rows in {list_name}")
    top = min(rows, key=lambda n: careui.Atspi.Component.get_extents(n, careui.Atspi.CoordType.WINDOW).y)
    t.mouse_click(app, top)


def main(target):
    # The full demo (2,000 customers) fills a week of visits as a real team would.
    with careui.App("--demo") as app:
        w = app.window
        careui.wait_for_text(w, "Open Service Cases by Age", timeout=60)
        fill_screen(app)
        time.sleep(1)
        careui.screenshot(f"{target}/overview.png")

        careui.show_view(app, "Customers", "customers")
        careui.press("ctrl+f")
        careui.type_keys("camille lefèvre")
        careui.wait_for_text(w, "match")
        careui.press("Return")
        careui.wait_for_text(w, "Products")
        time.sleep(1)
        careui.screenshot(f"{target}/customers.png")

        careui.show_view(app, "Warranties", "No Warranty Selected")
        first_row(app, w, "Warranties")
        time.sleep(1)
        careui.screenshot(f"{target}/warranties.png")

        careui.show_view(app, "Service Cases", "Service cases")
        first_row(app, w, "Service cases")
        time.sleep(1)
        careui.screenshot(f"{target}/cases.png")

        careui.show_view(app, "Appointments", "All technicians")
        careui.click(w, role_name="push button", name_contains="Week")
        first_row(app, w, "Appointments")
        careui.wait_for_text(w, "Technician")
        time.sleep(1)
        careui.screenshot(f"{target}/appointments.png")

        careui.show_view(app, "Training", "All courses")
        first_row(app, w, "Training sessions")
        careui.wait_for_text(w, "Participants")
        time.sleep(1)
        careui.screenshot(f"{target}/training.png")


if __name__ == "__main__":
    main(sys.argv[1])
