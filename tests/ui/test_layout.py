"""Layouts that hold in every language: each view, with and without a record
selected, at 1280, 600 and 360 px wide, in English, Brazilian Portuguese,
French, Bulgarian and Slovenian, shows every label whole, and the window
takes each width.

How a cut label is found: the app, started with AFTERCARE_LAYOUT_PROBE,
answers SIGUSR1 by writing what GTK itself laid out
(src/app/care-layout-probe.c): every mapped label whose Pango layout is
ellipsized, whose laid out text is wider or taller than its allocation, or
whose allocation reaches beyond a container it is in (up to a scrolled
window). That is the toolkit's own measure, exact in each language and
font; the accessibility tree only gives a label's allocation, not the width
its text needs. Animations are off while the probe is on, so a leaflet has
folded once the window has its new size. The probe also gives the window's
width and the least width its content takes: a window that cannot shrink
to a width fails here.

The screenshots go to <build>/screenshots/layout/<lang>-<view>-<width>[-detail].png.
"""

import gettext
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

import careui

WIDTHS = (1280, 600, 360)
HEIGHT = 720

LANGUAGES = {
    "en": {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "LANGUAGE": ""},
    "pt_BR": {"LANG": "pt_BR.UTF-8", "LC_ALL": "pt_BR.UTF-8", "LANGUAGE": "pt_BR"},
    "fr": {"LANG": "fr_FR.UTF-8", "LC_ALL": "fr_FR.UTF-8", "LANGUAGE": "fr"},
    "bg": {"LANG": "bg_BG.UTF-8", "LC_ALL": "bg_BG.UTF-8", "LANGUAGE": "bg"},
    "sl": {"LANG": "sl_SI.UTF-8", "LC_ALL": "sl_SI.UTF-8", "LANGUAGE": "sl"},
}

# The views in the sidebar's order (Alt+1…6), each with the accessible name
# of the list whose first row shows a record's detail (None: no detail).
VIEWS = [
    ("today", None),
    ("customers", "Customers"),
    ("warranties", "Warranties"),
    ("cases", "Service cases"),
    ("appointments", "Appointments"),
    ("training", "Training sessions"),
]

# Labels that are cut on purpose, each with its full text one step away.
# An entry matches an ellipsized label whose path (see the probe) holds it.
ALLOWED = [
    # The rows of a view's list (customers, warranties, cases, agenda,
    # sessions): a long name or address ends in "…" in a narrow list, and
    # the detail the row opens shows it whole.
    "GtkListView#list_view",
    # The sync state beside the views: its button's tooltip and popover
    # say it in full.
    "CareSyncIndicator",
    # The customers search's placeholder (what can be searched for): its
    # tooltip says it whole.
    "GtkSearchEntry#search_entry",
]


def allowed(label):
    return label["why"] == "ellipsized" and any(part in label["path"] for part in ALLOWED) \
        and (label["tooltip"] or "GtkListView" in label["path"])


class Probe:
    def __init__(self, app, path):
        self.app = app
        self.path = path

    def read(self):
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        self.app.proc.send_signal(signal.SIGUSR1)
        careui.wait_for(lambda: os.path.exists(self.path), "the layout report")
        with open(self.path, encoding="utf-8") as f:
            return json.load(f)

    def settled(self, width, margin):
        """The report once the window has @width (or has given up getting
        there) and two reports in a row agree. GTK's window is @margin
        narrower than the X window: the frame it draws around itself."""
        deadline = time.monotonic() + 5 * careui.timeout_scale()
        last = None
        while True:
            report = self.read()
            if report == last and (report["window"]["width"] + margin == width or
                                   report["window"]["min-width"] > width or time.monotonic() > deadline):
                return report
            last = report
            time.sleep(0.15)


def window_id(app):
    return careui.wait_for(lambda: (subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--pid", str(app.proc.pid), "--name", "^Aftercare$"],
        capture_output=True, text=True).stdout.split() or [None])[0], "the window's X id")


def x_width(wid):
    out = subprocess.run(["xdotool", "getwindowgeometry", wid], capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if "Geometry:" in line)
    return int(line.split()[-1].partition("x")[0])


def resize(wid, width):
    # No window manager runs under Xvfb: the window takes the size it is given.
    subprocess.run(["xdotool", "windowsize", wid, str(width), str(HEIGHT)], check=True)


LIST_ROLES = ("list", "list box", "table", "tree table")


def shown_lists(root, list_name):
    """The lists named @list_name on screen. A walk of its own: it does not
    descend into other lists, whose rows are most of the tree."""
    found, queue = [], [(root, 0)]
    while queue:
        node, depth = queue.pop(0)
        if careui.role(node) in LIST_ROLES and depth > 0:
            if careui.name(node) == list_name and careui.on_screen(node):
                found.append(node)
            continue
        # Hidden pages and folded panes: what is not on screen holds no row to click.
        if depth < 40 and (depth == 0 or careui.on_screen(node)):
            queue.extend((c, depth + 1) for c in careui.children(node))
    return found


def first_row(app, list_name):
    """A real click on the first row of the view's list (rows have no action to call)."""
    def rows():
        items = [c for lst in shown_lists(app.window, list_name) for c in careui.children(lst)
                 if careui.role(c) in ("list item", "table row") and careui.on_screen(c)]
        return sorted(items, key=lambda n: careui.Atspi.Component.get_extents(
            n, careui.Atspi.CoordType.WINDOW).y) or None
    t0 = time.monotonic()
    row = careui.wait_for(rows, f"a row in {list_name}")[0]
    if os.environ.get("AFTERCARE_LAYOUT_DEBUG"):
        print(f"# found a row in {list_name} in {time.monotonic() - t0:.1f} s", flush=True)
    # The window sits at the screen's origin (see run_language).
    # A window that did not shrink shows its content cut at the right: click
    # where the row is on screen.
    e = careui.Atspi.Component.get_extents(row, careui.Atspi.CoordType.WINDOW)
    x = max(e.x, 0) + min(e.width, 200) // 2
    subprocess.run(["xdotool", "mousemove", str(x), str(e.y + min(e.height // 2, 20)), "click", "1"], check=True)
    time.sleep(0.5)


def run_language(lang, shots):
    env = dict(LANGUAGES[lang])
    report_path = os.path.join(tempfile.mkdtemp(prefix="aftercare-layout-"), "layout.json")
    env["AFTERCARE_LAYOUT_PROBE"] = report_path
    tr = gettext.translation("aftercare", os.environ["AFTERCARE_LOCALEDIR"], [lang], fallback=True)
    failures = []
    counts = {}
    with careui.App("--demo", "--demo-size", "200", env=env) as app:
        probe = Probe(app, report_path)
        db = os.path.join(app.data_dir, "demo.db")
        careui.wait_for(lambda: os.path.exists(db) and sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute(
            "SELECT count(*) FROM customer").fetchone()[0] == 200, "the demo data", timeout=60)
        wid = window_id(app)
        subprocess.run(["xdotool", "windowmove", wid, "0", "0"], check=True)
        resize(wid, WIDTHS[0])
        time.sleep(1)
        margin = x_width(wid) - probe.read()["window"]["width"]
        # The demo's toast would cover the views: it goes after a few seconds.
        careui.wait_for(lambda: not probe.read()["toast"], "the demo's toast to go", timeout=30)

        def check(view, width, detail):
            t0 = time.monotonic()
            report = probe.settled(width, margin)
            if os.environ.get("AFTERCARE_LAYOUT_DEBUG"):
                print(f"# {view} {width} {detail}: settled in {time.monotonic() - t0:.1f} s: {report['window']}",
                      flush=True)
            name = f"{lang}-{view}-{width}{'-detail' if detail else ''}"
            subprocess.run(["import", "-window", wid, os.path.join(shots, name + ".png")], check=True)
            win = report["window"]
            if x_width(wid) > width or win["min-width"] > width:
                failures.append(f"{name}: the window is {x_width(wid)} px wide (it needs at least "
                                f"{win['min-width']} px), not {width}; held by: "
                                + " > ".join(report.get("widest", [])))
            cut = [c for c in report["clipped"] if not allowed(c)]
            counts[name] = len(cut)
            for c in cut:
                failures.append(f"{name}: {c['why']} {c['text']!r} ({c['text-width']}x{c['text-height']} in "
                                f"{c['width']}x{c['height']}) at {c['path']}")

        for i, (view, list_name) in enumerate(VIEWS, 1):
            resize(wid, WIDTHS[0])
            probe.settled(WIDTHS[0], margin)
            careui.press(f"alt+{i}")
            time.sleep(0.5)
            for width in WIDTHS:
                resize(wid, width)
                check(view, width, False)
            if list_name is None:
                continue
            # Chosen in the narrowest window, where the detail takes the
            # list's place, then seen as the window widens again.
            first_row(app, tr.gettext(list_name))
            for width in reversed(WIDTHS):
                resize(wid, width)
                check(view, width, True)
    summary = ", ".join(f"{k.split('-', 1)[1]}={v}" for k, v in counts.items() if v)
    print(f"# {lang}: clipped labels per view and width: {summary or 'none'}")
    sys.stdout.flush()
    return failures


def make_test(lang):
    def test():
        shots = os.path.join(os.environ.get("MESON_BUILD_ROOT") or os.environ.get("AFTERCARE_BUILD_ROOT")
                             or tempfile.gettempdir(), "screenshots", "layout")
        os.makedirs(shots, exist_ok=True)
        failures = run_language(lang, shots)
        print(f"# screenshots: {shots}")
        for f in failures:
            print(f"# {f}")
        assert not failures, f"{len(failures)} layout defects in {lang}, listed above"
    test.__name__ = f"test_layout_{lang}"
    return test


if __name__ == "__main__":
    # One language per run (meson runs the five side by side), or all.
    careui.main([make_test(lang) for lang in (sys.argv[1:] or LANGUAGES)])
