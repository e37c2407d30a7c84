"""The commands end to end on the seed corpus, with configs from compose() and tmp_path outputs."""

import json
import shutil

import pandas as pd
import pytest

from stance import store
from stance.files import sha256
from stance.cli.predict import predict
from stance.cli.report import report
from stance.cli.run import run
from stance.cli.train import train
from stance.errors import AnnotationError, CorpusError, ModelIntegrityError
from tests.conftest import SEED_ANNOTATIONS


def test_train_writes_honest_metrics_and_a_verified_model(make_cfg, tmp_path, capsys):
    result = train(make_cfg(), tmp_path / "out")
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert metrics["protocol"] == "leave_one_article_out"
    assert sorted(f["fold"] for f in metrics["folds"]) == ["amn", "antiwar", "jpost", "nyt-translated", "swj"]
    assert set(metrics["per_label"]) == {"advocate", "caution", "neutral"}
    assert sum(sum(row) for row in metrics["confusion_matrix"]["rows_gold_columns_predicted"]) == 181
    assert 0.3 < metrics["macro_f1"] < 0.95  # held-out articles: better than chance, far from perfect
    assert metrics["data"]["annotations_sha256"] and metrics["config"]["seed"] == 13
    card = json.loads((tmp_path / "out" / "model_card.json").read_text())
    assert card["model_sha256"] == sha256(tmp_path / "models" / result["version"] / "model.skops")
    assert card["libraries"]["scikit-learn"]
    assert store.current_version(tmp_path / "models") == result["version"]
    assert "macro-F1" in capsys.readouterr().out


def test_leave_one_outlet_out_protocol(make_cfg, tmp_path):
    metrics = train(make_cfg("eval=leave_one_outlet_out", "store.promote=never"), tmp_path / "o")["metrics"]
    assert metrics["protocol"] == "leave_one_outlet_out"
    assert len(metrics["folds"]) == 5


def test_run_labels_the_seed_corpus_and_the_tables_read_like_the_seeds(make_cfg, tmp_path):
    run(make_cfg(), tmp_path / "run")
    out = tmp_path / "run"
    predictions = [json.loads(line) for line in (out / "predictions.jsonl").read_text().splitlines()]
    assert len(predictions) == 181
    first = predictions[0]
    assert set(first) >= {"doc_id", "outlet", "sent_idx", "start", "end", "text", "label", "proba", "actors"}
    assert abs(sum(first["proba"].values()) - 1) < 1e-5
    assert [p["sent_idx"] for p in predictions if p["doc_id"] == "antiwar"] == list(range(15))
    by_actor = pd.read_csv(out / "by_actor.csv").set_index("actor")["net_stance"]
    for hawk in ("Mike Pompeo", "Robert C. O'Brien", "Kataib Hezbollah"):
        assert by_actor[hawk] > 0, hawk
    for dove in ("Robert P. White", "Mark Milley"):
        assert by_actor[dove] < 0, dove
    assert by_actor["Robert P. White"] < by_actor["Mark Esper"] < by_actor["Mike Pompeo"]  # Esper is mixed
    by_outlet = pd.read_csv(out / "by_outlet.csv").set_index("outlet")
    assert by_outlet.loc["Antiwar.com", "net_stance"] < 0
    assert by_outlet["n"].sum() == 181
    cross = pd.read_csv(out / "actor_by_outlet.csv")
    assert {"actor", "outlet", "n", "net_stance"} <= set(cross.columns)


def test_predict_on_an_unseen_corpus_with_its_own_actor_file(make_cfg, trained_models, tmp_path):
    corpus = tmp_path / "new_corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Senator Jane Roe urged the president to strike the militia's depots at once.\n\n"
        "Ambassador Lee warned that any strike could be bloody and counterproductive.\n", encoding="utf-8")
    (corpus / "b.txt").write_text("The ministry said 300 troops are stationed at the base.\n", encoding="utf-8")
    (corpus / "manifest.csv").write_text(
        "doc_id,path,outlet,title,date,author,url\nn1,a.txt,Gazette,T1,2021-01-02,,\nn2,b.txt,Courier,T2,,,\n",
        encoding="utf-8")
    actors = tmp_path / "actors.yaml"
    actors.write_text("- name: Jane Roe\n  kind: person\n  aliases: [Jane Roe, Senator Jane Roe, Roe]\n"
                      "- name: Ambassador Lee\n  kind: person\n  aliases: [Ambassador Lee, Lee]\n", encoding="utf-8")
    cfg = make_cfg(f"store.dir={trained_models}", f"corpus.path={corpus}", f"actors.path={actors}")
    predict(cfg, tmp_path / "out")
    predictions = [json.loads(line) for line in (tmp_path / "out" / "predictions.jsonl").read_text().splitlines()]
    assert [p["doc_id"] for p in predictions] == ["n1", "n1", "n2"]
    assert predictions[0]["actors"] == ["Jane Roe"] and predictions[1]["actors"] == ["Ambassador Lee"]
    assert not any(p["in_training"] for p in predictions)
    outlets = set(pd.read_csv(tmp_path / "out" / "by_outlet.csv")["outlet"])
    assert outlets == {"Gazette", "Courier"}
    assert set(pd.read_csv(tmp_path / "out" / "by_actor.csv")["actor"]) == {"Jane Roe", "Ambassador Lee"}


def test_report_retabulates_earlier_predictions_by_original_outlet(make_cfg, trained_models, tmp_path):
    predict(make_cfg(f"store.dir={trained_models}"), tmp_path / "p")
    cfg = make_cfg(f"report.predictions={tmp_path / 'p' / 'predictions.jsonl'}", "report.outlet_column=original_outlet")
    tables = report(cfg, tmp_path / "r")["tables"]
    assert "New York Times" in set(tables["by_outlet"]["original_outlet"])
    written = pd.read_csv(tmp_path / "r" / "by_outlet.csv").set_index("original_outlet")
    assert written.loc["New York Times", "n"] == 53  # the translated republication, grouped under its source
    assert written["n"].sum() == 181


def test_report_from_earlier_predictions_gives_the_runs_tables_to_the_byte(make_cfg, trained_models, tmp_path):
    predict(make_cfg(f"store.dir={trained_models}"), tmp_path / "p")
    report(make_cfg(f"store.dir={trained_models}", f"report.predictions={tmp_path / 'p' / 'predictions.jsonl'}",
                    "corpus.n_jobs=2"), tmp_path / "r")
    for name in ("by_outlet.csv", "by_actor.csv", "actor_by_outlet.csv", "over_time.csv", "events.csv"):
        assert (tmp_path / "r" / name).read_bytes() == (tmp_path / "p" / name).read_bytes(), name
    assert (tmp_path / "r" / "by_outlet.png").read_bytes() == (tmp_path / "p" / "by_outlet.png").read_bytes()


def test_bad_annotations_stop_training_before_any_model_is_written(make_cfg, tmp_path):
    bad = tmp_path / "bad.jsonl"
    lines = SEED_ANNOTATIONS.read_text(encoding="utf-8").splitlines()
    lines[40] = lines[40].replace('"label": "neutral"', '"label": "hawkish"').replace('"label": "advocate"', '"label": "hawkish"').replace('"label": "caution"', '"label": "hawkish"')
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"bad.jsonl:41: unknown label 'hawkish'"):
        train(make_cfg(f"annotations.path={bad}"), tmp_path / "out")
    assert not (tmp_path / "models").exists()
    assert not (tmp_path / "out" / "metrics.json").exists()


def test_bad_corpus_leaves_no_partial_predictions(make_cfg, trained_models, corpus_copy, tmp_path):
    (corpus_copy / "004_e4f5377f4883357e.txt").write_bytes(b"ok\n\xfe\n")
    with pytest.raises(CorpusError, match=r"004_e4f5377f4883357e.txt:2: not valid UTF-8"):
        predict(make_cfg(f"store.dir={trained_models}", f"corpus.path={corpus_copy}"), tmp_path / "out")
    assert not (tmp_path / "out" / "predictions.jsonl").exists()


def test_a_failed_run_leaves_earlier_outputs_and_models_as_they_were(make_cfg, trained_models, corpus_copy, tmp_path):
    out = tmp_path / "out"
    predict(make_cfg(f"store.dir={trained_models}"), out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    models_before = {p: p.read_bytes() for p in trained_models.rglob("*") if p.is_file() and p.name != ".lock"}
    (corpus_copy / "manifest.csv").write_text("", encoding="utf-8")
    with pytest.raises(CorpusError, match="manifest.csv: empty file"):
        predict(make_cfg(f"store.dir={trained_models}", f"corpus.path={corpus_copy}"), out)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert {p: p.read_bytes() for p in trained_models.rglob("*") if p.is_file() and p.name != ".lock"} == models_before


def test_run_uses_the_named_or_current_model_and_never_replaces_it(make_cfg, trained_models, tmp_path, capsys):
    models = tmp_path / "models_copy"
    shutil.copytree(trained_models, models)
    current = store.current_version(models)
    other = tmp_path / "other.jsonl"
    other.write_text("".join(SEED_ANNOTATIONS.read_text(encoding="utf-8").splitlines(keepends=True)[:120]), encoding="utf-8")
    result = run(make_cfg(f"store.dir={models}", f"annotations.path={other}"), tmp_path / "r1")
    assert result["version"] == current and store.current_version(models) == current
    assert len(store.list_versions(models)) == 1  # stale for these annotations: reported, not retrained
    assert "trained on other annotations" in capsys.readouterr().out


def test_sentences_the_model_was_trained_on_carry_their_annotated_label(make_cfg, tmp_path):
    cfg = make_cfg("model.C=0.01")  # a model too weak to reproduce its own training labels
    train(cfg, tmp_path / "t")
    predict(cfg, tmp_path / "p")
    gold = {json.loads(line)["id"]: json.loads(line)["label"] for line in SEED_ANNOTATIONS.read_text().splitlines()}
    predictions = [json.loads(line) for line in (tmp_path / "p" / "predictions.jsonl").read_text().splitlines()]
    assert all(p["in_training"] and p["label"] == gold[p["id"]] for p in predictions)
    assert any(p["predicted_label"] != p["label"] for p in predictions)
    by_outlet = pd.read_csv(tmp_path / "p" / "by_outlet.csv").set_index("outlet")
    assert by_outlet.loc["Antiwar.com", "advocate"] == 3 and by_outlet.loc["Antiwar.com", "caution"] == 6


def test_tampered_model_is_refused_and_left_as_it_was(make_cfg, trained_models, tmp_path):
    models = tmp_path / "models_copy"
    shutil.copytree(trained_models, models)
    version = store.current_version(models)
    path = models / version / "model.skops"
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(ModelIntegrityError, match="does not match the card"):
        predict(make_cfg(f"store.dir={models}"), tmp_path / "out")
    assert store.current_version(models) == version
