"""Training the learned holder decision (:mod:`stance.holder_model`) from annotated sentences.

Every annotated sentence is run through the rules (whole articles, as at prediction time);
each of its candidates becomes one row labelled by whether the annotators named it a holder.
A gold holder no candidate proposes cannot be learned: it stays a miss, counted in every
score here. The fit is scikit-learn's logistic regression over the rows' named features; the
threshold is the one that maximises holder F1 over the rows' out-of-fold probabilities, the
folds being groups of crises (so the threshold, too, is chosen on crises the fit never saw).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from .holder_model import HolderModel
from .metrics import set_scores

if TYPE_CHECKING:
    from .analysis import Analyzer
    from .corpus import Article


@dataclass(frozen=True)
class SentenceRows:
    """One annotated sentence: its group (crisis tag), gold holders, and candidates with features."""

    sentence_id: str
    group: str
    gold: tuple[str, ...]
    candidates: tuple[tuple[str, Mapping[str, float]], ...]
    rules: tuple[str, ...]  # what the rules alone said

    @property
    def uncovered(self) -> int:
        """Gold holders no candidate proposes: misses whatever the model does."""
        names = {name for name, _ in self.candidates}
        return sum(1 for name in self.gold if name not in names)


def collect(articles: Iterable["Article"], analyzer: "Analyzer", gold: Mapping[str, Sequence[str]],
            groups: Mapping[str, str]) -> list[SentenceRows]:
    """The candidate rows of every annotated sentence of ``articles`` (``gold``: sentence id ->
    holders; ``groups``: sentence id -> crisis tag)."""
    from .analysis import paragraph_starts

    finder = analyzer.finder
    if finder is None:
        raise ValueError("holder training needs an analyzer with a gazetteer")
    out: list[SentenceRows] = []
    for article in articles:
        sentences = analyzer.sentences(article)
        if not any(s.id in gold for s in sentences):
            continue
        results, candidates = finder.candidates_article([s.text for s in sentences],
                                                        paragraph_starts(article.text, sentences))
        for sentence, result, rows in zip(sentences, results, candidates):
            if sentence.id in gold:
                out.append(SentenceRows(sentence.id, groups.get(sentence.id, ""), tuple(gold[sentence.id]),
                                        tuple(rows), tuple(result.holders)))
    return out


def candidate_recall(rows: Sequence[SentenceRows]) -> float:
    """The share of gold holders some candidate proposes: the ceiling of the learned decision's recall."""
    total = sum(len(r.gold) for r in rows)
    return 1 - sum(r.uncovered for r in rows) / total if total else 1.0


def fit(rows: Sequence[SentenceRows], c: float = 1.0, provenance: Mapping[str, object] | None = None,
        threshold: float | None = None, seed: int = 0) -> HolderModel:
    """A logistic model over the rows' candidates; its threshold chosen by crisis-grouped
    cross-validation for F1 (unless given)."""
    if threshold is None:
        threshold = choose_threshold(rows, c, seed)
    weights, intercept = _fit_weights(rows, c, seed)
    record = {"rows": sum(len(r.candidates) for r in rows), "sentences": len(rows),
              "groups": sorted({r.group for r in rows}), "C": c, "seed": seed,
              "candidate_recall": round(candidate_recall(rows), 4),
              **dict(provenance or {})}
    return HolderModel(weights, intercept, threshold, record)


def _fit_weights(rows: Sequence[SentenceRows], c: float, seed: int) -> tuple[dict[str, float], float]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    features = [f for r in rows for _, f in r.candidates]
    labels = [int(name in r.gold) for r in rows for name, _ in r.candidates]
    if len(set(labels)) < 2:
        raise ValueError("holder training needs candidates that hold and candidates that do not")
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(features)
    model = LogisticRegression(C=c, max_iter=2000, random_state=seed)
    model.fit(matrix, labels)
    names = vectorizer.get_feature_names_out()
    weights = {str(n): round(float(w), 6) for n, w in zip(names, model.coef_[0]) if abs(w) > 1e-9}
    return weights, round(float(model.intercept_[0]), 6)


def probabilities(model: HolderModel, rows: Sequence[SentenceRows]) -> list[list[float]]:
    return [[model.probability(f) for _, f in r.candidates] for r in rows]


def scores_at(rows: Sequence[SentenceRows], probs: Sequence[Sequence[float]], threshold: float) -> dict:
    """Holder precision / recall / F1 when candidates at or above ``threshold`` hold."""
    predicted = [[name for (name, _), p in zip(r.candidates, ps) if p >= threshold] for r, ps in zip(rows, probs)]
    return set_scores([r.gold for r in rows], predicted)


def best_threshold(rows: Sequence[SentenceRows], probs: Sequence[Sequence[float]]) -> float:
    """The threshold with the best micro F1 (uncovered gold counted as misses), by one sweep
    over the sorted probabilities."""
    pairs = sorted(((p, name in r.gold) for r, ps in zip(rows, probs) for (name, _), p in zip(r.candidates, ps)),
                   reverse=True)
    gold_total = sum(len(set(r.gold)) for r in rows)
    best, best_f1, tp = 0.5, -1.0, 0
    for k, (p, hit) in enumerate(pairs, 1):
        tp += hit
        if k < len(pairs) and pairs[k][0] == p:
            continue  # ties go together
        f1 = 2 * tp / (k + gold_total) if k + gold_total else 0.0
        if f1 > best_f1:
            best_f1 = f1
            following = pairs[k][0] if k < len(pairs) else 0.0
            best = (p + following) / 2
    return min(max(best, 1e-6), 1 - 1e-6)


def choose_threshold(rows: Sequence[SentenceRows], c: float = 1.0, seed: int = 0, folds: int = 5) -> float:
    """The F1-best threshold over out-of-fold probabilities, folds made of whole crises."""
    groups = sorted({r.group for r in rows})
    if len(groups) < 2:
        weights, intercept = _fit_weights(rows, c, seed)
        model = HolderModel(weights, intercept, 0.5)
        return best_threshold(rows, probabilities(model, rows))
    k = min(folds, len(groups))
    fold_of = {g: i % k for i, g in enumerate(groups)}
    probs: list[list[float]] = [[] for _ in rows]
    for fold in range(k):
        train = [r for r in rows if fold_of[r.group] != fold]
        weights, intercept = _fit_weights(train, c, seed)
        model = HolderModel(weights, intercept, 0.5)
        for i, r in enumerate(rows):
            if fold_of[r.group] == fold:
                probs[i] = [model.probability(f) for _, f in r.candidates]
    return best_threshold(rows, probs)


def cross_crisis(first: Sequence[SentenceRows], second: Sequence[SentenceRows], c: float = 1.0,
                 seed: int = 0) -> dict[str, dict]:
    """Train on one half of the crises and score the other, both ways, and the pooled figure
    of the two out-of-sample halves: the honest estimate of the learned decision."""
    out: dict[str, dict] = {}
    pooled_rows: list[SentenceRows] = []
    pooled_predicted: list[list[str]] = []
    for name, train, test in (("first", first, second), ("second", second, first)):
        model = fit(train, c, seed=seed)
        predicted = [[n for n, f in r.candidates if model.probability(f) >= model.threshold] for r in test]
        out[f"trained on {name}"] = {**set_scores([r.gold for r in test], predicted), "threshold": model.threshold}
        pooled_rows.extend(test)
        pooled_predicted.extend(predicted)
    out["pooled"] = set_scores([r.gold for r in pooled_rows], pooled_predicted)
    return out


def rules_scores(rows: Sequence[SentenceRows]) -> dict:
    """What the rules alone score on these sentences (the baseline)."""
    return set_scores([r.gold for r in rows], [r.rules for r in rows])
