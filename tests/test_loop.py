"""The retraining loop end to end on the seed data: queue -> annotate in doccano -> import
-> retrain -> compare -> promote -> predict, plus what must never happen on the way."""

import json
import shutil

import pytest

from stance import store
from stance.cli.import_ import import_annotations
from stance.cli.predict import predict
from stance.cli.promote import promote
from stance.cli.queue import queue
from stance.cli.retrain import retrain, training_annotations
from stance.cli.train import train
from stance.annotations import load_annotations
from stance.files import sha256
from stance.cli import main
from stance.errors import AnnotationConflictError, AnnotationError, ModelIntegrityError
from tests.conftest import SEED_ANNOTATIONS

LABELS = ["advocate", "caution", "neutral"]
TOOL_NAMES = {"advocate": "Hawkish", "caution": "Dovish", "neutral": "Neutral"}
LABEL_MAP = "importing.label_map={Hawkish: advocate, Dovish: caution}"


@pytest.fixture
def gold():
    return {row.id: row for row in load_annotations(SEED_ANNOTATIONS, LABELS)}


@pytest.fixture
def partial_store(tmp_path):
    """A copy of the seed set with two sentences in five held back: the sentences a
    researcher has not annotated yet (their seed labels play the annotator)."""
    lines = SEED_ANNOTATIONS.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "annotations" / "mine.jsonl"
    path.parent.mkdir()
    path.write_text("".join(line for i, line in enumerate(lines) if i % 5 not in (1, 3)), encoding="utf-8")
    return path


def _doccano_export(path, queued_lines, gold):
    """What doccano exports after alice labels every queued sentence: its own ids, the
    text, the metadata uploaded with it, and the label names of alice's project."""
    records = []
    for n, line in enumerate(queued_lines, start=1):
        row = json.loads(line)
        records.append({"id": 500 + n, **row, "label": [TOOL_NAMES[gold[row["sentence_id"]].label]], "Comments": []})
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_the_whole_loop_on_the_seed_data(make_cfg, tmp_path, partial_store, gold, capsys):
    at_store = f"annotations.path={partial_store}"
    first = train(make_cfg(at_store), tmp_path / "train")["version"]
    n_before = len(load_annotations(partial_store, LABELS))

    # 1. what to annotate next
    summary = queue(make_cfg(at_store, "queue.size=12"), tmp_path / "queue")
    queued = (tmp_path / "queue" / "queue_doccano.jsonl").read_text(encoding="utf-8").splitlines()
    queued_ids = [json.loads(line)["sentence_id"] for line in queued]
    assert summary["queued"] == 12 and summary["candidates"] == 181 - n_before
    assert len(set(queued_ids)) == 12 and not set(queued_ids) & {r.id for r in load_annotations(partial_store, LABELS)}
    assert set(queued_ids) <= set(gold)
    for name in ("queue.csv", "queue_label_studio.json", "label_studio_config.xml", "queue_summary.json"):
        assert (tmp_path / "queue" / name).is_file(), name

    # 2. alice labels them in doccano and exports; 3. import
    export = _doccano_export(tmp_path / "alice.jsonl", queued, gold)
    before = partial_store.read_bytes()
    entry = import_annotations(make_cfg(at_store, f"importing.file={export}", LABEL_MAP), tmp_path / "import")
    merged = load_annotations(partial_store, LABELS)
    assert (entry["added"], entry["changed"], entry["conflicting"]) == (12, 0, 0)
    assert [r.id for r in merged[-12:]] == queued_ids and len(merged) == n_before + 12
    assert all(r.label == gold[r.id].label and r.annotator == "alice" for r in merged[-12:])
    log = [json.loads(line) for line in (partial_store.parent / "imports.jsonl").read_text().splitlines()]
    assert len(log) == 1 and log[0]["file_sha256"] == sha256(export) and log[0]["added_ids"] == queued_ids
    assert (partial_store.parent / "snapshots").is_dir() and \
        next((partial_store.parent / "snapshots").iterdir()).read_bytes() == before

    # 4. retrain and 5. compare, promoting only if better on the same folds
    capsys.readouterr()
    result = retrain(make_cfg(at_store, "store.promote=if_better"), tmp_path / "retrain")
    printed = capsys.readouterr().out
    candidate = result["version"]
    comparison = json.loads((tmp_path / "retrain" / "comparison.json").read_text())
    assert "current  candidate   change" in printed and "on the 12 sentences added" in printed
    assert comparison["current_version"] == first and comparison["added_or_relabelled"]["n"] == 12
    assert comparison["difference"]["macro_f1"] == pytest.approx(
        comparison["candidate"]["macro_f1"] - comparison["current"]["macro_f1"])
    for old, new in zip(comparison["current"]["folds"], comparison["candidate"]["folds"]):
        assert old["fold"] == new["fold"] and old["n_test"] == new["n_test"] and old["n_train"] <= new["n_train"]
    assert sum(f["n_train"] for f in comparison["candidate"]["folds"]) - \
        sum(f["n_train"] for f in comparison["current"]["folds"]) == 12 * 4  # each new sentence trains 4 of 5 folds
    cv = [json.loads(line) for line in (tmp_path / "retrain" / "cv_predictions.jsonl").read_text().splitlines()]
    assert len(cv) == len(merged) and {p["id"] for p in cv if p["new"]} == set(queued_ids)
    card = store.read_card(tmp_path / "models", candidate)
    assert card.comparison.against == first and card.annotations_sha256 == sha256(partial_store)
    assert store.training_data(tmp_path / "models", candidate).read_bytes() == partial_store.read_bytes()
    better = comparison["candidate"]["macro_f1"] > comparison["current"]["macro_f1"]
    assert store.current_version(tmp_path / "models") == (candidate if better else first)

    # 6. promote explicitly (and it can be undone), 7. label the corpus with the new version
    promote(make_cfg(f"store.version={first}"), tmp_path / "undo")
    assert store.current_version(tmp_path / "models") == first
    promote(make_cfg(f"store.version={candidate}"), tmp_path / "promote")
    assert store.current_version(tmp_path / "models") == candidate
    assert (tmp_path / "models" / "HISTORY").read_text().splitlines()[-1].endswith(f"{candidate}\tstance promote")
    predicted = predict(make_cfg(at_store), tmp_path / "predict")
    predictions = [json.loads(line) for line in (tmp_path / "predict" / "predictions.jsonl").read_text().splitlines()]
    assert predicted["version"] == candidate and len(predictions) == 181
    assert {p["id"] for p in predictions if p["in_training"]} == {r.id for r in merged}


def test_importing_a_file_with_one_bad_row_changes_nothing_and_names_the_row(make_cfg, tmp_path, partial_store, gold):
    held_back = [row for row in gold.values() if row.id not in {r.id for r in load_annotations(partial_store, LABELS)}]
    labels = [TOOL_NAMES[row.label] for row in held_back[:5]]
    labels[3] = "Doveish"  # a typo in one label of bob's doccano project
    lines = [json.dumps({"id": n, "text": row.text, "doc_id": row.doc_id, "label": [label]})
             for n, (row, label) in enumerate(zip(held_back, labels), start=1)]
    export = tmp_path / "bob.jsonl"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = partial_store.read_bytes()
    with pytest.raises(AnnotationError, match=r"bob\.jsonl:4: unknown label 'Doveish'"):
        import_annotations(make_cfg(f"annotations.path={partial_store}", f"importing.file={export}", LABEL_MAP),
                            tmp_path / "import")
    assert partial_store.read_bytes() == before
    assert sorted(p.name for p in partial_store.parent.iterdir()) == ["mine.jsonl"]  # no log, no snapshot
    assert not (tmp_path / "import").exists()


def test_unlabelled_rows_are_skipped_and_counted_or_refused_as_configured(make_cfg, tmp_path, partial_store, gold):
    held_back = [row for row in gold.values() if row.id not in {r.id for r in load_annotations(partial_store, LABELS)}]
    export = tmp_path / "half_done.jsonl"
    export.write_text("".join(json.dumps({"id": n, "text": row.text, "doc_id": row.doc_id,
                                          "label": [row.label] if n == 1 else []}) + "\n"
                              for n, row in enumerate(held_back[:3], start=1)), encoding="utf-8")
    base = (f"annotations.path={partial_store}", f"importing.file={export}")
    with pytest.raises(AnnotationError, match=r"half_done\.jsonl:2: no label \(importing.unlabelled=error\)"):
        import_annotations(make_cfg(*base, "importing.unlabelled=error"), tmp_path / "refused")
    entry = import_annotations(make_cfg(*base), tmp_path / "import")
    assert (entry["added"], entry["unlabelled_skipped"], entry["rows_in_file"]) == (1, 2, 3)


def _relabelled_export(tmp_path, row, label):
    export = tmp_path / "carol.jsonl"
    export.write_text(json.dumps({"id": 1, "text": row.text, "doc_id": row.doc_id, "label": [label],
                                  "annotator": "carol"}) + "\n", encoding="utf-8")
    return export


@pytest.mark.parametrize("policy", ["stop", "keep", "replace"])
def test_a_conflict_is_shown_and_resolved_by_the_policy(make_cfg, tmp_path, partial_store, capsys, policy):
    stored = load_annotations(partial_store, LABELS)[6]
    other = next(label for label in LABELS if label != stored.label)
    export = _relabelled_export(tmp_path, stored, other)
    before = partial_store.read_bytes()
    cfg = make_cfg(f"annotations.path={partial_store}", f"importing.file={export}", f"importing.on_conflict={policy}")
    if policy == "stop":
        with pytest.raises(AnnotationConflictError, match="1 sentence\\(s\\) already labelled otherwise"):
            import_annotations(cfg, tmp_path / "import")
    else:
        entry = import_annotations(cfg, tmp_path / "import")
        assert entry["conflicting"] == 1 and entry["conflicts"][0]["stored"]["label"] == stored.label
    shown = capsys.readouterr().out
    assert f"in the store: {stored.label} by {stored.annotator}" in shown and f"imported:     {other} by carol" in shown
    after = {r.id: r for r in load_annotations(partial_store, LABELS)}
    if policy == "replace":
        assert after[stored.id].label == other and after[stored.id].annotator == "carol"
        snapshot = load_annotations(next((partial_store.parent / "snapshots").iterdir()), LABELS)
        assert {r.id: r for r in snapshot}[stored.id] == stored  # the replaced label is kept
    else:
        assert partial_store.read_bytes() == before
    assert (partial_store.parent / "imports.jsonl").is_file() == (policy != "stop")


def test_importing_the_same_file_twice_adds_nothing_the_second_time(make_cfg, tmp_path, partial_store):
    row = load_annotations(partial_store, LABELS)[2]
    export = _relabelled_export(tmp_path, row, row.label)
    cfg = make_cfg(f"annotations.path={partial_store}", f"importing.file={export}")
    before = partial_store.read_bytes()
    for _ in range(2):
        entry = import_annotations(cfg, tmp_path / "import")
        assert (entry["added"], entry["unchanged"]) == (0, 1)
    assert partial_store.read_bytes() == before
    assert len((partial_store.parent / "imports.jsonl").read_text().splitlines()) == 2


def test_an_interrupted_retrain_leaves_the_current_model_and_the_store_untouched(make_cfg, tmp_path, trained_models,
                                                                                  monkeypatch):
    models = tmp_path / "models"
    shutil.copytree(trained_models, models)
    annotations = tmp_path / "seed.jsonl"
    shutil.copyfile(SEED_ANNOTATIONS, annotations)
    before_models = sorted(p.name for p in models.iterdir())
    current = store.current_version(models)

    def power_cut(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(store.modelfile, "dumps", power_cut)
    with pytest.raises(KeyboardInterrupt):
        retrain(make_cfg(f"annotations.path={annotations}", "store.promote=always", "eval=stratified_kfold",
                                      "eval.k=2"), tmp_path / "retrain")
    assert sorted(p.name for p in models.iterdir()) == before_models  # no half-written version, no staging folder
    assert store.current_version(models) == current and annotations.read_bytes() == SEED_ANNOTATIONS.read_bytes()


def test_a_version_saved_without_its_annotations_is_found_through_the_import_snapshot(make_cfg, tmp_path,
                                                                                       partial_store, gold):
    first = train(make_cfg(f"annotations.path={partial_store}", "eval=stratified_kfold", "eval.k=2"),
                           tmp_path / "train")["version"]
    kept = tmp_path / "models" / first / store.read_card(tmp_path / "models", first).training_data_file
    kept.unlink()  # as for versions trained before versions kept their annotations
    card = store.read_card(tmp_path / "models", first)
    assert training_annotations(tmp_path / "models", card, partial_store) == partial_store
    trained_on = partial_store.read_bytes()
    held_back = next(row for row in gold.values() if row.id not in {r.id for r in load_annotations(partial_store, LABELS)})
    export = _relabelled_export(tmp_path, held_back, held_back.label)
    import_annotations(make_cfg(f"annotations.path={partial_store}", f"importing.file={export}"), tmp_path / "import")
    found = training_annotations(tmp_path / "models", card, partial_store)
    assert found.parent.name == "snapshots" and found.read_bytes() == trained_on
    found.unlink()
    with pytest.raises(ModelIntegrityError, match="cannot find the annotations version .* was trained on"):
        training_annotations(tmp_path / "models", card, partial_store)


def test_the_cli_imports_a_browser_download_named_with_spaces_and_brackets(tmp_path, partial_store, gold, capsys):
    held_back = next(row for row in gold.values() if row.id not in {r.id for r in load_annotations(partial_store, LABELS)})
    export = _relabelled_export(tmp_path, held_back, TOOL_NAMES[held_back.label])
    download = export.rename(tmp_path / "project-1 export (1).jsonl")
    code = main(["import", str(download), LABEL_MAP, f"annotations.path={partial_store}",
                 f"hydra.run.dir={tmp_path / 'run'}"])
    assert code == 0 and held_back.id in {r.id for r in load_annotations(partial_store, LABELS)}
    download.write_bytes(b'{"id": 1, "text": "caf\xe9", "label": ["Dovish"]}\n')
    code = main(["import", str(download), f"annotations.path={partial_store}", f"hydra.run.dir={tmp_path / 'run2'}"])
    error = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(error) == 1 and error[0].startswith("stance import: error: ")
    assert "export (1).jsonl:1: not valid UTF-8" in error[0]
