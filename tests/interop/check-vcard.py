#!/usr/bin/python3
# Reads Aftercare's vCards with python3-vobject, and has Aftercare import
# vCards that vobject wrote: both directions through an independent parser.
import json
import os
import subprocess
import sys
import tempfile

try:
    import vobject
except ImportError:
    print("python3-vobject is not installed")
    sys.exit(77)


def check_lines(raw):
    assert raw.endswith(b"\r\n")
    for n, line in enumerate(raw.split(b"\r\n")[:-1], 1):
        assert b"\n" not in line, "line %d: bare line break" % n
        assert len(line) <= 75, "line %d: %d octets" % (n, len(line))
        line.decode("utf-8")


def value(card, name):
    return card.contents[name][0].value if name in card.contents else None


def read_back(helper, d):
    subprocess.run([helper, "export", d], check=True)
    with open(os.path.join(d, "expected.json"), encoding="utf-8") as f:
        exp = json.load(f)
    with open(os.path.join(d, "customers.vcf"), "rb") as f:
        raw = f.read()
    check_lines(raw)
    cards = {value(c, "uid"): c for c in vobject.readComponents(raw.decode("utf-8"))}
    assert len(cards) == len(exp["customer"]) + len(exp["contact"]), len(cards)

    customers = {c["id"]: c for c in exp["customer"]}
    for cust in exp["customer"]:
        card = cards["urn:uuid:" + cust["id"]]
        assert value(card, "version") == "4.0"
        assert value(card, "kind") == ("org" if cust["kind"] == "company" else "individual")
        assert value(card, "fn") == cust["name"], (value(card, "fn"), cust["name"])
        if cust["kind"] == "company":
            assert value(card, "org") == [cust["name"]]
        assert value(card, "email") == cust["email"]
        assert value(card, "tel") == cust["phone"]
        assert (value(card, "adr").street if cust["address"] else None) == cust["address"]
        assert value(card, "x-aftercare-tax-number") == cust["tax_number"]
        assert value(card, "lang") == cust["language"]
        assert value(card, "note") == cust["notes"], repr(value(card, "note"))
        related = card.contents.get("related", [])
        mine = [c for c in exp["contact"] if c["customer_id"] == cust["id"]]
        assert sorted(r.value for r in related) == sorted("urn:uuid:" + c["id"] for c in mine)
        for r in related:
            assert r.params["TYPE"] == ["contact"]
            contact = next(c for c in mine if "urn:uuid:" + c["id"] == r.value)
            assert (r.params.get("PREF") == ["1"]) == bool(contact["is_primary"])

    for contact in exp["contact"]:
        card = cards["urn:uuid:" + contact["id"]]
        cust = customers[contact["customer_id"]]
        assert value(card, "kind") == "individual"
        assert value(card, "fn") == contact["name"]
        assert value(card, "role") == contact["role"]
        assert value(card, "email") == contact["email"]
        assert value(card, "tel") == contact["phone"]
        assert value(card, "org") == ([cust["name"]] if cust["kind"] == "company" else None)


def write_and_import(helper, d):
    def card(uid, fn, **props):
        c = vobject.vCard()
        c.add("uid").value = uid
        c.add("fn").value = fn
        c.add("n").value = vobject.vcard.Name(family=fn)
        for name, v in props.items():
            name = name.replace("_", "-")
            if name == "adr":
                c.add("adr").value = vobject.vcard.Address(street=v)
            elif name == "related":
                for target, pref in v:
                    r = c.add("related")
                    r.value = target
                    r.params["TYPE"] = ["contact"]
                    if pref:
                        r.params["PREF"] = ["1"]
            else:
                c.add(name).value = v
        return c.serialize()

    org = "f1f1f1f1-0000-4000-8000-000000000001"
    boss = "f1f1f1f1-0000-4000-8000-000000000002"
    texts = [
        card("urn:uuid:" + org, "Ääkkönen & Söhne, GmbH; Zweigstelle", x_addressbookserver_kind="org",
             email="post@aakkonen.example", tel="+358 9 123 4567",
             adr="Mannerheimintie 1, 00100 Helsinki", note="Kommas, Semikolons; und\nZeilen.",
             x_aftercare_tax_number="fi 0112 0389",
             related=[("urn:uuid:" + boss, True)]),
        card("urn:uuid:" + boss, "Ольга Смирнова", email="olga@aakkonen.example", role="Руководитель, отдел"),
        card("urn:uuid:f1f1f1f1-0000-4000-8000-000000000003", "Bad Address", email="no at sign"),
        card("urn:uuid:f1f1f1f1-0000-4000-8000-000000000005", "Bad Tax Number",
             x_aftercare_tax_number="PT 501 964 842"),
        card("urn:uuid:f1f1f1f1-0000-4000-8000-000000000004", "Çağrı Öztürk " + "é" * 60,
             note="Long: " + "ü" * 200),
    ]
    text = "".join(texts)
    bad_line = 1 + "".join(texts[:2]).count("\n")
    bad_tax_line = 1 + "".join(texts[:3]).count("\n")
    path = os.path.join(d, "from-vobject.vcf")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)

    out = subprocess.run([helper, "import-vcard", path], check=True, capture_output=True).stdout
    got = json.loads(out)
    assert got["created"] == 3, got
    assert [s[0] for s in got["skipped"]] == [bad_line, bad_tax_line], (got["skipped"], bad_line)
    assert "Email" in got["skipped"][0][1]
    assert "Tax number" in got["skipped"][1][1]
    assert got["outbox"] == 3

    cust = {c["id"]: c for c in got["customer"]}
    c = cust[org]
    assert c["kind"] == "company"
    assert c["name"] == "Ääkkönen & Söhne, GmbH; Zweigstelle"
    assert c["address"] == "Mannerheimintie 1, 00100 Helsinki"
    assert c["notes"] == "Kommas, Semikolons; und\nZeilen."
    assert c["phone"] == "+358 9 123 4567"
    assert c["tax_number"] == "FI01120389"
    (contact,) = got["contact"]
    assert contact["id"] == boss and contact["customer_id"] == org
    assert contact["name"] == "Ольга Смирнова" and contact["role"] == "Руководитель, отдел"
    assert contact["is_primary"] is True
    long = cust["f1f1f1f1-0000-4000-8000-000000000004"]
    assert long["kind"] == "person" and long["notes"] == "Long: " + "ü" * 200


def main():
    helper = sys.argv[1]
    with tempfile.TemporaryDirectory() as d:
        read_back(helper, d)
        write_and_import(helper, d)
    print("vCards read back with python3-vobject, and vobject's vCards import")


if __name__ == "__main__":
    main()
