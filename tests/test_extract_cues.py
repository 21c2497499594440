"""Cues skip the patterns whose required literals a sentence lacks, and answer as the whole pattern does;
gated patterns find what their pattern finds; phrases are found in any text."""
import os

from conftest import EXAMPLES
from policykg.extract.cues import CueSet
from policykg.extract.literals import lower_for_literals, required_literals
from policykg.extract.lexicon import load
from policykg.extract.read import read_path
from policykg.extract.segment import segment


def test_required_literals_of_a_pattern():
    assert required_literals(r"\bsold\b") == [frozenset({"sold"})]
    assert set(required_literals(r"ORG\s*(が|は)[^。]{0,60}(受け取|受信)")) == {
        frozenset({"org"}), frozenset({"が", "は"}), frozenset({"受け取", "受信"})}
    assert required_literals(r"\bshar(e|ed)\b") == [frozenset({"share", "shared"})]
    assert required_literals(r"\b(\w+ )?in\b") == [frozenset({"in"})]   # an optional group requires nothing
    assert required_literals(r"\bhttps?://") == [frozenset({"http://", "https://"})]
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


def test_a_gated_pattern_finds_what_the_pattern_finds_in_the_examples():
    from policykg.extract.controller import _JA_NAME, _SUFFIX_WORD, _patterns
    from policykg.extract.flows import URL_RX
    from policykg.extract.literals import GatedPattern
    from policykg.extract.names import _rules
    pats, lists, _stop = _rules()
    gated = [*pats, lists, _SUFFIX_WORD, _JA_NAME, URL_RX] + [x for rx, a, _w, _h in _patterns()[0] for x in (rx, a) if x]
    assert all(isinstance(g, GatedPattern) for g in gated)
    assert sum(g.windows is not None for g in gated) >= 20   # most are tried only near their literals
    # some only where the characters before a literal allow ("company name:" after bullets and spaces)
    assert any(e[2] is None for g in gated if g.windows for e in g.windows)
    for f in sorted(os.listdir(EXAMPLES)):
        if f.endswith(".txt"):
            text = read_path(os.path.join(EXAMPLES, f)).text
            for g in gated:
                assert [m.span() for m in g.finditer(text)] == [m.span() for m in g.rx.finditer(text)], (f, g.pattern)
                assert [m.span() for m in g.finditer(text, 100, 5000)] == [m.span() for m in g.rx.finditer(text, 100, 5000)]


def test_phrases_are_found_around_a_lone_surrogate():
    from policykg.extract.phrases import PhraseMatcher
    m = PhraseMatcher({"email address": "email", "メールアドレス": "email"})
    text = "Your \ud800Email  address, メールアドレス\udfff and e-mail address"
    assert [text[a:b] for a, b, _k in m.finditer(text)] == ["Email  address", "メールアドレス"]
