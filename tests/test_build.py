"""Building stores: parallel extraction gives the same graph, unchanged policies are skipped,
--force redoes them, a graph cut short is replaced, the progress bar only on a terminal."""
import os
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
import pytest

from conftest import EXAMPLES, MANIFEST
from policykg.build import build
from policykg.extract import extract_file
from policykg.graph.rdf import PolicyGraph, policy_graph
from policykg.graph.store import Store


def quads(path: str) -> set:
    st = Store(path, read_only=True)
    try:
        return set(st.ox)
    finally:
        st.close()


@pytest.fixture(scope="module")
def serial_store(tmp_path_factory):
    """The examples built in this process (--jobs 1)."""
    path = str(tmp_path_factory.mktemp("serial") / "store")
    report = build([EXAMPLES], path, manifest=MANIFEST, jobs=1)
    assert report.stored == 5 and not report.failed
    return path


@pytest.fixture()
def corpus(tmp_path):
    """A writable copy of the examples."""
    d = tmp_path / "policies"
    shutil.copytree(EXAMPLES, d)
    for f in d.iterdir():
        f.chmod(0o644)
    return d


def test_two_jobs_give_the_same_graph_as_one(serial_store, tmp_path):
    path = str(tmp_path / "store")
    report = build([EXAMPLES], path, manifest=MANIFEST, jobs=2)
    assert report.stored == 5 and report.skipped == 0 and not report.failed
    assert report.flows > 30 and {"Google", "Stripe", "PayPal"} <= report.recipients
    got = quads(path)
    assert len(got) > 3000
    assert got == quads(serial_store)


def _worker_gc() -> tuple:
    import gc
    return gc.get_threshold(), gc.get_freeze_count()


def test_workers_freeze_the_lexicon_and_collect_less_often_but_not_the_building_process():
    import gc
    import importlib
    b = importlib.import_module("policykg.build")   # (the module: policykg.build is also the function)
    before = gc.get_threshold()
    pool = b._process_pool(2)
    try:
        thresholds, frozen = pool.submit(_worker_gc).result()
    finally:
        pool.shutdown()
    assert thresholds == b.WORKER_GC_THRESHOLDS != before
    assert frozen > 10000                  # what the parent held at the fork (the lexicon among it)
    assert gc.get_threshold() == before


def test_any_executor_gives_the_same_graph(serial_store, tmp_path):
    path = str(tmp_path / "store")
    with ThreadPoolExecutor(3) as ex:
        report = build([EXAMPLES], path, manifest=MANIFEST, executor=ex)
    assert report.stored == 5
    assert quads(path) == quads(serial_store)


def test_unchanged_policies_are_skipped_and_a_changed_one_replaced(corpus, tmp_path):
    path = str(tmp_path / "store")
    build([str(corpus)], path, manifest=str(corpus / "manifest.csv"), jobs=2)
    before = quads(path)
    again = build([str(corpus)], path, manifest=str(corpus / "manifest.csv"), jobs=2)
    assert (again.stored, again.skipped) == (0, 5)
    assert quads(path) == before
    shop = corpus / "unnamed-shop.en.txt"
    old_hash = extract_file(str(shop)).text_sha256
    shop.write_text(shop.read_text(encoding="utf-8").replace("Privacy Policy", "Privacy Notice", 1), encoding="utf-8")
    third = build([str(corpus)], path, manifest=str(corpus / "manifest.csv"), jobs=2)
    assert (third.stored, third.skipped) == (1, 4)
    after = quads(path)
    hashes = {q.object.value for q in after if q.predicate.value.endswith("#contentHash")}
    assert extract_file(str(shop)).text_sha256 in hashes and old_hash not in hashes and len(hashes) == 5
    assert len(before - after) < 20 and len(after - before) < 20      # the other four graphs untouched


def test_force_redoes_every_policy(serial_store, tmp_path):
    path = str(tmp_path / "store")
    shutil.copytree(serial_store, path)
    report = build([EXAMPLES], path, manifest=MANIFEST, jobs=2, force=True)
    assert (report.stored, report.skipped) == (5, 0)
    assert quads(path) == quads(serial_store)


def test_a_graph_cut_short_is_replaced_by_the_next_build(serial_store, tmp_path):
    """A build killed during a bulk load leaves part of a graph without its hash: the next build
    extracts that policy again and replaces the part."""
    path = str(tmp_path / "store")
    pg = policy_graph(extract_file(os.path.join(EXAMPLES, "infomart.en.txt")))
    st = Store(path)
    st.ensure_vocabulary()
    half = b"".join(pg.nquads.splitlines(keepends=True)[::2])
    st.ox.bulk_load(half, format=ox.RdfFormat.N_QUADS)
    assert pg.graph not in st.policy_hashes()
    st.close()
    report = build([EXAMPLES], path, manifest=MANIFEST, jobs=1)
    assert (report.stored, report.skipped) == (5, 0)
    assert quads(path) == quads(serial_store)


def test_a_bulk_load_cut_short_is_dropped_when_the_store_is_next_opened(serial_store, tmp_path):
    """The graphs of a bulk load killed before their hashes (named in the journal) are gone as soon as
    the store is opened again, even read-only, and so are the organisations only they named."""
    path = str(tmp_path / "store")
    shutil.copytree(serial_store, path)
    pg = policy_graph(extract_file(os.path.join(EXAMPLES, "infomart.en.txt"), controller="Infomart Corporation"))
    st = Store(path)
    st.remove_policy(pg.graph)
    assert not any(q.object.value == "Restartz" for q in st.ox)     # named by infomart alone
    st.close()
    without = quads(path)
    st = Store(path)
    st._journal([pg])                                            # as before a bulk load
    st.ox.bulk_load(pg.shared + pg.nquads, format=ox.RdfFormat.N_QUADS)
    st.close()                                                   # the process dies here: the journal stays
    break_off = os.path.join(path, "policykg-loading")
    assert os.path.exists(break_off)
    assert quads(path) == without
    assert not os.path.exists(break_off)


def _graphs(*names):
    return [policy_graph(extract_file(os.path.join(EXAMPLES, n))) for n in names]


def _hashed(st) -> set:
    return set(st.policy_hashes())


def test_while_loading_a_batch_gets_its_hashes_with_the_next_bulk_load(tmp_path):
    """Within ``loading()`` (a build's writer), a batch's hashes wait for the next batch's bulk load,
    the journal naming the batch meanwhile, and the last batch's come on leaving: the same quads as
    batches written one by one, and no journal left."""
    a, b = _graphs("infomart.en.txt"), _graphs("inagora-onemall.en.txt", "kaikorero.ja.txt")
    journal = tmp_path / "held" / "policykg-loading"
    st = Store(str(tmp_path / "held"))
    with st.loading():
        st.add_graphs(a)
        assert _hashed(st) == set() and journal.read_text().split() == [a[0].graph]
        assert [p.nquads for p in st._held] == [b""]              # a waiting batch's quads are not kept
        st.add_graphs(b)
        assert _hashed(st) == {a[0].graph}
        assert journal.read_text().split() == [g.graph for g in b]
    assert _hashed(st) == {g.graph for g in a + b} and not journal.exists()
    st.close()
    plain = Store(str(tmp_path / "plain"))
    plain.add_graphs(a)
    assert _hashed(plain) == {a[0].graph} and not (tmp_path / "plain" / "policykg-loading").exists()
    plain.add_graphs(b)
    plain.close()
    assert quads(str(tmp_path / "held")) == quads(str(tmp_path / "plain"))


def test_a_build_killed_while_loading_loses_only_the_graphs_without_hashes(tmp_path):
    """Killed after a second batch is loaded: the first batch (hashed by the second's load) stays,
    the second (waiting for its hashes) is dropped when the store is next opened."""
    a = _graphs("infomart.en.txt")
    path = str(tmp_path / "store")
    script = f"""if True:
        import os, sys
        sys.path.insert(0, {os.path.dirname(__file__)!r})
        from test_build import Store, _graphs
        st = Store({path!r})
        with st.loading():
            st.add_graphs(_graphs("infomart.en.txt"))
            st.add_graphs(_graphs("inagora-onemall.en.txt"))
            st.ox.flush()
            os._exit(3)                                 # killed before leaving
    """
    assert subprocess.run([sys.executable, "-c", script]).returncode == 3
    assert os.path.exists(os.path.join(path, "policykg-loading"))
    st = Store(path, read_only=True)
    assert _hashed(st) == {a[0].graph}
    assert {q.graph_name.value for q in st.ox} == {a[0].graph, "https://w3id.org/policykg/id/graph/organizations"}
    st.close()


def test_a_failed_bulk_load_while_loading_keeps_the_batch_before_it(tmp_path):
    """A batch whose bulk load fails: the batch before it gets its hashes all the same, the failed
    one stays named in the journal and is dropped when the store is next opened."""
    a, b = _graphs("infomart.en.txt"), _graphs("inagora-onemall.en.txt")
    broken = PolicyGraph(b[0].graph, b[0].nquads + b"not a quad\n", b[0].sha256, b[0].shared)
    path = str(tmp_path / "store")
    st = Store(path)
    with pytest.raises(SyntaxError):
        with st.loading():
            st.add_graphs(a)
            st.add_graphs([broken])
    assert _hashed(st) == {a[0].graph}
    assert (tmp_path / "store" / "policykg-loading").read_text().split() == [b[0].graph]
    st.close()
    st = Store(path, read_only=True)
    assert not any(q.graph_name.value == b[0].graph for q in st.ox)
    st.close()


def test_a_changed_policy_leaves_no_organisation_it_no_longer_names(corpus, tmp_path):
    path = str(tmp_path / "store")
    build([str(corpus)], path, manifest=str(corpus / "manifest.csv"), jobs=1)
    labels = {q.object.value for q in quads(path) if q.predicate.value.endswith("#label")}
    assert {"Restartz", "Google", "Stripe"} <= labels
    f = corpus / "infomart.en.txt"
    f.write_text(f.read_text(encoding="utf-8").replace("Restartz Co. Ltd.", "none"), encoding="utf-8")
    report = build([str(corpus)], path, manifest=str(corpus / "manifest.csv"), jobs=1)
    assert (report.stored, report.skipped) == (1, 4)
    after = quads(path)
    labels = {q.object.value for q in after if q.predicate.value.endswith("#label")}
    assert "Restartz" not in labels and {"Google", "Stripe"} <= labels
    assert not any("restartz" in str(q) for q in after)


def test_a_bad_file_fails_alone(corpus, tmp_path):
    (corpus / "empty.txt").write_text("")
    report = build([str(corpus)], str(tmp_path / "store"), manifest=str(corpus / "manifest.csv"), jobs=2)
    assert report.stored == 5
    assert [(os.path.basename(f.path), f.reason) for f in report.failed] == [("empty.txt", "empty file")]


class CountingExecutor(ThreadPoolExecutor):
    """A thread pool that records the most tasks it ever held at once (submitted, not done)."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.lock, self.now, self.most = threading.Lock(), 0, 0

    def submit(self, fn, *args, **kwargs):
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        fut = super().submit(fn, *args, **kwargs)
        fut.add_done_callback(self._done)
        return fut

    def _done(self, _fut):
        with self.lock:
            self.now -= 1


def copies(tmp_path, times: int) -> str:
    """A folder with ``times`` copies of the example policies (5 each time), at distinct paths."""
    files = [os.path.join(EXAMPLES, f) for f in sorted(os.listdir(EXAMPLES)) if f.endswith(".txt")] * times
    folder = tmp_path / "many"
    folder.mkdir()
    for i, f in enumerate(files):
        shutil.copy(f, folder / f"{i:02d}-{os.path.basename(f)}")
    return str(folder)


def test_at_most_window_tasks_are_in_flight(tmp_path):
    folder = copies(tmp_path, 3)                      # 15 policies
    with CountingExecutor(4) as ex:
        report = build([folder], str(tmp_path / "store"), executor=ex, window=2)
    assert report.stored == 15
    assert ex.most == 2


class BatchRecordingStore(Store):
    """The embedded store, noting the size of every batch the build writes."""

    def __init__(self, path):
        super().__init__(path)
        self.batches: list[int] = []

    def add_graphs(self, batch):
        self.batches.append(len(batch))
        super().add_graphs(batch)


def test_the_store_takes_batches_of_at_most_batch_policies(tmp_path):
    folder = copies(tmp_path, 4)                      # 20 policies
    st = BatchRecordingStore(str(tmp_path / "store"))
    report = build([folder], st, jobs=2, batch_policies=3)
    assert report.stored == 20
    assert sum(st.batches) == 20 and max(st.batches) <= 3 and len(st.batches) >= 7
    assert st.count_policies() == 20
    st.close()


def _sst_files(path) -> int:
    return sum(1 for f in os.listdir(path) if f.endswith(".sst"))


def test_a_large_build_compacts_the_store(serial_store, tmp_path):
    """Compacting merges the files the bulk loads left (here five, one policy each) and changes
    no quad; by default only a build of at least COMPACT_AFTER policies compacts."""
    merged, left = str(tmp_path / "merged"), str(tmp_path / "left")
    r1 = build([EXAMPLES], merged, manifest=MANIFEST, jobs=1, batch_policies=1, compact=True)
    r2 = build([EXAMPLES], left, manifest=MANIFEST, jobs=1, batch_policies=1)
    assert r1.compacted is not None and r2.compacted is None    # 5 policies: under COMPACT_AFTER
    assert _sst_files(merged) < _sst_files(left)
    assert quads(merged) == quads(left) == quads(serial_store)


def test_by_default_a_build_compacts_when_it_stored_many_policies_and_a_tenth_of_the_store(tmp_path, monkeypatch):
    import sys
    monkeypatch.setattr(sys.modules["policykg.build"], "COMPACT_AFTER", 3)   # (policykg.build is also the function)
    folder = copies(tmp_path, 8)                          # 40 policies
    store = str(tmp_path / "store")
    assert build([folder], store, jobs=1).compacted is not None          # 40 new: compacted
    extra = tmp_path / "extra"
    extra.mkdir()
    for i, f in enumerate(sorted(os.listdir(folder))[:3]):
        shutil.copy(os.path.join(folder, f), extra / f"x{i}-{f}")
    r = build([folder, str(extra)], store, jobs=1)
    assert r.stored == 3 and r.compacted is None          # 3 new in a store of 43: under a tenth
    r = build([str(extra)], store, jobs=1, force=True, compact=True)
    assert r.stored == 3 and r.compacted is not None


def test_a_build_says_what_it_does_after_the_last_file(tmp_path):
    """The last results going into the store and the compaction take seconds on large builds,
    after every file is extracted: ``stage`` tells them, the compaction only when it happens."""
    told = []
    build([EXAMPLES], str(tmp_path / "a"), manifest=MANIFEST, jobs=1, compact=True, stage=told.append)
    assert told == ["storing", "compacting"]
    told.clear()
    build([EXAMPLES], str(tmp_path / "b"), manifest=MANIFEST, jobs=1, stage=told.append)
    assert told == ["storing"]


def test_the_command_line_says_when_it_compacted(policykg_cmd, tmp_path):
    r = subprocess.run(_build_cmd(policykg_cmd, str(tmp_path / "s"), "--compact", "--batch", "2"),
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.rstrip().endswith("s)") and "(compacted in " in r.stdout
    r = subprocess.run(_build_cmd(policykg_cmd, str(tmp_path / "t"), "--no-compact"), capture_output=True, text=True)
    assert r.returncode == 0 and "compacted" not in r.stdout


def _build_cmd(policykg_cmd, store, *extra):
    return [policykg_cmd, "build", EXAMPLES, "--manifest", MANIFEST, "--store", store, *extra]


def test_no_progress_bar_when_stderr_is_not_a_terminal(policykg_cmd, tmp_path):
    r = subprocess.run(_build_cmd(policykg_cmd, str(tmp_path / "s"), "--jobs", "2"), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert r.stdout.startswith("stored 5 policies (0 unchanged, 0 failed)")


def _on_terminal(cmd) -> str:
    """Run ``cmd`` with stderr on a pseudo-terminal; what it wrote there."""
    import pty
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait()
    os.close(master)
    assert proc.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_on_a_terminal_unless_quiet(policykg_cmd, tmp_path):
    shown = _on_terminal(_build_cmd(policykg_cmd, str(tmp_path / "a"), "--jobs", "1"))
    assert "Building" in shown and "5/5" in shown and "policies/s" in shown
    assert "Storing" in shown.rsplit("Building", 1)[1]        # after the last file: the bar's label
    assert "Compacting" in _on_terminal(_build_cmd(policykg_cmd, str(tmp_path / "c"), "--compact"))
    assert _on_terminal(_build_cmd(policykg_cmd, str(tmp_path / "b"), "--quiet")) == ""
