"""A faster TF-IDF transform with the same matrices as scikit-learn's.

scikit-learn's :class:`~sklearn.feature_extraction.text.TfidfVectorizer` analyses every
document in a Python loop: for ``char_wb`` features it slices every n-gram of every word of
every sentence and looks each up in the vocabulary. News text repeats its words, so here a
word's n-grams are looked up once, the first time the word is seen, and kept as a row of
feature counts; a batch of sentences is then a sparse product (sentences x words) @ (words x
n-grams). Word n-grams (uni- and bigrams) are looked up through integer token ids. Both give
the raw count matrix scikit-learn builds (same indices, same order, same dtype), and the
fitted :class:`~sklearn.feature_extraction.text.TfidfTransformer` weighs it, so the features,
probabilities and labels do not change. Fitting is left to scikit-learn unchanged.

:func:`accelerated` applies the fast transform to an already fitted pipeline (a model file
written before this module existed) without changing the file, and lets the vectorizers of
one feature union that rewrite text with the same preprocessor (name masking, negation
marking: the shipped model's word and char blocks) share one :class:`SharedText`, so each
sentence of a batch is rewritten once, not once per vectorizer. The word vectorizer also
keeps the batch's n-gram tally (:meth:`FastTfidfVectorizer.ngram_tally`): how many word
n-grams the sentences have and how many of them the vocabulary holds, which the drift meter
reads instead of analysing every sentence again.
"""

from __future__ import annotations

from itertools import chain
from typing import Iterable

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

# Token patterns whose tokens hold no space, so a vocabulary term "a b" is the bigram of "a" and "b".
SPACELESS_TOKENS = (r"(?u)\b\w\w+\b", r"(?u)\b\w[\w'-]*\b")
CACHES = ("_word_cache", "_token_cache", "_shared_text", "_last_tally")  # never pickled: rebuilt on demand
MAX_CACHED_WORDS = 50_000  # distinct words whose n-gram rows are kept (about 10 MB); then the cache restarts


class FastTfidfVectorizer(TfidfVectorizer):
    """:class:`TfidfVectorizer` whose ``transform`` computes each distinct word's n-grams once.

    Same parameters, same fitted state, same pickled attributes (the caches are dropped on
    pickling); configurations the fast path does not cover (a callable analyzer, ``char``,
    stop words, word n-grams longer than two) fall back to scikit-learn's own code.
    """

    def fast_path(self) -> bool:
        """Whether ``transform`` can take the cached route for these parameters."""
        if self.input != "content" or callable(self.analyzer):
            return False
        if self.analyzer == "char_wb":
            return True
        return (self.analyzer == "word" and self.stop_words is None and self.tokenizer is None
                and self.token_pattern in SPACELESS_TOKENS and self.ngram_range[1] <= 2)

    def transform(self, raw_documents):
        if isinstance(raw_documents, str) or not self.fast_path() or not hasattr(self, "vocabulary_"):
            return super().transform(raw_documents)  # scikit-learn's checks and messages
        counts = self.counts(raw_documents)
        if self.binary:
            counts.data.fill(1)
        return self._tfidf.transform(counts, copy=False)

    def counts(self, raw_documents: Iterable) -> sparse.csr_matrix:
        """The raw count matrix ``CountVectorizer.transform`` would return."""
        raw = raw_documents if isinstance(raw_documents, list) else list(raw_documents)
        shared = self.__dict__.get("_shared_text")
        if shared is not None and shared.serves(self):
            docs = shared.texts(raw)
        else:
            preprocess = self.build_preprocessor()
            docs = [preprocess(self.decode(doc)) for doc in raw]
        if self.analyzer == "char_wb":
            matrix = self._char_wb_counts(docs)
        else:
            matrix = self._word_counts(docs, raw)
        matrix = matrix.astype(self.dtype)
        matrix.sort_indices()
        return matrix

    def ngram_tally(self, raw_documents: list) -> tuple[int, int] | None:
        """(word n-grams, of them in the vocabulary) over ``raw_documents`` when they are the
        batch this vectorizer last counted (else None): the n-grams scikit-learn's analyzer
        would list for the documents, without listing them again."""
        last = self.__dict__.get("_last_tally")
        if last is None or last[0] != raw_documents:
            return None
        return last[1], last[2]

    # --- char_wb: one row of n-gram counts per distinct word --------------------------------

    def _word_rows(self) -> "_WordRows":
        """The cache of words' n-gram rows, restarted between batches once it is full."""
        rows = self.__dict__.get("_word_cache")
        if rows is None or len(rows.ids) >= MAX_CACHED_WORDS:
            rows = _WordRows(self._char_wb_ngrams, self.vocabulary_)
            self.__dict__["_word_cache"] = rows
        return rows

    def _char_wb_counts(self, docs: list[str]) -> sparse.csr_matrix:
        rows = self._word_rows()
        # str.split() and scikit-learn's whitespace normalisation cut words at the same places
        split = [doc.split() for doc in docs]
        words = list(chain.from_iterable(split))
        word_ids = list(map(rows.ids.get, words))
        if None in word_ids:
            word_ids = [i if i is not None else rows.id(w) for i, w in zip(word_ids, words)]
        indptr = np.zeros(len(docs) + 1, dtype=np.int32)
        np.cumsum(list(map(len, split)), out=indptr[1:])
        sentences_by_words = sparse.csr_matrix(
            (np.ones(len(word_ids), dtype=np.int32), np.asarray(word_ids, dtype=np.int32), indptr),
            shape=(len(docs), len(rows.ids)))
        return self._canonical(sentences_by_words @ rows.matrix(len(self.vocabulary_)))

    # --- word uni- and bigrams through token ids --------------------------------------------

    def _token_tables(self) -> dict:
        tables = self.__dict__.get("_token_cache")
        if tables is None:
            token_ids: dict[str, int] = {}
            unigrams: dict[int, int] = {}
            bigrams: dict[int, int] = {}
            terms = sorted(self.vocabulary_.items(), key=lambda item: item[1])
            for term, index in terms:  # every token of the vocabulary gets an id
                for token in term.split(" "):
                    token_ids.setdefault(token, len(token_ids))
            size = len(token_ids) + 1
            for term, index in terms:
                parts = term.split(" ")
                if len(parts) == 1:
                    unigrams[token_ids[parts[0]]] = index
                elif len(parts) == 2:
                    bigrams[token_ids[parts[0]] * size + token_ids[parts[1]]] = index
            unigram_of = np.full(size, -1, dtype=np.int64)
            unigram_of[list(unigrams)] = list(unigrams.values())
            keys = np.array(sorted(bigrams), dtype=np.int64)
            tables = {"ids": token_ids, "size": size, "unigram": unigram_of, "bigram_keys": keys,
                      "bigram_index": np.array([bigrams[k] for k in keys], dtype=np.int64)}
            self.__dict__["_token_cache"] = tables
        return tables

    def _word_counts(self, docs: list[str], raw: list) -> sparse.csr_matrix:
        tables = self._token_tables()
        ids, unknown = tables["ids"], tables["size"] - 1  # a token outside the vocabulary ends no n-gram
        tokenize = self.build_tokenizer()
        low, high = self.ngram_range
        tokens: list[int] = []
        doc_of: list[int] = []
        for row, doc in enumerate(docs):
            found = [ids.get(t, unknown) for t in tokenize(doc)]
            tokens.extend(found)
            doc_of.extend([row] * len(found))
        token = np.asarray(tokens, dtype=np.int64)
        doc = np.asarray(doc_of, dtype=np.int64)
        per_doc = np.bincount(doc, minlength=len(docs))  # tokens per document
        # the analyzer lists max(0, tokens - n + 1) n-grams of each length n per document
        listed = sum(int(np.maximum(per_doc - n + 1, 0).sum()) for n in range(low, high + 1))
        rows, columns = [], []
        if low <= 1 <= high:
            index = tables["unigram"][token]
            keep = index >= 0
            rows.append(doc[keep])
            columns.append(index[keep])
        if low <= 2 <= high and len(token) > 1:
            same = doc[1:] == doc[:-1]
            keys = token[:-1] * tables["size"] + token[1:]
            where = np.searchsorted(tables["bigram_keys"], keys)
            where = np.minimum(where, max(len(tables["bigram_keys"]) - 1, 0))
            hit = same & (len(tables["bigram_keys"]) > 0)
            if len(tables["bigram_keys"]):
                hit &= tables["bigram_keys"][where] == keys
            rows.append(doc[:-1][hit])
            columns.append(tables["bigram_index"][where[hit]])
        row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        column = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64)
        matrix = sparse.csr_matrix((np.ones(len(row), dtype=np.int64), (row, column)),
                                   shape=(len(docs), len(self.vocabulary_)))
        self.__dict__["_last_tally"] = (raw, listed, len(row))
        return self._canonical(matrix)

    # --- shared ------------------------------------------------------------------------------

    @staticmethod
    def _canonical(matrix) -> sparse.csr_matrix:
        """Summed duplicates, sorted indices, int32 indices as scikit-learn builds them."""
        matrix = sparse.csr_matrix(matrix).tocsc().tocsr()  # two counting sorts: sorted, no duplicates
        matrix.sum_duplicates()
        if matrix.nnz <= np.iinfo(np.int32).max:
            matrix.indices = matrix.indices.astype(np.int32, copy=False)
            matrix.indptr = matrix.indptr.astype(np.int32, copy=False)
        return matrix

    def __getstate__(self):
        state = super().__getstate__()
        for cache in CACHES:
            state.pop(cache, None)  # rebuilt on demand; keeps the model file what it was
        return state


def accelerated(pipeline: Pipeline) -> Pipeline:
    """The same fitted pipeline with every plain :class:`TfidfVectorizer` of its feature
    union given the fast transform (their fitted state is shared, not copied). Model files
    written before this module existed label at the new speed without being rewritten."""
    steps = [step for _, step in pipeline.steps if isinstance(step, FeatureUnion)]
    for union in steps:
        union.transformer_list = [(name, _fast(part)) for name, part in union.transformer_list]
        shared: dict[tuple, SharedText] = {}
        for _, part in union.transformer_list:
            if isinstance(part, FastTfidfVectorizer) and part.preprocessor is not None and part.fast_path():
                key = SharedText.key_of(part)
                part.__dict__["_shared_text"] = shared.setdefault(key, SharedText(part))
    return pipeline


class SharedText:
    """The rewritten texts of the last batch, for every vectorizer of a feature union that
    rewrites with the same preprocessor object and decodes alike. A feature union hands each
    of its parts the same list of sentences, so the first part rewrites them and the others
    reuse the result (the list is compared element by element, a pointer check per sentence,
    so a different batch is never served stale texts)."""

    def __init__(self, vectorizer: TfidfVectorizer):
        self.key = self.key_of(vectorizer)
        self.preprocess, self.decode = vectorizer.build_preprocessor(), vectorizer.decode
        self.raw: list | None = None
        self.done: list[str] = []

    @staticmethod
    def key_of(vectorizer: TfidfVectorizer) -> tuple:
        return (id(vectorizer.preprocessor), vectorizer.input, vectorizer.encoding, vectorizer.decode_error)

    def serves(self, vectorizer: TfidfVectorizer) -> bool:
        """Whether this vectorizer rewrites texts exactly as this object does."""
        return self.key_of(vectorizer) == self.key

    def texts(self, raw: list) -> list[str]:
        """``raw`` decoded and rewritten, computed once per batch."""
        if self.raw is None or self.raw != raw:
            self.done = [self.preprocess(self.decode(doc)) for doc in raw]
            self.raw = list(raw)
        return self.done


def _fast(part):
    if type(part) is not TfidfVectorizer:
        return part
    fast = FastTfidfVectorizer.__new__(FastTfidfVectorizer)
    fast.__dict__.update(part.__dict__)
    return fast


class _WordRows:
    """Distinct words and the counts of their in-vocabulary n-grams, as CSR rows in growing
    int32 buffers (a batch reads them as one sparse matrix without copying)."""

    def __init__(self, ngrams, vocabulary: dict):
        self.ngrams, self.vocabulary = ngrams, vocabulary
        self.ids: dict[str, int] = {}
        self.indptr = np.zeros(1024, dtype=np.int32)
        self.indices = np.zeros(16384, dtype=np.int32)
        self.data = np.zeros(16384, dtype=np.int32)

    def id(self, word: str) -> int:
        """The word's row id; a new word's n-grams are looked up once, now."""
        row = self.ids.get(word)
        return row if row is not None else self.add(word)

    def add(self, word: str) -> int:
        """The new word's row id, after looking its n-grams up."""
        found: dict[int, int] = {}
        for gram in self.ngrams(word):
            index = self.vocabulary.get(gram)
            if index is not None:
                found[index] = found.get(index, 0) + 1
        row = len(self.ids)
        start = int(self.indptr[row])
        end = start + len(found)
        if row + 2 > len(self.indptr):
            self.indptr = np.resize(self.indptr, 2 * len(self.indptr))
        if end > len(self.indices):
            size = max(2 * len(self.indices), end)
            self.indices, self.data = np.resize(self.indices, size), np.resize(self.data, size)
        self.indices[start:end] = list(found)
        self.data[start:end] = list(found.values())
        self.indptr[row + 1] = end
        self.ids[word] = row
        return row

    def matrix(self, n_features: int) -> sparse.csr_matrix:
        rows = len(self.ids)
        nnz = int(self.indptr[rows])
        return sparse.csr_matrix((self.data[:nnz], self.indices[:nnz], self.indptr[: rows + 1]),
                                 shape=(rows, n_features), copy=False)
