#!/usr/bin/python3
"""Checks every translation: msgfmt --check passes, and against a template
made fresh from po/POTFILES.in nothing is untranslated or fuzzy."""

import os
import re
import subprocess
import sys
import tempfile

top = sys.argv[1]
po_dir = os.path.join(top, "po")
with open(os.path.join(po_dir, "LINGUAS")) as f:
    languages = [w for line in f for w in line.split("#")[0].split()]

failed = False
with tempfile.TemporaryDirectory() as tmp:
    pot = os.path.join(tmp, "aftercare.pot")
    # The keywords of meson's i18n "glib" preset.
    subprocess.run(["xgettext", "--from-code=UTF-8", "--add-comments", "--directory", top,
                    "--files-from", os.path.join(po_dir, "POTFILES.in"), "--output", pot,
                    "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
                    "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
                    "--flag=N_:1:pass-c-format", "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
                    "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
                    "--flag=g_string_printf:2:c-format", "--flag=g_set_error:4:c-format"],
                   check=True)
    for lang in languages:
        po = os.path.join(po_dir, lang + ".po")
        check = subprocess.run(["msgfmt", "--check", "--output-file=/dev/null", po],
                               capture_output=True, text=True)
        if check.returncode != 0:
            print(f"{lang}: msgfmt --check failed:\n{check.stderr}")
            failed = True
            continue
        merged = os.path.join(tmp, lang + ".po")
        subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", "--output-file", merged, po, pot], check=True)
        stats = subprocess.run(["msgfmt", "--statistics", "--output-file=/dev/null", merged],
                               capture_output=True, text=True).stderr
        untranslated = sum(int(n) for n in re.findall(r"(\d+) untranslated", stats))
        fuzzy = sum(int(n) for n in re.findall(r"(\d+) fuzzy", stats))
        print(f"{lang}: {stats.strip()}")
        if untranslated or fuzzy:
            failed = True
            missing = subprocess.run(["msgattrib", "--untranslated", "--no-wrap", merged],
                                     capture_output=True, text=True).stdout
            ids = re.findall(r'^msgid "(.+)"$', missing, re.M)[:15]
            print(f"{lang}: {untranslated} untranslated, {fuzzy} fuzzy, e.g. {ids}")

sys.exit(1 if failed else 0)
