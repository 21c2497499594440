"""Build a store from policy files: walk folders, read a manifest, extract in parallel, store
in batches.

>>> from policykg.build import build          # doctest: +SKIP
>>> report = build(["examples/policies"], "out/store", manifest="examples/policies/manifest.csv")  # doctest: +SKIP
>>> report.stored, report.failed                # doctest: +SKIP
(5, [])

Extraction runs in worker processes (``jobs``) or on any ``concurrent.futures.Executor``
(``executor=``, e.g. ``dask.distributed.Client.get_executor()``); a worker gets a path, its
manifest entry and the content hash the store holds for it, and returns a small ``Outcome``:
"unchanged" (same hash, nothing extracted), a one-line failure, or the policy's N-Quads
(``PolicyGraph``) and the few numbers the report needs. At most ``window`` tasks are in flight
and at most two batches' worth of N-Quads wait for the store, so memory stays bounded.
"""
from __future__ import annotations

import csv
import hashlib
import os
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from .extract import ReadError, extract_document, read_path
from .extract.model import PolicyResult
from .graph.rdf import PolicyGraph, policy_graph, policy_iri
from .graph.stores import open_store

#: the store writes the results waiting for it whenever it is free, at most BATCH_POLICIES or
#: BATCH_BYTES of N-Quads at a time, and at least as many as it has written so far, from
#: BATCH_MIN_POLICIES up (or all there are once extraction is over, or once the oldest has waited
#: BATCH_SECONDS): while workers extract, the store spends less CPU on fewer, larger loads
#: (bench/RESULTS.md), and a small corpus still goes in while it is extracted. Extraction waits
#: while twice the most are waiting, so memory stays bounded.
BATCH_MIN_POLICIES = 200
BATCH_POLICIES = 1600
BATCH_BYTES = 192 * 1024 * 1024
BATCH_SECONDS = 10.0

#: a build that stored at least this many policies, and at least a tenth of the store's, compacts
#: the store at the end (``compact``): the bulk loads leave files that RocksDB has not merged yet,
#: and queries on a store just built read about twice as fast once they are merged (10,000
#: policies: 7-8 s to compact, the whole store being rewritten; bench/RESULTS.md)
COMPACT_AFTER = 1000

POLICY_EXTENSIONS = (".txt", ".html", ".htm", ".md", ".markdown", ".xhtml")


@dataclass
class Failure:
    path: str
    reason: str


@dataclass
class BuildReport:
    stored: int = 0
    skipped: int = 0              # unchanged since the last build
    failed: list[Failure] = field(default_factory=list)
    flows: int = 0
    recipients: set = field(default_factory=set)
    controllers: list[str] = field(default_factory=list)
    compacted: float | None = None  # seconds spent compacting the store, if it was


@dataclass
class ManifestEntry:
    language: str | None = None
    controller: str | None = None
    country: str | None = None


def read_manifest(path: str) -> dict[str, ManifestEntry]:
    """A CSV with columns file, language, controller, country (blank cells: detect from the text)."""
    out = {}
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "file" not in reader.fieldnames:
            raise ValueError(f"{path}: a manifest needs a 'file' column")
        for row in reader:
            f = (row.get("file") or "").strip()
            if f:
                out[f] = ManifestEntry(language=(row.get("language") or "").strip() or None,
                                       controller=(row.get("controller") or "").strip() or None,
                                       country=(row.get("country") or "").strip().upper() or None)
    return out


def iter_policy_files(paths: Iterable[str], on_error: Callable[[Failure], None] | None = None) -> Iterator[str]:
    """Policy files under the given paths (folders are walked, symlink loops avoided), sorted."""
    for p in paths:
        if os.path.isdir(p):
            seen = set()
            for root, dirs, files in os.walk(p, followlinks=True):
                real = os.path.realpath(root)
                if real in seen:
                    dirs[:] = []
                    continue
                seen.add(real)
                dirs.sort()
                for f in sorted(files):
                    if f.lower().endswith(POLICY_EXTENSIONS) and not f.startswith("."):
                        yield os.path.join(root, f)
        else:
            yield p


def manifest_for(path: str, manifest: dict[str, ManifestEntry] | None) -> ManifestEntry:
    if not manifest:
        return ManifestEntry()
    return manifest.get(os.path.basename(path)) or manifest.get(path) or ManifestEntry()


def extract_one(path: str, entry: ManifestEntry, max_bytes: int | None = None) -> PolicyResult:
    kw = {"max_bytes": max_bytes} if max_bytes else {}
    return _extract(read_path(path, **kw), entry)


def _extract(doc, entry: ManifestEntry) -> PolicyResult:
    result = extract_document(doc, controller=entry.controller, language=entry.language)
    if entry.country:
        result.controller.country = entry.country
    return result


@dataclass
class Outcome:
    """What a worker sends back for one file: small and picklable."""
    path: str
    status: str                        # "stored", "unchanged" or "failed"
    reason: str = ""                   # why it failed
    graph: PolicyGraph | None = None   # the policy's quads, when stored
    flows: int = 0
    recipients: tuple = ()             # named organisations it sends data to
    controller: str | None = None


def process_file(path: str, entry: ManifestEntry, known_hash: str | None = None,
                 max_bytes: int | None = None) -> Outcome:
    """Read one file; unless its text has ``known_hash``, extract it and serialise its graph."""
    try:
        doc = read_path(path, **({"max_bytes": max_bytes} if max_bytes else {}))
    except ReadError as exc:
        return Outcome(path, "failed", str(exc))
    if known_hash and hashlib.sha256(doc.text.encode("utf-8")).hexdigest() == known_hash:
        return Outcome(path, "unchanged")
    try:
        result = _extract(doc, entry)
    except Exception as exc:  # noqa: BLE001 - an extractor bug on one file must not stop the batch
        return Outcome(path, "failed", f"extraction failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    return Outcome(path, "stored", graph=policy_graph(result), flows=len(result.flows),
                   recipients=tuple({f.recipient.organization for f in result.flows if f.recipient.organization}),
                   controller=result.controller.name)


def _warm_up() -> None:
    """Load the lexicon once per worker process, before its first task."""
    from .extract.lexicon import load
    load()
    _freeze()


#: a worker's garbage-collector thresholds: extraction makes many short-lived containers and few
#: cycles, and collecting the youngest every 20,000 allocations instead of 700 saves ~1 % of its work
WORKER_GC_THRESHOLDS = (20000, 10, 10)


def _freeze() -> None:
    """In a worker: leave what it holds now (the lexicon) out of the garbage collector's full passes,
    and collect less often (``WORKER_GC_THRESHOLDS``)."""
    import gc
    gc.freeze()
    gc.set_threshold(*WORKER_GC_THRESHOLDS)


def _process_pool(jobs: int) -> ProcessPoolExecutor:
    """Worker processes; forked where possible, after loading the lexicon, so they start at once
    (they never touch the store)."""
    import multiprocessing
    if "fork" in multiprocessing.get_all_start_methods():
        from .extract.lexicon import load
        load()
        return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"), initializer=_freeze)
    return ProcessPoolExecutor(jobs, initializer=_warm_up)


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:                          # pragma: no cover (not Linux)
        return os.cpu_count() or 1


def _outcomes(tasks: Iterator[tuple], jobs: int, executor: Executor | None, window: int) -> Iterator[Outcome]:
    """Run ``process_file`` over the tasks, in this process or on an executor, with at most
    ``window`` tasks in flight; outcomes come in completion order."""
    if executor is None and jobs <= 1:
        for t in tasks:
            yield process_file(*t)
        return
    own = executor is None
    if own:
        executor = _process_pool(jobs)
    pending: set = set()
    try:
        for t in tasks:
            if len(pending) >= window:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (f.result() for f in done)
            pending.add(executor.submit(process_file, *t))
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield from (f.result() for f in done)
    finally:
        for f in pending:
            f.cancel()
        if own:
            executor.shutdown(wait=True, cancel_futures=True)


class _StoreWriter:
    """Writes results to the store in a thread of its own, so that workers are fed while the store
    loads (Oxigraph releases the GIL): each time it is free it takes what has come meanwhile as one
    batch, of up to ``most`` policies (see the constants above)."""

    def __init__(self, store, most: int = BATCH_POLICIES):
        self.store, self.most, self.error = store, most, None
        self.written = 0                   # policies taken so far
        self.pending: list[PolicyGraph] = []
        self.size = 0                      # bytes of N-Quads pending
        self.since = 0.0                   # when the oldest pending result came
        self.closed = False
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._run, name="policykg-store-writer", daemon=True)
        self.thread.start()

    def _ready(self) -> bool:
        least = min(self.most, max(BATCH_MIN_POLICIES, self.written))
        return bool(self.pending) and (self.closed or len(self.pending) >= least or self.size >= BATCH_BYTES
                                       or time.monotonic() - self.since >= BATCH_SECONDS)

    def _take(self) -> list[PolicyGraph]:
        n, size = 0, 0
        while n < min(len(self.pending), self.most) and (n == 0 or size + len(self.pending[n].nquads) <= BATCH_BYTES):
            size += len(self.pending[n].nquads)
            n += 1
        batch, self.pending = self.pending[:n], self.pending[n:]
        self.size -= size
        self.written += n
        self.since = time.monotonic()
        self.cond.notify_all()
        return batch

    def _run(self) -> None:
        try:
            with getattr(self.store, "loading", nullcontext)():   # hashes with the next batch (Store)
                self._write_batches()
        except BaseException as exc:                    # re-raised in the building thread
            self.error = self.error or exc

    def _write_batches(self) -> None:
        while True:
            with self.cond:
                while not self._ready() and not (self.closed and not self.pending):
                    self.cond.wait(timeout=1.0)
                if not self.pending:
                    return
                batch = self._take()
            if self.error is None:
                try:
                    self.store.add_graphs(batch)
                except BaseException as exc:
                    self.error = exc
            del batch                                   # (not kept while the next one gathers)

    def put(self, graph: PolicyGraph) -> None:
        """Add one policy's graph; waits while twice the most the store takes at once are waiting."""
        self._check()
        with self.cond:
            while (len(self.pending) >= 2 * self.most or self.size >= 2 * BATCH_BYTES) and self.thread.is_alive():
                self.cond.wait(timeout=1.0)
            if not self.pending:
                self.since = time.monotonic()
            self.pending.append(graph)
            self.size += len(graph.nquads)
            if self._ready():
                self.cond.notify_all()

    def close(self) -> None:
        """Wait until every result is written; raise the writer's error if it had one."""
        with self.cond:
            self.closed = True
            self.cond.notify_all()
        self.thread.join()
        self._check()

    def _check(self) -> None:
        if self.error is not None:
            raise self.error


def build(paths: Iterable[str], store, manifest: str | dict | None = None, force: bool = False,
          progress: Callable[[Outcome], None] | None = None, max_bytes: int | None = None,
          jobs: int | None = None, executor: Executor | None = None, window: int | None = None,
          batch_policies: int = BATCH_POLICIES, compact: bool | None = None,
          stage: Callable[[str], None] | None = None) -> BuildReport:
    """Extract every policy under ``paths`` and store each in its own named graph.

    A policy whose text has the hash its graph holds is skipped without extraction unless
    ``force``. ``jobs``: worker processes (default: all cores; 1 extracts in this process);
    ``executor``: any ``concurrent.futures.Executor`` to extract on instead (``jobs`` is then
    only used for the default ``window``, the number of tasks in flight: 4 per job).
    ``store``: a folder, a ``sparql+http(s)://`` endpoint, a ``Store`` or any store with the interface in
    ``policykg.graph.store``.
    ``progress`` is called with each file's ``Outcome``. ``batch_policies``: the most policies
    written to the store at once (fewer: less memory, more CPU for the store). ``compact``: merge
    the store's files once everything is written (``Store.optimize``; queries then read faster):
    by default when at least ``COMPACT_AFTER`` policies were stored and they are at least a tenth
    of the store's, ``True`` whenever any were, ``False`` never. ``stage`` is told what the build
    does once every file is extracted: ``"storing"`` (the last results going into the store),
    then ``"compacting"`` if it compacts (seconds to tens of seconds on a large build).
    """
    jobs = jobs or default_jobs()
    window = window or 4 * jobs
    own = isinstance(store, str)
    st = open_store(store) if own else store
    man = read_manifest(manifest) if isinstance(manifest, str) else manifest
    report = BuildReport()
    writer = None
    try:
        st.ensure_vocabulary()
        known = {} if force else st.policy_hashes()
        tasks = ((p, manifest_for(p, man), known.get(policy_iri(p)), max_bytes) for p in iter_policy_files(paths))
        writer = _StoreWriter(st, batch_policies)
        for out in _outcomes(tasks, jobs, executor, window):
            if out.status == "failed":
                report.failed.append(Failure(out.path, out.reason))
            elif out.status == "unchanged":
                report.skipped += 1
            else:
                writer.put(out.graph)
                report.stored += 1
                report.flows += out.flows
                report.recipients.update(out.recipients)
                report.controllers.append(out.controller)
            if progress:
                progress(out)
        if stage:
            stage("storing")
        writer.close()
        writer = None
        if compact is None:
            compact = report.stored >= COMPACT_AFTER and 10 * report.stored >= st.count_policies()
        if compact and report.stored and hasattr(st, "optimize"):
            if stage:
                stage("compacting")
            started = time.monotonic()
            st.optimize()
            report.compacted = time.monotonic() - started
    finally:
        if writer:
            writer.close()
        st.flush()
        if own:
            st.close()
    report.failed.sort(key=lambda f: f.path)
    return report


