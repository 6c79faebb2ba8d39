"""Click to act: a customer's phone opens tel:, the email mailto: and the
address a maps: URI, each handed to the desktop's handler for the scheme.
A handler of the test's own records what it is given."""

import os
import stat
import subprocess
import urllib.parse

import careui
from careui import Atspi
from test_customers import open_customers, query, search

LOG = os.path.join(os.environ.get("XDG_CACHE_HOME", "/tmp"), "handled-uris.log")


def install_handler():
    """Registers a handler for tel:, mailto: and maps: in the session's own
    (throwaway) home, before Aftercare starts."""
    apps = os.path.join(os.environ["XDG_DATA_HOME"], "applications")
    os.makedirs(apps, exist_ok=True)
    os.makedirs(os.environ["XDG_CONFIG_HOME"], exist_ok=True)
    script = os.path.join(apps, "record-uri.sh")
    with open(script, "w") as f:
        f.write(f"#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{LOG}'\n")
    os.chmod(script, stat.S_IRWXU)
    with open(os.path.join(apps, "record-uri.desktop"), "w") as f:
        f.write("[Desktop Entry]\nType=Application\nName=Record URI\nExec=" + script + " %u\n"
                "MimeType=x-scheme-handler/tel;x-scheme-handler/mailto;x-scheme-handler/maps;\nNoDisplay=true\n")
    with open(os.path.join(os.environ["XDG_CONFIG_HOME"], "mimeapps.list"), "w") as f:
        f.write("[Default Applications]\n" + "".join(f"x-scheme-handler/{s}=record-uri.desktop\n"
                                                     for s in ("tel", "mailto", "maps")))


def handled():
    try:
        with open(LOG) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def activate_row(win, accessible_name):
    # GTK 4.8 appends the row title to the name it was given.
    row = careui.wait_for(lambda: next((n for n in careui.walk(win) if careui.name(n) == accessible_name
                                        or careui.name(n).startswith(accessible_name + " ")), None),
                          f"the row {accessible_name!r}")
    # GTK 4.8 gives list rows no accessible action: click it as a user does.
    e = Atspi.Component.get_extents(row, Atspi.CoordType.WINDOW)
    subprocess.run(["xdotool", "mousemove", str(e.x + e.width // 2), str(e.y + e.height // 2), "click", "1"],
                   check=True)


def test_phone_email_address():
    install_handler()
    with careui.App("--demo", "--demo-size", "50") as app:
        w = app.window
        open_customers(app)
        careui.wait_for_text(w, "50 customers", timeout=60)
        (email, phone, address), = query(app, "SELECT email, phone, address FROM customer WHERE address IS NOT NULL "
                                              "ORDER BY seq LIMIT 1", demo=True)
        search(app, email)
        careui.wait_for_text(w, "1 match")
        careui.press("Return")
        careui.wait_for_text(w, address)

        activate_row(w, f"Call {phone}")
        activate_row(w, f"Write to {email}")
        activate_row(w, f"Show {address} on a map")
        expected = ["tel:" + "".join(c for c in phone if c.isdigit() or c == "+"),
                    "mailto:" + urllib.parse.quote(email, safe="@+"),
                    "maps:q=" + urllib.parse.quote(address, safe="")]
        careui.wait_for(lambda: sorted(handled()) == sorted(expected), f"the handler to get {expected}",
                        timeout=30)


if __name__ == "__main__":
    careui.main([test_phone_email_address])
