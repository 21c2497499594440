"""Cues skip the patterns whose required literals a sentence lacks, and answer as the whole pattern does."""
import os

from conftest import EXAMPLES
from policykg.extract.cues import CueSet, lower_for_literals, required_literals
from policykg.extract.lexicon import load
from policykg.extract.read import read_path
from policykg.extract.segment import segment


def test_required_literals_of_a_pattern():
    assert required_literals(r"\bsold\b") == [frozenset({"sold"})]
    assert set(required_literals(r"ORG\s*(が|は)[^。]{0,60}(受け取|受信)")) == {
        frozenset({"org"}), frozenset({"が", "は"}), frozenset({"受け取", "受信"})}
    assert required_literals(r"\bshar(e|ed)\b") == [frozenset({"share", "shared"})]
    assert required_literals(r"\b(log|sign)?[ -]?in\b") == [frozenset({"in"})]   # an optional group requires nothing
    assert required_literals(r"[a-z]+@\w+") == [frozenset({"@"})]


def test_case_insensitive_matches_are_found_in_the_lower_cased_text():
    # the Kelvin sign and the long s match k and s in a case-insensitive pattern
    assert lower_for_literals("\u212aEEP \u017fHARING") == "keep sharing"
    cues = CueSet({"keep": [r"\bkeep\b"], "share": [r"\bshar(e|ing)\b"]})
    assert cues.has("keep", "We \u212aEEP it") and cues.has("share", "no \u017fharing")


def test_every_cue_answers_as_its_whole_pattern_on_the_example_sentences():
    cues = load().cues
    for f in sorted(os.listdir(EXAMPLES)):
        if not f.endswith(".txt"):
            continue
        seg = segment(read_path(os.path.join(EXAMPLES, f)).text)
        for i in range(len(seg.sentences)):
            t = seg.sentence_text(i)
            found = cues.scan(t)
            for name in cues.rx:
                assert cues.has(name, t, found) == bool(cues[name].search(t)), (f, name, t)
