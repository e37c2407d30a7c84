"""Discourse networks: two-mode actor x stance, congruence and conflict, affiliations, windows."""

import networkx as nx

from stance.networks import (StatementCounts, by_affiliation, count_statements, one_mode, statement_tally, two_mode,
                             write_networks)

from conftest import as_predictions

LABELS = ("advocate", "caution", "neutral")


def _records():
    return as_predictions([
        {"id": "1", "doc_id": "a", "date": "2020-03-02", "label": "advocate", "actors": ["Pompeo", "Esper"]},
        {"id": "2", "doc_id": "a", "date": "2020-03-02", "label": "advocate", "actors": ["Pompeo"]},
        {"id": "3", "doc_id": "b", "date": "2020-04-10", "label": "caution", "actors": ["White"]},
        {"id": "4", "doc_id": "b", "date": "2020-04-10", "label": "neutral", "actors": ["Milley"]},
        {"id": "5", "doc_id": "c", "date": "2020-04-11", "label": "caution", "actors": ["Esper"]},
    ], LABELS)


def test_congruence_ties_actors_who_voiced_the_same_position_and_conflict_opposite_ones():
    counts = count_statements(_records(), None).overall
    congruence = one_mode(counts, "congruence", "advocate", "caution")
    conflict = one_mode(counts, "conflict", "advocate", "caution")
    assert "Milley" not in congruence  # neutral sentences voice no position
    assert congruence["Pompeo"]["Esper"]["weight"] == 1  # min(2 advocate, 1 advocate)
    assert congruence["Esper"]["White"]["weight"] == 1   # both cautioned once
    assert not congruence.has_edge("Pompeo", "White")
    assert conflict["Pompeo"]["White"]["weight"] == 1 and conflict["Pompeo"]["Esper"]["weight"] == 1
    assert conflict.nodes["Pompeo"]["net_stance"] == 1.0


def test_two_mode_and_affiliation_networks_weigh_statements():
    counts = count_statements(_records(), None).overall
    graph = two_mode(counts, LABELS, "advocate", "caution")
    assert graph["actor:Pompeo"]["stance:advocate"]["weight"] == 2
    assert sum(w for _, _, w in graph.edges(data="weight")) == 6  # holder-sentences
    groups = by_affiliation(counts, {"Pompeo": "US government", "Esper": "US government", "White": "US military"})
    assert groups["US government"] == {"advocate": 3, "caution": 1}
    assert groups["Milley"] == {"neutral": 1}  # no affiliation: the actor stands for itself


def test_networks_are_written_as_graphml_and_gexf_overall_and_per_window(tmp_path):
    written = write_networks(_records(), tmp_path, LABELS, "advocate", "caution", {"Pompeo": "US government"}, "month")
    names = {p.relative_to(tmp_path).as_posix() for p in written}
    assert {"actor_congruence.graphml", "actor_congruence.gexf", "affiliation_conflict.gexf", "actor_stance.gexf",
            "networks/2020-03/actor_congruence.graphml", "networks/2020-04/actor_conflict.gexf"} <= names
    april = nx.read_graphml(tmp_path / "networks" / "2020-04" / "actor_congruence.graphml")
    assert april["White"]["Esper"]["weight"] == 1 and "Pompeo" not in april
    march = nx.read_gexf(tmp_path / "networks" / "2020-03" / "actor_congruence.gexf")
    assert set(march.nodes) == {"Pompeo", "Esper"}
    assert nx.read_graphml(tmp_path / "actor_conflict.graphml").nodes["Pompeo"]["affiliation"] == "US government"


def test_networks_from_batch_tallies_are_the_networks_of_the_records_read_again(tmp_path):
    records = _records() + as_predictions([
        {"id": "6", "doc_id": "d", "date": "", "label": "advocate", "actors": ["White", "Pompeo"]},
        {"id": "7", "doc_id": "e", "date": "2020-04-12", "label": "advocate", "actors": ["Milley"]},
    ], LABELS)
    counts = StatementCounts()
    for batch in (records[:2], records[2:5], records[5:]):  # as labelled batches arrive
        counts.add_tally(statement_tally(batch), "month")
    again = count_statements(records, "month")
    assert counts.overall == again.overall and counts.windows == again.windows
    affiliations = {"Pompeo": "State Department", "Esper": "Pentagon", "Milley": "Pentagon"}
    streamed = write_networks(counts, tmp_path / "streamed", LABELS, "advocate", "caution", affiliations, "month")
    reread = write_networks(records, tmp_path / "reread", LABELS, "advocate", "caution", affiliations, "month")
    assert [p.relative_to(tmp_path / "streamed") for p in streamed] == [p.relative_to(tmp_path / "reread") for p in reread]
    assert len(streamed) > 10
    for a, b in zip(streamed, reread):
        assert a.read_bytes() == b.read_bytes()
