"""Discourse networks, as Discourse Network Analyzer users draw them, through networkx.

From every (sentence, holder) pair and the sentence's stance label:

- the actor x stance two-mode network (actors and stance labels, edges weighted by the
  actor's sentences with that label);
- one-mode actor networks of **congruence** (two actors voiced the same position: both
  ``plus`` or both ``minus``) and **conflict** (one voiced ``plus``, the other ``minus``).
  The weight of a tie is the number of statements they share, counted as DNA's minimum
  rule does: for congruence ``sum over positions of min(a's, b's statements)``, for
  conflict ``min(a plus, b minus) + min(a minus, b plus)``. Neutral sentences voice no
  position and make no tie;
- the same networks at the level of affiliations (the gazetteer's ``affiliation``: the
  organisation an actor speaks for; an actor without one stands for itself);
- the congruence and conflict networks per time window (day, week or month).

Each is written as GraphML and GEXF (Gephi, igraph, networkx, visone read them).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from .files import write_atomic
from .timeline import period_of

if TYPE_CHECKING:
    import networkx as nx

FORMATS = ("graphml", "gexf")


@dataclass
class StatementCounts:
    """Statements (holder-sentences) per actor and label, overall and per time window."""

    overall: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    windows: dict[str, dict[str, dict[str, int]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(int))))

    def add(self, actor: str, label: str, window: str | None, n: int = 1) -> None:
        self.overall[actor][label] += n
        if window:
            self.windows[window][actor][label] += n

    def add_tally(self, tally: Mapping[tuple[str, str, str], int], window_unit: str | None) -> "StatementCounts":
        """Add a :func:`statement_tally` (a labelled batch's), windows by the dates in it."""
        for (date, actor, label), n in tally.items():
            self.add(actor, label, period_of(date, window_unit) if window_unit else None, n)
        return self


def statement_tally(records: Iterable) -> Counter:
    """Statements per (article date, actor, label): what a batch of records adds to the
    networks, as small as the dates, actors and labels in it (every network is a sum of them)."""
    return Counter((record.date, actor, record.label) for record in records for actor in record.actors)


def count_statements(records: Iterable, window_unit: str | None) -> StatementCounts:
    """Stream prediction records into statement counts (windows by the article's date)."""
    return StatementCounts().add_tally(statement_tally(records), window_unit)


def by_affiliation(counts: Mapping[str, Mapping[str, int]], affiliations: Mapping[str, str]
                   ) -> dict[str, dict[str, int]]:
    """Actor counts summed per affiliation (an actor without one stands for itself)."""
    merged: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for actor, labels in counts.items():
        for label, n in labels.items():
            merged[affiliations.get(actor) or actor][label] += n
    return merged


def _net(labels: Mapping[str, int], plus: str, minus: str) -> float:
    total = sum(labels.values())
    return (labels.get(plus, 0) - labels.get(minus, 0)) / total if total else 0.0


def _node(graph: nx.Graph, name: str, labels: Mapping[str, int], plus: str, minus: str, level: str,
          affiliations: Mapping[str, str]) -> None:
    graph.add_node(name, label=name, mode=level, n=int(sum(labels.values())), net_stance=round(_net(labels, plus, minus), 4),
                   **{f"n_{label}": int(n) for label, n in sorted(labels.items())},
                   **({"affiliation": affiliations.get(name, "")} if level == "actor" else {}))


def two_mode(counts: Mapping[str, Mapping[str, int]], labels: Sequence[str], plus: str, minus: str,
             level: str = "actor", affiliations: Mapping[str, str] | None = None) -> nx.Graph:
    """Actors (or affiliations) and stance labels; edge weight = statements with that label."""
    import networkx as nx  # imported when a network is built: labelling runs without it (about 11 MiB)

    graph = nx.Graph(name=f"{level} x stance", level=level)
    for label in labels:
        graph.add_node(f"stance:{label}", label=label, mode="stance", bipartite=1,
                       n=int(sum(c.get(label, 0) for c in counts.values())))
    for name in sorted(counts):
        node = f"{level}:{name}"
        _node(graph, node, counts[name], plus, minus, level, affiliations or {})
        graph.nodes[node]["label"], graph.nodes[node]["bipartite"] = name, 0
        for label in labels:
            if counts[name].get(label, 0) > 0:
                graph.add_edge(node, f"stance:{label}", weight=int(counts[name][label]))
    return graph


def one_mode(counts: Mapping[str, Mapping[str, int]], relation: str, plus: str, minus: str,
             level: str = "actor", affiliations: Mapping[str, str] | None = None) -> nx.Graph:
    """The congruence or conflict network: actors who voiced a position, tied by the
    statements they share (see the module's description of the weights)."""
    if relation not in ("congruence", "conflict"):
        raise ValueError(f"unknown relation {relation!r}")
    import networkx as nx

    graph = nx.Graph(name=f"{level} {relation}", level=level, relation=relation)
    voiced = sorted(name for name, labels in counts.items() if labels.get(plus, 0) or labels.get(minus, 0))
    for name in voiced:
        _node(graph, name, counts[name], plus, minus, level, affiliations or {})
    for a, b in combinations(voiced, 2):
        ca, cb = counts[a], counts[b]
        if relation == "congruence":
            weight = min(ca.get(plus, 0), cb.get(plus, 0)) + min(ca.get(minus, 0), cb.get(minus, 0))
        else:
            weight = min(ca.get(plus, 0), cb.get(minus, 0)) + min(ca.get(minus, 0), cb.get(plus, 0))
        if weight > 0:
            graph.add_edge(a, b, weight=int(weight))
    return graph


def write_graph(graph: nx.Graph, stem: Path, formats: Sequence[str] = FORMATS) -> list[Path]:
    """The graph as ``<stem>.graphml`` and ``<stem>.gexf``, each written atomically."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    written = []
    import networkx as nx

    for fmt, writer in (("graphml", nx.write_graphml), ("gexf", nx.write_gexf)):
        if fmt not in formats:
            continue
        path = stem.with_name(f"{stem.name}.{fmt}")
        written.append(write_atomic(path, lambda tmp, w=writer: w(graph, str(tmp))))
    return written


def write_networks(records: Iterable | StatementCounts, out_dir: Path, labels: Sequence[str], plus: str, minus: str,
                   affiliations: Mapping[str, str], window_unit: str | None) -> list[Path]:
    """Every network of the module's description into ``out_dir`` (per-window ones under
    ``networks/<window>/``), from prediction records or statement counts already made with
    ``window_unit``; returns the files written."""
    counts = records if isinstance(records, StatementCounts) else count_statements(records, window_unit)
    groups = by_affiliation(counts.overall, affiliations)
    written = write_graph(two_mode(counts.overall, labels, plus, minus, "actor", affiliations),
                          out_dir / "actor_stance", ("gexf",))  # its GraphML: the `network` output
    written += write_graph(two_mode(groups, labels, plus, minus, "affiliation"), out_dir / "affiliation_stance")
    for relation in ("congruence", "conflict"):
        written += write_graph(one_mode(counts.overall, relation, plus, minus, "actor", affiliations),
                               out_dir / f"actor_{relation}")
        written += write_graph(one_mode(groups, relation, plus, minus, "affiliation"), out_dir / f"affiliation_{relation}")
        for window, window_counts in sorted(counts.windows.items()):
            written += write_graph(one_mode(window_counts, relation, plus, minus, "actor", affiliations),
                                   out_dir / "networks" / window / f"actor_{relation}")
    return written
