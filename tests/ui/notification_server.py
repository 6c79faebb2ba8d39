"""A notification server on the session bus for the UI tests: it owns
org.freedesktop.Notifications, as a desktop's would, so GLib sends the app's
GNotifications to it over D-Bus. Each Notify is written to LOG as one JSON
line. Invoke (a test-only interface) plays the user clicking a notification:
it emits ActionInvoked from this server, the only sender GLib listens to.

Usage: notification_server.py LOG   (prints "ready" once the name is owned)
"""

import json
import sys

from gi.repository import Gio, GLib

XML = """
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
    </method>
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
      <arg type="u" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
    <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
    <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
  </interface>
  <interface name="org.aftercare.TestNotifications">
    <method name="Invoke"><arg type="u" direction="in"/><arg type="s" direction="in"/></method>
  </interface>
</node>
"""

PATH = "/org/freedesktop/Notifications"
log_path = sys.argv[1]
next_id = [1]
loop = GLib.MainLoop()


def method_call(conn, sender, path, iface, method, params, invocation):
    if method == "GetCapabilities":
        invocation.return_value(GLib.Variant("(as)", (["actions", "body"],)))
    elif method == "GetServerInformation":
        invocation.return_value(GLib.Variant("(ssss)", ("test", "aftercare", "1", "1.2")))
    elif method == "Notify":
        app, replaces, icon, summary, body, actions, hints, timeout = params.unpack()
        nid = replaces or next_id[0]
        next_id[0] += 1
        with open(log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"id": nid, "app": app, "summary": summary, "body": body,
                                "actions": actions}) + "\n")
        invocation.return_value(GLib.Variant("(u)", (nid,)))
    elif method == "CloseNotification":
        invocation.return_value(None)
    elif method == "Invoke":
        nid, action = params.unpack()
        conn.emit_signal(None, PATH, "org.freedesktop.Notifications", "ActionInvoked",
                         GLib.Variant("(us)", (nid, action)))
        invocation.return_value(None)


def bus_acquired(conn, name):
    for iface in Gio.DBusNodeInfo.new_for_xml(XML).interfaces:
        conn.register_object(PATH, iface, method_call, None, None)


def name_acquired(conn, name):
    print("ready", flush=True)


def name_lost(conn, name):
    print("could not own", name, file=sys.stderr, flush=True)
    loop.quit()


Gio.bus_own_name(Gio.BusType.SESSION, "org.freedesktop.Notifications", Gio.BusNameOwnerFlags.NONE,
                 bus_acquired, name_acquired, name_lost)
loop.run()
