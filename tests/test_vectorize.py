import copy
import itertools
import pickle

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from stance import vectorize
from stance.annotations import load_annotations
from stance.features import _tfidf
from stance.markers import Preprocessor
from stance.settings import PROJECT_ROOT
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


# --- the shipped model: each sentence rewritten once, drift from the counts -------------------

POOL = PROJECT_ROOT.parent / "shared" / "datasets" / "news-pool" / "pool.jsonl"


@pytest.fixture(scope="module")
def shipped():
    """The shipped model as stored, and real news sentences it was not trained on (pool
    articles split by the product's own cleaning and segmentation), in labelling batches."""
    from stance import store
    from stance.analysis import build_analyzer
    from stance.corpus import iter_corpus

    if not POOL.is_file():
        pytest.skip(f"no news pool at {POOL}")
    pipeline, _ = store.load_version(PROJECT_ROOT / "models")
    settings = settings_for()
    analyse = build_analyzer(settings.clean, settings.segment, None)
    articles = list(itertools.islice(iter_corpus(POOL), 300, 420))
    texts = [s.text for article in articles for s in analyse.sentences(article)]
    return pipeline, [texts[i:i + 600] for i in range(0, len(texts), 600)]


def _scikit_learns(pipeline):
    """A copy of the pipeline whose vectorizers are scikit-learn's own (the path before this module)."""
    plain = copy.deepcopy(pipeline)
    for _, part in plain.named_steps["features"].transformer_list:
        if isinstance(part, TfidfVectorizer):
            part.__class__ = TfidfVectorizer
    return plain


class _Counting(Preprocessor):
    calls = 0

    def __call__(self, text: str) -> str:
        type(self).calls += 1
        return super().__call__(text)


def test_the_shipped_model_rewrites_each_sentence_once_and_labels_as_scikit_learn_does(shipped):
    from stance.model import predict_proba

    stored, batches = shipped
    plain = _scikit_learns(stored)
    fast = copy.deepcopy(stored)
    union = fast.named_steps["features"]
    rewriter = _Counting(**vars(union.transformer_list[0][1].preprocessor))
    for _, part in union.transformer_list:
        if isinstance(part, TfidfVectorizer):
            part.preprocessor = rewriter  # one object, as in the model file
    accelerated(fast)
    assert sum(len(batch) for batch in batches) > 1500
    for batch in batches:
        before = _Counting.calls
        features = fast[:-1].transform(batch)
        assert _Counting.calls - before == len(batch)  # word and char blocks share the rewritten text
        assert _same(features, plain[:-1].transform(batch))
        labels, proba = predict_proba(fast, batch)
        expected_labels, expected = predict_proba(plain, batch)
        assert labels == expected_labels and np.array_equal(proba, expected)


def test_drift_takes_unseen_ngrams_from_the_word_counts_with_the_figures_of_reanalysis(shipped):
    from stance.drift import DriftMeter
    from stance.model import predict_proba

    stored, batches = shipped
    fast = accelerated(copy.deepcopy(stored))
    plain = _scikit_learns(stored)
    counted, analysed = DriftMeter(fast), DriftMeter(plain)
    for batch in batches:
        labels, proba = predict_proba(fast, batch)
        counted.add_tallied(batch, [dict(zip(fast.classes_, row)) for row in proba], labels)
        analysed.add_all(batch, proba, labels)
    assert counted.ngrams == analysed.ngrams and counted.unseen == analysed.unseen
    assert 0 < counted.unseen < counted.ngrams  # unseen news wording, not training sentences
    assert counted.figures() == analysed.figures()
    other = DriftMeter(fast)
    other.add_tallied(batches[0], [{"neutral": 1.0}] * len(batches[0]), ["neutral"] * len(batches[0]))
    alone = DriftMeter(plain).add_all(batches[0], np.ones((len(batches[0]), 1)), ["neutral"] * len(batches[0]))
    assert (other.ngrams, other.unseen) == (alone.ngrams, alone.unseen)  # not the last batch: analysed again
