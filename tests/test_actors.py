import pytest
import yaml

from stance.gazetteer import load_gazetteer
from stance.holders import Cues, HolderFinder, attribute_article
from stance.errors import ActorError
from stance.settings import CONFIG_DIR
from tests.conftest import SEED_ACTORS


@pytest.fixture(scope="module")
def finder():
    conf = yaml.safe_load((CONFIG_DIR / "actors" / "default.yaml").read_text())
    return HolderFinder(load_gazetteer(SEED_ACTORS), Cues(tuple(conf["reporting_verbs"]), tuple(conf["phrases"]), conf["window"]))


def holders(finder, *sentences):
    return [list(a.holders) for a in attribute_article(sentences, finder)]


def test_holders_not_mentions(finder):
    assert holders(finder, "Pompeo and O'Brien have been pushing for aggressive new action against Iran.") == \
        [["Mike Pompeo", "Robert C. O'Brien"]]


def test_agent_after_by_and_coordinated_agents(finder):
    assert holders(finder, "Critics say these plans were pushed by Pompeo and the National Security Council.") == \
        [["Mike Pompeo", "National Security Council"]]


def test_passive_subject_is_not_a_holder(finder):
    result = holders(finder, "Reports suggested that the Pentagon had been ordered, by Secretary of State Mike Pompeo, to start planning.")
    assert result == [["Mike Pompeo"]]


def test_inverted_speech_and_according_to(finder):
    assert holders(finder, '"It\'s like a shadow state," said Michael Knights, an analyst.') == [["Michael Knights"]]
    assert holders(finder, "Trump allowed the planning to continue, according to US officials.") == \
        [["Donald Trump", "US officials (unnamed)"]]


def test_names_inside_a_quotation_are_not_holders(finder):
    result = holders(finder, '"Iraq cannot be a victim of an Iran conflict," said Karim al-Nuri, a figure in the Badr Organization.')
    assert result == [["Badr Organization"]]


def test_title_reference_and_pronoun_resolve_within_the_article(finder):
    result = holders(finder,
                     "Lt. Gen. Robert White was very averse to this idea.",
                     "He also warned it risks starting a war with Iran.",
                     "Esper authorized planning.",
                     "But the commander warned that such a campaign could be bloody.")
    assert result == [["Robert P. White"], ["Robert P. White"], ["Mark Esper"], ["Robert P. White"]]


def test_back_references_do_not_cross_articles(finder):
    attribute_article(["General McKenzie said the threat remains high."], finder)
    assert holders(finder, "He warned of more attacks.") == [[]]


def test_unknown_speakers_are_reported_as_candidates(finder):
    [attribution] = attribute_article(['"Nobody wants war," said Jane Doe, a diplomat.'], finder)
    assert attribution.holders == ()
    assert attribution.candidates == ("Jane Doe",)


def test_white_house_is_not_general_white(finder):
    assert holders(finder, "During a White House meeting, officials said nothing.") == [["US officials (unnamed)"]]


def test_gazetteer_errors_name_the_line(tmp_path):
    bad = tmp_path / "actors.yaml"
    bad.write_text("- name: A\n  kind: person\n  aliases: [A]\n- name: B\n  kind: robot\n", encoding="utf-8")
    with pytest.raises(ActorError, match=r"actors.yaml:4: actor 'B' has kind 'robot'"):
        load_gazetteer(bad)
    bad.write_text("", encoding="utf-8")
    with pytest.raises(ActorError, match="empty file"):
        load_gazetteer(bad)


def test_seed_gazetteer_covers_the_spec_actors():
    names = {a.name for a in load_gazetteer(SEED_ACTORS)}
    for required in ("Donald Trump", "Mike Pompeo", "Robert C. O'Brien", "Mark Esper", "Mark Milley", "Robert P. White",
                     "Kenneth F. McKenzie Jr.", "Pentagon", "National Security Council", "Kataib Hezbollah", "Iran",
                     "Popular Mobilization Units", "Badr Organization", "US officials (unnamed)"):
        assert required in names


def test_spokesman_for_an_organisation_speaks_for_it(finder):
    assert holders(finder, "A spokesman for the National Security Council declined to comment.") == \
        [["National Security Council"]]
    assert holders(finder, "Some in the Pentagon, and the US public, are wary of a new round of escalation.") == \
        [["Pentagon"]]


def test_a_group_named_by_its_members_is_not_listed_besides_them(finder):
    assert holders(finder, "Some senior officials, including Mike Pompeo and Robert C. O'Brien, have been pushing for strikes.") == \
        [["Mike Pompeo", "Robert C. O'Brien"]]


def test_a_quotation_that_runs_on_keeps_its_speaker(finder):
    result = holders(finder, '"You can\'t kill Americans and get away with it," Esper said.',
                     '"We will respond at the time we choose. We will hold them accountable."',
                     "Troops were moved.")
    assert result == [["Mark Esper"], ["Mark Esper"], []]
