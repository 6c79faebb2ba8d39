"""Translations in the real window: started in Bulgarian or Brazilian
Portuguese, Aftercare shows its welcome, sidebar and overview in that language
and no English message of its catalog is left on screen.

The catalogs come from the build (AFTERCARE_LOCALEDIR). Set
AFTERCARE_SCREENSHOT_DIR (e.g. to data/screenshots) to refresh the
screenshots of the translated overview; otherwise they go to a temporary
folder, so a test run never changes the source tree."""

import datetime
import gettext
import locale
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
        "overview": ["Нива на обслужване в риск", "Посещения днес", "Просрочени контролни обаждания"],
        "screenshot": "bulgarian.png",
    },
    "pt_BR": {
        "env": {"LANG": "pt_BR.UTF-8", "LC_ALL": "pt_BR.UTF-8", "LANGUAGE": "pt_BR"},
        "welcome": "Boas-vindas ao Aftercare",
        "explore": "Explorar dados de demonstração",
        "views": ["Hoje", "Clientes", "Garantias", "Chamados", "Agendamentos", "Treinamentos"],
        "overview": ["Níveis de serviço em risco", "Agendamentos de hoje", "Ligações de acompanhamento atrasadas"],
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


# The 3rd of a month: a one-digit day, which "%e" padded with a figure space.
THIRD = "2026-12-03T10:00:00Z"
DATE_LOCALES = {
    "en": {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"},
    "pt_BR": LANGUAGES["pt_BR"]["env"],
    "fr": {"LANG": "fr_FR.UTF-8", "LC_ALL": "fr_FR.UTF-8", "LANGUAGE": "fr"},
    "bg": LANGUAGES["bg"]["env"],
    "sl": {"LANG": "sl_SI.UTF-8", "LC_ALL": "sl_SI.UTF-8", "LANGUAGE": "sl"},
}


def translated(lang, context, msgid):
    if lang == "en":
        return msgid
    localedir = os.environ["AFTERCARE_LOCALEDIR"]
    with open(os.path.join(localedir, lang, "LC_MESSAGES", "aftercare.mo"), "rb") as f:
        return gettext.GNUTranslations(f).pgettext(context, msgid)


def agenda_heading(lang, day):
    """The agenda's heading for @day as the language's translation and its
    locale write it (glibc's strftime reads "%-d" as GLib does)."""
    fmt = translated(lang, "agenda day", "%A %-d %B %Y")
    saved = locale.setlocale(locale.LC_TIME)
    locale.setlocale(locale.LC_TIME, DATE_LOCALES[lang]["LC_ALL"])
    try:
        return day.strftime(fmt)
    finally:
        locale.setlocale(locale.LC_TIME, saved)


def dates_on_the_third(lang):
    env = dict(DATE_LOCALES[lang], AFTERCARE_NOW=THIRD)
    folder = os.environ.get("AFTERCARE_SCREENSHOT_DIR") or tempfile.mkdtemp(prefix="aftercare-dates-")
    with careui.App("--demo", "--demo-size", "200", env=env) as app:
        w = app.window
        careui.wait_for(lambda: any("2" in t for t in careui.shown_texts(w)), "the Today page", timeout=60)
        time.sleep(1)
        padded = [t for t in careui.shown_texts(w) if "\u2007" in t]
        assert not padded, f"padded dates on the {lang} Today page: {padded}"
        window_screenshot(app, os.path.join(folder, f"today-{lang}.png"))

        careui.press("alt+5")
        heading = agenda_heading(lang, datetime.date(2026, 12, 3))
        assert "3" in heading and "\u2007" not in heading and "  " not in heading, heading
        careui.wait_for_text(w, heading)
        padded = [t for t in careui.shown_texts(w) if "\u2007" in t]
        assert not padded, f"padded dates in the {lang} agenda: {padded}"
        window_screenshot(app, os.path.join(folder, f"agenda-{lang}.png"))
        print(f"# screenshots: {folder}/today-{lang}.png, agenda-{lang}.png")


def test_dates_on_the_third():
    for lang in DATE_LOCALES:
        dates_on_the_third(lang)


if __name__ == "__main__":
    careui.main([test_bulgarian_first_start, test_portuguese_first_start,
                 test_bulgarian_demo_overview, test_portuguese_demo_overview,
                 test_dates_on_the_third])
