"""Reading: encodings, HTML and Markdown, offsets into the text read."""
import pytest

from conftest import example
from policykg.extract import ReadError, extract_bytes, extract_file, extract_text
from policykg.extract.read import read_bytes


def _orgs(r):
    return sorted({f.recipient.organization for f in r.flows if f.recipient.organization})


@pytest.mark.parametrize("encoding", ["shift_jis", "cp932", "euc_jp", "utf-16", "utf-8-sig"])
def test_japanese_example_in_other_encodings_gives_the_same_flows(encoding):
    original = extract_file(example("kaikorero.ja.txt"))
    text = open(example("kaikorero.ja.txt"), encoding="utf-8").read()
    data = text.encode(encoding, errors="replace" if encoding in ("shift_jis", "euc_jp") else "strict")
    again = extract_bytes(data, "kaikorero.ja.txt")
    assert _orgs(again) == _orgs(original) == ["DHL", "Facebook", "Google", "Twitter", "UPS"]
    assert _flows(again) == _flows(original)            # same recipients, actions, data, purposes, offsets
    assert again.controller.name == original.controller.name and again.language == "ja"
    assert again.encoding.replace("-", "_").lower() in {encoding, "utf_16", "utf_8_sig", "cp932", "euc_jp"}


def _flows(r):
    return sorted((f.recipient.name, f.recipient.organization, f.action, sorted(d.iri for d in f.data),
                   sorted(p["iri"] for p in f.purposes), [(e.start, e.end) for e in f.evidence]) for f in r.flows)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "latin-1"])
def test_english_example_in_other_encodings_gives_the_same_flows(encoding):
    text = open(example("zengroup-zenpop.en.txt"), encoding="utf-8").read()
    original = extract_text(text, "zengroup-zenpop.en.txt")
    if encoding == "latin-1":   # what Latin-1 cannot hold becomes '?'; accented letters stay
        text = text.encode("latin-1", errors="replace").decode("latin-1") + "\nCafé société, Zürich.\n"
        original = extract_text(text, "zengroup-zenpop.en.txt")
    again = extract_bytes(text.encode(encoding, errors="replace"), "zengroup-zenpop.en.txt")
    assert _flows(again) == _flows(original) and _orgs(again) == _orgs(original)
    if encoding == "latin-1":
        assert "Café société, Zürich." in read_bytes(text.encode("latin-1"), "x.txt").text


def test_html_drops_scripts_and_keeps_list_structure():
    html = """<!doctype html><html><head><title>x</title><style>p{color:red}</style>
      <script>var Stripe = "should not be read";</script></head><body>
      <h1>Privacy Policy</h1><p>Acme Inc. ("we") sells shoes.</p><!-- comment with PayPal -->
      <h2>Payments</h2><p>The payment processors we use include:</p>
      <ul><li>Stripe</li><li>Adyen</li></ul></body></html>"""
    doc = read_bytes(html.encode("utf-8"), "p.html")
    assert "should not be read" not in doc.text and "PayPal" not in doc.text and "color:red" not in doc.text
    r = extract_text(doc.text, "p.html")
    assert r.controller.name == "Acme Inc."
    assert _orgs(r) == ["Adyen", "Stripe"]
    for f in r.flows:
        for e in f.evidence:
            assert doc.text[e.start:e.end] == e.text


def test_markdown_links_and_tables_become_text():
    md = "# Privacy\n\nAcme Inc. (\"we\") uses [Stripe](https://stripe.com) to process your **credit card number**.\n"
    doc = read_bytes(md.encode(), "p.md")
    assert "https://stripe.com" not in doc.text
    r = extract_text(doc.text, "p.md")
    assert _orgs(r) == ["Stripe"]
    assert any("Card" in d.label for d in r.flows[0].data)


@pytest.mark.parametrize("data,reason", [(b"", "empty"), (b"   \n", "empty"), (bytes(range(256)) * 20, "binary")])
def test_bad_bytes_raise_a_one_line_read_error(data, reason):
    with pytest.raises(ReadError) as exc:
        read_bytes(data, "x.txt")
    assert reason in str(exc.value) and "\n" not in str(exc.value)
