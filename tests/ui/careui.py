"""careui: drive the real Aftercare window through the accessibility tree.

Used by the UI tests, which run inside ui-session.sh (Xvfb + D-Bus + AT-SPI).
Every helper waits for the UI instead of sleeping a fixed time, and fails
with a message that says what was expected and what the window showed.
"""

import datetime
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402


def timeout_scale():
    """How much slower than a quiet 2-core machine this one is now: waits
    scale with the load, so a busy machine gets more time, not a failure.
    Read at each wait, since the load changes as tests start side by side.
    AFTERCARE_UI_TIMEOUT_SCALE sets it outright."""
    given = os.environ.get("AFTERCARE_UI_TIMEOUT_SCALE")
    if given:
        return max(1.0, float(given))
    try:
        load = os.getloadavg()[0] / (os.cpu_count() or 1)
    except OSError:
        load = 1.0
    return min(4.0, max(1.0, load * 1.5))


# Seconds a wait takes at most on a quiet machine; every wait scales it.
DEFAULT_TIMEOUT = 20.0


# The one clock of the tests. The app and the server read AFTERCARE_NOW
# (src/core/care-clock.c): it pins the instant they start at, and time runs
# on from there. When the suite is not given an instant, the first test
# process takes the real one once and pins it for everything it starts, so
# the app, the server and what the test expects all start from the same
# instant, and no assertion depends on when a check happens to run.
if not os.environ.get("AFTERCARE_NOW"):
    os.environ["AFTERCARE_NOW"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
_PINNED = datetime.datetime.strptime(os.environ["AFTERCARE_NOW"][:19], "%Y-%m-%dT%H:%M:%S").replace(
    tzinfo=datetime.timezone.utc)
_PINNED_AT = time.monotonic()


def now_utc():
    """Now, as the app's clock sees it (seconds, UTC, aware)."""
    return (_PINNED + datetime.timedelta(seconds=time.monotonic() - _PINNED_AT)).replace(microsecond=0)


def now_local():
    """Now in the local time zone (TZ), as the app shows it."""
    return now_utc().astimezone()


def today():
    """Today's date in the local time zone, as the app's clock sees it."""
    return now_local().date()


def iso(dt):
    """An instant as the store and the protocol write it."""
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def clock_env(env=None):
    """The environment for a process the test starts: its clock starts
    where the test's clock is now."""
    out = dict(os.environ if env is None else env)
    out["AFTERCARE_NOW"] = iso(now_utc())
    return out


def day_heading(day):
    """A day as the app's headings write it in the C locale: "Thursday 3 December 2026"."""
    return day.strftime("%A %-d %B %Y")


class UIError(AssertionError):
    pass


def wait_for(predicate, what, timeout=DEFAULT_TIMEOUT, interval=0.1):
    """Calls predicate until it returns a true value, and returns that value."""
    timeout *= timeout_scale()
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except gi.repository.GLib.Error as e:  # a node went away mid-walk
            last_error = e
        time.sleep(interval)
    raise UIError(f"timed out after {timeout:.0f} s waiting for {what}" +
                  (f" (last error: {last_error})" if last_error else ""))


def name(node):
    try:
        return node.get_name() or ""
    except gi.repository.GLib.Error:
        return ""


def role(node):
    try:
        return node.get_role_name() or ""
    except gi.repository.GLib.Error:
        return ""


def children(node):
    try:
        n = node.get_child_count()
    except gi.repository.GLib.Error:
        return []
    out = []
    for i in range(n):
        try:
            c = node.get_child_at_index(i)
        except gi.repository.GLib.Error:
            continue
        if c is not None:
            out.append(c)
    return out


def is_visible(node):
    try:
        return node.get_state_set().contains(Atspi.StateType.VISIBLE)
    except gi.repository.GLib.Error:
        return False


def on_screen(node):
    """GTK 4.8 does not report SHOWING; an unmapped widget has empty extents."""
    try:
        e = Atspi.Component.get_extents(node, Atspi.CoordType.WINDOW)
        return e.width > 0 and e.height > 0
    except (gi.repository.GLib.Error, TypeError):
        return True


def frame_of(node):
    n = node
    while n is not None and role(n) not in ("frame", "dialog", "window", "application"):
        try:
            n = n.get_parent()
        except gi.repository.GLib.Error:
            return None
    return n


def really_shown(node):
    """True when the node is what a user sees at its own centre: GTK 4.8 keeps
    stale extents for pages a stack has hidden, so ask the toolkit which
    widget is at that point and check it is this node or inside it."""
    try:
        e = Atspi.Component.get_extents(node, Atspi.CoordType.WINDOW)
    except (gi.repository.GLib.Error, TypeError):
        return True
    if e.width <= 0 or e.height <= 0:
        return False
    top = frame_of(node)
    if top is None:
        return False
    x, y = e.x + e.width // 2, e.y + e.height // 2
    hit = top
    for _ in range(60):  # descend to the deepest widget at the point
        try:
            nxt = Atspi.Component.get_accessible_at_point(hit, x, y, Atspi.CoordType.WINDOW)
        except (gi.repository.GLib.Error, TypeError):
            nxt = None
        if nxt is None or nxt == hit:
            break
        hit = nxt
    for _ in range(60):  # is the node that widget or one of its ancestors?
        if hit is None:
            return False
        if hit == node:
            return True
        try:
            hit = hit.get_parent()
        except gi.repository.GLib.Error:
            return False
    return False


def walk(node, showing_only=True, depth=0, max_depth=60):
    """Yields node and its descendants; by default only what is on screen
    (hidden widgets and the children of unmapped containers are skipped)."""
    if depth > max_depth:
        return
    if showing_only and depth > 0 and not (is_visible(node) and (on_screen(node) or role(node) in ("panel", "filler"))):
        return
    if not showing_only or depth == 0 or on_screen(node):
        yield node
    for c in children(node):
        yield from walk(c, showing_only, depth + 1, max_depth)


def text_of(node):
    """The text a label or entry shows, else its accessible name."""
    try:
        t = node.get_text_iface()
        if t is not None:
            return Atspi.Text.get_text(node, 0, Atspi.Text.get_character_count(node)) or name(node)
    except (gi.repository.GLib.Error, AttributeError, TypeError):
        pass
    return name(node)


def find_all(root, role_name=None, name_is=None, name_contains=None, showing_only=True):
    out = []
    for n in walk(root, showing_only):
        if role_name is not None and role(n) != role_name:
            continue
        nm = name(n)
        if name_is is not None and nm != name_is:
            continue
        if name_contains is not None and name_contains.lower() not in nm.lower() \
                and name_contains.lower() not in text_of(n).lower():
            continue
        if showing_only and not really_shown(n):
            continue
        out.append(n)
    return out


def find(root, role_name=None, name_is=None, name_contains=None, timeout=DEFAULT_TIMEOUT):
    """Waits for one shown node that matches and returns it."""
    what = f"{role_name or 'a node'} named {name_is or name_contains!r}"
    return wait_for(lambda: (find_all(root, role_name, name_is, name_contains) or [None])[0], what, timeout)


def shown_texts(root):
    """Every label text and accessible name shown: what a user can read."""
    texts = []
    for n in walk(root):
        for t in (name(n), text_of(n)):
            if t and t not in texts:
                texts.append(t)
    return texts


def describe(node):
    """A node's role, name, states and number of children, for a failure's message."""
    try:
        states = [Atspi.StateType(st).value_nick for st in node.get_state_set().get_states()]
        return f"{role(node)} {name(node)!r}, {node.get_child_count()} children, states {states}"
    except Exception as e:  # the node is gone: say so
        return f"a node that no longer answers: {e}"


def wait_for_text(root, text, timeout=DEFAULT_TIMEOUT):
    def shown():
        return bool(find_all(root, name_contains=text))
    try:
        return wait_for(shown, f"the text {text!r}", timeout)
    except UIError:
        raise UIError(f"the window never showed {text!r}; it shows: {shown_texts(root)[:80]} "
                      f"({describe(root)})")


def wait_for_no_text(root, text, timeout=DEFAULT_TIMEOUT):
    return wait_for(lambda: not find_all(root, name_contains=text),
                    f"the text {text!r} to go away", timeout)


def activate(node):
    """Clicks a button, toggles a check, activates a row: its first action."""
    action = node.get_action_iface()
    if action is None or Atspi.Action.get_n_actions(node) == 0:
        raise UIError(f"{role(node)} {name(node)!r} has no action to activate")
    Atspi.Action.do_action(node, 0)


def press_toast_button(root, label, timeout=DEFAULT_TIMEOUT):
    """Presses the button of the toast on screen whose name holds @label.
    The window is searched
    from its last children first, where an overlay keeps its toasts, and
    without the on-screen checks of walk(): a busy machine walked a whole
    window in order for longer than the toast stayed up."""
    def search(node, depth=0):
        if depth > 60:
            return None
        try:
            if role(node) == "push button" and label in name(node):
                return node
            kids = children(node)
        except gi.repository.GLib.Error:  # a node gone while it was read
            return None
        for c in reversed(kids):
            found = search(c, depth + 1)
            if found is not None:
                return found
        return None
    activate(wait_for(lambda: search(root), f"the toast's button {label!r}", timeout))


def click(root, name_is=None, name_contains=None, role_name=None, timeout=DEFAULT_TIMEOUT):
    node = find(root, role_name, name_is, name_contains, timeout)
    activate(node)
    return node


def set_text(node, text):
    """Replaces an entry's text as typing would (the entry emits changed)."""
    et = node.get_editable_text_iface()
    if et is None:
        raise UIError(f"{role(node)} {name(node)!r} is not editable")
    node.grab_focus() if hasattr(node, "grab_focus") else Atspi.Component.grab_focus(node)
    Atspi.EditableText.set_text_contents(node, text)


def type_keys(text):
    """Types text with real key events (XTest), as a user at the keyboard.
    A character the keymap lacks (ü, č, д) is typed by binding it to a spare
    key for a moment; an app slow to read that key press would see the key
    unbound again. So such characters go one at a time, and the binding is
    held for longer."""
    import itertools
    for ascii_run, chars in itertools.groupby(text, key=lambda c: c.isascii()):
        chunk = "".join(chars)
        if ascii_run:
            subprocess.run(["xdotool", "type", "--delay", "20", "--", chunk], check=True)
            continue
        for c in chunk:
            subprocess.run(["xdotool", "type", "--delay", str(int(150 * timeout_scale())), "--", c], check=True)
            time.sleep(0.05)
    time.sleep(0.1)


def type_checked(node, text, attempts=3):
    """Types @text into the focused @node, and types it again if the entry
    does not read @text once it settles (see type_keys)."""
    for _ in range(attempts):
        press("ctrl+a", "BackSpace")
        type_keys(text)
        try:
            wait_for(lambda: text_of(node) == text, f"{text!r} in the entry", timeout=5)
            return
        except UIError:
            continue
    raise UIError(f"typed {text!r}, the entry reads {text_of(node)!r}")


def press(*keys):
    """Presses key combinations with real key events, e.g. press("ctrl+n")."""
    subprocess.run(["xdotool", "key", "--delay", "40", *keys], check=True)
    time.sleep(0.15)


def unnamed_controls(root):
    """Interactive widgets shown without an accessible name: each one is a defect."""
    interactive = {"push button", "toggle button", "check box", "radio button", "text", "entry",
                   "combo box", "spin button", "slider", "menu button", "switch", "password text"}
    bad = []
    for n in walk(root):
        if role(n) in interactive and not name(n).strip():
            bad.append(f"{role(n)} (parent: {role(n.get_parent())} {name(n.get_parent())!r})")
    return bad


def show_view(app, title, marker):
    """Switches views with Alt+N as a user would; N follows the sidebar.
    Waits for @marker, a text only that view shows."""
    w = app.window
    sidebar = find(w, role_name="list", name_is="Views")
    names = [name(c) for c in children(sidebar)]
    assert title in names, f"no {title} in the sidebar: {names}"
    press(f"alt+{names.index(title) + 1}")
    wait_for_text(w, marker)


def screenshot(path, pid=None):
    """The screen, or only the windows of process @pid (a capture of the
    root window of Xvfb can come out black)."""
    ids = []
    if pid is not None:
        ids = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid)],
                             capture_output=True, text=True).stdout.split()
    # The largest of them: the process's last window may be a tooltip.
    def area(window):
        out = subprocess.run(["xdotool", "getwindowgeometry", window], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if "Geometry:" in line:
                w, _, h = line.split()[-1].partition("x")
                return int(w) * int(h)
        return 0
    target = max(ids, key=area) if ids else "root"
    subprocess.run(["import", "-window", target, path], check=True)


class App:
    """The real aftercare binary in its own data folder."""

    def __init__(self, *args, data_dir=None, env=None, name="aftercare"):
        self.binary = os.environ.get("AFTERCARE", "aftercare")
        self.own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="aftercare-ui-")
        self.args = list(args)
        self.env = dict(os.environ)
        self.env.update(env or {})
        # An instant the test gives is kept; otherwise the app's clock starts
        # where the test's is when it starts.
        self.pinned = (env or {}).get("AFTERCARE_NOW")
        # Every toast the app shows is appended here: a toast is gone after
        # a few seconds, and a busy machine may not read the window in time.
        self.toast_log = os.path.join(self.data_dir, "toasts.log")
        self.env["AFTERCARE_TOAST_LOG"] = self.toast_log
        self.proc = None
        self.root = None
        self.app_name = name

    def start(self, timeout=30.0):
        if not self.pinned:
            self.env = clock_env(self.env)
        # The app's stdout (GLib's debug lines) must not mix with the TAP the test prints.
        self.proc = subprocess.Popen([self.binary, "--data-dir", self.data_dir, *self.args], env=self.env,
                                     stdout=sys.stderr)
        desktop = Atspi.get_desktop(0)

        def found():
            if self.proc.poll() is not None:
                raise UIError(f"aftercare exited with status {self.proc.returncode}")
            for app in children(desktop):
                try:
                    if app.get_process_id() == self.proc.pid:
                        frames = [c for c in children(app) if role(c) == "frame"]
                        if frames:
                            return app
                except gi.repository.GLib.Error:
                    continue
            return None

        self.root = wait_for(found, "the Aftercare window", timeout)
        return self

    @property
    def window(self):
        """The main window: the largest frame on screen. A dialog that has
        just closed can stay among the app's children for a while, and its
        tree then reads empty."""
        frames = [c for c in children(self.root) if role(c) == "frame"]

        def size(frame):
            try:
                if not frame.get_state_set().contains(Atspi.StateType.SHOWING):
                    return -1
                e = Atspi.Component.get_extents(frame, Atspi.CoordType.SCREEN)
                return e.width * e.height
            except gi.repository.GLib.Error:
                return -2
        return max(frames, key=size) if frames else self.root

    def toasts(self):
        """The titles of every toast shown so far, oldest first."""
        try:
            with open(self.toast_log, encoding="utf-8") as f:
                return [line.rstrip("\n") for line in f]
        except FileNotFoundError:
            return []

    def wait_for_toast(self, text, timeout=DEFAULT_TIMEOUT, since=0):
        """Waits until a toast containing @text has been shown (after the
        first @since toasts) and returns its title."""
        def shown():
            return next((t for t in self.toasts()[since:] if text in t), None)
        try:
            return wait_for(shown, f"a toast with {text!r}", timeout)
        except UIError:
            raise UIError(f"no toast with {text!r}; toasts shown: {self.toasts()}; "
                          f"windows: {self.windows_text()}")

    def windows_text(self):
        """Each window of the app, by title, with what it shows: a dialog
        that came instead of a toast says why."""
        out = {}
        for c in children(self.root):
            try:
                out[name(c)] = shown_texts(c)[:20]
            except gi.repository.GLib.Error:
                continue
        return out

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and self.proc is not None and self.proc.poll() is not None:
            # A wait that timed out on a window that had gone: say why it went.
            print(f"# aftercare had exited during the test, with status {self.proc.returncode}")
        if exc_type is not None:  # what the window showed when the test failed, before it closes
            shot = os.path.join(os.environ.get("MESON_BUILD_ROOT", tempfile.gettempdir()),
                                f"ui-failure-{os.getpid()}-{int(time.monotonic())}.png")
            try:
                screenshot(shot, self.proc.pid if self.proc else None)
                print(f"# screenshot of the window at the failure: {shot}")
            except Exception:
                pass
        self.stop()
        return False


def main(tests):
    """Runs test functions, prints TAP, exits non-zero on any failure."""
    print(f"1..{len(tests)}")
    failed = 0
    for i, t in enumerate(tests, 1):
        try:
            t()
            print(f"ok {i} {t.__name__}")
        except Exception as e:  # report and go on with the next test
            failed += 1
            print(f"not ok {i} {t.__name__}: {type(e).__name__}: {e}")
            shot = os.path.join(os.environ.get("MESON_BUILD_ROOT", tempfile.gettempdir()),
                                f"ui-failure-{t.__name__}-{os.getpid()}.png")
            try:
                screenshot(shot)
                print(f"# screenshot of the failure: {shot}")
            except Exception:
                pass
        sys.stdout.flush()
    sys.exit(1 if failed else 0)
