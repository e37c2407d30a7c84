"""Every report output of a run on the seed corpus, checked against the predictions it came from."""

import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from html import escape

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

from stance import store
from stance.cli.predict import predict
from stance.cli.report import report
from stance.errors import ConfigError, CorpusError
from stance.quantify import adjusted_classify_and_count, rates_from_confusion

LABELS = ["advocate", "caution", "neutral"]
NS = {"g": "http://graphml.graphdrawing.org/xmlns"}


@pytest.fixture(scope="module")
def seed_run(trained_models, tmp_path_factory):
    """`stance predict` on the seed corpus with the default report settings, shares by ACC
    (the corrected shares these tests check against the model's error rates)."""
    from tests.conftest import settings_for

    out = tmp_path_factory.mktemp("seed_run")
    predict(settings_for(f"store.dir={trained_models}", "report.print=false", "report.method=acc"), out)
    predictions = [json.loads(line) for line in (out / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
    return out, predictions


def test_tables_name_their_method_and_agree_with_the_predictions(seed_run):
    out, predictions = seed_run
    by_outlet = pd.read_csv(out / "by_outlet.csv").set_index("outlet")
    assert set(by_outlet["method"]) == {"acc"}
    counts = Counter((p["outlet"], p["label"]) for p in predictions)
    for outlet, row in by_outlet.iterrows():
        n = sum(counts[(outlet, label)] for label in LABELS)
        assert row["n"] == n and row["n_articles"] == len({p["doc_id"] for p in predictions if p["outlet"] == outlet})
        assert [row[label] for label in LABELS] == [counts[(outlet, label)] for label in LABELS]
        # every seed sentence is in the training annotations: counted as labelled, not corrected
        assert row["n_in_training"] == n
        assert row["share_advocate"] == pytest.approx(counts[(outlet, "advocate")] / n, abs=5e-4)
        assert row["net_stance"] == pytest.approx(row["share_advocate"] - row["share_caution"], abs=5e-4)
        # one article per outlet in the seed: no interval, and the row says why
        assert np.isnan(row["share_advocate_lo"]) and "one article" in row["flag"]
    by_actor = pd.read_csv(out / "by_actor.csv", keep_default_na=False, na_values=[""]).set_index("actor")
    holders = Counter(actor for p in predictions for actor in p["actors"])
    assert by_actor["n"].to_dict() == dict(holders)
    with_interval = by_actor.dropna(subset=["net_stance_lo"])
    assert len(with_interval) >= 5 and (with_interval["n_articles"] >= 2).all()
    assert (with_interval["net_stance_lo"] <= with_interval["net_stance"] + 1e-9).all()
    assert (with_interval["net_stance"] <= with_interval["net_stance_hi"] + 1e-9).all()
    assert (by_actor.loc[by_actor["n"] < 5, "flag"].str.contains("few sentences")).all()
    assert by_actor.loc["Robert P. White", "net_stance_hi"] < 0 < by_actor.loc["Mike Pompeo", "net_stance_lo"]
    record = json.loads((out / "quantification.json").read_text(encoding="utf-8"))
    assert record["method"] == "acc" and record["resampling_unit"] == "article" and record["n_sentences"] == 181


def test_both_charts_are_pngs_with_svgs_beside_them(seed_run):
    out, _ = seed_run
    for name in ("by_outlet", "by_actor"):
        data = (out / f"{name}.png").read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5000
        height, width = imread(io.BytesIO(data), format="png").shape[:2]
        assert height > 200 and width > 400
        svg = ET.parse(out / f"{name}.svg").getroot()
        assert svg.tag == "{http://www.w3.org/2000/svg}svg"
        assert "Pompeo" in (out / f"{name}.svg").read_text(encoding="utf-8") or name == "by_outlet"


def test_events_carry_the_holders_affiliation_and_the_articles_title(seed_run):
    out, _ = seed_run
    events = pd.read_csv(out / "events.csv", keep_default_na=False)
    pompeo = events[events["actor"] == "Mike Pompeo"]
    assert set(pompeo["affiliation"]) == {"US government"}
    assert set(events.loc[events["doc_id"] == "antiwar", "title"]) == {
        "US Repositions Troops in Iraq, Preparing for Fight Against Iran"}
    assert {"url", "title", "affiliation"} <= set(events.columns)


def test_prediction_table_has_a_row_per_sentence_for_r_and_pandas(seed_run):
    out, records = seed_run
    table = pd.read_csv(out / "predictions.csv", keep_default_na=False)
    assert len(table) == len(records) == 181
    assert list(table["sentence_id"]) == [r["id"] for r in records]
    assert list(table["label"]) == [r["label"] for r in records]
    sums = table[["proba_advocate", "proba_caution", "proba_neutral"]].sum(axis=1)
    assert sums.between(0.999, 1.001).all()
    first_with_two = next(r for r in records if len(r["actors"]) == 2)
    row = table[table["sentence_id"] == first_with_two["id"]].iloc[0]
    assert row["holders"] == "; ".join(first_with_two["actors"]) and row["n_holders"] == 2


def test_html_report_holds_the_tables_charts_and_sentences_and_needs_no_network(seed_run):
    out, predictions = seed_run
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("<table") == 3 and page.count("data:image/png;base64,") == 2
    for outlet in {p["outlet"] for p in predictions}:
        assert f'<td class="group">{escape(outlet)}</td>' in page
    white = next(p for p in predictions if "Robert P. White" in p["actors"] and p["label"] == "caution")
    assert escape(white["text"]) in page
    assert "adjusted classify-and-count (ACC)" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page


def test_event_list_has_a_row_per_sentence_holder(seed_run):
    out, predictions = seed_run
    events = pd.read_csv(out / "events.csv", keep_default_na=False)
    expected = [(p["id"], actor, p["label"]) for p in predictions for actor in p["actors"]]
    assert list(zip(events["sentence_id"], events["actor"], events["label"])) == expected
    first = next(p for p in predictions if p["actors"])
    assert events.loc[0, "probability"] == pytest.approx(first["proba"][first["label"]], abs=5e-4)
    assert events.loc[0, "outlet"] == first["outlet"]


def test_graphml_has_actor_and_stance_nodes_weighted_by_holder_sentences(seed_run):
    out, predictions = seed_run
    root = ET.parse(out / "actor_stance.graphml").getroot()
    keys = {k.get("id"): k.get("attr.name") for k in root.findall("g:key", NS)}
    graph = root.find("g:graph", NS)
    modes = {n.get("id"): next(d.text for d in n.findall("g:data", NS) if keys[d.get("key")] == "mode")
             for n in graph.findall("g:node", NS)}
    actors = {actor for p in predictions for actor in p["actors"]}
    assert {i for i, m in modes.items() if m == "actor"} == {f"actor:{a}" for a in actors}
    assert {i for i, m in modes.items() if m == "stance"} == {f"stance:{label}" for label in LABELS}
    weights = Counter()
    for edge in graph.findall("g:edge", NS):
        weight = next(d.text for d in edge.findall("g:data", NS) if keys[d.get("key")] == "weight")
        weights[(edge.get("source"), edge.get("target"))] = int(float(weight))
    expected = Counter((f"actor:{a}", f"stance:{p['label']}") for p in predictions for a in p["actors"])
    assert weights == expected and sum(weights.values()) == sum(len(p["actors"]) for p in predictions)


def test_report_corrects_an_earlier_run_with_the_model_that_labelled_it(seed_run, make_cfg, tmp_path):
    out, predictions = seed_run
    cfg = make_cfg(f"store.dir={tmp_path / 'no_models_here'}", f"report.predictions={out / 'predictions.jsonl'}",
                   "report.correct_in_sample=true", "report.outputs.html=false", "report.bootstrap.n=200",
                   "report.method=acc")
    tables = report(cfg, tmp_path / "r")["tables"]
    record = json.loads((out / "quantification.json").read_text(encoding="utf-8"))
    rates = rates_from_confusion(record["confusion_matrix"], LABELS, "record")
    counts = Counter((p["outlet"], p["label"]) for p in predictions)
    table = tables["by_outlet"].set_index("outlet")
    for outlet, row in table.iterrows():
        observed = np.array([counts[(outlet, label)] for label in LABELS], float)
        expected = adjusted_classify_and_count(observed / observed.sum(), rates)
        np.testing.assert_allclose(row[[f"share_{label}" for label in LABELS]].to_numpy(float), expected, atol=1e-9)
    assert not (tmp_path / "r" / "report.html").exists() and (tmp_path / "r" / "events.csv").is_file()
    written = pd.read_csv(tmp_path / "r" / "by_outlet.csv")
    assert set(written["method"]) == {"acc"}


def test_acc_without_a_confusion_matrix_stops_before_any_output(make_cfg, trained_models, tmp_path):
    models = tmp_path / "models_copy"
    shutil.copytree(trained_models, models)
    card_path = models / store.current_version(models) / "card.json"
    card = json.loads(card_path.read_text(encoding="utf-8"))
    del card["metrics"]["confusion_matrix"]
    card_path.write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"card.json: no cross-validated confusion matrix"):
        predict(make_cfg(f"store.dir={models}", "report.method=acc"), tmp_path / "out")
    assert not (tmp_path / "out").exists()
    predict(make_cfg(f"store.dir={models}", "report.method=pcc", "report.outputs.html=false",
                              "report.bootstrap.n=100"), tmp_path / "out")
    assert set(pd.read_csv(tmp_path / "out" / "by_outlet.csv")["method"]) == {"pcc"}


def test_a_malformed_earlier_prediction_is_named_by_line(seed_run, make_cfg, tmp_path):
    out, _ = seed_run
    lines = (out / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
    lines[6] = lines[6].replace('"proba": {', '"proba": "high", "was": {')
    bad = tmp_path / "predictions.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"predictions.jsonl:7: 'proba' is not a mapping"):
        report(make_cfg(f"report.predictions={bad}", "report.method=cc"), tmp_path / "r")
    assert not (tmp_path / "r").exists()


def test_unknown_report_settings_are_refused_before_labelling(make_cfg, trained_models, tmp_path):
    with pytest.raises(ConfigError, match="report.method='median'"):
        predict(make_cfg(f"store.dir={trained_models}", "report.method=median"), tmp_path / "a")
    with pytest.raises(ConfigError, match="report.outputs has unknown entries pdf"):
        predict(make_cfg(f"store.dir={trained_models}", "+report.outputs.pdf=true"), tmp_path / "b")
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_every_report_writer_has_a_switch_and_writes_its_files(seed_run, make_cfg, tmp_path):
    """Each entry of WRITERS is switched by report.outputs.<name> (in conf/report) and writes
    its own files; switched off, it writes nothing."""
    import yaml

    from stance.publish import WRITERS
    from stance.settings import CONFIG_DIR

    switches = yaml.safe_load((CONFIG_DIR / "report" / "default.yaml").read_text())["outputs"]
    assert set(switches) == set(WRITERS)
    out, _ = seed_run
    baseline = {"by_outlet.csv", "by_actor.csv", "actor_by_outlet.csv", "quantification.json"}
    for name in WRITERS:
        only = [f"report.outputs.{other}={'true' if other == name else 'false'}" for other in WRITERS]
        target = tmp_path / name
        report(make_cfg(f"report.predictions={out / 'predictions.jsonl'}", *only), target)
        written = {p.name for p in target.iterdir()} - baseline
        assert written, f"{name} wrote nothing"
        for other in set(WRITERS) - {name}:
            assert not written & OUTPUT_FILES[other], (name, other)


OUTPUT_FILES = {"charts": {"by_outlet.png", "by_actor.png", "by_outlet.svg", "by_actor.svg"}, "html": {"report.html"},
                "events": {"events.csv"}, "network": {"actor_stance.graphml"},
                "networks": {"actor_stance.gexf", "actor_congruence.graphml", "actor_conflict.gexf",
                             "affiliation_stance.gexf", "affiliation_congruence.graphml"},
                "timeline": {"over_time.csv", "over_time_by_outlet.csv", "over_time_by_actor.csv", "over_time.png",
                             "over_time_by_actor.svg"},
                "predictions_csv": {"predictions.csv"}}


def test_predict_writes_every_output_while_labelling_and_never_reads_its_predictions_again(
        seed_run, trained_models, make_cfg, tmp_path, monkeypatch):
    """The timeline, the networks and predictions.csv come from what labelling kept: with
    predictions.jsonl unreadable after labelling, `stance predict` writes the same files
    as `stance report` makes from reading the predictions again."""
    import stance.publish

    out, _ = seed_run
    again = tmp_path / "report"
    report(make_cfg(f"store.dir={trained_models}", "report.method=acc", f"report.predictions={out / 'predictions.jsonl'}"),
           again)

    def unreadable(*args, **kwargs):
        raise AssertionError("predictions were read again after labelling")

    monkeypatch.setattr(stance.publish, "read_predictions", unreadable)
    streamed = tmp_path / "predict"
    predict(make_cfg(f"store.dir={trained_models}", "report.method=acc"), streamed)
    compared = ["predictions.csv", "events.csv", "over_time.csv", "over_time_by_outlet.csv",
                "over_time_by_actor.csv", "actor_stance.gexf", "actor_conflict.graphml", "affiliation_congruence.gexf"]
    compared += [str(p.relative_to(again)) for p in (again / "networks").rglob("*.graphml")]
    assert len(compared) > 8
    for name in compared:
        assert (streamed / name).read_bytes() == (again / name).read_bytes(), name


def test_charts_drawn_in_two_processes_are_the_bytes_drawn_in_one(seed_run):
    seed_run = seed_run[0]
    from stance import charts
    from stance.publish import draw

    table, actors = (pd.read_csv(seed_run / f"{name}.csv").fillna({"flag": ""}) for name in ("by_outlet", "by_actor"))
    jobs = {("shares", fmt): (charts.share_chart, (table, "outlet", LABELS, "advocate", "caution", "t", 30, fmt))
            for fmt in charts.FORMATS}
    jobs.update({("net", fmt): (charts.net_stance_chart, (actors, "actor", "t", "advocate", "caution", 30, fmt))
                 for fmt in charts.FORMATS})
    apart, here = draw(jobs, processes=2), draw(jobs, processes=1)
    assert list(apart) == list(jobs) and apart == here
    assert apart["shares", "png"].startswith(b"\x89PNG") and b"<svg" in apart["net", "svg"]
