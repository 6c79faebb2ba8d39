#!/usr/bin/python3
# Validates the Flatpak manifests: the app id and command, a sandbox limited
# to what Aftercare needs (no file system access: files go through the
# portal), and a pinned sha256 on every downloaded archive. The Flatpak
# itself is built by flatpak-builder, which this test does not run.
import json
import os
import re
import sys

ALLOWED = {
    "--share=network",         # the sync server
    "--share=ipc",             # X11 shared memory
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",            # GL rendering
    "--talk-name=org.freedesktop.secrets",  # libsecret keeps the server token
}
REQUIRED_MODULES = ["libsodium", "libical", "aftercare"]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        fail("%s: %s" % (path, e))


def modules_of(manifest, base):
    out = []
    for m in manifest.get("modules", []):
        if isinstance(m, str):
            path = os.path.join(base, m)
            m = load(path)
            m["_file"] = path
        out.append(m)
        out.extend(modules_of(m, base))
    return out


def check_sources(module):
    name = module.get("name", "?")
    for s in module.get("sources", []):
        if not isinstance(s, dict):
            fail("%s: a source must be an object" % name)
        kind = s.get("type")
        if kind in ("archive", "file"):
            if not re.fullmatch(r"https://\S+", s.get("url", "")):
                fail("%s: %s source needs an https url" % (name, kind))
            if not re.fullmatch(r"[0-9a-f]{64}", s.get("sha256", "")):
                fail("%s: %s source %s has no sha256" % (name, kind, s.get("url")))
            for mirror in s.get("mirror-urls", []):
                if not mirror.startswith("https://"):
                    fail("%s: mirror %s is not https" % (name, mirror))
        elif kind == "git":
            if not (s.get("commit") or s.get("tag")):
                fail("%s: git source must pin a commit or tag" % name)
        elif kind != "dir":
            fail("%s: unexpected source type %r" % (name, kind))


def check(path, app_id, development):
    base = os.path.dirname(path)
    m = load(path)
    if m.get("app-id", m.get("id")) != app_id:
        fail("%s: app-id is %r, expected %r" % (path, m.get("app-id"), app_id))
    if m.get("command") != "aftercare":
        fail("%s: command must be aftercare" % path)
    if m.get("runtime") != "org.gnome.Platform" or m.get("sdk") != "org.gnome.Sdk":
        fail("%s: must use the GNOME runtime and SDK" % path)
    if not re.fullmatch(r"\d+", str(m.get("runtime-version", ""))) or int(m["runtime-version"]) < 47:
        fail("%s: runtime-version must be a stable GNOME release >= 47" % path)

    args = m.get("finish-args", [])
    for a in args:
        if a.startswith("--filesystem") or a in ("--socket=x11", "--socket=session-bus", "--socket=system-bus",
                                                 "--device=all") or a.startswith("--talk-name=org.freedesktop.Flatpak"):
            fail("%s: %s gives more access than Aftercare needs" % (path, a))
        if a not in ALLOWED:
            fail("%s: unexpected finish-arg %s" % (path, a))
    for a in ALLOWED:
        if a not in args:
            fail("%s: missing finish-arg %s" % (path, a))

    mods = modules_of(m, base)
    names = [x.get("name") for x in mods]
    for want in REQUIRED_MODULES:
        if want not in names:
            fail("%s: module %s is missing" % (path, want))
    if names[-1] != "aftercare" or mods[-1].get("buildsystem") != "meson":
        fail("%s: the last module must build aftercare with meson" % path)
    dev_opt = "-Ddevelopment=true" in mods[-1].get("config-opts", [])
    if dev_opt != development:
        fail("%s: -Ddevelopment=true must be set exactly in the Devel manifest" % path)
    for x in mods:
        check_sources(x)
    return m


def main():
    top = sys.argv[1]
    flatpak = os.path.join(top, "flatpak")
    main_manifest = check(os.path.join(flatpak, "io.github.aftercare.Aftercare.json"),
                          "io.github.aftercare.Aftercare", False)
    devel_path = os.path.join(flatpak, "io.github.aftercare.Aftercare.Devel.json")
    if os.path.exists(devel_path):
        devel = check(devel_path, "io.github.aftercare.Aftercare.Devel", True)
        for key in ("runtime", "runtime-version", "sdk", "finish-args"):
            if devel.get(key) != main_manifest.get(key):
                fail("the Devel manifest differs from the main one in %s" % key)
    print("Flatpak manifests are valid")


if __name__ == "__main__":
    main()
