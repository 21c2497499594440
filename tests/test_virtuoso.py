"""The graph in a real Virtuoso (a private server on 127.0.0.1, started here): build, overlap,
the named and example queries and every export give the embedded store's answers."""
import glob
import os
import shutil
import socket
import subprocess
import time
import urllib.request

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, MANIFEST, ROOT

from policykg.build import build
from policykg.cli import main
from policykg.graph import analytics, queries
from policykg.graph.export import RDF_FORMATS, export
from policykg.graph.queries import rows
from policykg.graph.sparql_client import EndpointError
from policykg.graph.sparql_store import SparqlStore, vocabulary_triples
from policykg.graph.store import VOCAB_GRAPH, Store
from policykg.graph.stores import open_store

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")
pytestmark = pytest.mark.skipif(
    not (VIRTUOSO and ISQL),
    reason="virtuoso-t / isql-vt not installed (Debian package virtuoso-opensource; "
           "scripts/install-sysdeps.sh installs it as root)")

INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
ServerThreads = 10

[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 120
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(url: str, proc: subprocess.Popen, log: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=5).close()
            return
        except OSError:
            time.sleep(0.3)
    with open(log, encoding="utf-8", errors="replace") as fh:
        tail = fh.read()[-2000:]
    pytest.fail(f"Virtuoso did not come up at {url}:\n{tail}")


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A private Virtuoso with a temporary database; yields its base URL; stopped by its PID."""
    db = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = free_port(), free_port()
    ini = db / "virtuoso.ini"
    ini.write_text(INI.format(db=db, sql_port=sql_port, http_port=http_port))
    log = str(db / "stdout.log")
    with open(log, "wb") as out:
        proc = subprocess.Popen([VIRTUOSO, "+configfile", str(ini), "+foreground"], cwd=db, stdout=out,
                                stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    try:
        _wait_up(base + "/sparql", proc, log)
        subprocess.run([ISQL, f"127.0.0.1:{sql_port}", "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
                       check=True, capture_output=True, timeout=60)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def embedded():
    st = Store()
    build([EXAMPLES], st, manifest=MANIFEST, jobs=1)
    return st


@pytest.fixture(scope="module")
def remote(virtuoso):
    """The five examples built into Virtuoso through SPARQL Update."""
    st = open_store(f"sparql+{virtuoso}/sparql")
    report = build([EXAMPLES], st, manifest=MANIFEST, jobs=1)
    assert report.stored == 5 and not report.failed
    return st


def _normal(rs: list[dict], drop=()) -> list[tuple]:
    """Rows comparable across servers: GROUP_CONCAT lists sorted, "" and unbound alike."""
    out = []
    for r in rs:
        row = []
        for k, v in r.items():
            if k in drop:
                continue
            if isinstance(v, str) and ("|" in v or ", " in v):
                sep = "|" if "|" in v else ", "
                v = sep.join(sorted(v.split(sep)))
            row.append((k, None if v == "" else v))
        out.append(tuple(row))
    return sorted(out, key=repr)


def test_build_stores_every_policy_and_skips_unchanged(remote):
    assert remote.count_policies() == 5
    again = build([EXAMPLES], remote, manifest=MANIFEST, jobs=1)
    assert (again.stored, again.skipped) == (0, 5)
    assert len(remote.policy_hashes()) == 5


def test_overlap_is_the_same(remote, embedded):
    for n in (1, 2, 3):
        assert analytics.overlap(remote, n) == analytics.overlap(embedded, n)
    names = [r["organization"] for r in analytics.overlap(remote, 3)]
    assert names[:2] == ["Google", "Facebook"]


@pytest.mark.parametrize("name", list(queries.named()))
def test_named_queries_give_the_same_rows(remote, embedded, name):
    drop = {"evidence"} if name == "companies-of" else set()     # SAMPLE(): any one sentence
    a, b = rows(remote.query(queries.get(name))), rows(embedded.query(queries.get(name)))
    assert a[0] == b[0]
    assert b[1] and _normal(a[1], drop) == _normal(b[1], drop)


def test_parameters_bind_the_same(remote, embedded):
    for name, params in [("companies-of", {"recipient": "Stripe"}), ("recipients-of", {"company": "infomart"}),
                         ("flows-by-data", {"dataCategory": "Contact"}), ("blast-radius", {"recipient": "Stripe"})]:
        a, b = rows(remote.query(queries.get(name), params)), rows(embedded.query(queries.get(name), params))
        drop = {"evidence"}
        assert b[1] and _normal(a[1], drop) == _normal(b[1], drop), name


@pytest.mark.parametrize("path", sorted(glob.glob(os.path.join(ROOT, "examples", "queries", "*.rq"))),
                         ids=os.path.basename)
def test_example_queries_give_the_same_rows(remote, embedded, path):
    with open(path, encoding="utf-8") as fh:
        q = fh.read()
    a, b = rows(remote.query(q)), rows(embedded.query(q))
    assert a[0] == b[0] and b[1] and _normal(a[1]) == _normal(b[1])


def test_cli_query_output_is_the_same(remote, embedded, virtuoso, tmp_path):
    folder = str(tmp_path / "store")
    build([EXAMPLES], folder, manifest=MANIFEST, jobs=1)
    q = os.path.join(ROOT, "examples", "queries", "stripe-customers.rq")
    for fmt in ("table", "csv"):
        outs = [CliRunner().invoke(main, ["query", "--store", s, "--file", q, "--format", fmt])
                for s in (f"sparql+{virtuoso}/sparql", folder)]
        assert outs[0].exit_code == 0 and outs[0].output == outs[1].output
    assert "ZenGroup INC" in outs[0].output
    r = CliRunner().invoke(main, ["overlap", "--query-url", f"{virtuoso}/sparql", "--format", "json"])
    assert r.exit_code == 0 and '"Stripe"' in r.output


@pytest.mark.parametrize("fmt", ["nq", "trig", "ttl", "nt"])
def test_rdf_export_is_the_same_graph(remote, embedded, tmp_path, fmt):
    export(remote, fmt, str(tmp_path / f"remote.{fmt}"))
    export(embedded, fmt, str(tmp_path / f"embedded.{fmt}"))
    a = set(ox.parse(path=str(tmp_path / f"remote.{fmt}"), format=RDF_FORMATS[fmt]))
    b = set(ox.parse(path=str(tmp_path / f"embedded.{fmt}"), format=RDF_FORMATS[fmt]))
    assert len(b) > 5000 and a == b
    if RDF_FORMATS[fmt].supports_datasets:
        assert len({q.graph_name for q in a}) == 7          # five policies, the vocabulary, the organisations


def test_csv_export_is_the_same(remote, embedded, tmp_path):
    for st, name in ((remote, "r.csv"), (embedded, "e.csv")):
        export(st, "csv", str(tmp_path / name))
    a = (tmp_path / "r.csv").read_text(encoding="utf-8").splitlines()
    b = (tmp_path / "e.csv").read_text(encoding="utf-8").splitlines()
    assert a[0] == b[0] and sorted(a) == sorted(b) and len(b) > 40


def test_digest_login_and_graph_store_protocol(virtuoso, embedded):
    """/sparql-auth with digest, and loading by Graph Store Protocol PUT, give the same graph."""
    auth = SparqlStore(f"{virtuoso}/sparql-auth", user="dba", password="dba", auth="digest")
    gsp = SparqlStore(f"{virtuoso}/sparql", gsp_url=f"{virtuoso}/sparql-graph-crud-auth", user="dba",
                      password="dba", auth="digest")
    for st in (auth, gsp):
        report = build([EXAMPLES], st, manifest=MANIFEST, jobs=1, force=True)
        assert report.stored == 5
        assert analytics.overlap(st, 2) == analytics.overlap(embedded, 2)
    with pytest.raises(EndpointError, match="not authorised"):
        SparqlStore(f"{virtuoso}/sparql-auth", user="dba", password="wrong", auth="digest").update(
            "DROP SILENT GRAPH <urn:x:nothing>")


def test_a_large_graph_goes_in_several_requests(virtuoso, monkeypatch):
    from policykg.graph import sparql_update
    monkeypatch.setattr(sparql_update, "REQUEST_TRIPLES", 700)
    st = SparqlStore(f"{virtuoso}/sparql")
    g = "https://w3id.org/policykg/id/graph/test-large"
    triples = list(dict.fromkeys(vocabulary_triples()))
    st.replace_graphs([(g, triples)])
    assert set(st.triples(g)) == set(triples)
    st.remove_policy(g)
    assert st.triples(g) == []
    assert VOCAB_GRAPH in st.graphs()


def test_a_cut_answer_is_an_error_not_a_short_result(remote):
    with pytest.raises(EndpointError, match="ResultSetMaxRows"):
        remote.query("SELECT * WHERE { ?s ?p ?o VALUES ?copy { 1 2 3 } }")     # over 10,000 rows


def test_read_only_and_bad_endpoint_errors(virtuoso):
    ro = open_store(f"sparql+{virtuoso}/sparql", read_only=True)
    with pytest.raises(Exception, match="read-only"):
        ro.update("DROP SILENT GRAPH <urn:x:nothing>")
    with pytest.raises(SyntaxError):
        ro.query("SELEC * WHERE { }")
    r = CliRunner().invoke(main, ["overlap", "--store", f"sparql+http://127.0.0.1:{free_port()}/sparql"])
    assert r.exit_code == 1 and r.output.startswith("policykg: error:") and "cannot reach" in r.output
