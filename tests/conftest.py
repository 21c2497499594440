import os
import shutil
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples", "policies")
MANIFEST = os.path.join(EXAMPLES, "manifest.csv")
SHARED = os.path.join(os.path.dirname(ROOT), "shared")


def example(name: str) -> str:
    return os.path.join(EXAMPLES, name)


@pytest.fixture(scope="session")
def examples_store(tmp_path_factory):
    """A store built from the five example policies (read-only handle)."""
    from policykg.build import build
    from policykg.graph.store import Store
    path = str(tmp_path_factory.mktemp("store") / "store")
    report = build([EXAMPLES], path, manifest=MANIFEST)
    assert report.stored == 5 and not report.failed
    st = Store(path, read_only=True)
    yield st
    st.close()


@pytest.fixture(scope="session")
def examples_results():
    """Extraction results of the five examples, by file name."""
    from policykg.build import ManifestEntry, read_manifest
    from policykg.extract import extract_file
    man = read_manifest(MANIFEST)
    out = {}
    for f in sorted(os.listdir(EXAMPLES)):
        if f.endswith(".txt"):
            e = man.get(f, ManifestEntry())
            out[f] = extract_file(example(f), controller=e.controller, language=e.language)
    return out


@pytest.fixture(scope="session")
def policykg_cmd():
    """The installed console command (the one a user runs)."""
    exe = shutil.which("policykg", path=os.path.dirname(sys.executable)) or shutil.which("policykg")
    if not exe:
        pytest.skip("the policykg command is not installed")
    return exe
