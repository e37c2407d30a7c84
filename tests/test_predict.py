"""`stance predict` at scale: worker processes, streamed outputs, Parquet, the Dask launcher.

The corpus here is real news: the 165 whole pool articles of the cross-crisis annotations
(their sentences joined back into paragraphs) and the five seed articles, built in tmp_path.
"""

import json
from collections import defaultdict

import pandas as pd
import pytest

from stance import parquet
from stance.annotations import load_annotations
from stance.cli.predict import predict
from stance.errors import ConfigError
from stance.predict import Labeller, read_predictions

from tests.conftest import settings_for

LABELS = ("advocate", "caution", "neutral")
OUTPUTS = ("predictions.jsonl", "by_outlet.csv", "by_actor.csv", "actor_by_outlet.csv", "events.csv",
           "actor_stance.graphml", "quantification.json", "candidates.csv", "by_outlet.png", "by_actor.png")


@pytest.fixture(scope="module")
def news_corpus(tmp_path_factory):
    """A JSONL corpus of the annotated pool articles, one paragraph per annotated sentence."""
    rows = load_annotations(settings_for().annotations.path, LABELS)
    articles: dict[str, dict] = {}
    paragraphs = defaultdict(list)
    for row in rows:
        if row.field("crisis") and row.field("outlet"):
            articles.setdefault(row.doc_id, {"doc_id": row.doc_id, "outlet": row.field("outlet"), "title": "",
                                             "date": "", "crisis": row.field("crisis")})
            paragraphs[row.doc_id].append(row.text)
    path = tmp_path_factory.mktemp("news") / "news.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for doc_id, article in articles.items():
            handle.write(json.dumps({**article, "text": "\n\n".join(paragraphs[doc_id])}, ensure_ascii=False) + "\n")
    assert len(articles) >= 150
    return path


@pytest.fixture(scope="module")
def one_process(trained_models, news_corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("one_process")
    predict(_settings(trained_models, news_corpus, "corpus.n_jobs=1"), out)
    return out


def _settings(models, corpus, *overrides):
    return settings_for(f"store.dir={models}", f"corpus.path={corpus}", "report.print=false", "corpus.batch_size=16",
                        *overrides)


def _same_outputs(first, second) -> None:
    for name in OUTPUTS:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    page = [(out / "report.html").read_text(encoding="utf-8").replace(str(out), "RUN") for out in (first, second)]
    assert page[0] == page[1]


def test_worker_processes_write_what_one_process_writes(trained_models, news_corpus, one_process, tmp_path):
    predict(_settings(trained_models, news_corpus, "corpus.n_jobs=2"), tmp_path / "two")
    _same_outputs(one_process, tmp_path / "two")
    lines = (one_process / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) > 3000
    assert json.loads(lines[0])["doc_id"] == json.loads(news_corpus.read_text(encoding="utf-8").splitlines()[0])["doc_id"]


def test_parquet_predictions_hold_what_the_jsonl_holds(one_process):
    table = pd.read_parquet(one_process / "predictions.parquet")
    records = [json.loads(line) for line in (one_process / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert list(table["id"]) == [r["id"] for r in records]
    assert list(table["label"]) == [r["label"] for r in records]
    assert table["proba_advocate"].tolist() == [r["proba"]["advocate"] for r in records]
    assert [list(a) for a in table["actors"]] == [r["actors"] for r in records]
    assert str(table["sent_idx"].dtype) == "int32" and str(table["in_training"].dtype) == "bool"
    from_jsonl = list(read_predictions(one_process / "predictions.jsonl", LABELS))
    assert list(read_predictions(one_process / "predictions.parquet", LABELS)) == from_jsonl
    size = sum(p.stat().st_size for p in (one_process / "predictions.parquet").iterdir())
    assert size < (one_process / "predictions.jsonl").stat().st_size / 3


def test_a_large_run_writes_parquet_in_ordered_parts(trained_models, news_corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(parquet, "PART_ROWS", 1000)
    monkeypatch.setattr(parquet, "ROW_GROUP_ROWS", 300)
    out = tmp_path / "parts"
    predict(_settings(trained_models, news_corpus, "corpus.n_jobs=1", "corpus.predictions=[parquet]"), out)
    parts = sorted(p.name for p in (out / "predictions.parquet").iterdir())
    assert len(parts) >= 3 and parts[0] == "part-00000-0000.parquet"
    assert not (out / "predictions.jsonl").exists()
    table = pd.read_parquet(out / "predictions.parquet")
    assert table["doc_id"].is_unique is False and len(table) > 3000
    assert (table.groupby("doc_id", sort=False)["sent_idx"].diff().dropna() == 1).all()  # corpus order kept


def test_a_failure_while_labelling_leaves_earlier_outputs_whole(trained_models, news_corpus, one_process, tmp_path,
                                                               monkeypatch):
    import shutil

    out = tmp_path / "earlier"
    shutil.copytree(one_process, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    calls = []

    def fail_on_third(self, articles, outputs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full")
        return original(self, articles, outputs)

    original = Labeller.label
    monkeypatch.setattr(Labeller, "label", fail_on_third)
    with pytest.raises(OSError, match="disk full"):
        predict(_settings(trained_models, news_corpus, "corpus.n_jobs=1"), out)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_cluster_run_gives_the_tables_of_a_local_run(trained_models, news_corpus, one_process, tmp_path):
    pytest.importorskip("dask.distributed")
    out = tmp_path / "dask"
    predict(_settings(trained_models, news_corpus, "launcher=dask", "launcher.workers=2",
                      "launcher.partition_articles=40"), out)
    _same_outputs(one_process, out)
    parts = sorted(p.name for p in (out / "predictions.parquet").iterdir())
    assert parts[:2] == ["part-00000-0000.parquet", "part-00001-0000.parquet"] and len(parts) >= 4  # one per partition
    assert pd.read_parquet(out / "predictions.parquet").equals(pd.read_parquet(one_process / "predictions.parquet"))


@pytest.mark.parametrize("override, problem", [
    ("corpus.n_jobs=0", r"corpus.n_jobs=0: expected -1"),
    ("corpus.n_jobs=two", r"corpus.n_jobs='two': expected a whole number"),
    ("corpus.predictions=[jsonl,xml]", r"corpus.predictions=.*expected a list of jsonl and parquet"),
    ("corpus.predictions=[]", r"corpus.predictions=\[\]: expected a non-empty list"),
])
def test_labelling_settings_are_checked(override, problem):
    with pytest.raises(ConfigError, match=problem):
        settings_for(override)


def test_launcher_settings_are_checked():
    assert settings_for().launcher.name == "local"
    dask = settings_for("launcher=dask").launcher
    assert (dask.name, dask.scheduler, dask.workers) == ("dask", None, 2)
    with pytest.raises(ConfigError, match=r"launcher.workers=0: expected a whole number >= 1"):
        settings_for("launcher=dask", "launcher.workers=0")


def test_parquet_parts_are_encoded_with_the_system_allocator_and_read_back_whole(tmp_path):
    """Arrow's mimalloc kept every encoded row group's pages (the run's peak memory rose at
    each flush); the part writer switches Arrow to the system allocator, and the rows read
    back are those written."""
    import pyarrow as pa

    from stance.parquet import PartWriter, read_records, schema

    rows = {"id": ["a-1", "a-2"], "doc_id": ["a", "a"], "outlet": ["Daily", "Daily"], "original_outlet": ["", ""],
            "date": ["2020-01-03", "2020-01-03"], "title": ["T", "T"], "sent_idx": [0, 1], "start": [0, 10],
            "end": [9, 20], "text": ["One.", "Two."], "label": ["neutral", "caution"],
            "proba_advocate": [0.1, 0.2], "proba_caution": [0.2, 0.7], "proba_neutral": [0.7, 0.1],
            "actors": [[], ["Esper"]], "candidates": [[], []], "in_training": [False, False],
            "predicted_label": [None, None]}
    writer = PartWriter(tmp_path / "predictions.parquet", schema(["advocate", "caution", "neutral"]))
    assert pa.default_memory_pool().backend_name == "system"
    writer.write(rows)
    folder = writer.commit()
    back = [record for _, record in read_records(folder)]
    assert [r["id"] for r in back] == ["a-1", "a-2"] and back[1]["actors"] == ["Esper"]
    assert back[1]["proba"] == {"advocate": 0.2, "caution": 0.7, "neutral": 0.1}
