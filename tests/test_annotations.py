import json
"""The seed set against its schema, the gazetteer and the segmenter (issue: seed set)."""

import json
from collections import Counter

import pytest
import yaml

from stance.gazetteer import load_gazetteer
from stance.annotations import load_annotations
from stance.clean import clean, clean_options
from stance.errors import AnnotationError
from stance.segment import make_tokenizer, segment
from stance.settings import CONFIG_DIR
from tests.conftest import PROJECT_ROOT, SEED_ACTORS, SEED_ANNOTATIONS

LABELS = ["advocate", "caution", "neutral"]


@pytest.fixture(scope="module")
def seed_rows():
    names = {a.name for a in load_gazetteer(SEED_ACTORS)}
    return load_annotations(SEED_ANNOTATIONS, LABELS, names)


def test_seed_annotations_align_with_the_segmenter(seed_rows, seed_articles):
    seg = yaml.safe_load((CONFIG_DIR / "segment" / "default.yaml").read_text())
    options = clean_options(**yaml.safe_load((CONFIG_DIR / "clean" / "default.yaml").read_text()))
    tokenizer = make_tokenizer(seg["abbreviations"])
    corpus = {(s.id, s.doc_id, s.text) for a in seed_articles for s in segment(a.doc_id, clean(a.text, options), tokenizer)}
    annotated = {(r.id, r.doc_id, r.text) for r in seed_rows}
    assert annotated - corpus == set(), "annotated sentences the segmenter no longer produces"
    assert corpus - annotated == set(), "corpus sentences without an annotation"


POOL = PROJECT_ROOT.parent / "shared" / "datasets" / "news-pool" / "pool.jsonl"


@pytest.mark.skipif(not POOL.is_file(), reason="the news pool is team data beside the checkout (../shared)")
def test_pool_annotations_align_with_the_segmenter():
    """Every annotated sentence of the pool's whole articles is still cut, with the same id,
    by the configured cleaning and segmenter (the reporting verbs it uses included)."""
    from stance.cli.common import analyzer
    from stance.corpus import iter_corpus
    from tests.conftest import settings_for

    settings = settings_for(f"corpus.path={POOL}")
    rows = [r for r in load_annotations(settings.annotations.path, LABELS) if r.field("crisis") != "seed_iraq_2020"]
    docs = {r.doc_id for r in rows}
    analysis = analyzer(settings, with_holders=False)
    produced = {(s.id, s.doc_id, s.text) for article in iter_corpus(POOL) if article.doc_id in docs
                for s in analysis.sentences(article)}
    whole = {r.doc_id for r in rows if r.annotator.startswith("pool-A")}  # whole articles' annotators
    assert len(whole) >= 150 and len(rows) >= 4000, "the cross-crisis set lost whole articles or sentences"
    assert {(r.id, r.doc_id, r.text) for r in rows} - produced == set(), "annotated sentences no longer produced"


def test_every_label_is_present_and_holders_are_canonical(seed_rows):
    counts = Counter(r.label for r in seed_rows)
    assert set(counts) == set(LABELS) and min(counts.values()) >= 20
    assert any(r.actors for r in seed_rows)


def test_the_spec_examples_carry_the_spec_labels(seed_rows):
    by_start = {r.text[:60]: r for r in seed_rows}

    def row(prefix):
        return next(r for t, r in by_start.items() if t.startswith(prefix))

    assert row("Pompeo and others have argued").label == "advocate"
    assert row("But the top US commander in Iraq warned").label == "caution"
    assert row("Trump has opposed attacks on Iran").label == "caution"
    assert row("More than 5,000 US soldiers").label == "neutral"
    assert row("A spokesman for the National Security Council declined").label == "neutral"
    assert row('"We will respond in full force').label == "advocate"
    assert "Kataib Hezbollah" in row('"We will respond in full force').actors


def test_second_pass_agrees_with_the_seed_set(seed_rows):
    """The seed set's blind second pass (made under rules 1-12) against the seed set as it is
    now: 66 of 70 labels, kappa 0.901, as GUIDELINES.md reports (0.927 before one of its
    rows was relabelled under rule 18)."""
    from stance.agreement import agreement

    second = load_annotations(SEED_ANNOTATIONS.parent / "agreement" / "second_pass.jsonl", LABELS)
    assert len(second) >= 60 and len({r.doc_id for r in second}) == 5
    result = agreement(seed_rows, second)
    assert result.n == len(second)
    assert round(result.kappa, 3) == 0.901 and len(result.label_disagreements) == 4


def test_the_pool_blind_pass_agrees_as_guidelines_report():
    """The cross-crisis blind pass (460 sentences, two articles per crisis tag) against the
    first pass before adjudication: kappa 0.913, 450 of 460 labels."""
    from stance.agreement import agreement

    folder = SEED_ANNOTATIONS.parent / "agreement"
    first = load_annotations(folder / "pool_first_pass_sample.jsonl", LABELS)
    second = load_annotations(folder / "pool_second_pass.jsonl", LABELS)
    result = agreement(first, second)
    assert result.n == 460 and len({r.field("crisis") for r in second}) == 18
    assert round(result.kappa, 3) == 0.913 and len(result.label_disagreements) == 10
    adjudicated = {r.id: r for r in load_annotations(SEED_ANNOTATIONS.parent / "crises.jsonl", LABELS)}
    for line in (folder / "pool_adjudication.jsonl").read_text(encoding="utf-8").splitlines():
        decision = json.loads(line)
        row = adjudicated[decision["id"]]
        assert (row.label, list(row.actors)) == (decision["resolved"]["label"], decision["resolved"]["actors"])


def test_every_crises_row_is_traced_to_its_article_and_the_seed_rows_match_the_seed_set(seed_rows):
    rows = load_annotations(SEED_ANNOTATIONS.parent / "crises.jsonl", LABELS)
    assert all(r.field(f) or f == "url" for r in rows for f in ("outlet", "source_dataset", "url", "crisis"))
    assert len({r.field("crisis") for r in rows}) >= 13
    seed = {r.id: r for r in seed_rows}
    in_both = [r for r in rows if r.id in seed]
    assert len(in_both) == len(seed) and all((r.label, r.actors) == (seed[r.id].label, seed[r.id].actors)
                                             for r in in_both)


def _write(tmp_path, lines, name="ann.jsonl"):
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _line(**fields):
    base = {"id": "d-1", "doc_id": "d", "text": "Some sentence.", "label": "neutral", "actors": []}
    base.update(fields)
    return json.dumps(base) + "\n"


@pytest.mark.parametrize(
    "lines, message",
    [
        ([], r"ann.jsonl: empty file"),
        ([_line(), _line(id="d-2", label="hawkish")], r"ann.jsonl:2: unknown label 'hawkish'"),
        ([_line(), _line()], r"ann.jsonl:2: duplicate id 'd-1' \(first on line 1\)"),
        ([_line(text="")], r"ann.jsonl:1: missing field 'text'"),
        ([_line(), "{not json\n"], r"ann.jsonl:2: not valid JSON"),
        ([_line(actors=["Nobody Known"])], r"ann.jsonl:1: actor\(s\) not in the gazetteer: Nobody Known"),
    ],
)
def test_bad_annotation_files_name_file_and_line(tmp_path, lines, message):
    path = _write(tmp_path, lines)
    with pytest.raises(AnnotationError, match=message):
        load_annotations(path, LABELS, {"Mike Pompeo"})


def test_non_utf8_annotation_file(tmp_path):
    path = tmp_path / "ann.jsonl"
    path.write_bytes(_line().encode() + b'{"id": "\xff"}\n')
    with pytest.raises(AnnotationError, match=r"ann.jsonl:2: not valid UTF-8"):
        load_annotations(path, LABELS)


def test_csv_annotations_split_actors_on_semicolons(tmp_path):
    path = _write(tmp_path, ["id,doc_id,text,label,actors\n", 'a-1,a,"Pompeo urged strikes.",advocate,Mike Pompeo;Iran\n'], "ann.csv")
    [row] = load_annotations(path, LABELS)
    assert row.actors == ("Mike Pompeo", "Iran")
    path = _write(tmp_path, ["id,doc_id,text\n", "a-1,a,x\n"], "ann.csv")
    with pytest.raises(AnnotationError, match=r"ann.csv:1: missing column\(s\) label"):
        load_annotations(path, LABELS)
