"""The store built from the five examples: overlap, named queries, SHACL, evidence."""
import os

import pyoxigraph as ox
import pytest

from policykg.graph import analytics, queries
from policykg.graph.queries import rows

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_overlap_counts(examples_store):
    ov = {r["organization"]: r for r in analytics.overlap(examples_store, 1)}
    assert len(ov["Google"]["controllers"]) == 4
    assert len(ov["Facebook"]["controllers"]) == 3
    assert len(ov["Stripe"]["controllers"]) == 2
    assert len(ov["PayPal"]["controllers"]) == 2
    for single in ("DHL", "UPS", "Alibaba", "Microsoft", "Restartz"):
        assert len(ov[single]["controllers"]) == 1, single
    shared = [r["organization"] for r in analytics.overlap(examples_store, 2)]
    assert shared[:2] == ["Google", "Facebook"]
    assert set(shared) == {"Google", "Facebook", "Stripe", "PayPal"}


def test_readme_query_stripe(examples_store):
    with open(os.path.join(ROOT, "examples", "queries", "stripe-customers.rq")) as fh:
        _, rs = rows(examples_store.query(fh.read()))
    assert [r["company"] for r in rs] == ["INAGORA Co., Ltd.", "ZenGroup INC"]


@pytest.mark.parametrize("name", sorted(os.listdir(os.path.join(ROOT, "examples", "queries"))))
def test_example_queries_run_and_return_rows(examples_store, name):
    with open(os.path.join(ROOT, "examples", "queries", name)) as fh:
        _, rs = rows(examples_store.query(fh.read()))
    assert rs, name


def test_card_data_query_follows_broader(examples_store):
    with open(os.path.join(ROOT, "examples", "queries", "card-data.rq")) as fh:
        _, rs = rows(examples_store.query(fh.read()))
    recipients = {r["recipient"] for r in rs}
    assert {"Stripe", "Nihaopay", "UnionPay", "Crypto.com", "dLocal"} <= recipients


def test_cross_border(examples_store):
    _, rs = rows(examples_store.query(queries.get("cross-border")))
    pairs = {(r["controllerLabel"], r["recipientLabel"], r["to"]) for r in rs}
    assert ("ZenGroup INC", "Stripe", "US") in pairs
    assert any(c.startswith("Kainisi") and r == "DHL" and to == "DE" for c, r, to in pairs)
    assert not any(r == "Restartz" for _c, r, _t in pairs)  # a Japanese group company of a Japanese company


def test_blast_radius_of_stripe(examples_store):
    (row,) = analytics.blast_radius(examples_store, "Stripe")
    assert row["companies"] == ["INAGORA Co., Ltd.", "ZenGroup INC"]
    assert any("card" in d.lower() for d in row["data"])


def test_companies_of_google_rolls_up_products(examples_store):
    _, rs = rows(examples_store.query(queries.get("companies-of"), {"recipient": "Google"}))
    assert len({r["controllerLabel"] for r in rs}) == 4


def test_recipients_of(examples_store):
    _, rs = rows(examples_store.query(queries.get("recipients-of"), {"company": "infomart"}))
    assert {r["organization"] for r in rs} >= {"Restartz", "Google"}
    assert any(r["action"] == "joint-use" for r in rs if r["organization"] == "Restartz")


def test_flows_by_data_category_through_broader(examples_store):
    _, rs = rows(examples_store.query(queries.get("flows-by-data"), {"dataCategory": "Contact"}))
    assert {"Restartz", "DHL", "UPS"} <= {r["recipientLabel"] for r in rs}


def test_every_flow_links_to_its_sentence(examples_store):
    q = """SELECT ?flow ?text ?start ?end ?src WHERE {
      ?flow a dpv:Process ; dpv:hasRecipient ?r .
      FILTER NOT EXISTS { ?flow prov:wasDerivedFrom ?e }
      OPTIONAL { ?flow prov:wasDerivedFrom [ prov:value ?text ; oa:hasSelector [ oa:start ?start ; oa:end ?end ] ;
                 oa:hasSource/dct:source ?src ] } }"""
    _, missing = rows(examples_store.query(q))
    assert missing == []
    q = """SELECT ?text ?start ?end ?src WHERE { ?flow a dpv:Process ; prov:wasDerivedFrom ?e .
           ?e prov:value ?text ; oa:hasSelector [ oa:start ?start ; oa:end ?end ] ; oa:hasSource/dct:source ?src }"""
    _, rs = rows(examples_store.query(q))
    assert len(rs) > 50
    cache = {}
    from policykg.extract.read import read_path
    for r in rs:
        text = cache.setdefault(r["src"], read_path(r["src"]).text)
        assert text[r["start"]:r["end"]] == r["text"]


def test_flow_rows_carry_every_sentence_in_text_order(examples_store, monkeypatch):
    """``analytics.flows``: each flow's evidence is all of its sentences, first in the text first,
    whatever order the evidence query gives them in (here: the last sentence first)."""
    _, ev = rows(examples_store.query(queries.get("evidence")))
    get = queries.get
    monkeypatch.setattr(queries, "get", lambda name: get(name) + ("ORDER BY DESC(?start)" if name == "evidence" else ""))
    flows = analytics.flows(examples_store)
    assert len(flows) == 43 and len(ev) > 50
    by_flow = {}
    for e in ev:
        by_flow.setdefault(e["flow"], set()).add((e["start"], e["end"], e["sentence"]))
    for f in flows:
        got = [(e["start"], e["end"], e["text"]) for e in f["evidence"]]
        assert got == sorted(by_flow[f["flow"]]), f["flow"]
        assert f["data"] == sorted(f["data"]) and f["data"], f["flow"]
    several = [f for f in flows if len(f["evidence"]) > 1]
    assert several, "some flow should have more than one sentence"


def test_shacl_conforms(examples_store, tmp_path):
    pyshacl = pytest.importorskip("pyshacl")
    import rdflib
    from policykg import ontology
    out = tmp_path / "g.nq"
    with open(out, "wb") as fh:
        examples_store.dump(fh, ox.RdfFormat.N_QUADS)
    ds = rdflib.Dataset()
    ds.parse(str(out), format="nquads")
    data = rdflib.Graph()
    for s, p, o, _g in ds.quads((None, None, None, None)):
        data.add((s, p, o))
    shapes = rdflib.Graph().parse(str(ontology.path("shapes.ttl")), format="turtle")
    conforms, _g, text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    assert conforms, text[:3000]
    # and a broken flow does not conform: the shapes can fail
    broken = rdflib.Graph().parse(data="""
      @prefix dpv: <https://w3id.org/dpv#> .
      <urn:x:flow> a dpv:Process ; dpv:hasDataController <urn:x:c> ; dpv:hasRecipient <urn:x:r> .""", format="turtle")
    assert not pyshacl.validate(broken, shacl_graph=shapes, inference="none")[0]


def test_rebuilding_a_policy_replaces_its_graph(tmp_path):
    from policykg.build import build
    from policykg.graph.store import Store
    src = tmp_path / "p.txt"
    src.write_text('Acme Inc. ("we") uses Stripe to process your credit card number.\n')
    store = str(tmp_path / "s")
    build([str(src)], store)
    src.write_text('Acme Inc. ("we") uses PayPal to process your credit card number.\n')
    report = build([str(src)], store)
    assert report.stored == 1
    st = Store(store, read_only=True)
    _, rs = rows(st.query("SELECT ?l WHERE { ?f dpv:hasRecipient/rdfs:label ?l }"))
    st.close()
    assert [r["l"] for r in rs] == ["PayPal"]
    again = build([str(src)], store)
    assert again.stored == 0 and again.skipped == 1


def test_legal_basis_of_a_flow_is_in_the_graph(examples_store):
    rows = list(examples_store.query("""
        SELECT DISTINCT ?basis WHERE {
          ?flow dpv:hasDataController ?c ; dpv:hasRecipient ?r ; dpv:hasLegalBasis ?basis .
          ?c rdfs:label "INAGORA Co., Ltd." . ?r a pkg:UnnamedRecipient ; pkg:recipientCategory ?cat .
        }"""))
    assert [str(r["basis"].value) for r in rows] == ["https://w3id.org/dpv#LegalObligation"]


def test_shortcuts_say_what_the_flows_say(examples_store):
    """pkg:sharesDataWith / pkg:receivesData (read by overlap and blast-radius) hold, in each policy
    graph, exactly the recipients of its flows and every organisation above them, with their data."""
    flows = """SELECT ?g ?c ?o ?d WHERE { GRAPH ?g { ?f a dpv:Process ; dpv:hasDataController ?c ; dpv:hasRecipient ?r .
                 OPTIONAL { ?f dpv:hasPersonalData ?d } }
               ?r a dpv:Organisation ; org:subOrganizationOf* ?o }"""
    want_shares, want_data = set(), set()
    for r in rows(examples_store.query(flows))[1]:
        want_shares.add((r["g"], r["c"], r["o"]))
        if r["d"]:
            want_data.add((r["g"], r["o"], r["d"]))
    got_shares = {(r["g"], r["c"], r["o"]) for r in rows(examples_store.query(
        "SELECT ?g ?c ?o WHERE { GRAPH ?g { ?c pkg:sharesDataWith ?o } }"))[1]}
    got_data = {(r["g"], r["o"], r["d"]) for r in rows(examples_store.query(
        "SELECT ?g ?o ?d WHERE { GRAPH ?g { ?o pkg:receivesData ?d } }"))[1]}
    assert len(want_shares) > 30 and got_shares == want_shares
    assert got_data == want_data


def test_blast_radius_of_a_product_counts_its_flows_only(examples_store):
    (google,) = analytics.blast_radius(examples_store, "Google")
    (analytics_only,) = analytics.blast_radius(examples_store, "Google Analytics")
    assert analytics_only["organization"] == "Google"
    assert len(google["companies"]) == 4
    assert analytics_only["companies"] == ["INAGORA Co., Ltd.", "Infomart Corporation", "ZenGroup INC"]


def test_a_parameter_reaches_subqueries():
    q = queries.bind("SELECT ?x WHERE { { SELECT ?x WHERE { ?x ?p ?v } } } # WHERE { in a comment", {"v": 3})
    assert q.count("VALUES ?v { 3 }") == 2


@pytest.mark.parametrize("value", ['plain', 'a "quoted" word', "back\\slash", "tab\there", "line\nbreak", "\x00\x1f\x7f",
                                   "“curly” ‘quotes’ • bullets", "no\u00a0break\u2028separator", "日本語の文。", "\x85"])
def test_literals_read_back_as_written(value):
    """Literals skip escaping when nothing needs it: every value still parses back unchanged."""
    from policykg.graph.rdf import _lit
    quad = next(ox.parse(f"<http://x/s> <http://x/p> {_lit(value)} .\n", format=ox.RdfFormat.N_TRIPLES))
    assert quad.object.value == value
