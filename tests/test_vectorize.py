import pickle

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from stance import vectorize
from stance.annotations import load_annotations
from stance.features import _tfidf
from stance.vectorize import FastTfidfVectorizer, accelerated

from tests.conftest import SEED_ANNOTATIONS, model_spec, settings_for

LABELS = ("advocate", "caution", "neutral")
ODD = ["", "   ", "A", "U.S.", "don't  stop\tnow\u00a0ok\n\nthen", "İSTANBUL ſhould KELVIN \u212a", "x" * 300,
       "Iran's IRGC—and the PMU—said 'no'", "naïve café Ünïcode", "1,000 troops; 2020-01-03", "a b a b a b"]


@pytest.fixture(scope="module")
def sentences():
    """Real news sentences: the seed set to fit on, the cross-crisis pool sentences to transform."""
    seed = [row.text for row in load_annotations(SEED_ANNOTATIONS, LABELS)]
    pool = [row.text for row in load_annotations(settings_for().annotations.path, LABELS)]
    return seed, pool + ODD


def _same(a, b) -> bool:
    return (type(a) is type(b) and a.dtype == b.dtype and a.shape == b.shape and a.indices.dtype == b.indices.dtype
            and np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
            and np.array_equal(a.data, b.data))


def _pair(spec: dict, analyzer: str, texts: list[str]):
    fast = _tfidf(spec, analyzer).fit(texts)
    plain = TfidfVectorizer(**fast.get_params()).fit(texts)
    return fast, plain


@pytest.mark.parametrize("name", ["word", "char"])
def test_the_configured_vectorizers_give_scikit_learns_matrices(sentences, name):
    seed, pool = sentences
    spec = settings_for().features[name]
    fast, plain = _pair(spec, "word" if name == "word" else spec["analyzer"], seed)
    assert type(fast) is FastTfidfVectorizer and fast.fast_path()
    assert fast.vocabulary_ == plain.vocabulary_
    for start in range(0, len(pool), 700):  # batches, as labelling sends them
        batch = pool[start:start + 700]
        assert _same(fast.counts(batch), CountVectorizer.transform(plain, batch))  # raw counts
        assert _same(fast.transform(batch), plain.transform(batch))


@pytest.mark.parametrize("options", [
    {"analyzer": "char_wb", "ngram_range": (1, 3), "lowercase": False},
    {"analyzer": "char_wb", "ngram_range": (3, 6), "strip_accents": "unicode", "binary": True},
    {"analyzer": "word", "ngram_range": (2, 2), "token_pattern": r"(?u)\b\w\w+\b", "sublinear_tf": True},
    {"analyzer": "word", "ngram_range": (1, 1), "min_df": 2, "token_pattern": r"(?u)\b\w\w+\b"},
    {"analyzer": "word", "ngram_range": (1, 2), "stop_words": "english"},   # falls back to scikit-learn
    {"analyzer": "char", "ngram_range": (2, 4)},                            # falls back to scikit-learn
])
def test_other_settings_give_scikit_learns_matrices_too(sentences, options):
    seed, pool = sentences
    fast = FastTfidfVectorizer(**options).fit(seed)
    plain = TfidfVectorizer(**options).fit(seed)
    assert _same(fast.transform(pool), plain.transform(pool))


def test_a_full_word_cache_restarts_without_changing_the_matrix(sentences, monkeypatch):
    seed, pool = sentences
    fast, plain = _pair(settings_for().features["char"], "char_wb", seed)
    monkeypatch.setattr(vectorize, "MAX_CACHED_WORDS", 50)
    parts = [fast.transform(pool[i:i + 40]) for i in range(0, 400, 40)]
    last_two = {word for text in pool[320:400] for word in text.lower().split()}
    assert len(fast.__dict__["_word_cache"].ids) <= len(last_two)  # restarted, not grown over all 400
    for i, part in enumerate(parts):
        assert _same(part, plain.transform(pool[i * 40:(i + 1) * 40]))


def test_caches_are_not_pickled(sentences):
    seed, pool = sentences
    fast, _ = _pair(settings_for().features["char"], "char_wb", seed)
    before = pickle.dumps(fast)
    fast.transform(pool[:500])
    assert "_word_cache" in fast.__dict__
    assert pickle.dumps(fast) == before


def test_an_old_model_file_labels_the_same_after_acceleration(sentences):
    """A pipeline pickled with scikit-learn's own vectorizers (models trained before this
    module) gives the same probabilities when its vectorizers are given the fast transform."""
    from stance.model import build_pipeline, fit

    seed, pool = sentences
    labels = [row.label for row in load_annotations(SEED_ANNOTATIONS, LABELS)]
    pipeline = fit(build_pipeline(settings_for().features, model_spec(), 13), seed, labels)
    union = pipeline.named_steps["features"]
    for i, (name, part) in enumerate(union.transformer_list):
        if isinstance(part, TfidfVectorizer):  # as an older model file holds it
            plain = TfidfVectorizer.__new__(TfidfVectorizer)
            plain.__dict__.update(part.__dict__)
            union.transformer_list[i] = (name, plain)
    old_file = pickle.dumps(pipeline)
    expected = pickle.loads(old_file).predict_proba(pool)
    fast = accelerated(pickle.loads(old_file))
    kinds = [type(part) for _, part in fast.named_steps["features"].transformer_list]
    assert kinds.count(FastTfidfVectorizer) == 2
    assert np.array_equal(fast.predict_proba(pool), expected)
