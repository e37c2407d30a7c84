import re

import numpy as np
import pytest

from stance.annotations import load_annotations
from stance.features import CueLexicon

from tests.conftest import settings_for

LABELS = ("advocate", "caution", "neutral")
TRICKY = ["WARNED that we MUST act", "İt must not; ıt must not", "The ſhould and \u212ail", "US-led strikes, U.S. forces",
          "must\nshould", "", "mustmust must-must", "Calls For restraint. calls for"]


def _expected(lexicon: dict, texts: list[str]) -> np.ndarray:
    """The plain definition: case-insensitive whole-phrase matches per category, log1p-scaled."""
    patterns = [re.compile(r"\b(?:" + "|".join(re.escape(w) for w in lexicon[c]) + r")\b", re.I) for c in sorted(lexicon)]
    return np.log1p(np.array([[len(p.findall(t)) for p in patterns] for t in texts], dtype=float))


@pytest.mark.parametrize("lexicon", [
    None,  # the configured stance-cue lexicon
    {"odd": ["s", "i", "k", "it", "US", "U.S.", "must-must"], "multi": ["calls for", "Calls For restraint"]},
    {"accented": ["café", "naïve"], "plain": ["must"]},  # non-ASCII cues: matched the slow way throughout
])
def test_cue_counts_are_case_insensitive_whole_phrase_matches(lexicon):
    lexicon = lexicon or settings_for().features["cues"]["lexicon"]
    texts = [row.text for row in load_annotations(settings_for().annotations.path, LABELS)] + TRICKY
    cues = CueLexicon({k: list(v) for k, v in lexicon.items()}).fit(texts)
    assert np.array_equal(cues.transform(texts).toarray(), _expected(lexicon, texts))
    assert np.array_equal(cues.transform(TRICKY[:3]).toarray(), _expected(lexicon, TRICKY[:3]))


def test_the_lexicon_pickles_without_its_compiled_patterns():
    import pickle

    cues = CueLexicon({"warning": ["warned"]}).fit([])
    state = cues.__getstate__()
    assert "_patterns" not in state and "_folded" not in state
    again = pickle.loads(pickle.dumps(cues))
    assert again.transform(["He WARNED them", "no"]).toarray().tolist() == [[np.log1p(1)], [0.0]]


@pytest.mark.parametrize("words", [
    ["strike", "strike on", "strikes"],          # the shorter first: "strike on" can never match
    ["strike on", "strike", "strikes"],          # the longer first: it wins where both match
    ["call for", "call", "call for calm", "calls"],
    ["u.s.", "u.s", "us", "warn", "warning"],
])
def test_cue_trie_matches_exactly_what_the_flat_alternation_matches(words):
    import re

    from stance.features import _alternation

    text = ("we strike on sight; strikes strike. a call for calm, a call for peace, calls call. "
            "the u.s. and us warn: warning warnings u.s warned")
    flat = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")
    fast = re.compile(r"\b(?:" + _alternation(words) + r")\b")
    assert fast.pattern != flat.pattern
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in flat.finditer(text)]
