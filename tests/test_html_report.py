import re

from stance.aggregate import StanceCounts, stance_tables
from stance.html_report import collect_evidence, in_context, render_report

from tests.conftest import as_predictions

LABELS = ["advocate", "caution", "neutral"]


def _records():
    texts = [("a1", "The Pentagon ordered a plan for an escalation.", "advocate", ["Pentagon"]),
             ("a1", "The commander warned it could be bloody & counterproductive.", "caution", ["Robert P. White"]),
             ("a1", "About 5,000 troops are stationed in Iraq.", "neutral", []),
             ("b1", "<script>alert('x')</script> said nothing.", "neutral", ["Pentagon"]),
             ("b1", "Pompeo pushed for new action.", "advocate", ["Mike Pompeo"])]
    outlets = {"a1": "Hawk Daily", "b1": "Dove Post"}
    return [{"id": f"{doc}-{i}", "doc_id": doc, "outlet": outlets[doc], "original_outlet": outlets[doc], "date": "2020-03-27",
             "title": f"Title {doc}", "sent_idx": i, "text": text, "label": label,
             "proba": {l: (0.8 if l == label else 0.1) for l in LABELS}, "actors": actors, "in_training": False}
            for i, (doc, text, label, actors) in enumerate(texts)]


def test_context_stays_inside_an_article():
    triples = list(in_context(as_predictions(_records())))
    assert [(b and b.id, r.id, a and a.id) for b, r, a in triples] == [
        (None, "a1-0", "a1-1"), ("a1-0", "a1-1", "a1-2"), ("a1-1", "a1-2", None), (None, "b1-3", "b1-4"), ("b1-3", "b1-4", None)]


def test_evidence_fills_every_cell_and_respects_the_cap():
    cells = collect_evidence(as_predictions(_records()), max_per_cell=1)
    assert [e.text for e in cells["by_outlet"][("Hawk Daily", "caution")]][0].startswith("The commander")
    white = cells["by_actor"][("Robert P. White", "caution")][0]
    assert white.before.startswith("The Pentagon") and white.after.startswith("About 5,000")
    assert white.holders == ("Robert P. White",) and white.probability == 0.8
    assert len(cells["by_actor"][("Pentagon", "advocate")]) == 1
    assert set(cells["actor_by_outlet"]) == {("Pentagon", "Hawk Daily", "advocate"), ("Robert P. White", "Hawk Daily", "caution"),
                                             ("Pentagon", "Dove Post", "neutral"), ("Mike Pompeo", "Dove Post", "advocate")}


def test_page_links_each_cell_to_its_sentences_escapes_text_and_needs_no_network():
    records = _records()
    tables = stance_tables(StanceCounts().add_all(as_predictions(records)), LABELS)
    page = render_report("Stance report", [("model", "v1")], ["a note"], tables,
                         {"by_outlet": "Stance by outlet"}, {"by_outlet": b"\x89PNG fake"},
                         collect_evidence(as_predictions(records)), LABELS)
    assert page.startswith("<!DOCTYPE html>") and page.count("<table") == 3
    assert "Stance by outlet" in page and "data:image/png;base64," in page
    for link in re.findall(r'href="#([^"]+)"', page):
        assert f'id="{link}"' in page, link
    assert "could be bloody &amp; counterproductive" in page
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page
    assert '<td class="group">Hawk Daily</td>' in page and '<td class="group">Mike Pompeo</td>' in page


def test_evidence_is_kept_only_for_the_rows_the_page_shows():
    cells = collect_evidence(as_predictions(_records()), shown={"by_outlet": {("Dove Post",)}, "by_actor": set()})
    assert set(cells["by_outlet"]) == {("Dove Post", "neutral"), ("Dove Post", "advocate")}
    assert cells["by_actor"] == {} and cells["actor_by_outlet"] == {}
