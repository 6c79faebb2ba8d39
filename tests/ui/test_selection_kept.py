"""A list keeps its selection, and agrees with the detail beside it, when
the record changes under it: a workflow step reloads the list, and the
row the agent is on stays selected with its detail shown."""

import os

# A fixed instant unless the suite gives one (the New Year in Sofia run).
os.environ.setdefault("AFTERCARE_NOW", "2026-12-03T10:30:00Z")

import tempfile  # noqa: E402
import time  # noqa: E402

import careui  # noqa: E402
from careui import Atspi  # noqa: E402
from test_dashboard import click_row, start_demo  # noqa: E402
from test_workflows import button  # noqa: E402


def selected_rows(w):
    return [careui.name(n) for n in careui.walk(w) if careui.role(n) == "list item"
            and n.get_state_set().contains(Atspi.StateType.SELECTED)
            and careui.name(n) not in ("Today", "Customers", "Warranties", "Service Cases", "Appointments",
                                       "Training")]


def test_workflow_step_keeps_the_case_selected():
    data = tempfile.mkdtemp(prefix="aftercare-ui-")
    app = start_demo(data)
    try:
        w = app.window
        careui.show_view(app, "Service Cases", "All open cases")
        # An open case: "subject, customer · Open, priority …, age".
        row = careui.wait_for(lambda: next((n for n in careui.find_all(w, role_name="list item")
                                            if " · Open, priority " in careui.name(n)), None), "an open case")
        subject = careui.name(row).split(", ")[0]
        click_row(app, row)
        careui.wait_for(lambda: any(r.startswith(subject + ", ") for r in selected_rows(w)), "the case selected")
        careui.wait_for_no_text(w, "No Case Selected")

        careui.activate(button(w, "Start Work"))
        # The row now says In progress, and is still the selected one.
        careui.wait_for(lambda: any(r.startswith(subject + ", ") and " · In progress, " in r for r in selected_rows(w)),
                        f"{subject!r} selected and in progress: {selected_rows(w)}")
        careui.wait_for_no_text(w, "No Case Selected")
        careui.wait_for(lambda: button(w, "Wait for Reply"), "the next steps of the case")
    finally:
        app.stop()


def hover(app, node):
    """Moves the pointer over @node without clicking."""
    from test_dashboard import xdotool
    wid = xdotool("search", "--onlyvisible", "--pid", str(app.proc.pid), "--name", "^Aftercare$").split()[0]
    geometry = dict(line.strip().split(": ", 1) for line in xdotool("getwindowgeometry", wid).splitlines()[1:])
    x, y = (int(v) for v in geometry["Position"].split(" ")[0].split(","))
    e = Atspi.Component.get_extents(node, Atspi.CoordType.WINDOW)
    xdotool("mousemove", str(x + e.x + e.width // 2), str(y + e.y + e.height // 2))


def test_list_and_detail_agree():
    """The pointer passing over a row selects nothing the detail does not show."""
    data = tempfile.mkdtemp(prefix="aftercare-ui-")
    app = start_demo(data)
    try:
        w = app.window
        careui.show_view(app, "Warranties", "No Warranty Selected")
        rows = careui.wait_for(lambda: [n for n in careui.find_all(w, role_name="list item")
                                        if careui.name(n) not in ("Today", "Customers", "Warranties",
                                                                  "Service Cases", "Appointments", "Training")],
                               "the warranties")
        for row in rows[:3]:
            hover(app, row)
            time.sleep(0.5)
        assert selected_rows(w) == [], selected_rows(w)
        careui.wait_for_text(w, "No Warranty Selected")
        # A click selects, and the detail shows that warranty.
        click_row(app, rows[1])
        careui.wait_for(lambda: len(selected_rows(w)) == 1, "one selected row")
        careui.wait_for_no_text(w, "No Warranty Selected")
    finally:
        app.stop()


if __name__ == "__main__":
    careui.main([test_workflow_step_keeps_the_case_selected, test_list_and_detail_agree])
