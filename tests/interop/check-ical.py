#!/usr/bin/python3
# Reads Aftercare's iCalendar output with python3-icalendar, a parser that
# shares no code with libical, and checks every mapped property.
import datetime
import json
import os
import subprocess
import sys
import tempfile

try:
    import icalendar
except ImportError:
    print("python3-icalendar is not installed")
    sys.exit(77)

UTC = datetime.timezone.utc


def rfc6868(value):
    # python3-icalendar 4 does not decode RFC 6868 parameter escapes.
    out, i = [], 0
    while i < len(value):
        if value[i] == "^" and i + 1 < len(value) and value[i + 1] in "n'^":
            out.append({"n": "\n", "'": '"', "^": "^"}[value[i + 1]])
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def check_lines(raw, name):
    assert raw.endswith(b"\r\n"), name + ": must end in CRLF"
    for n, line in enumerate(raw.split(b"\r\n")[:-1], 1):
        assert b"\n" not in line and b"\r" not in line, "%s:%d: bare line break" % (name, n)
        assert len(line) <= 75, "%s:%d: %d octets, more than 75" % (name, n, len(line))
        line.decode("utf-8")  # folding never splits a character


def utc(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def load(d, name):
    with open(os.path.join(d, name), "rb") as f:
        raw = f.read()
    check_lines(raw, name)
    cal = icalendar.Calendar.from_ical(raw)
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["PRODID"]).startswith("-//Aftercare//")
    return raw, cal


def attendees(event):
    a = event.get("ATTENDEE", [])
    return a if isinstance(a, list) else [a]


def by_id(expected, entity, id_):
    return next(r for r in expected[entity] if r["id"] == id_)


def main():
    helper = sys.argv[1]
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([helper, "export", d], check=True)
        with open(os.path.join(d, "expected.json"), encoding="utf-8") as f:
            exp = json.load(f)
        ids = exp["ids"]
        company = by_id(exp, "customer", ids["company_id"])
        person = by_id(exp, "customer", ids["person_id"])
        tech = by_id(exp, "staff", ids["technician_id"])
        trainer = by_id(exp, "staff", ids["trainer_id"])

        # A repair visit
        _, cal = load(d, "repair.ics")
        events = cal.walk("VEVENT")
        assert len(events) == 1
        ev = events[0]
        repair = by_id(exp, "appointment", ids["repair_id"])
        assert str(ev["UID"]) == ids["repair_id"] + "@aftercare"
        assert ev.decoded("DTSTART") == utc(repair["start_at"]), ev.decoded("DTSTART")
        assert ev.decoded("DTEND") == utc(repair["end_at"])
        assert ev.decoded("DTSTAMP").tzinfo is not None
        assert str(ev["SUMMARY"]) == "Repair visit: " + company["name"], ev["SUMMARY"]
        assert str(ev["LOCATION"]) == company["address"]
        assert exp["long_note"] in str(ev["DESCRIPTION"])
        assert "Paper jam, again; urgent" in str(ev["DESCRIPTION"])
        assert str(ev["STATUS"]) == "CONFIRMED"
        assert int(ev["SEQUENCE"]) == repair["rev"]
        assert "LAST-MODIFIED" in ev
        org = ev["ORGANIZER"]
        assert str(org) == "mailto:" + tech["email"]
        assert rfc6868(org.params["CN"]) == tech["name"]
        (att,) = attendees(ev)
        assert str(att) == "mailto:" + company["email"]
        assert rfc6868(att.params["CN"]) == company["name"], att.params["CN"]
        assert att.params["PARTSTAT"] == "ACCEPTED"

        # A follow-up call that is done: CONFIRMED, exact state kept
        _, cal = load(d, "call.ics")
        (ev,) = cal.walk("VEVENT")
        assert str(ev["SUMMARY"]) == "Follow-up call: " + person["name"]
        assert str(ev["STATUS"]) == "CONFIRMED"
        assert str(ev["X-AFTERCARE-STATUS"]) == "done"
        assert "LOCATION" not in ev

        # A training session: the trainer has no email, names need quoting
        _, cal = load(d, "session.ics")
        (ev,) = cal.walk("VEVENT")
        assert str(ev["UID"]) == ids["session_id"] + "@aftercare"
        assert str(ev["SUMMARY"]) == "GIMP für Fortgeschrittene: Ebenen, Masken; Filter"
        assert str(ev["URL"]) == "https://meet.example.org/gimp?room=3"
        org = ev["ORGANIZER"]
        assert str(org) == "urn:uuid:" + trainer["id"], str(org)
        assert rfc6868(org.params["CN"]) == trainer["name"], org.params["CN"]
        got = [(rfc6868(a.params["CN"]), a.params["PARTSTAT"], str(a)) for a in attendees(ev)]
        contacts = {c["id"]: c for c in exp["contact"]}
        want = []
        for e in sorted(exp["enrolment"], key=lambda e: e["enrolled_at"]):
            c = contacts[e["contact_id"]]
            addr = "mailto:" + c["email"] if c.get("email") else "urn:uuid:" + c["id"]
            state = {"confirmed": "ACCEPTED", "waitlisted": "TENTATIVE", "cancelled": "DECLINED"}[e["status"]]
            want.append((c["name"], state, addr))
        assert got == want, (got, want)

        # The technician's feed
        raw, cal = load(d, "feed.ics")
        assert str(cal["X-WR-CALNAME"]) == "Aftercare: " + tech["name"]
        assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in raw
        assert str(cal["X-PUBLISHED-TTL"]) == "PT1H"
        uids = sorted(str(e["UID"]) for e in cal.walk("VEVENT"))
        mine = sorted(a["id"] + "@aftercare" for a in exp["appointment"] if a["technician_id"] == tech["id"])
        assert uids == mine, (uids, mine)
        for e in cal.walk("VEVENT"):
            assert e.decoded("DTSTART").utcoffset() == datetime.timedelta(0)

    print("iCalendar output reads back with python3-icalendar")


if __name__ == "__main__":
    main()
