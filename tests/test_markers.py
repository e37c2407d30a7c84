"""Features meant to carry over to new crises: masking, negation marking, attribution, lexicons."""

import numpy as np

from stance.markers import Attribution, Preprocessor, expand_lexicon


def test_names_and_numbers_are_masked_but_the_opening_word_is_kept():
    text = Preprocessor(mask_names=True, mask_numbers=True)("Officials said Hassan Rouhani sent 5,000 troops to Aleppo.")
    assert text == "officials said xname sent xnum troops to xname."


def test_all_capitals_wire_copy_is_not_masked_away():
    text = Preprocessor(mask_names=True)("THE ARMY SAID IT WOULD ATTACK THE REBELS.")
    assert text == "the army said it would attack the rebels."


def test_negation_marks_the_words_in_its_scope_up_to_punctuation():
    text = Preprocessor(mark_negation=True)("We will not strike them now, he said.")
    assert "neg_strike neg_them neg_now" in text and "neg_he" not in text
    assert Preprocessor(mark_negation=True)("We will strike them now.") == "we will strike them now."


def test_preprocessors_with_the_same_settings_are_equal_so_models_compare_and_pickle():
    import pickle

    first = Preprocessor(True, False, True)
    assert pickle.loads(pickle.dumps(first)) == first and first != Preprocessor(True, True, True)


def test_attribution_counts_quotation_and_reporting_verb_classes():
    features = Attribution().fit([])
    matrix = features.transform(['"We will respond," the minister warned.', "The troops arrived on Monday."]).toarray()
    names = list(features.get_feature_names_out())
    row = dict(zip(names, matrix[0]))
    assert row["attribution_opens_with_quote"] > 0 and row["attribution_verbs_warning"] > 0
    assert row["attribution_we"] > 0 and matrix[1].sum() == 0


def test_a_lexicon_of_verb_lemmas_and_phrases_expands_to_every_inflection():
    lexicon = expand_lexicon({"warning": {"verbs": ["warn"], "phrases": ["Quagmire"]}, "plain": ["must", "should"]})
    assert {"warn", "warns", "warned", "warning", "quagmire"} <= set(lexicon["warning"])
    assert lexicon["plain"] == ["must", "should"]


def test_the_shipped_escalation_lexicon_names_no_actor_place_or_crisis():
    import yaml

    from stance.settings import CONFIG_DIR

    lexicon = expand_lexicon(yaml.safe_load((CONFIG_DIR / "features" / "lexicon" / "escalation_cues.yaml").read_text()))
    phrases = {p for values in lexicon.values() for p in values}
    for name in ("iran", "iraq", "trump", "pompeo", "kataib", "hezbollah", "militia", "pentagon", "israel", "russia"):
        assert not any(name in p for p in phrases), name
    assert np.mean([len(v) for v in lexicon.values()]) > 10


def _capitals_by_every_character(text: str) -> bool:
    """The rule as first written: more than 60% of the letters are capitals."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(ch.isupper() for ch in letters) > 0.6 * len(letters)


def test_wire_copy_is_recognised_exactly_as_by_testing_every_character():
    import json
    from pathlib import Path

    from stance.markers import _mostly_capitals

    rows = Path(__file__).resolve().parent.parent / "data" / "annotations" / "crises.jsonl"
    texts = [json.loads(line)["text"] for line in rows.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += [text.upper() for text in texts[:500]]
    texts += ["", "1,000 - 2", "US", "Us", "UsA", "ABC def", "ÉTATS-UNIS ONT DIT", "Ⓐⓑ Ⓒ abc", "ǅemal ǈ ǋ",
              "ΑΘΗΝΑ ΛΕΕΙ", "МОСКВА заявила", "STRASSE ß", "ÀB cd", "“WE WILL STRIKE,” HE SAID", "½ ² AB c"]
    assert any(_capitals_by_every_character(t) for t in texts) and not all(_capitals_by_every_character(t) for t in texts)
    assert [_mostly_capitals(t) for t in texts] == [_capitals_by_every_character(t) for t in texts]


def test_attribution_counted_over_a_batch_equals_counting_each_sentence_alone():
    """The batch scan (texts joined, lower-cased, case-sensitive patterns) gives every
    sentence the row it gets counted alone, for real sentences and awkward ones: quotes left
    open, case folding traps (dotted I, long s, Kelvin sign), a NUL inside a text."""
    from stance.annotations import load_annotations

    from tests.conftest import settings_for

    real = [row.text for row in load_annotations(settings_for().annotations.path, ("advocate", "caution", "neutral"))]
    odd = ["", '"', '"quoted and never closed', 'said"', "We URGE restraint", "CALLS ON them to", 'x"y"z"',
           '  "a" said', "According to officials", "WARNİNG İstanbul we must", "ſaid we ſhould", "DEMAND\u212a",
           "we\x00must", "they called\nfor calm"]
    attribution = Attribution().fit([])
    for texts in (real[:3000] + odd, odd, real[3000:3100]):
        expected = np.log1p(np.asarray([attribution._row(text) for text in texts], dtype=float))
        found = attribution.transform(texts).toarray()
        assert np.array_equal(found, expected)
    assert attribution.transform(real[:3000]).toarray()[:, 2:].sum() > 1000  # the markers are there
