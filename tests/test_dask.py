"""Extraction on a Dask cluster (a LocalCluster of two small worker processes) gives the same
graph as a local build."""
import os

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, MANIFEST

from policykg.build import build
from policykg.cli import main
from policykg.distributed import build_on_dask
from policykg.graph.store import Store

distributed = pytest.importorskip("dask.distributed", reason="Dask is not installed (pip install 'policykg[dask]')")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  memory_limit="1GiB") as c:
        yield c


def _quads(store: Store) -> set:
    return set(store.ox)


def test_dask_build_gives_the_local_graph(cluster, tmp_path):
    local, remote = Store(), Store()
    build([EXAMPLES], local, manifest=MANIFEST, jobs=1)
    report = build_on_dask([EXAMPLES], remote, cluster.scheduler_address, manifest=MANIFEST)
    assert (report.stored, report.failed) == (5, [])
    assert remote.count_policies() == 5 and _quads(remote) == _quads(local)
    again = build_on_dask([EXAMPLES], remote, cluster, manifest=MANIFEST)
    assert (again.stored, again.skipped) == (0, 5)


def test_cli_build_on_dask(cluster, tmp_path):
    store = str(tmp_path / "store")
    r = CliRunner().invoke(main, ["build", EXAMPLES, "--manifest", MANIFEST, "--store", store, "-q",
                                  "--dask", cluster.scheduler_address])
    assert r.exit_code == 0, r.output
    assert "stored 5 policies" in r.output


def test_a_missing_file_fails_alone_as_in_a_local_build(cluster, tmp_path):
    gone = os.path.join(str(tmp_path), "gone.txt")
    report = build_on_dask([gone, os.path.join(EXAMPLES, "infomart.en.txt")], Store(), cluster.scheduler_address)
    assert report.stored == 1 and [f.path for f in report.failed] == [gone]


def test_unreachable_scheduler_is_one_line(tmp_path, monkeypatch):
    from policykg import distributed as d
    monkeypatch.setattr(d, "CONNECT_TIMEOUT", "2s")
    r = CliRunner().invoke(main, ["build", EXAMPLES, "--store", str(tmp_path / "s"), "-q",
                                  "--dask", "tcp://127.0.0.1:9"])
    assert r.exit_code != 0 and r.output.startswith("policykg: error:") and "Dask scheduler" in r.output
