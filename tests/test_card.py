"""Model cards: what identifies a stored model."""

from stance.card import DataSummary, ModelCard


def _card(command: str, version: str = "", corpus: str | None = "data/corpus") -> ModelCard:
    data = DataSummary("data/annotations/seed.jsonl", "ab" * 32, 181, 5, {"neutral": 122})
    return ModelCard(labels=("advocate", "caution", "neutral"), config={"model": {"C": 1.0}}, annotations=data,
                     metrics={"macro_f1": 0.7}, libraries={"scikit-learn": "1"}, command=command, corpus=corpus,
                     version=version)


def test_the_same_model_asked_for_by_another_command_line_is_the_same_model():
    again = _card("stance train model.C=1.0", version="20261122-032929-7c44a51b")
    assert _card("stance train").identity() == again.identity()
    assert _card("stance train").identity() != _card("stance train", corpus="elsewhere").identity()
