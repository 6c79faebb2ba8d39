"""Takes the screenshots of every view on demo data (1280x800) for the README
and the AppStream metainfo.

Run inside ui-session.sh, e.g. from the source folder:
  tests/ui/ui-session.sh env AFTERCARE=build/src/app/aftercare \\
      GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR=build/data PYTHONPATH=tests/ui \\
      /usr/bin/python3 tests/ui/make_screenshots.py data/screenshots
"""

import os
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


def visit_report(app, target):
    """A report being written at the customer's, signed, over the agenda."""
    # Its helpers come with the sync test's, which name a server binary;
    # no server runs here.
    os.environ.setdefault("AFTERCARE_SERVER", "aftercare-server")
    import test_visit_report as v

    report = v.click_report_row(app)
    careui.type_keys("Replaced the worn drive belt, cleaned the filters and ran a full test cycle.")
    v.add_part(report, "Drive belt", "DB-1180", "1", "24.90")
    v.add_part(report, "Air filter", "AF-220", "2", "8.50")
    v.set_entry(v.named(report, "text", "Hourly rate")[0], "65.00")
    v.scroll(report)
    v.set_entry(v.named(report, "text", "Customer feedback")[0], "Quick and tidy work, thank you.")
    v.set_entry(v.named(report, "text", "Signed by")[0], "Olivia Smith")
    v.draw_signature(report)
    # No window manager places it: it sits at the origin (within its
    # 5 pixel shadow), so cut it out.
    size = careui.Atspi.Component.get_size(report)
    time.sleep(1)
    careui.screenshot(f"{target}/visit-report.png")
    subprocess.run(["convert", f"{target}/visit-report.png", "-crop", f"{size.x + 10}x{size.y + 10}+0+0", "+repage",
                    f"{target}/visit-report.png"], check=True)
    careui.press("ctrl+s")
    v.no_dialog(app, "Visit Report")


def main(target):
    # The full demo (2,000 customers) fills a week of visits as a real team would.
    with careui.App("--demo") as app:
        w = app.window
        careui.wait_for_text(w, "Overdue Follow-up Calls", timeout=60)
        fill_screen(app)
        careui.wait_for_no_text(w, "Demo data loaded", timeout=20)
        time.sleep(2)
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

        careui.show_view(app, "Appointments", "All technicians")
        first_row(app, w, "Appointments")
        careui.wait_for_text(w, "Technician")
        visit_report(app, target)


if __name__ == "__main__":
    main(sys.argv[1])
