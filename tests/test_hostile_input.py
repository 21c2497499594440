"""Bad and hostile input (issue 6): one line per problem, nothing lost, nothing run.

Batches of good and bad files, size limits, very long lines, a build killed with SIGKILL,
a locked store, SPARQL errors, and every policy string escaped in CSV, Turtle, JSON-LD and JSON.
"""
import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import EXAMPLES, example
from policykg.extract import ReadError, extract_text, read_path
from policykg.extract.read import read_bytes

GOOD = sorted(f for f in os.listdir(EXAMPLES) if f.endswith(".txt"))
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def run(cmd, *args, timeout=300, **kw):
    """The installed command, as a user runs it (stdout and stderr apart)."""
    return subprocess.run([cmd, *args], capture_output=True, text=True, timeout=timeout, **kw)


def error_lines(stderr: str) -> list[str]:
    assert "Traceback" not in stderr, stderr
    return [ln for ln in stderr.splitlines() if ln.startswith("policykg: error:")]


def make_batch(folder) -> dict[str, str]:
    """The five examples and one of each bad kind in ``folder``; returns {bad path: reason expected}."""
    folder.mkdir()
    for f in GOOD:
        shutil.copy(example(f), folder / f)
    bad = {}
    (folder / "empty.txt").write_bytes(b"")
    bad["empty.txt"] = "empty file"
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    bad["binary.txt"] = "binary file"
    (folder / "x.txt").mkdir()                      # a folder named like a policy, with none in it
    bad["x.txt"] = "no policy files"
    os.symlink("loop2.txt", folder / "loop1.txt")   # a symlink loop
    os.symlink("loop1.txt", folder / "loop2.txt")
    bad["loop1.txt"] = bad["loop2.txt"] = "symbolic link loop"
    os.symlink("gone.txt", folder / "dangling.txt")
    bad["dangling.txt"] = "broken symbolic link"
    os.mkfifo(folder / "pipe.txt")                  # would block a plain open() for ever
    bad["pipe.txt"] = "not a regular file"
    if not IS_ROOT:                                 # root reads a chmod 000 file all the same
        (folder / "locked.txt").write_text("Acme Inc. shares your email address with Stripe.")
        os.chmod(folder / "locked.txt", 0)
        bad["locked.txt"] = "permission denied"
    return {str(folder / k): v for k, v in bad.items()}


def check_errors(stderr: str, bad: dict[str, str]) -> None:
    """Every bad input named once, in one line with its reason, and nothing else."""
    lines = error_lines(stderr)
    assert len(lines) == len(bad), stderr
    for path, reason in bad.items():
        mine = [ln for ln in lines if ln.startswith(f"policykg: error: {path}: ")]
        assert len(mine) == 1 and reason in mine[0], (path, reason, stderr)


# ---------------------------------------------------------------- a batch of good and bad inputs

def test_extract_batch_extracts_every_good_file_and_names_every_bad_one(policykg_cmd, tmp_path):
    bad = make_batch(tmp_path / "pol")
    missing = str(tmp_path / "missing.txt")
    bad[missing] = "no such file"
    entries = sorted(str(tmp_path / "pol" / f) for f in os.listdir(tmp_path / "pol"))  # as a shell glob gives them
    p = run(policykg_cmd, "extract", *entries, missing)
    assert p.returncode == 1, p.stderr
    check_errors(p.stderr, bad)
    pols = json.loads(p.stdout)["policies"]
    assert sorted(os.path.basename(x["source"]) for x in pols) == GOOD
    assert all(x["flows"] for x in pols)


def test_build_batch_stores_every_good_file_and_names_every_bad_one(policykg_cmd, tmp_path):
    folder = tmp_path / "pol"
    bad = make_batch(folder)
    bad.pop(str(folder / "x.txt"))      # walked as the folder it is (empty), not an error inside a walked folder
    os.symlink("..", folder / "x.txt" / "up")   # a folder loop: walked once
    missing = str(tmp_path / "missing.txt")
    bad[missing] = "no such file"
    store = str(tmp_path / "store")
    p = run(policykg_cmd, "build", str(folder), missing, "--store", store)
    assert p.returncode == 1, p.stderr
    check_errors(p.stderr, bad)
    assert f"stored {len(GOOD)} policies" in p.stdout and f"{len(bad)} failed" in p.stdout
    q = run(policykg_cmd, "query", "--store", store, "--format", "json",
            "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a pkg:PolicyDocument }")
    assert q.returncode == 0, q.stderr
    assert json.loads(q.stdout)["results"]["bindings"][0]["n"]["value"] == str(len(GOOD))


def test_all_good_exits_0_and_usage_errors_exit_2(policykg_cmd, tmp_path):
    assert run(policykg_cmd, "extract", example("infomart.en.txt")).returncode == 0
    for args in (["extract"], ["build"], ["extract", "--format", "xml", example("infomart.en.txt")],
                 ["build", EXAMPLES, "--max-bytes", "lots"], ["query"], ["export", "--format", "ttl"]):
        p = run(policykg_cmd, *args)
        assert p.returncode == 2, (args, p.stderr)
        assert "Traceback" not in p.stderr


def test_library_read_errors_are_one_line(tmp_path):
    os.mkfifo(tmp_path / "p.txt")
    cases = {str(tmp_path): "is a directory", str(tmp_path / "p.txt"): "not a regular file",
             str(tmp_path / "nope.txt"): "no such file"}
    for path, reason in cases.items():
        with pytest.raises(ReadError) as exc:
            read_path(path)
        assert reason in str(exc.value) and "\n" not in str(exc.value)


# ---------------------------------------------------------------- size limit, long lines, deep HTML

def test_size_limit_is_configurable_and_clear(policykg_cmd, tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(open(example("zengroup-zenpop.en.txt"), "rb").read())
    size, limit = big.stat().st_size, os.path.getsize(example("infomart.en.txt"))
    assert size > limit
    p = run(policykg_cmd, "extract", str(big), example("infomart.en.txt"), "--max-bytes", str(limit))
    assert p.returncode == 1
    [line] = error_lines(p.stderr)
    assert line.startswith(f"policykg: error: {big}: ") and f"{size:,} bytes" in line and "--max-bytes" in line
    assert [x["controller"]["name"] for x in json.loads(p.stdout)["policies"]] == ["Infomart Corporation"]
    p = run(policykg_cmd, "build", str(big), "--store", str(tmp_path / "s"), "--max-bytes", str(limit))
    assert p.returncode == 1 and "over the limit" in error_lines(p.stderr)[0]
    assert run(policykg_cmd, "extract", str(big), "--max-bytes", str(size)).returncode == 0


def test_default_size_limit_is_10_mb(tmp_path):
    f = tmp_path / "huge.txt"
    with open(f, "wb") as fh:
        fh.truncate(10 * 1024 * 1024 + 1)
    with pytest.raises(ReadError, match="over the limit of 10,485,760"):
        read_path(str(f))


SENTENCE = ("We share your name, email address and payment card number with Stripe, Inc. and Google "
            "Analytics for payment processing and analytics. ")
FIVE_MB = 5_000_000


def extract_guarded(cmd, path) -> dict:
    """``policykg extract`` on one file; the 10-minute timeout only keeps a hang from stalling the suite."""
    p = run(cmd, "extract", str(path), timeout=600)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)["policies"][0]


@pytest.mark.slow
def test_5_mb_of_minified_html_on_one_line_is_handled(policykg_cmd, tmp_path):
    """Completes (its speed is measured by bench/long_line.py, not here)."""
    unit = f"<p>{SENTENCE}</p><ul><li>Stripe</li><li>PayPal</li></ul>"
    f = tmp_path / "min.html"
    f.write_text("<!doctype html><html><head><script>var x='" + "y" * 1000 + "';</script></head><body>"
                 + unit * (FIVE_MB // len(unit)) + "</body></html>")
    assert b"\n" not in f.read_bytes()
    pol = extract_guarded(policykg_cmd, f)
    assert {"Stripe", "PayPal", "Google"} <= {x["recipient"]["organization"] for x in pol["flows"]}
    assert all(len(e["text"]) <= 2000 for x in pol["flows"] for e in x["evidence"])


@pytest.mark.slow
def test_5_mb_line_without_punctuation_is_handled(policykg_cmd, tmp_path):
    words = "personal data shared with partners including Google and Stripe service providers name email address "
    f = tmp_path / "plain.txt"
    f.write_text((words * (FIVE_MB // len(words) + 1))[:FIVE_MB])
    pol = extract_guarded(policykg_cmd, f)
    for x in pol["flows"]:
        for e in x["evidence"]:
            assert len(e["text"]) <= 2000 and FIVE_MB >= e["end"] > e["start"] >= 0


def test_one_5_mb_token_and_deeply_nested_html_are_read():
    r = extract_text("a" * FIVE_MB)
    assert r.flows == [] and r.chars == FIVE_MB
    html = "<html><body>" + "<div>" * 20000 + "Acme Inc. shares your email address with Stripe." + "</div>" * 20000
    doc = read_bytes(html.encode(), "deep.html")
    assert doc.text == "Acme Inc. shares your email address with Stripe."


def test_scripts_styles_and_comments_never_reach_the_evidence():
    html = """<!doctype html><html><head><script>document.write("We share your email address with PayPal.")</script>
      <style>.x::after { content: "We sell your data to Adyen." }</style></head><body>
      <h1>Privacy Policy</h1><p>Acme Inc. ("we") sells shoes.</p>
      <!-- We share your payment card number with Square. -->
      <noscript>We share your phone number with Klarna.</noscript>
      <p>We share your email address with Stripe.<script>var s = "<p>and with Braintree</p>";</script></p>
      <template><p>We share your address with DHL.</p></template></body></html>"""
    doc = read_bytes(html.encode(), "p.html")
    for hidden in ("PayPal", "Adyen", "Square", "Klarna", "Braintree", "DHL", "<", "document.write", "content:"):
        assert hidden not in doc.text, hidden
    r = extract_text(doc.text, "p.html")
    assert {f.recipient.organization for f in r.flows} == {"Stripe"}
    assert all("script" not in e.text for f in r.flows for e in f.evidence)


# ---------------------------------------------------------------- the store

def _count_policies(store: str) -> int:
    from policykg.graph.store import Store, StoreError
    try:
        s = Store(store, read_only=True)
    except (StoreError, RuntimeError):   # not created yet (RuntimeError: its column families are not there yet)
        return 0
    try:
        return s.count_policies()
    finally:
        s.close()


def _graph_sizes(store: str) -> dict[str, list[int]]:
    """{policy file name: [triples in each graph holding a copy of it]}."""
    from policykg.graph.store import Store
    s = Store(store, read_only=True)
    try:
        q = """SELECT ?src (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o }
                 GRAPH ?g { ?doc a pkg:PolicyDocument ; dct:source ?src } } GROUP BY ?g ?src"""
        out: dict[str, list[int]] = {}
        for row in s.query(q):
            out.setdefault(os.path.basename(row["src"].value), []).append(int(row["n"].value))
        return out
    finally:
        s.close()


COPIES = 120   # 600 policies: the build stores them in batches of 50


@pytest.mark.slow
def test_build_killed_mid_way_leaves_a_store_that_opens_and_answers(policykg_cmd, tmp_path):
    clean = str(tmp_path / "clean")
    assert run(policykg_cmd, "build", EXAMPLES, "--store", clean).returncode == 0
    want = {k: v[0] for k, v in _graph_sizes(clean).items()}
    assert sorted(want) == GOOD
    folder = tmp_path / "many"
    for i in range(COPIES):
        d = folder / f"copy{i:03}"
        d.mkdir(parents=True)
        for f in GOOD:
            shutil.copy(example(f), d / f)
    store = str(tmp_path / "store")
    proc = subprocess.Popen([policykg_cmd, "build", str(folder), "--store", store, "--batch", "50"], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        stored, deadline = 0, time.monotonic() + 600
        while proc.poll() is None and time.monotonic() < deadline:
            stored = _count_policies(store)
            if stored:
                break
            time.sleep(0.2)
        assert proc.poll() is None, "the build finished before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    total = COPIES * len(GOOD)
    assert 0 < stored < total
    sizes = _graph_sizes(store)                      # opens read-only after the kill
    n = sum(len(v) for v in sizes.values())
    assert stored <= n < total
    for name, counts in sizes.items():               # every stored policy whole: as many triples as a clean build
        assert set(counts) == {want[name]}, (name, counts, want[name])
    p = run(policykg_cmd, "query", "--store", store, "--format", "csv",
            'SELECT DISTINCT ?company WHERE { GRAPH ?g { ?f a dpv:Process ; dpv:hasRecipient ?r ; '
            'dpv:hasDataController ?c } ?r rdfs:label "Stripe" . ?c rdfs:label ?company } ORDER BY ?company')
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["company", '"INAGORA', 'Co.,', 'Ltd."', "ZenGroup", "INC"]
    p = run(policykg_cmd, "build", str(folder), "--store", store)   # a later build completes the store
    assert p.returncode == 0, p.stderr
    assert _count_policies(store) == total
    assert {k: set(v) for k, v in _graph_sizes(store).items()} == {k: {v} for k, v in want.items()}


def test_second_writer_gets_store_is_locked(policykg_cmd, tmp_path):
    store = str(tmp_path / "store")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom policykg.graph.store import Store\n"
         "s = Store(sys.argv[1])\nprint('open', flush=True)\ntime.sleep(300)", store],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        p = run(policykg_cmd, "build", example("infomart.en.txt"), "--store", store)
        assert p.returncode == 1
        [line] = error_lines(p.stderr)
        assert "store is locked" in line and p.stderr.count("\n") == 1
    finally:
        holder.kill()
        holder.wait()
    assert run(policykg_cmd, "build", example("infomart.en.txt"), "--store", store).returncode == 0


@pytest.mark.parametrize("args", [["overlap"], ["viz", "-o", "{tmp}/p.html"], ["export", "--format", "ttl", "-o", "{tmp}/g.ttl"],
                                  ["query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1"]])
def test_commands_on_a_missing_store_say_so_in_one_line(policykg_cmd, tmp_path, args):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    p = run(policykg_cmd, *args, "--store", str(tmp_path / "nowhere"))
    assert p.returncode == 1 and p.stdout == ""
    [line] = error_lines(p.stderr)
    assert "nowhere" in line and "no store" in line and p.stderr.count("\n") == 1


# ---------------------------------------------------------------- queries

@pytest.fixture(scope="module")
def store(policykg_cmd, tmp_path_factory):
    path = str(tmp_path_factory.mktemp("hostile") / "store")
    assert run(policykg_cmd, "build", EXAMPLES, "--store", path).returncode == 0
    return path


def test_update_refused_without_flag_and_store_unchanged(policykg_cmd, store):
    for upd in ("DELETE WHERE { ?s ?p ?o }", "CLEAR ALL", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"):
        p = run(policykg_cmd, "query", "--store", store, upd)
        assert p.returncode == 1 and "--update" in p.stderr and p.stderr.count("\n") == 1
    assert _count_policies(store) == len(GOOD)


def test_sparql_syntax_error_is_one_line_with_its_position(policykg_cmd, store, tmp_path):
    rq = tmp_path / "bad.rq"
    rq.write_text("SELECT ?x\nWHERE {\n  ?x a dpv:Process\n  FILTR(?x)\n}\n")
    p = run(policykg_cmd, "query", "--store", store, "--file", str(rq))
    assert p.returncode == 1 and p.stdout == ""
    [line] = error_lines(p.stderr)
    assert p.stderr.count("\n") == 1 and re.search(r"syntax.* at 4:\d+", line), line   # line 4 of the query
    rq.write_bytes(b"SELECT \xff\xfe")
    p = run(policykg_cmd, "query", "--store", store, "--file", str(rq))
    assert p.returncode == 1 and "not a UTF-8 text file" in error_lines(p.stderr)[0]
    p = run(policykg_cmd, "query", "--store", store, "--file", str(tmp_path / "none.rq"))
    assert p.returncode == 2 and "Traceback" not in p.stderr


# ---------------------------------------------------------------- output escaping

HOSTILE = 'Evil "Quote" \\ Co.\n<script>alert(1)</script> """ @prefix x: <urn:x> . \'single\''
EVIDENCE = ('We share your email address with Stripe so that "quotes", back\\slashes, <script>alert(1)</script>, '
            '""" and @prefix ex: <http://example.org/> . all stay text.')


def _hostile_result():
    return extract_text("Privacy Policy\n" + EVIDENCE + "\n", "hostile.txt", controller=HOSTILE)


def test_hostile_strings_round_trip_through_turtle_jsonld_and_json(tmp_path):
    import rdflib
    from policykg.graph.export import export
    from policykg.graph.serialize import results_to_rdf
    from policykg.graph.store import Store
    r = _hostile_result()
    assert r.controller.name == HOSTILE
    [flow] = [f for f in r.flows if f.recipient.organization == "Stripe"]
    assert flow.evidence[0].text == EVIDENCE.strip()
    js = json.loads(json.dumps({"policies": [r.to_dict()]}, ensure_ascii=False))  # what `extract` prints
    assert js["policies"][0]["controller"]["name"] == HOSTILE
    st = Store(str(tmp_path / "s"))
    st.add_result(r)
    for fmt, rdflib_fmt in (("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt")):
        out = tmp_path / f"g.{fmt}"
        export(st, fmt, str(out))
        g = rdflib.Dataset(default_union=True) if fmt == "jsonld" else rdflib.Graph()
        g.parse(str(out), format=rdflib_fmt)
        values = {str(o) for o in g.objects() if isinstance(o, rdflib.Literal)}
        assert HOSTILE in values and EVIDENCE.strip() in values, fmt
        assert not any(str(s).startswith("http://example.org") for s in g.subjects()), fmt
    st.close()
    g = rdflib.Graph().parse(data=results_to_rdf([r], "ttl"), format="turtle")   # `extract --format ttl`
    assert HOSTILE in {str(o) for o in g.objects()}


def test_extract_json_keeps_hostile_strings(policykg_cmd, tmp_path):
    f = tmp_path / "hostile.txt"
    f.write_text("Privacy Policy\n" + EVIDENCE + "\n")
    p = run(policykg_cmd, "extract", str(f), "--controller", HOSTILE)
    assert p.returncode == 0, p.stderr
    pol = json.loads(p.stdout)["policies"][0]
    assert pol["controller"]["name"] == HOSTILE
    assert EVIDENCE.strip() in [e["text"] for fl in pol["flows"] for e in fl["evidence"]]


FORMULAS = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)"]


def test_safe_cell_neutralises_formula_leads_only():
    from policykg.graph.export import safe_cell
    for cell in [*FORMULAS, "\tx", "\rx", "\nx", "＝A1", "-1-1"]:
        assert safe_cell(cell) == "'" + cell
    for cell in ["Stripe", "-5", "+81", "3.5e2", "", "a=b"]:
        assert safe_cell(cell) == cell
    assert safe_cell(None) == "" and safe_cell(-3) == "-3"


def test_csv_outputs_neutralise_formulas(policykg_cmd, tmp_path):
    folder = tmp_path / "pol"
    folder.mkdir()
    with open(folder / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "language", "controller", "country"])
        for i, name in enumerate(FORMULAS):
            (folder / f"p{i}.txt").write_text("Privacy Policy\n=cmd|' /C calc'!A0 We share your email address with Stripe.\n")
            w.writerow([f"p{i}.txt", "en", name, "JP"])
    store = str(tmp_path / "store")
    p = run(policykg_cmd, "build", str(folder), "--manifest", str(folder / "manifest.csv"), "--store", store)
    assert p.returncode == 0, p.stderr
    out = tmp_path / "flows.csv"
    assert run(policykg_cmd, "export", "--store", store, "--format", "csv", "-o", str(out)).returncode == 0
    rows = list(csv.DictReader(open(out, encoding="utf-8", newline="")))
    assert {r["controller"] for r in rows} == {"'" + n for n in FORMULAS}
    assert all(r["evidence"].startswith("'=cmd") for r in rows)
    p = run(policykg_cmd, "query", "--store", store, "--format", "csv",
            "SELECT DISTINCT ?c ?n WHERE { ?f dpv:hasDataController/rdfs:label ?c } VALUES ?n { -5 }")
    got = list(csv.reader(io.StringIO(p.stdout)))
    assert got[0] == ["c", "n"] and {r[0] for r in got[1:]} == {"'" + n for n in FORMULAS}
    assert {r[1] for r in got[1:]} == {"-5"}                            # a plain number stays a number
    p = run(policykg_cmd, "overlap", "--store", store, "--format", "csv")
    [row] = list(csv.DictReader(io.StringIO(p.stdout)))
    assert row["organization"] == "Stripe" and row["controllers"][:1] == "'"


# ---------------------------------------------------------------- property-based

_settings = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_settings
@given(st.text())
def test_extraction_never_raises_on_arbitrary_text(text):
    r = extract_text(text)
    for f in r.flows:
        for e in f.evidence:
            assert text.replace("\r\n", "\n").replace("\r", "\n")[e.start:e.end] == e.text


@_settings
@given(st.lists(st.sampled_from(["Stripe", "Google Analytics", "株式会社", "Inc.", "Co., Ltd.", "we share", "with",
                                 "email address", "。", ". ", "\n", "- ", "# ", ":", "、", "(", ")", "“", "\u3000",
                                 "x" * 3000, "Ｓｔｒｉｐｅ", "委託", "共同利用", "第三者"])
                | st.text(), min_size=0, max_size=60).map("".join))
def test_extraction_never_raises_on_policy_like_text(text):
    extract_text(text)


_TAGS = st.sampled_from(["<p>", "</p>", "<script>", "</script>", "<style>", "<!--", "-->", "<li>", "<ul>", "</ul>",
                         "<table><tr><td>", "</td><td>", "<br>", "<![CDATA[", "]]>", "<h2>", "</h2>", "&amp;", "&#0;",
                         "&#x1F600;", "<div", ">", "<", "\"", "<svg><script>", "<?xml ?>", "<!doctype html>"])


@_settings
@given(st.lists(_TAGS | st.text(max_size=40) | st.just("We share your email address with Stripe."),
                max_size=50).map("".join))
def test_html_reader_and_extraction_never_raise_on_html_ish_strings(html):
    try:
        doc = read_bytes(html.encode("utf-8", errors="surrogatepass"), "x.html", media="html")
    except ReadError:
        return
    assert "<script>" not in doc.text
    extract_text(doc.text, "x.html")


@_settings
@given(st.binary(max_size=3000))
def test_reading_arbitrary_bytes_gives_text_or_a_read_error(data):
    try:
        doc = read_bytes(data, "x.txt")
    except ReadError as exc:
        assert "\n" not in str(exc)
        return
    extract_text(doc.text)
