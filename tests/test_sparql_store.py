"""The SPARQL-endpoint store's pieces that need no server: request splitting, answers parsed
into pyoxigraph terms, --store strings. (tests/test_virtuoso.py runs it against a real server.)"""
import pyoxigraph as ox
import pytest
from conftest import example

from policykg.build import ManifestEntry, extract_one
from policykg.graph.queries import rows
from policykg.graph.rdf import policy_graph
from policykg.graph.sparql_client import parse_results, query_form
from policykg.graph.sparql_store import graph_triples, with_prefixes
from policykg.graph.sparql_update import HASH, replace_requests
from policykg.graph.store import Store
from policykg.graph.stores import endpoint_url, is_endpoint, open_store


@pytest.fixture(scope="module")
def zengroup():
    return policy_graph(extract_one(example("zengroup-zenpop.en.txt"), ManifestEntry()))


def test_a_policy_is_one_request_drop_then_insert_with_the_hash_last(zengroup):
    triples = graph_triples(zengroup)
    (req,) = replace_requests([(zengroup.graph, triples)])
    assert req.startswith(f"DROP SILENT GRAPH <{zengroup.graph}> ;\nINSERT DATA {{ GRAPH <{zengroup.graph}> {{")
    assert req.rstrip().endswith(f"{ox.Literal(zengroup.sha256)} .\n}} }}".rstrip())
    assert triples[-1].predicate == HASH


def test_a_large_graph_is_split_and_the_hash_goes_last(zengroup):
    triples = graph_triples(zengroup)
    reqs = list(replace_requests([(zengroup.graph, triples)], op_triples=50, request_triples=200))
    assert len(reqs) == -(-len(triples) // 200)
    assert reqs[0].startswith("DROP SILENT GRAPH") and all("DROP" not in r for r in reqs[1:])
    assert str(HASH) in reqs[-1] and all(str(HASH) not in r for r in reqs[:-1])
    # every triple is sent exactly once
    sent = ox.Store()
    for r in reqs:
        sent.update(r)
    assert len(sent) == len(set(triples))


def test_blank_nodes_stay_in_one_insert_template():
    b, p, s = ox.BlankNode("sel"), ox.NamedNode("http://x/p"), ox.NamedNode("http://x/s")
    triples = [ox.Triple(s, p, b)] + [ox.Triple(ox.NamedNode(f"http://x/o{i}"), p, s) for i in range(5)] + \
              [ox.Triple(b, p, ox.Literal(str(i))) for i in range(3)]
    reqs = list(replace_requests([("http://x/g", triples)], op_triples=2, request_triples=100))
    (req,) = reqs
    template = [op for op in req.split(" ;\n") if "_:sel" in op]
    assert len(template) == 1 and template[0].count("_:sel") == 4 and template[0].startswith("INSERT {")
    sent = ox.Store()
    sent.update(req)
    assert len(set(sent.quads_for_pattern(None, None, None, None))) == 9
    assert len({q.subject for q in sent.quads_for_pattern(None, p, None) if isinstance(q.subject, ox.BlankNode)}) == 1


def test_small_graphs_share_a_request_and_a_graph_is_never_split_needlessly():
    p = ox.NamedNode("http://x/p")
    graphs = [(f"http://x/g{k}", [ox.Triple(ox.NamedNode(f"http://x/s{i}"), p, ox.Literal(str(k))) for i in range(60)])
              for k in range(5)]
    reqs = list(replace_requests(graphs, op_triples=500, request_triples=150))
    assert [r.count("DROP SILENT GRAPH") for r in reqs] == [2, 2, 1]


def test_virtuoso_answers_parse_into_pyoxigraph_terms():
    """Virtuoso's JSON: "typed-literal" and blank-node ids that are no valid labels."""
    data = b'''{ "head": { "link": [], "vars": ["n", "b", "l"] }, "results": { "distinct": false, "ordered": true,
      "bindings": [ { "n": { "type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "4" },
                      "b": { "type": "bnode", "value": "nodeID://b10007" },
                      "l": { "type": "literal", "xml:lang": "ja", "value": "\\u65E5\\u672C" } } ] } }'''
    res = parse_results(data, "application/sparql-results+json")
    assert isinstance(res, ox.QuerySolutions)
    (row,) = list(res)
    assert row["n"] == ox.Literal("4", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert isinstance(row["b"], ox.BlankNode) and row["l"] == ox.Literal("日本", language="ja")
    assert rows(parse_results(data, "application/sparql-results+json"))[1][0]["n"] == 4
    assert bool(parse_results(b'{"head": {}, "boolean": true}', "application/sparql-results+json")) is True


def test_prefixes_are_added_on_the_first_line_unless_declared():
    q = "PREFIX dpv: <urn:mine#>\nSELECT * WHERE { ?s a dpv:X ; rdfs:label ?l }"
    out = with_prefixes(q)
    assert out.count("PREFIX dpv:") == 1 and "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>" in out
    assert out.splitlines()[1:] == q.splitlines()[1:]
    Store().query(out)      # still valid SPARQL


def test_query_form():
    assert query_form("# CONSTRUCT in a comment\nPREFIX a: <urn:select#> ASK { }") == "ASK"
    assert query_form("prefix x: <urn:x#>\nconstruct { ?s ?p ?o } where { ?s ?p ?o }") == "CONSTRUCT"
    assert query_form("SELECT * { }") == "SELECT"


def test_store_strings(tmp_path):
    assert is_endpoint("sparql+https://db.example.org/sparql") and is_endpoint("http://h:8890/sparql")
    assert not is_endpoint(str(tmp_path)) and not is_endpoint(None)
    assert endpoint_url("sparql+http://h:8890/sparql") == ("http://h:8890/sparql", None, None)
    assert endpoint_url("sparql+http://u:p%3Aw@h:8890/sparql?x=1") == ("http://h:8890/sparql?x=1", "u", "p:w")
    st = open_store(str(tmp_path / "s"))
    assert isinstance(st, Store)
    st.close()
