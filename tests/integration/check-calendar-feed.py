#!/usr/bin/python3
"""Reads a calendar feed of aftercare-server with python3-icalendar, an
independent parser, and compares it with what the test expects.

Usage: check-calendar-feed.py FEED.ics EXPECTED.json

EXPECTED.json:
  {"calname": "Aftercare: …",
   "events": {"UID": {"dtstart": "YYYY-MM-DDTHH:MM:SSZ", "dtend": "…",
                      "organizer": "mailto:…" or null,
                      "attendees": {"mailto:…": "ACCEPTED", …}}}}
The feed must hold exactly these events (by UID), nothing else."""

import datetime
import json
import sys

import icalendar


def fail(message):
    print(f"check-calendar-feed: {message}", file=sys.stderr)
    sys.exit(1)


def utc_text(value):
    if not isinstance(value, datetime.datetime) or value.tzinfo is None:
        fail(f"{value!r} is not a date-time in UTC")
    if value.utcoffset() != datetime.timedelta(0):
        fail(f"{value!r} is not in UTC")
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def main():
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    with open(sys.argv[2], encoding="utf-8") as f:
        expected = json.load(f)

    cal = icalendar.Calendar.from_ical(data)
    if cal.name != "VCALENDAR":
        fail(f"the feed is a {cal.name}, not a VCALENDAR")
    if str(cal.get("VERSION")) != "2.0":
        fail("VERSION is not 2.0")
    if str(cal.get("X-WR-CALNAME")) != expected["calname"]:
        fail(f"X-WR-CALNAME is {cal.get('X-WR-CALNAME')!r}, not {expected['calname']!r}")
    refresh = cal.get("REFRESH-INTERVAL")
    if refresh is None or refresh.params.get("VALUE") != "DURATION":
        fail("REFRESH-INTERVAL;VALUE=DURATION is missing")
    # python3-icalendar 4 predates RFC 7986 and keeps the value as text.
    if icalendar.vDuration.from_ical(str(refresh)) != datetime.timedelta(hours=1):
        fail(f"REFRESH-INTERVAL is {refresh!r}, not an hour")

    events = {}
    for event in cal.walk("VEVENT"):
        uid = str(event.get("UID"))
        if uid in events:
            fail(f"UID {uid} appears twice")
        events[uid] = event

    if set(events) != set(expected["events"]):
        fail(f"the feed holds {sorted(events)}, expected {sorted(expected['events'])}")

    for uid, want in expected["events"].items():
        event = events[uid]
        for name in ("dtstart", "dtend"):
            got = utc_text(event.decoded(name.upper()))
            if got != want[name]:
                fail(f"{uid}: {name.upper()} is {got}, expected {want[name]}")

        organizer = event.get("ORGANIZER")
        if (str(organizer) if organizer is not None else None) != want["organizer"]:
            fail(f"{uid}: ORGANIZER is {organizer!r}, expected {want['organizer']!r}")
        if organizer is not None and not organizer.params.get("CN"):
            fail(f"{uid}: the ORGANIZER has no CN")

        attendees = {}
        for attendee in as_list(event.get("ATTENDEE")):
            attendees[str(attendee)] = str(attendee.params.get("PARTSTAT"))
        if attendees != want["attendees"]:
            fail(f"{uid}: ATTENDEEs are {attendees}, expected {want['attendees']}")

    print(f"check-calendar-feed: {len(events)} events as expected")


if __name__ == "__main__":
    main()
