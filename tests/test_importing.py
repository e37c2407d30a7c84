"""Reading annotation tools' exports and giving each row the corpus's stable sentence id."""

import json

import pytest

from stance.annotations import load_annotations
from stance.errors import AnnotationError
from stance.importing import detect_format, index_sentences, map_label, read_export, resolve
from stance.cli.import_ import corpus_index
from stance.segment import sentence_id
from tests.conftest import SEED_ANNOTATIONS

LABELS = ["advocate", "caution", "neutral"]
TOOL_NAMES = {"Hawkish": "advocate", "Dovish": "caution"}


@pytest.fixture(scope="module")
def seed_rows():
    return load_annotations(SEED_ANNOTATIONS, LABELS)


@pytest.fixture(scope="module")
def index():
    from hydra import compose, initialize_config_dir

    from stance.settings import CONFIG_DIR

    with initialize_config_dir(str(CONFIG_DIR), version_base="1.3"):
        return corpus_index(compose("config"))


def _write_lines(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_a_doccano_export_gets_the_corpus_ids_and_the_mapped_labels(tmp_path, seed_rows, index):
    first, second = seed_rows[0], seed_rows[40]
    export = _write_lines(tmp_path / "alice.jsonl", [
        {"id": 7, "text": first.text, "doc_id": first.doc_id, "sentence_id": first.id, "label": ["Hawkish"], "Comments": []},
        {"id": 8, "text": second.text, "doc_id": second.doc_id, "label": ["dovish"], "Comments": ["a hedge, not a call"]},
        {"id": 9, "text": seed_rows[2].text, "doc_id": seed_rows[2].doc_id, "label": []},
    ])
    fmt, rows = read_export(export)
    annotations, unlabelled = resolve(rows, export, LABELS, TOOL_NAMES, index)
    assert fmt == "doccano"
    assert [(a.id, a.label) for a in annotations] == [(first.id, "advocate"), (second.id, "caution")]
    assert annotations[1].note == "a hedge, not a call"
    assert [row.where for row in unlabelled] == [3]


def test_a_row_without_doc_id_is_found_by_its_text(tmp_path, seed_rows, index):
    row = seed_rows[100]
    export = _write_lines(tmp_path / "plain.jsonl", [{"id": 1, "text": "  " + row.text.replace(" ", "  "), "label": ["neutral"]}])
    annotations, _ = resolve(read_export(export)[1], export, LABELS, {}, index)
    assert (annotations[0].id, annotations[0].doc_id) == (row.id, row.doc_id)


def _task(task_id, text, doc_id, *annotations):
    return {"id": task_id, "data": {"text": text, "doc_id": doc_id}, "annotations": list(annotations),
            "predictions": []}


def _annotation(choice, who, cancelled=False, ground_truth=False, note=None):
    result = [{"id": "r1", "from_name": "stance", "to_name": "text", "type": "choices", "value": {"choices": [choice]}}]
    if note:
        result.append({"id": "r2", "from_name": "note", "to_name": "text", "type": "textarea", "value": {"text": [note]}})
    return {"id": 1, "completed_by": who, "result": result, "was_cancelled": cancelled, "ground_truth": ground_truth}


def test_a_label_studio_export_reads_the_choice_annotator_and_note(tmp_path, seed_rows, index):
    a, b, c = seed_rows[10], seed_rows[60], seed_rows[61]
    export = tmp_path / "project-1-at-2026.json"
    export.write_text(json.dumps([
        _task(31, a.text, a.doc_id, _annotation("Hawkish", 4, note="orders a plan"),
              _annotation("Neutral", 5, cancelled=True)),
        _task(32, b.text, b.doc_id, _annotation("caution", {"id": 5, "email": "bob@uni.edu"}, ground_truth=True),
              _annotation("neutral", 4)),
        _task(33, c.text, c.doc_id),
    ]), encoding="utf-8")
    fmt, rows = read_export(export)
    annotations, unlabelled = resolve(rows, export, LABELS, TOOL_NAMES, index)
    assert fmt == "label_studio"
    assert [(x.id, x.label, x.annotator) for x in annotations] == [
        (a.id, "advocate", "label-studio:4"), (b.id, "caution", "label-studio:bob@uni.edu")]
    assert annotations[0].note == "orders a plan"
    assert [row.where for row in unlabelled] == ["task 3 (id 33)"]


def test_annotators_who_disagree_stop_the_import_naming_the_task(tmp_path, seed_rows):
    row = seed_rows[5]
    export = tmp_path / "ls.json"
    export.write_text(json.dumps([_task(1, row.text, row.doc_id), _task(12, row.text, row.doc_id,
                                  _annotation("caution", 1), _annotation("advocate", 2))]), encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"ls\.json: task 2 \(id 12\): 2 different labels \['advocate', 'caution'\]"):
        read_export(export)


def test_a_collaborative_doccano_export_with_two_labels_is_refused(tmp_path, seed_rows):
    export = _write_lines(tmp_path / "all.jsonl", [{"id": 1, "text": seed_rows[0].text, "label": ["Dovish", "Hawkish"]}])
    with pytest.raises(AnnotationError, match=r"all\.jsonl:1: 2 different labels"):
        read_export(export)


def test_the_queue_csv_filled_in_by_hand_imports_its_labelled_rows(tmp_path, seed_rows, index):
    row, other = seed_rows[20], seed_rows[21]
    csv_file = tmp_path / "queue.csv"
    csv_file.write_text(
        "rank,id,doc_id,outlet,title,previous,text,next,label,actors,annotator,note,holders_found,uncertainty\n"
        f"1,{row.id},{row.doc_id},X,T,,\"{row.text}\",,Caution,,carol,,,0.9\n"
        f"2,{other.id},{other.doc_id},X,T,,\"{other.text}\",,,,,,,0.8\n", encoding="utf-8")
    fmt, rows = read_export(csv_file)
    annotations, unlabelled = resolve(rows, csv_file, LABELS, {}, index)
    assert fmt == "spec"
    assert [(a.id, a.label, a.annotator) for a in annotations] == [(row.id, "caution", "carol")]
    assert [r.where for r in unlabelled] == [3]


@pytest.mark.parametrize("mutate, problem", [
    (lambda r: {**r, "label": ["Hawk"]}, r"bad\.jsonl:2: unknown label 'Hawk'; expected one of advocate, caution, neutral"),
    (lambda r: {**r, "text": ""}, r"bad\.jsonl:2: missing field 'text'"),
    (lambda r: {**r, "text": r["text"] + " And more."}, r"bad\.jsonl:2: text is not a sentence of article 'antiwar'"),
    (lambda r: {**r, "doc_id": "no-such-article"}, r"bad\.jsonl:2: doc_id 'no-such-article' is not an article of the corpus"),
    (lambda r: {**r, "sentence_id": "antiwar-c07f6e235c9f"}, r"bad\.jsonl:2: sentence id 'antiwar-c07f6e235c9f' names another sentence"),
    (lambda r: {**r, "actors": ["Genghis Khan"]}, r"bad\.jsonl:2: actor\(s\) not in the gazetteer: Genghis Khan"),
    (lambda r: r, r"bad\.jsonl:2: duplicate sentence 'antiwar-9a26d02cf361' \(first at line 1\)"),
])
def test_a_bad_row_is_named_with_its_file_and_line(tmp_path, seed_rows, index, mutate, problem):
    good = {"id": 1, "text": seed_rows[0].text, "doc_id": seed_rows[0].doc_id, "label": ["Hawkish"]}
    export = _write_lines(tmp_path / "bad.jsonl", [good, mutate({**good, "id": 2})])
    with pytest.raises(AnnotationError, match=problem):
        resolve(read_export(export)[1], export, LABELS, TOOL_NAMES, index, known_actors={"Mike Pompeo"})


@pytest.mark.parametrize("content, problem", [
    (b"", r"empty\.jsonl: empty file"),
    (b'{"text": "Caf\xe9", "label": ["neutral"]}\n', r"empty\.jsonl:1: not valid UTF-8 \(byte 0xe9"),
    (b'{"text": "a", "label": ["neutral"]}\n{"text": \n', r"empty\.jsonl:2: not valid JSON"),
])
def test_unreadable_files_are_refused(tmp_path, content, problem):
    (tmp_path / "empty.jsonl").write_bytes(content)
    with pytest.raises(AnnotationError, match=problem):
        read_export(tmp_path / "empty.jsonl")


def test_formats_are_told_apart_by_their_shape(tmp_path):
    assert detect_format(tmp_path / "x.csv", "id,doc_id,text,label\n") == "spec"
    assert detect_format(tmp_path / "x.json", ' [{"data": {}}]') == "label_studio"
    assert detect_format(tmp_path / "x.jsonl", '{"id": 3, "text": "t", "label": ["a"]}') == "doccano"
    assert detect_format(tmp_path / "x.jsonl", '{"id": "d-1", "text": "t", "label": "neutral"}') == "spec"


def test_label_names_map_through_the_configured_mapping_in_any_case():
    assert map_label(" HAWKISH ", TOOL_NAMES, LABELS) == "advocate"
    assert map_label("Neutral", TOOL_NAMES, LABELS) == "neutral"
    assert map_label("hawk", TOOL_NAMES, LABELS) is None
    assert map_label("neutral", {"Neutral": "caution"}, LABELS) == "caution"  # an explicit mapping wins


def test_without_a_corpus_the_id_is_derived_from_doc_id_and_text(tmp_path):
    export = _write_lines(tmp_path / "other.jsonl", [{"id": 1, "text": "Strike  now.", "doc_id": "d", "label": ["Hawkish"]},
                                                     {"id": 2, "text": "Wait.", "label": ["neutral"]}])
    rows = read_export(export)[1]
    annotations, _ = resolve(rows[:1], export, LABELS, TOOL_NAMES, index=None)
    assert annotations[0].id == sentence_id("d", "Strike now.")
    with pytest.raises(AnnotationError, match=r"other\.jsonl:2: missing field 'doc_id'"):
        resolve(rows, export, LABELS, TOOL_NAMES, index=None)


def test_a_sentence_repeated_in_an_article_matches_its_first_occurrence():
    index = index_sentences([("d-1", "d", "Officials declined to comment."), ("d-2", "d", "Officials  declined to comment.")])
    assert index.ids[("d", "Officials declined to comment.")] == "d-1" and index.articles == {"d"}


def test_with_several_choice_groups_the_configured_one_holds_the_stance(tmp_path, seed_rows, index):
    row = seed_rows[30]
    annotation = _annotation("Dovish", 2)
    annotation["result"].append({"id": "r3", "from_name": "relevance", "to_name": "text", "type": "choices",
                                 "value": {"choices": ["relevant"]}})
    export = tmp_path / "two_groups.json"
    export.write_text(json.dumps([_task(1, row.text, row.doc_id, annotation)]), encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"task 1 \(id 1\): 2 different labels"):
        read_export(export)
    annotations, _ = resolve(read_export(export, "label_studio", "stance")[1], export, LABELS, TOOL_NAMES, index)
    assert [(a.id, a.label) for a in annotations] == [(row.id, "caution")]


def test_every_tool_format_round_trips_through_the_queue(tmp_path, seed_rows, index):
    """For each annotation tool: the queue's file for it, labelled as the tool would export
    it, imports back with the corpus's sentence ids (stance.queue.EXPORTS -> stance.importing.FORMATS)."""
    from stance.importing import FORMATS
    from stance.queue import EXPORTS, Candidate, QueueItem, write_queue

    rows = seed_rows[:3]
    items = [QueueItem(i + 1, Candidate(r.id, r.doc_id, "Outlet", "Title", 0, "", r.text, "", ()), 0.5)
             for i, r in enumerate(rows)]
    paths = write_queue(tmp_path, items, ["advocate", "caution", "neutral"])
    assert set(paths) == set(EXPORTS)

    def labelled_spec(path):
        text = path.read_text(encoding="utf-8").splitlines()
        header, body = text[0], text[1:]
        import csv as _csv
        records = list(_csv.DictReader([header, *body]))
        for record, row in zip(records, rows):
            record["label"] = row.label
        out = tmp_path / "spec_export.csv"
        with out.open("w", encoding="utf-8", newline="") as handle:
            writer = _csv.DictWriter(handle, list(records[0]))
            writer.writeheader()
            writer.writerows(records)
        return out

    def labelled_doccano(path):
        lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        out = tmp_path / "doccano_export.jsonl"
        out.write_text("".join(json.dumps({**line, "label": [row.label]}) + "\n" for line, row in zip(lines, rows)),
                       encoding="utf-8")
        return out

    def labelled_label_studio(path):
        tasks = json.loads(path.read_text(encoding="utf-8"))
        for task, row in zip(tasks, rows):
            task["annotations"] = [{"result": [{"type": "choices", "from_name": "stance", "to_name": "text",
                                                "value": {"choices": [row.label]}}], "completed_by": 1}]
        out = tmp_path / "label_studio_export.json"
        out.write_text(json.dumps(tasks), encoding="utf-8")
        return out

    exported = {"spec": labelled_spec(paths["csv"]), "doccano": labelled_doccano(paths["doccano"]),
                "label_studio": labelled_label_studio(paths["label_studio"])}
    assert set(exported) == set(FORMATS), "a tool format without a round-trip test"
    for name, path in exported.items():
        fmt, tool_rows = read_export(path)
        assert fmt == name
        annotations, unlabelled = resolve(tool_rows, path, ["advocate", "caution", "neutral"], {}, index)
        assert [(a.id, a.label) for a in annotations] == [(r.id, r.label) for r in rows] and not unlabelled, name


def test_holders_go_out_editable_and_come_back_corrected_in_every_tool_format(tmp_path, seed_rows, index):
    """Holders round-trip: each queue file carries the predicted holders in an editable
    field; what the annotator leaves, corrects or clears ("none") is what import reads, and
    a name the gazetteers lack stops the import at its row."""
    from stance.queue import Candidate, QueueItem, write_queue

    rows = seed_rows[:3]
    predicted = [("Mike Pompeo",), ("Iran", "Mike Pompeo"), ("Pentagon",)]
    corrected = [("Mike Pompeo",), ("Iran",), ()]  # kept, corrected, cleared
    items = [QueueItem(i + 1, Candidate(r.id, r.doc_id, "Outlet", "Title", 0, "", r.text, "", holders), 0.5)
             for i, (r, holders) in enumerate(zip(rows, predicted))]
    paths = write_queue(tmp_path, items, LABELS)
    known = {"Mike Pompeo", "Iran", "Pentagon"}

    def edited_csv():
        text = paths["csv"].read_text(encoding="utf-8")
        text = text.replace(",Iran; Mike Pompeo,", ",Iran,").replace(",Pentagon,", ",none,")
        return _labelled_csv(tmp_path, text, rows)

    def edited_doccano():
        lines = [json.loads(line) for line in paths["doccano"].read_text(encoding="utf-8").splitlines()]
        comments = [[], [{"text": "actors: Iran"}], ["actors: none", "a background sentence"]]
        out = tmp_path / "doccano_export.jsonl"
        out.write_text("".join(json.dumps({**line, "label": [row.label], "Comments": c}) + "\n"
                               for line, row, c in zip(lines, rows, comments)), encoding="utf-8")
        return out

    def edited_label_studio():
        tasks = json.loads(paths["label_studio"].read_text(encoding="utf-8"))
        typed = [None, ["Iran"], ["none"]]
        for task, row, text in zip(tasks, rows, typed):
            result = [{"type": "choices", "from_name": "stance", "to_name": "text", "value": {"choices": [row.label]}}]
            if text is not None:
                result.append({"type": "textarea", "from_name": "actors", "to_name": "text", "value": {"text": text}})
            task["annotations"] = [{"result": result, "completed_by": 1}]
        out = tmp_path / "label_studio_export.json"
        out.write_text(json.dumps(tasks), encoding="utf-8")
        return out

    for make in (edited_csv, edited_doccano, edited_label_studio):
        path = make()
        annotations, _ = resolve(read_export(path)[1], path, LABELS, {}, index, known_actors=known)
        assert [a.actors for a in annotations] == corrected, path.name
    bad = tmp_path / "bad.csv"
    bad.write_text(paths["csv"].read_text(encoding="utf-8").replace(",Pentagon,", ",Pentagon; Genghis Khan,"),
                   encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"bad\.csv:4: actor\(s\) not in the gazetteer: Genghis Khan"):
        resolve(read_export(_labelled_csv(tmp_path, bad.read_text(encoding="utf-8"), rows))[1], bad, LABELS, {},
                index, known_actors=known)


def _labelled_csv(tmp_path, text, rows):
    """The queue CSV with each row's gold label filled in, as an annotator saves it."""
    import csv as _csv

    records = list(_csv.DictReader(text.splitlines()))
    for record, row in zip(records, rows):
        record["label"] = row.label
    out = tmp_path / "queue_export.csv"
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = _csv.DictWriter(handle, list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    return out
