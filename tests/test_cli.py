"""The command line, through click's runner and through the installed command."""
import csv
import io
import json
import subprocess

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES, MANIFEST, example
from policykg.cli import main


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("cli") / "store")
    r = CliRunner().invoke(main, ["build", EXAMPLES, "--manifest", MANIFEST, "--store", path])
    assert r.exit_code == 0, r.output
    assert "stored 5 policies" in r.output
    return path


def test_extract_json_shape():
    r = CliRunner().invoke(main, ["extract", example("zengroup-zenpop.en.txt")])
    assert r.exit_code == 0, r.output
    pol = json.loads(r.output)["policies"][0]
    assert pol["controller"]["name"] == "ZenGroup INC" and pol["controller"]["country"] == "JP"
    assert pol["language"] == "en" and pol["source"].endswith("zengroup-zenpop.en.txt")
    flow = next(f for f in pol["flows"] if f["recipient"]["organization"] == "Stripe")
    assert set(flow["recipient"]) >= {"name", "organization", "category", "country"}
    assert flow["recipient"]["category"] == "payment" and flow["recipient"]["country"] == "US"
    assert flow["data"] and {"label", "iri"} <= set(flow["data"][0])
    assert {"text", "start", "end"} <= set(flow["evidence"][0])
    assert any(c["evidence"] for c in pol["collected"])
    law = [f for f in pol["flows"] if f["recipient"]["category"] == "government"]
    assert law and law[0]["recipient"]["organization"] is None


def test_extract_controller_option_and_ttl():
    r = CliRunner().invoke(main, ["extract", example("unnamed-shop.en.txt"), "--controller", "Nicori", "--format", "ttl"])
    assert r.exit_code == 0, r.output
    assert "dpv:DataController" in r.output and '"Nicori"' in r.output


def test_query_formats(store):
    q = "SELECT DISTINCT ?c WHERE { ?f dpv:hasDataController/rdfs:label ?c ; dpv:hasRecipient/rdfs:label \"Stripe\" } ORDER BY ?c"
    r = CliRunner().invoke(main, ["query", "--store", store, "--format", "json", q])
    assert r.exit_code == 0, r.output
    js = json.loads(r.output)
    assert js["head"]["vars"] == ["c"]
    assert [b["c"]["value"] for b in js["results"]["bindings"]] == ["INAGORA Co., Ltd.", "ZenGroup INC"]
    r = CliRunner().invoke(main, ["query", "--store", store, "--format", "csv", q])
    assert list(csv.reader(io.StringIO(r.output)))[0] == ["c"]
    r = CliRunner().invoke(main, ["query", "--store", store, "--named", "companies-of", "--param", "recipient=Stripe"])
    assert r.exit_code == 0 and "ZenGroup INC" in r.output
    r = CliRunner().invoke(main, ["query", "--store", store, "--named", "overlap", "--param", "minControllers=3",
                                  "--format", "csv"])
    assert [row[0] for row in csv.reader(io.StringIO(r.output))] == ["organization", "Google", "Facebook"]


def test_query_refuses_update_without_flag(store):
    r = CliRunner().invoke(main, ["query", "--store", store, "DELETE WHERE { ?s ?p ?o }"])
    assert r.exit_code == 1
    assert "--update" in r.output


def test_overlap_json(store):
    r = CliRunner().invoke(main, ["overlap", "--store", store, "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    got = {x["organization"]: len(x["controllers"]) for x in rows}
    assert got == {"Google": 4, "Facebook": 3, "Stripe": 2, "PayPal": 2}
    assert rows[0]["organization"] == "Google" and set(rows[0]) >= {"organization", "category", "controllers", "data"}


def test_export_formats(store, tmp_path):
    for fmt in ("ttl", "nt", "nq", "trig", "jsonld", "graphml", "gexf", "csv"):
        out = tmp_path / f"g.{fmt}"
        r = CliRunner().invoke(main, ["export", "--store", store, "--format", fmt, "-o", str(out)])
        assert r.exit_code == 0, (fmt, r.output)
        assert out.stat().st_size > 1000, fmt
    rows = list(csv.DictReader(open(tmp_path / "g.csv", encoding="utf-8")))
    stripe = [x for x in rows if x["organization"] == "Stripe"]
    assert {x["controller"] for x in stripe} == {"INAGORA Co., Ltd.", "ZenGroup INC"}
    assert all(x["evidence"] for x in rows)
    import networkx as nx
    g = nx.read_graphml(tmp_path / "g.graphml")
    assert any(d.get("label") == "Stripe" for _n, d in g.nodes(data=True))


def test_viz_writes_offline_page(store, tmp_path):
    out = tmp_path / "p.html"
    r = CliRunner().invoke(main, ["viz", "--store", store, "-o", str(out)])
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert "Stripe" in html and "INAGORA" in html
    assert "https://cdn" not in html and "<script src=\"http" not in html


def test_usage_error_exit_2():
    r = CliRunner().invoke(main, ["query"])
    assert r.exit_code == 2


def test_missing_store_is_one_line_error(tmp_path):
    r = CliRunner().invoke(main, ["overlap", "--store", str(tmp_path / "nope")])
    assert r.exit_code == 1
    assert r.output.count("\n") == 1 and "policykg: error:" in r.output


def test_installed_command_end_to_end(policykg_cmd, tmp_path):
    store = str(tmp_path / "s")
    p = subprocess.run([policykg_cmd, "build", EXAMPLES, "--manifest", MANIFEST, "--store", store],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    p = subprocess.run([policykg_cmd, "overlap", "--store", store, "--format", "json"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)[0]["organization"] == "Google"
    p = subprocess.run([policykg_cmd, "extract", str(tmp_path / "missing.txt"), example("infomart.en.txt")],
                       capture_output=True, text=True)
    assert p.returncode == 1
    assert "policykg: error:" in p.stderr and "missing.txt" in p.stderr and "Traceback" not in p.stderr
    assert json.loads(p.stdout)["policies"][0]["controller"]["name"] == "Infomart Corporation"


def test_python_dash_m(tmp_path):
    import sys
    p = subprocess.run([sys.executable, "-m", "policykg", "queries"], capture_output=True, text=True)
    assert p.returncode == 0 and "overlap" in p.stdout


def test_build_help_gives_the_batch_and_compaction_defaults_the_build_uses():
    from policykg.build import BATCH_POLICIES, COMPACT_AFTER
    r = CliRunner().invoke(main, ["build", "--help"], terminal_width=200)
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert f"(default {BATCH_POLICIES};" in text and f"(default: after {COMPACT_AFTER} or more policies)" in text
