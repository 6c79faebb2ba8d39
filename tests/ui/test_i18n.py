"""Translations in the real window: started in Bulgarian or Brazilian
Portuguese, Aftercare shows its welcome, sidebar and overview in that language
and no English message of its catalog is left on screen.

The catalogs come from the build (AFTERCARE_LOCALEDIR). Set
AFTERCARE_SCREENSHOT_DIR (e.g. to data/screenshots) to refresh the
screenshots of the translated overview; otherwise they go to a temporary
folder, so a test run never changes the source tree."""

import gettext
import os
import sqlite3
import subprocess
import tempfile
import time

import careui

LANGUAGES = {
    "bg": {
        "env": {"LANG": "bg_BG.UTF-8", "LC_ALL": "bg_BG.UTF-8", "LANGUAGE": "bg"},
        "welcome": "Добре дошли в Aftercare",
        "explore": "Разглеждане на демонстрационните данни",
        "views": ["Днес", "Клиенти", "Гаранции", "Сервизни заявки", "Посещения", "Обучения"],
        "overview": ["Отворени сервизни заявки по давност", "Посещения днес", "Просрочени контролни обаждания"],
        "screenshot": "bulgarian.png",
    },
    "pt_BR": {
        "env": {"LANG": "pt_BR.UTF-8", "LC_ALL": "pt_BR.UTF-8", "LANGUAGE": "pt_BR"},
        "welcome": "Boas-vindas ao Aftercare",
        "explore": "Explorar dados de demonstração",
        "views": ["Hoje", "Clientes", "Garantias", "Chamados", "Agendamentos", "Treinamentos"],
        "overview": ["Chamados abertos por tempo", "Agendamentos de hoje", "Ligações de acompanhamento atrasadas"],
        "screenshot": "portuguese.png",
    },
}


def english_messages(lang):
    """The English messages that this language's catalog translates differently:
    none of them may be shown. Mnemonic labels count without their underscore."""
    localedir = os.environ["AFTERCARE_LOCALEDIR"]
    with open(os.path.join(localedir, lang, "LC_MESSAGES", "aftercare.mo"), "rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog
    english = set()
    for msgid, msgstr in catalog.items():
        if isinstance(msgid, tuple):  # a plural form: (msgid, n)
            continue
        msgid = msgid.split("\x04")[-1]  # drop a msgctxt
        if msgid and msgid != msgstr:
            english.add(msgid)
            english.add(msgid.replace("_", "", 1))
    return english


def assert_no_english(window, lang):
    english = english_messages(lang)
    assert len(english) > 500, f"the {lang} catalog holds only {len(english)} translated messages"
    left = [t for t in careui.shown_texts(window) if t in english]
    assert not left, f"English on the {lang} screen: {left}"


def first_start(lang):
    spec = LANGUAGES[lang]
    with careui.App(env=spec["env"]) as app:
        w = app.window
        careui.wait_for_text(w, spec["welcome"])
        careui.find(w, role_name="push button", name_contains=spec["explore"])
        for view in spec["views"]:
            careui.wait_for_text(w, view)
        careui.wait_for_no_text(w, "Welcome to Aftercare", timeout=1)
        assert_no_english(w, lang)
        assert careui.unnamed_controls(w) == [], careui.unnamed_controls(w)


def window_screenshot(app, path):
    """Only the Aftercare window, not the empty screen around it."""
    ids = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(app.proc.pid)],
                         capture_output=True, text=True).stdout.split()
    if ids:
        subprocess.run(["import", "-window", ids[-1], path], check=True)
    else:
        careui.screenshot(path)


def demo_overview(lang):
    spec = LANGUAGES[lang]
    with careui.App("--demo", "--demo-size", "200", env=spec["env"]) as app:
        w = app.window
        for text in spec["overview"]:
            careui.wait_for_text(w, text, timeout=60)
        # The demo store fills in one transaction: all 200 customers, or none yet.
        db = os.path.join(app.data_dir, "demo.db")
        careui.wait_for(lambda: sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute(
            "SELECT count(*) FROM customer").fetchone()[0] == 200, "the demo data", timeout=60)
        time.sleep(1)
        assert_no_english(w, lang)
        folder = os.environ.get("AFTERCARE_SCREENSHOT_DIR") or tempfile.mkdtemp(prefix="aftercare-i18n-")
        path = os.path.join(folder, spec["screenshot"])
        window_screenshot(app, path)
        assert os.path.getsize(path) > 0
        print(f"# screenshot: {path}")


def test_bulgarian_first_start():
    first_start("bg")


def test_portuguese_first_start():
    first_start("pt_BR")


def test_bulgarian_demo_overview():
    demo_overview("bg")


def test_portuguese_demo_overview():
    demo_overview("pt_BR")


if __name__ == "__main__":
    careui.main([test_bulgarian_first_start, test_portuguese_first_start,
                 test_bulgarian_demo_overview, test_portuguese_demo_overview])
