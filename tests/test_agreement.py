import pytest

from stance.agreement import agreement
from stance.annotations import Annotation


def _row(i, label, actors=()):
    return Annotation(id=f"d-{i}", doc_id="d", text=f"sentence {i}", label=label, actors=tuple(actors))


def test_kappa_corrects_for_chance_and_lists_disagreements():
    first = [_row(1, "advocate", ["A"]), _row(2, "caution"), _row(3, "neutral"), _row(4, "neutral")]
    second = [_row(1, "advocate", ["A", "B"]), _row(2, "neutral"), _row(3, "neutral"), _row(4, "neutral")]
    result = agreement(first, second)
    assert result.n == 4 and result.label_agreement == 0.75
    # observed 0.75; chance (1/4*1/4 + 1/4*0 + 2/4*3/4) = 0.4375 -> kappa = 0.3125 / 0.5625
    assert result.kappa == pytest.approx(0.3125 / 0.5625)
    assert [a.id for a, _ in result.label_disagreements] == ["d-2"]
    assert result.holder_agreement == 0.75 and [a.id for a, _ in result.holder_disagreements] == ["d-1"]


def test_only_shared_ids_are_compared():
    result = agreement([_row(1, "advocate"), _row(2, "caution")], [_row(2, "caution"), _row(9, "neutral")])
    assert result.n == 1 and result.label_agreement == 1.0
    with pytest.raises(ValueError):
        agreement([_row(1, "advocate")], [_row(2, "advocate")])


def test_krippendorffs_alpha_handles_three_annotators_and_missing_labels():
    from stance.agreement import Coding, reliability

    rows = {"u1": {"a": "advocate", "b": "advocate", "c": "advocate"}, "u2": {"a": "advocate", "b": "caution"},
            "u3": {"a": "caution", "b": "caution", "c": "caution"}, "u4": {"a": "advocate", "b": "advocate",
                                                                          "c": "caution"},
            "u5": {"c": "neutral"}}  # one annotator only: not a shared sentence
    codings = [Coding(unit, coder, label) for unit, by in rows.items() for coder, label in by.items()]
    result = reliability(codings, ("advocate", "caution", "neutral"))
    # coincidences: advocate-advocate 4, caution-caution 3, advocate-caution 2 + 2 (n = 11, n_adv 6, n_cau 5):
    # alpha = 1 - (n - 1) * 4 / (2 * 6 * 5) = 1/3
    assert result.alpha == pytest.approx(1 / 3)
    assert result.n_sentences == 4 and result.n_codings == 11 and result.coders == ("a", "b", "c")
    pair = next(p for p in result.pairs if p["coders"] == ["a", "b"])
    assert pair["n"] == 4 and pair["agreement"] == 0.75
    assert [s for s, _, _ in result.disagreements] == ["u2", "u4"]


def _label_studio_task(number, text, *labels):
    return {"id": number, "data": {"text": text, "doc_id": "d"},
            "annotations": [{"completed_by": who, "result": [{"type": "choices", "from_name": "stance",
                                                              "value": {"choices": [label]}}]}
                            for who, label in labels]}


def test_agreement_reads_tool_exports_with_any_number_of_annotators(make_cfg, tmp_path):
    import json

    from stance.cli.agreement import agreement as run_agreement

    export = tmp_path / "project-1.json"
    export.write_text(json.dumps([
        _label_studio_task(1, "Strike them now.", (1, "Hawkish"), (2, "Hawkish"), (3, "Hawkish")),
        _label_studio_task(2, "We must not escalate.", (1, "Dovish"), (2, "Dovish"), (3, "Hawkish")),
        _label_studio_task(3, "Troops arrived on Monday.", (1, "Neutral"), (2, "Neutral")),
    ]), encoding="utf-8")
    doccano = tmp_path / "admin.jsonl"
    doccano.write_text("\n".join(json.dumps({"id": i, "text": text, "doc_id": "d", "label": [label]}) for i, (text, label)
                                 in enumerate([("Strike them now.", "Hawkish"), ("We must not escalate.", "Dovish"),
                                               ("Troops arrived on Monday.", "Hawkish")])) + "\n", encoding="utf-8")
    settings = make_cfg(f"agreement.files=[{export},{doccano}]",
                        "importing.label_map={Hawkish: advocate, Dovish: caution}")
    summary = run_agreement(settings, tmp_path / "run")
    assert summary["annotators"] == ["admin", "project-1:1", "project-1:2", "project-1:3"]
    assert summary["n"] == 3 and 0 < summary["alpha"] < 1
    assert {s["text"] for s in summary["disagreements"]} == {"We must not escalate.", "Troops arrived on Monday."}
    assert (tmp_path / "run" / "agreement.json").is_file()


def test_an_unknown_label_in_an_export_is_named_with_its_task(make_cfg, tmp_path):
    import json

    from stance.cli.agreement import agreement as run_agreement
    from stance.errors import AnnotationError

    export = tmp_path / "project-1.json"
    export.write_text(json.dumps([_label_studio_task(1, "Strike.", (1, "advocate"), (2, "Warlike"))]), encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"project-1.json: task 1: unknown label 'Warlike'"):
        run_agreement(make_cfg(f"agreement.files=[{export}]"), tmp_path / "run")
