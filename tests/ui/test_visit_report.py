"""The visit report as a field technician writes it: offline at the
customer's, with parts and a signature drawn with the mouse, refused while
something is wrong, exported as a PDF, and seen by a second client once
the first one synced."""

import os
import subprocess
import tempfile
import time

import careui
from careui import Atspi
from test_customers import click_button, dialog, no_dialog, open_customers, query, type_into
from test_schedule import gone, pick, toplevel
from test_sync import PASSWORD, SERVER, Server, free_port, open_page, press_button, sync_button, type_secret, \
    wait_state

CUSTOMER = "Vera Visitante"
ADDRESS = "Rua das Flores 12, Porto"
COMPANY = "Lavandaria Lopes Lda."
WORK = "Replaced the drum bearing and tested a full wash cycle"


def xdotool(*args):
    subprocess.run(["xdotool", *[str(a) for a in args]], check=True)


def sign_in(app, port, company=None):
    careui.press("ctrl+comma")
    prefs = dialog(app, "Preferences")
    if company:
        type_into(prefs, "Company Name", company)
    open_page(prefs, "Server")
    type_into(prefs, "Server Address", f"http://127.0.0.1:{port}")
    type_into(prefs, "User Name", "ana")
    type_secret(prefs, "Password", PASSWORD)
    press_button(prefs, "Sign In")
    careui.wait_for(lambda: f"ana at http://127.0.0.1:{port}" in " ".join(careui.shown_texts(prefs)),
                    "the signed-in account", timeout=30)
    careui.press("Escape")
    no_dialog(app, "Preferences")


def sync_now(app):
    e = Atspi.Component.get_extents(sync_button(app), Atspi.CoordType.WINDOW)
    xdotool("mousemove", e.x + e.width // 2, e.y + e.height // 2, "click", "1")
    press_button(app.window, "Sync Now")


def named(root, role_name, prefix, showing_only=True):
    """Every widget of @role_name whose name is @prefix or starts with it
    (GTK appends a labelled-by text), top to bottom."""
    found = [n for n in careui.walk(root, showing_only) if careui.role(n) == role_name
             and (careui.name(n) == prefix or careui.name(n).startswith(prefix + " "))]
    return sorted(found, key=lambda n: Atspi.Component.get_extents(n, Atspi.CoordType.WINDOW).y)


def click_node(n):
    """Without a window manager every window sits at the origin."""
    e = Atspi.Component.get_extents(n, Atspi.CoordType.WINDOW)
    xdotool("mousemove", e.x + e.width // 2, e.y + e.height // 2, "click", "1")
    time.sleep(0.3)


def scroll(win, down=True, clicks=15):
    e = Atspi.Component.get_extents(win, Atspi.CoordType.WINDOW)
    xdotool("mousemove", e.x + e.width // 2, e.y + e.height // 2, "click", "--repeat", clicks, "5" if down else "4")
    time.sleep(0.5)


def texts(root):
    return " | ".join(careui.text_of(n) for n in careui.walk(root))


def shows(root, text, timeout=careui.DEFAULT_TIMEOUT):
    try:
        careui.wait_for(lambda: text in texts(root), f"the text {text!r}", timeout)
    except careui.UIError:
        raise careui.UIError(f"never showed {text!r}; shows: {texts(root)[:3000]}")


def focused(n):
    return n.get_state_set().contains(Atspi.StateType.FOCUSED)


def add_part(report, name, number, quantity, price):
    """Add Part, then fills the new row by keyboard: Add Part focuses its name."""
    before = len(named(report, "text", "Part name"))
    careui.activate(named(report, "push button", "Add Part")[0])
    careui.wait_for(lambda: len(named(report, "text", "Part name")) == before + 1
                    and any(focused(n) for n in named(report, "text", "Part name")), "the new part row to take focus")
    fill_part(name, number, quantity, price)


def fill_part(name, number, quantity, price):
    careui.type_keys(name)
    careui.press("Tab")
    careui.type_keys(number)
    careui.press("Tab", "ctrl+a")
    careui.type_keys(quantity)
    careui.press("Tab", "ctrl+a")
    careui.type_keys(price)


def set_entry(n, text):
    click_node(n)
    careui.press("ctrl+a", "BackSpace")
    if text:
        careui.type_keys(text)


def draw_signature(report):
    """Two strokes with real mouse drags, as a customer signs."""
    pad = careui.wait_for(lambda: (named(report, "panel", "Customer signature") or [None])[0], "the signature pad")
    e = Atspi.Component.get_extents(pad, Atspi.CoordType.WINDOW)
    assert e.width >= 200 and e.height >= 120, (e.width, e.height)
    strokes = [[(0.15, 0.7), (0.25, 0.3), (0.35, 0.7), (0.45, 0.35), (0.55, 0.65)],
               [(0.6, 0.6), (0.7, 0.4), (0.8, 0.6), (0.9, 0.45)]]
    for stroke in strokes:
        points = [(e.x + int(px * e.width), e.y + int(py * e.height)) for px, py in stroke]
        xdotool("mousemove", *points[0], "mousedown", "1")
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            for i in range(1, 6):
                xdotool("mousemove", x0 + (x1 - x0) * i // 5, y0 + (y1 - y0) * i // 5)
                time.sleep(0.02)
        xdotool("mouseup", "1")
        time.sleep(0.2)


def screenshot(name):
    target = os.environ.get("AFTERCARE_SCREENSHOTS")
    if target:
        time.sleep(1)
        careui.screenshot(os.path.join(target, name))


def company_prompt(app):
    """The once-only offer to set the company before the first PDF."""
    def found():
        for c in careui.children(app.root):
            if careui.find_all(c, role_name="label", name_is="Put Your Company on Documents?"):
                return c
        return None
    return careui.wait_for(found, "the offer to set the company")


def export_pdf(app, report, path, asks_for_company=False):
    """Export PDF through GTK's own file chooser: the path typed in its name entry.
    Without a company set, the first export offers to set it: Not Now goes on."""
    careui.activate(named(report, "push button", "Export PDF")[0])
    if asks_for_company:
        prompt = company_prompt(app)
        # GTK 4.8 names a dialog's button by its label with the underline first.
        careui.activate(careui.wait_for(lambda: next((n for n in careui.walk(prompt, showing_only=False)
                                                      if careui.role(n) == "push button"
                                                      and "Not Now" in careui.name(n)), None), "Not Now"))
    chooser = dialog(app, "Export Visit Report")
    name = careui.wait_for(lambda: next((n for n in careui.walk(chooser) if careui.role(n) == "text"
                                         and focused(n)), None), "the file name entry")
    assert careui.text_of(name).startswith(f"Visit report {CUSTOMER}"), careui.text_of(name)
    careui.press("ctrl+a")
    careui.type_keys(path)
    careui.press("Return")
    no_dialog(app, "Export Visit Report")
    careui.wait_for(lambda: os.path.exists(path) and os.path.getsize(path) > 0, "the exported PDF")
    app.wait_for_toast("Exported")


def pdf_text(path):
    return subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], check=True, capture_output=True,
                          text=True).stdout


def pdf_screenshot(path, name):
    """The first page as an image, to look at as the customer will."""
    target = os.environ.get("AFTERCARE_SCREENSHOTS")
    if target:
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", path,
                        os.path.join(target, name)], check=True)


def pdf_viewer(tmp):
    """A stand-in for the desktop's PDF viewer: the default application for
    PDFs in the app's XDG folders, which writes down what it was asked to open."""
    data = os.path.join(tmp, "xdg-data")
    apps = os.path.join(data, "applications")
    os.makedirs(apps, exist_ok=True)
    log = os.path.join(tmp, "opened.log")
    viewer = os.path.join(tmp, "viewer.sh")
    with open(viewer, "w") as f:
        f.write(f'#!/bin/sh\nprintf "%s\\n" "$1" >> {log}\n')
    os.chmod(viewer, 0o755)
    with open(os.path.join(apps, "test-pdf-viewer.desktop"), "w") as f:
        f.write(f"[Desktop Entry]\nType=Application\nName=Test PDF Viewer\nExec={viewer} %f\n"
                "MimeType=application/pdf;\n")
    with open(os.path.join(apps, "mimeapps.list"), "w") as f:
        f.write("[Default Applications]\napplication/pdf=test-pdf-viewer.desktop\n")
    return data, log


def print_to_file(app, path):
    """Print draws the same pages: GTK's "Print to File" writes them to
    output.pdf in the working folder."""
    careui.press("ctrl+p")
    printing = dialog(app, "Print")
    click_node(careui.wait_for(lambda: next((n for n in careui.walk(printing) if careui.role(n) == "label"
                                             and careui.name(n) == "Print to File"), None), "the Print to File printer"))
    careui.activate(careui.wait_for(lambda: next((n for n in careui.walk(printing) if careui.role(n) == "push button"
                                                  and careui.name(n).startswith("_Print")), None), "the Print button"))
    no_dialog(app, "Print")
    careui.wait_for(lambda: os.path.exists(path) and os.path.getsize(path) > 0, "the printed file")
    time.sleep(1)  # written in one go once it exists; let it finish
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], check=True, capture_output=True,
                          text=True).stdout
    assert WORK in " ".join(text.split()) and CUSTOMER in text and "Door seal" in text, text


def report_count(app):
    return query(app, "SELECT count(*) FROM visit_report")[0][0]


def select_visit(app):
    """Clicks the visit in the agenda (a sync reloads the agenda and may
    clear the selection)."""
    label = careui.wait_for(lambda: next((n for n in careui.walk(app.window) if careui.role(n) == "label"
                                          and careui.name(n) == f"Delivery · {CUSTOMER}"), None), "the visit")
    click_node(label)
    shows(app.window, f"Delivery for {CUSTOMER}")


def click_report_row(app):
    """The Open button of the appointment's Visit Report row."""
    careui.activate(careui.wait_for(lambda: (named(app.window, "push button", "Open Visit Report") or [None])[0],
                                    "the Open Visit Report button"))
    return dialog(app, "Visit Report")


def open_report(app):
    select_visit(app)
    return click_report_row(app)


def book_visit(app):
    """A customer and a visit today, made online as an agent at the office would."""
    open_customers(app)
    click_button(app.window, "Add a Customer")
    dlg = dialog(app, "New Customer")
    type_into(dlg, "Name", CUSTOMER)
    type_into(dlg, "Address", ADDRESS)
    careui.press("ctrl+s")
    no_dialog(app, "New Customer")

    careui.show_view(app, "Appointments", "All technicians")
    careui.press("ctrl+n")
    booking = toplevel(app, "New Appointment")
    pick(booking, "Customer", "Customer", CUSTOMER)
    # The booking takes the customer's address, for the technician.
    careui.wait_for(lambda: any(careui.text_of(n) == ADDRESS for n in careui.walk(booking)
                                if careui.role(n) == "text"), "the customer's address in the booking")
    careui.press("ctrl+s")
    gone(app, "New Appointment")
    shows(app.window, f"Delivery for {CUSTOMER}")


def record_with_bad_input(app, report):
    """Every wrong value is refused where it is, and nothing is written."""
    assert careui.unnamed_controls(report) == [], careui.unnamed_controls(report)

    careui.press("ctrl+s")
    shows(report, "Write down the work done.")
    assert report_count(app) == 0

    careui.type_keys(WORK)
    add_part(report, "Drum bearing", "DB-6204", "0", "12.50")
    careui.press("ctrl+s")
    shows(report, "The quantity of part 1 must be a whole number from 1 to 10000.")
    assert "Write down the work done." not in texts(report)
    assert report_count(app) == 0

    quantity = named(report, "text", "Quantity")[0]
    for bad in ("-3", "99999", "2.5"):
        set_entry(quantity, bad)
        careui.press("ctrl+s")
        shows(report, "The quantity of part 1 must be a whole number from 1 to 10000.")
        assert report_count(app) == 0, bad
    set_entry(quantity, "2")

    # An empty work done is refused again after a part was fixed.
    click_node(named(report, "text", "Work done")[0])
    careui.press("ctrl+a", "BackSpace")
    careui.press("ctrl+s")
    shows(report, "Write down the work done.")
    assert "The quantity of part 1" not in texts(report)
    assert report_count(app) == 0
    careui.type_keys(WORK)

    # Completing needs the customer's signature.
    careui.activate(named(report, "push button", "Complete Visit")[0])
    shows(report, "The customer has not signed yet.")
    assert report_count(app) == 0

    # Closing with changes asks first; keeping them loses nothing.
    careui.press("Escape")
    ask = dialog(app, "Discard the Changes?")
    careui.activate(careui.wait_for(lambda: next((n for n in careui.walk(ask) if careui.role(n) == "push button"
                                                  and "Keep Editing" in careui.name(n)), None),
                                    "the Keep Editing button"))
    no_dialog(app, "Discard the Changes?")
    shows(report, WORK)
    assert careui.text_of(named(report, "text", "Quantity")[0]) == "2"


def test_offline_report_sync_export():
    tmp = tempfile.mkdtemp(prefix="aftercare-visit-ui-")
    db = os.path.join(tmp, "server.db")
    subprocess.run([SERVER, "--db", db, "useradd", "ana", "--role", "agent"], input=PASSWORD + "\n", text=True,
                   check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    server = Server(db, port)
    pdf = os.path.join(tmp, "exported report.pdf")
    xdg_data, opened_log = pdf_viewer(tmp)
    cwd = os.getcwd()
    os.chdir(tmp)  # where "Print to File" writes
    try:
        with careui.App(data_dir=os.path.join(tmp, "client-a"),
                        env={"GTK_USE_PORTAL": "0", "XDG_DATA_HOME": xdg_data}) as app:
            careui.wait_for_text(app.window, "Welcome to Aftercare")
            sign_in(app, port, company=COMPANY)
            wait_state(app, "Synced")
            book_visit(app)
            wait_state(app, "Synced")

            # At the customer's, out of range.
            server.stop()
            server = None
            select_visit(app)
            shows(app.window, "Not written yet")
            report = click_report_row(app)
            record_with_bad_input(app, report)

            add_part(report, "Door seal", "", "1", "30,00")
            # The price follows the form: 2 × 12.50 + 30.00, no labour rate yet.
            shows(report, "55.00 EUR")
            scroll(report)
            set_entry(named(report, "text", "Signed by")[0], CUSTOMER)
            draw_signature(report)
            screenshot("visit-report.png")
            careui.press("ctrl+s")
            no_dialog(app, "Visit Report")
            app.wait_for_toast("Visit report saved")

            # Saved offline: the report and both parts wait in the outbox.
            wait_state(app, "Offline, 3 changes waiting")
            assert query(app, "SELECT count(*) FROM outbox") == [(3,)]
            rows = query(app, "SELECT work_done, signed_by, signature FROM visit_report")
            assert len(rows) == 1 and rows[0][0] == WORK and rows[0][1] == CUSTOMER, rows
            assert rows[0][2].startswith("M") and rows[0][2].count("M") == 2, rows[0][2][:80]
            parts = query(app, "SELECT name, part_number, quantity, unit_price_cents FROM part_usage ORDER BY name")
            assert parts == [("Door seal", None, 1, 3000), ("Drum bearing", "DB-6204", 2, 1250)], parts

            # The stored report opens again as it was, and exports as a PDF.
            report = open_report(app)
            shows(report, WORK)
            shows(report, "Drum bearing")
            shows(report, "DB-6204")
            export_pdf(app, report, pdf)
            # The toast's Open hands the file to the desktop's viewer (at
            # once: the toast goes after ten seconds).
            careui.press_toast_button(report, "Open")
            careui.wait_for(lambda: os.path.exists(opened_log) and pdf in open(opened_log).read(),
                            "the viewer to be asked to open the PDF")
            text = pdf_text(pdf)
            assert WORK in " ".join(text.split()), text
            assert CUSTOMER in text, text
            assert COMPANY in text, text
            assert "Drum bearing" in text and "55.00 EUR" in text, text
            # Fit to hand over: where, what and which visit; a draft until completed.
            appointment_id = query(app, "SELECT id FROM appointment")[0][0]
            reference = "V-" + appointment_id.replace("-", "")[:8].upper()
            assert f"Reference: {reference}" in text, (reference, text)
            assert "Visit type: Delivery" in text, text
            assert f"Address: {ADDRESS}" in text, text
            assert "DRAFT" in text, text
            pdf_screenshot(pdf, "visit-report-draft")
            print_to_file(app, os.path.join(tmp, "output.pdf"))
            report = dialog(app, "Visit Report")
            careui.activate(careui.wait_for(lambda: (named(report, "push button", "Cancel") or [None])[0],
                                            "the Cancel button"))
            no_dialog(app, "Visit Report")

            # Back in range: the report reaches the server.
            server = Server(db, port)
            sync_now(app)
            wait_state(app, "Synced")
            assert query(app, "SELECT count(*) FROM outbox") == [(0,)]

        # A colleague's client, on its own data, sees the same report.
        with careui.App(data_dir=os.path.join(tmp, "client-b")) as app:
            careui.wait_for_text(app.window, "Welcome to Aftercare")
            sign_in(app, port)
            wait_state(app, "Synced")
            careui.show_view(app, "Appointments", "All technicians")
            select_visit(app)
            shows(app.window, "Written, not completed")
            report = click_report_row(app)
            shows(report, WORK)
            # No company set on this client: the report says so, and how to set it.
            shows(report, "No company is set")
            assert named(report, "push button", "Set Company Details", showing_only=False)
            shows(report, "Drum bearing")
            shows(report, "Door seal")
            shows(report, "55.00 EUR")
            assert not careui.find_all(report, name_is="Sign here"), "the signature did not arrive"

            # Completing keeps the signed-for price and closes the visit.
            careui.activate(named(report, "push button", "Complete Visit")[0])
            no_dialog(app, "Visit Report")
            # A delivery gets its check-up call a week later.
            app.wait_for_toast("Follow-up call booked for")
            rows = query(app, "SELECT total_cents, coverage FROM visit_report")
            assert rows == [(5500, "billable")], rows
            rows = query(app, "SELECT kind, status FROM appointment ORDER BY start_at")
            assert rows == [("delivery", "done"), ("follow_up_call", "planned")], rows
            # Online, the completion goes out at once (and the agenda reloads).
            careui.wait_for(lambda: query(app, "SELECT count(*) FROM outbox") == [(0,)], "the completion to sync",
                            timeout=60)
            wait_state(app, "Synced")
            select_visit(app)
            shows(app.window, "Completed and signed")
            report = click_report_row(app)
            shows(report, "This visit is completed")
            assert not named(report, "push button", "Save"), "a completed report can still be saved"
            # Completed, without a company set here: no DRAFT, and no heading
            # that is not the company's.
            completed = os.path.join(tmp, "completed report.pdf")
            export_pdf(app, report, completed, asks_for_company=True)
            text = pdf_text(completed)
            assert "DRAFT" not in text and "Aftercare" not in text, text
            assert text.lstrip().startswith("Visit report"), text
            assert "Reference: V-" in text and "Visit type: Delivery" in text, text
            pdf_screenshot(completed, "visit-report-completed")
            assert careui.unnamed_controls(report) == [], careui.unnamed_controls(report)
    finally:
        os.chdir(cwd)
        if server is not None:
            server.stop()


if __name__ == "__main__":
    careui.main([test_offline_report_sync_export])
