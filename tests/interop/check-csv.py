#!/usr/bin/python3
# Reads Aftercare's CSV with Python's csv module, and has Aftercare import
# CSV that the csv module wrote (with a byte order mark, as spreadsheets do).
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

CUSTOMER = ["id", "kind", "name", "email", "phone", "address", "tax_number", "language", "notes"]
CONTACT = ["id", "customer_id", "name", "role", "phone", "email", "is_primary"]
FORMULA = "=+-@\t\r"


def cell(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    v = str(v)
    if v and (v[0] in FORMULA or (v[0] == "'" and len(v) > 1 and v[1] in FORMULA + "'")):
        return "'" + v
    return v


def read_back(helper, d):
    subprocess.run([helper, "export", d], check=True)
    with open(os.path.join(d, "expected.json"), encoding="utf-8") as f:
        exp = json.load(f)

    for name, header, records in (("customers.csv", CUSTOMER, exp["customer"]),
                                  ("contacts.csv", CONTACT, exp["contact"])):
        with open(os.path.join(d, name), "rb") as f:
            raw = f.read()
        assert raw.endswith(b"\r\n")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline=""), strict=True))
        assert rows[0] == header, rows[0]
        got = {r[0]: r for r in rows[1:]}
        assert len(got) == len(records)
        for rec in records:
            want = [rec["id"]] + [cell(rec.get(h)) for h in header[1:]]
            assert got[rec["id"]] == want, (got[rec["id"]], want)

    # Formula injection: no cell may start with = + - @ once read.
    with open(os.path.join(d, "customers.csv"), encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            for c in row:
                assert not c or c[0] not in FORMULA, repr(c)


def write_and_import(helper, d):
    path = os.path.join(d, "from-python.csv")
    rows = [
        ["name", "kind", "email", "notes", "address"],
        ["Müller, \"Hans\"", "person", "hans@example.de", "Zeile eins\nZeile zwei; mit Semikolon", "Berlin"],
        ["Ёлки-Палки", "company", "", "'=1+1", "ул. Тверская, 7"],
        ["Broken", "person", "broken-at-nowhere", "", ""],
        ["'@admin", "person", "", "", ""],
    ]
    # Line numbers as a user sees them in an editor: row 1 spans lines 2-3.
    bad_line = 5
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)

    out = subprocess.run([helper, "import-csv", path], check=True, capture_output=True).stdout
    got = json.loads(out)
    assert got["created"] == 3, got
    assert [s[0] for s in got["skipped"]] == [bad_line], got["skipped"]
    by_name = {c["name"]: c for c in got["customer"]}
    hans = by_name["Müller, \"Hans\""]
    assert hans["notes"] == "Zeile eins\nZeile zwei; mit Semikolon"
    assert hans["email"] == "hans@example.de"
    elki = by_name["Ёлки-Палки"]
    assert elki["kind"] == "company" and elki["notes"] == "=1+1" and elki["address"] == "ул. Тверская, 7"
    assert elki["email"] is None
    assert "@admin" in by_name
    assert got["outbox"] == 3


def main():
    helper = sys.argv[1]
    with tempfile.TemporaryDirectory() as d:
        read_back(helper, d)
        write_and_import(helper, d)
    print("CSV reads back with Python's csv module, and its CSV imports")


if __name__ == "__main__":
    main()
