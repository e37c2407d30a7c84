"""Holder attribution (SPEC 3): who holds the position a sentence reports. Each cause of error
the holder scoring knows (stance.holder_eval.CAUSES) has tests here, built from sentences
written for them; the finder is built from the composed config, as the commands build it."""

import pytest

from stance.holders import attribute_article, make_finder, quotation_runs
from tests.conftest import SEED_ACTORS, settings_for

ACTORS = """\
- name: Maria Lopez
  kind: person
  gender: female
  aliases: [Maria Lopez, Defense Minister Maria Lopez, Lopez]
  titles: [the defense minister, minister]
- name: Tom Baker
  kind: person
  gender: male
  aliases: [Tom Baker, Senator Tom Baker, Baker]
  titles: [senator, congressman]
- name: Ali Hassan
  kind: person
  gender: male
  aliases: [Ali Hassan, Hassan]
  titles: [captain]
- name: Kenneth Moore Jr.
  kind: person
  aliases: [Kenneth Moore Jr.]
- name: José Peña
  kind: person
  aliases: [José Peña]
- name: Northland
  kind: organization
  aliases: [Northland, Northland government]
- name: Northland Interior Ministry
  kind: organization
  aliases: [Northland Interior Ministry]
  titles: [interior ministry, ministry]
- name: Red Brigade
  kind: organization
  aliases: [Red Brigade, the rebels]
- name: al-Shabaab
  kind: organization
  aliases: [al-Shabaab]
- name: United Nations
  kind: organization
  aliases: [United Nations, UN]
- name: officials (unnamed)
  kind: organization
  aliases: [officials, three officials, Officials]
"""


@pytest.fixture(scope="module")
def actor_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("actors") / "actors.yaml"
    path.write_text(ACTORS, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def finder(actor_file):
    return make_finder(settings_for(f"actors.path={actor_file}").actors)


@pytest.fixture(scope="module")
def seed_finder():
    return make_finder(settings_for(f"actors.path={SEED_ACTORS}").actors)


def holders(finder, *sentences, paragraphs=None):
    return [list(a.holders) for a in attribute_article(sentences, finder, paragraphs)]


# --- the checks a new user made on short articles with their own actor file (issue 11) ---

def test_the_first_users_checks_find_their_holders(finder):
    assert holders(finder, "The curfew will stay in force for a week, according to the Northland Interior Ministry.") \
        == [["Northland Interior Ministry"]]
    assert holders(finder, "The United Nations called on both sides to stop the shelling.") == [["United Nations"]]
    assert holders(finder, "Maria Lopez met the commanders on Monday.",
                   "She recommended a pause in the air campaign.") == [[], ["Maria Lopez"]]
    assert holders(finder, "Maria Lopez visited the front.",
                   '"We will not send more troops," she said.') == [[], ["Maria Lopez"]]
    assert holders(finder, "The garrison will be reinforced before winter, three officials familiar with the "
                           "discussions said.") == [["officials (unnamed)"]]


# --- pronoun ---

def test_a_pronoun_anywhere_in_the_sentence_takes_the_speaker(finder):
    assert holders(finder, "Maria Lopez returned from the border.",
                   "In a statement, she warned that the truce could collapse.") == [[], ["Maria Lopez"]]
    assert holders(finder, "Tom Baker has yet to decide if he will back the strikes.") == [["Tom Baker"]]


def test_an_actor_met_through_a_title_or_pronoun_is_the_next_pronouns_antecedent(finder):
    assert holders(finder, "Ali Hassan toured the camp on Monday.", "Senator Tom Baker arrived later.",
                   "The captain warned that the camp was full.", "He urged the aid groups to send tents.",
                   "He also asked for more doctors.") == [[], [], ["Ali Hassan"], ["Ali Hassan"], ["Ali Hassan"]]


def test_a_name_inside_a_quotation_or_used_as_a_modifier_is_not_the_antecedent(finder):
    assert holders(finder, "Ali Hassan opened the hearing.",
                   '"Tom Baker has misled everyone about the war," Lopez said.',
                   '"We must act now," he said.')[2] == ["Ali Hassan"]
    assert holders(finder, "Ali Hassan spoke on Monday.",
                   "The Baker plan was rejected by the committee.",
                   '"It is dead and buried," he said.')[2] == ["Ali Hassan"]


def test_he_and_she_skip_actors_of_the_other_gender_and_they_takes_several_holders(finder):
    assert holders(finder, "Maria Lopez and Tom Baker met on Friday.",
                   '"There is no military answer," she said.',
                   '"We should strike first," he said.')[1:] == [["Maria Lopez"], ["Tom Baker"]]
    assert holders(finder, "Maria Lopez and Tom Baker urged a ceasefire.",
                   "They warned that the fighting would spread.") == \
        [["Maria Lopez", "Tom Baker"], ["Maria Lopez", "Tom Baker"]]


def test_a_sentence_opening_with_he_or_she_keeps_following_the_speaker(finder):
    assert holders(finder, "Maria Lopez said the talks had failed.", "She also met the envoy in private.") == \
        [["Maria Lopez"], ["Maria Lopez"]]
    assert holders(finder, "Maria Lopez and Tom Baker said the talks had failed.", "He also met the envoy.")[1] == []
    assert holders(finder, "The talks failed.", "She also met the envoy in private.")[1] == []


def test_back_references_never_cross_articles(finder):
    attribute_article(["Tom Baker said the threat remains high."], finder)
    assert holders(finder, "He warned of more attacks.") == [[]]


# --- running quotation ---

def test_a_quotation_running_over_paragraphs_keeps_its_speaker_and_names_inside_are_not_holders(finder):
    result = holders(finder,
                     'Maria Lopez said the talks had failed. "We offered everything.',
                     '"The rebels refused every proposal. Tom Baker knows this.',
                     '"Now we will defend ourselves."',
                     "The meeting ended at noon.",
                     paragraphs=[True, True, True, True])
    assert result == [["Maria Lopez"], ["Maria Lopez"], ["Maria Lopez"], []]


def test_a_speaker_named_where_the_quotation_closes_holds_its_earlier_sentences(finder):
    result = holders(finder, '"We will not wait for another attack.', '"We will strike first," Maria Lopez said.',
                     paragraphs=[True, True])
    assert result == [["Maria Lopez"], ["Maria Lopez"]]


def test_a_stray_quotation_mark_does_not_run_on_and_the_run_is_capped(finder, actor_file):
    assert holders(finder, 'Tom Baker said it was a "farce.', "The army moved north.", "Roads were closed.") == \
        [["Tom Baker"], [], []]
    capped = make_finder(settings_for(f"actors.path={actor_file}", "actors.quote_limit=1").actors)
    sentences = ['Maria Lopez said: "We offered everything.', '"They refused.', '"Now we fight.', '"It is over."']
    assert holders(capped, *sentences, paragraphs=[True] * 4) == [["Maria Lopez"], ["Maria Lopez"], [], []]
    assert quotation_runs([s.strip() for s in sentences], [True] * 4, 6) == [False, True, True, True]


# --- title ---

def test_titles_resolve_with_modifiers_and_whatever_article_the_gazetteer_wrote(finder):
    assert holders(finder, "Senator Tom Baker toured the base.",
                   "The four-term congressman warned against new strikes.") == [[], ["Tom Baker"]]
    assert holders(finder, "Maria Lopez arrived in the capital.",
                   '"We are ready," the defense minister told reporters.') == [[], ["Maria Lopez"]]


def test_a_common_noun_alias_means_the_actor_only_after_the_article_named_it(tmp_path):
    path = tmp_path / "actors.yaml"
    path.write_text("- name: Lena Ostrova\n  kind: person\n  gender: female\n  aliases: [Lena Ostrova, the president]\n"
                    "- name: Piet Varga\n  kind: person\n  gender: male\n  aliases: [Piet Varga]\n"
                    "  titles: [president]\n", encoding="utf-8")
    finder = make_finder(settings_for(f"actors.path={path}").actors)
    assert holders(finder, "Piet Varga flew to the coast.", '"The ports stay closed," the president said.') == \
        [[], ["Piet Varga"]]
    assert holders(finder, "Lena Ostrova met the generals.", '"We will not retreat," the president said.') == \
        [[], ["Lena Ostrova"]]


# --- gazetteer form: a part of a name the article gave in full ---

def test_a_surname_means_the_person_the_article_named_in_full(tmp_path):
    path = tmp_path / "actors.yaml"
    path.write_text("- name: Park Min-jun\n  kind: person\n  aliases: [Park Min-jun, Park]\n"
                    "- name: Park Seo-yeon\n  kind: person\n  aliases: [Park Seo-yeon]\n"
                    "- name: Dana Whitcombe\n  kind: person\n  aliases: [Dana Whitcombe]\n", encoding="utf-8")
    finder = make_finder(settings_for(f"actors.path={path}").actors)
    assert holders(finder, "Park Seo-yeon inspected the new launchers on Sunday.",
                   "Park said the drills would go on all month.") == [[], ["Park Seo-yeon"]]
    assert holders(finder, "Dana Whitcombe chairs the oversight panel.",
                   "Whitcombe warned that the budget could not cover a second deployment.") == [[], ["Dana Whitcombe"]]
    assert holders(finder, "Dana Whitcombe chairs the oversight panel.",
                   'The fleet, Ms. Whitcombe said, "cannot sail without its tankers."') == [[], ["Dana Whitcombe"]]
    # without the full name earlier, the part is no one's (or the gazetteer's own alias)
    assert holders(finder, "Whitcombe warned that the budget was short.", "Park said the drills would go on.") == \
        [[], ["Park Min-jun"]]
    # and a part of a longer name is not the person: "Dana Whitcombe" then "Lee Whitcombe"
    assert holders(finder, "Dana Whitcombe spoke first.", "Lee Whitcombe said the panel had not decided.") == \
        [["Dana Whitcombe"], []]


# --- other: passives and conditions hold no one's position ---

def test_the_subject_of_a_passive_cue_does_not_hold(finder):
    assert "Ali Hassan" not in holders(finder, "Ali Hassan is also wanted in three provinces for the bombing.")[0]
    assert holders(finder, "Maria Lopez was repeatedly criticized over the convoy losses.") == [[]]
    assert holders(finder, "Maria Lopez has criticized the convoy plan.") == [["Maria Lopez"]]


def test_a_speaker_in_a_condition_holds_nothing(finder):
    assert holders(finder, "If Tom Baker says the base must close, the town will protest.") == [[]]
    assert holders(finder, "The deal may fail unless Northland agrees to withdraw.") == [[]]
    assert holders(finder, "The talks resumed after Northland agreed to withdraw.") == [["Northland"]]


# --- running quotation: transcripts and communiques ---

def test_a_communique_header_gives_the_whole_text_its_author(finder):
    assert holders(finder, "[COMMUNIQUE FROM THE RED BRIGADE TO THE PEOPLE OF NORTHLAND] THE WAR WILL GO ON.",
                   "WE WILL NOT LAY DOWN OUR ARMS UNTIL THE OCCUPIERS LEAVE.",
                   "THE HARVEST WAS POOR THIS YEAR.", paragraphs=[True, True, True]) == \
        [["Red Brigade"], ["Red Brigade"], ["Red Brigade"]]


def test_a_transcript_label_gives_its_paragraph_to_the_speaker(finder):
    assert holders(finder, "BAKER: We have no plan to send troops.", "The region is calm enough.",
                   "The hearing closed at noon.", paragraphs=[True, False, True]) == [["Tom Baker"], ["Tom Baker"], []]
    # a label naming someone the gazetteer lacks hands the turn to no one
    assert holders(finder, "BAKER: We have no plan.", "REPORTER: Is the region calm?",
                   paragraphs=[True, True]) == [["Tom Baker"], []]


def test_a_middle_initial_does_not_hide_the_full_name(tmp_path):
    path = tmp_path / "actors.yaml"
    path.write_text("- name: Dana Whitcombe\n  kind: person\n  aliases: [Dana Whitcombe]\n"
                    "- name: Lee Whitcombe\n  kind: person\n  aliases: [Lee Whitcombe, Whitcombe]\n", encoding="utf-8")
    finder = make_finder(settings_for(f"actors.path={path}").actors)
    assert holders(finder, "Dana K. Whitcombe warned that the fleet was overstretched.") == [["Dana Whitcombe"]]
    assert holders(finder, "Whitcombe warned that the fleet was overstretched.") == [["Lee Whitcombe"]]


def test_an_apposition_whose_closing_comma_was_left_out_still_reaches_its_verb(finder):
    assert holders(finder, "The siege will last into spring, Ali Hassan, a captain with the border guard in the "
                           "north told reporters.") == [["Ali Hassan"]]


def test_a_headline_noun_is_not_a_cue(finder):
    assert holders(finder, "Northland Order to Close the Border Meets Silence in the Capital") == [[]]
    assert holders(finder, "Northland Orders Troops to Close the Border") == [["Northland"]]


# --- conduit ---

def test_a_closing_source_relaying_another_holder_is_a_conduit(finder):
    assert holders(finder, "The Northland government ordered a curfew in the capital, officials said.") == \
        [["Northland"]]
    assert holders(finder, "According to the Northland Interior Ministry, the Red Brigade threatened to attack the "
                           "capital.") == [["Red Brigade"]]


def test_a_titled_source_closing_the_sentence_relays_too(finder):
    assert holders(finder, "The Northland government ordered a curfew in the capital, army spokesman Ali Hassan "
                           "said.") == [["Northland"]]
    assert holders(finder, "Two supply trucks were captured at the checkpoint, police commander Ali Hassan said.") \
        == [[]]
    assert holders(finder, "The convoy will wait for the rain to stop, police commander Ali Hassan said.") == \
        [["Ali Hassan"]]


def test_a_source_relaying_a_fact_holds_no_position(finder):
    assert holders(finder, "Five soldiers were killed in the ambush, according to the Northland Interior Ministry.") \
        == [[]]
    assert holders(finder, "Officials said two trucks exploded near the depot.") == [[]]
    assert holders(finder, "Officials said the attack was probably carried out by the rebels.") == \
        [["officials (unnamed)"]]


# --- missing verb ---

@pytest.mark.parametrize("verb", ["added", "explained", "responded", "told reporters", "is telling voters",
                                  "wrote", "declared", "insisted", "denied", "recommended", "called on the army",
                                  "pleaded", "charged", "has cautioned", "tweeted"])
def test_every_reporting_verb_counts_in_every_inflection(finder, verb):
    assert holders(finder, f"Tom Baker {verb} that the strikes must stop.") == [["Tom Baker"]]


@pytest.mark.parametrize("sentence, holder", [
    ("Northland lodged a protest over the shelling of its border posts.", "Northland"),
    ("Tom Baker echoed the warning in a floor speech.", "Tom Baker"),
    ("Maria Lopez notified parliament of the deployment.", "Maria Lopez"),
    ("The Red Brigade issued an ultimatum to the garrison.", "Red Brigade"),
    ("The rebels are regarded by Northland as a terrorist group.", "Northland"),
    ("Tom Baker lashed out at the defense minister over the convoy losses.", "Tom Baker"),
])
def test_verbs_of_acting_on_a_position_are_cues(finder, sentence, holder):
    assert holders(finder, sentence) == [[holder]]


# --- gazetteer form ---

def test_forms_the_gazetteer_normalises_are_matched(finder):
    assert holders(finder, "Al-Shabaab vowed revenge for the raid.") == [["al-Shabaab"]]
    assert holders(finder, "Jose Pena said the army had been warned.") == [["José Peña"]]
    assert holders(finder, "Kenneth Moore, Jr., said the convoy would wait.") == [["Kenneth Moore Jr."]]


# --- subordinate clause ---

def test_a_speaker_in_a_subordinate_clause_holds(finder):
    assert holders(finder, "The strikes resumed after Tom Baker told reporters that talks had failed.") == \
        [["Tom Baker"]]
    assert holders(finder, "Talks stalled, with Maria Lopez warning that the army would not wait.") == \
        [["Maria Lopez"]]
    assert holders(finder, "The plan is a challenge to Tom Baker, who has vowed to block it.") == [["Tom Baker"]]


# --- other: inverted speech, quoted cues, colons ---

def test_an_honorific_may_stand_between_an_inverted_verb_and_the_name(finder):
    assert holders(finder, '"The fleet is ready," said Navy Capt. Ali Hassan.') == [["Ali Hassan"]]


def test_cues_inside_quotation_marks_are_ignored(finder):
    assert holders(finder, '"If Baker said so, he is wrong," Lopez said.') == [["Maria Lopez"]]
    assert holders(finder, 'The leaflet read "Baker warned us."') == [[]]


def test_quoted_text_introduced_by_a_colon_is_the_speakers(finder):
    assert holders(finder, 'Maria Lopez told the assembly: "We will not retreat."') == [["Maria Lopez"]]
    assert holders(finder, 'Lopez: "We will not retreat"') == [["Maria Lopez"]]


# --- the seed gazetteer's own cases ---

def test_holders_not_mentions(seed_finder):
    assert holders(seed_finder, "Pompeo and O'Brien have been pushing for aggressive new action against Iran.") == \
        [["Mike Pompeo", "Robert C. O'Brien"]]


def test_agent_after_by_and_a_passive_subject(seed_finder):
    assert holders(seed_finder, "Critics say these plans were pushed by Pompeo and the National Security Council.") \
        == [["Mike Pompeo", "National Security Council"]]
    assert holders(seed_finder, "Reports suggested that the Pentagon had been ordered, by Secretary of State Mike "
                                "Pompeo, to start planning.") == [["Mike Pompeo"]]


def test_spokesman_for_an_organisation_and_a_group_named_by_its_members(seed_finder):
    assert holders(seed_finder, "A spokesman for the National Security Council declined to comment.") == \
        [["National Security Council"]]
    assert holders(seed_finder, "Some in the Pentagon, and the US public, are wary of a new round of escalation.") == \
        [["Pentagon"]]
    assert holders(seed_finder, "Some senior officials, including Mike Pompeo and Robert C. O'Brien, have been "
                                "pushing for strikes.") == [["Mike Pompeo", "Robert C. O'Brien"]]


def test_white_house_is_not_general_white_and_unknown_speakers_are_candidates(seed_finder):
    assert holders(seed_finder, "During a White House meeting, officials said nothing.") == [["US officials (unnamed)"]]
    [attribution] = attribute_article(['"Nobody wants war," said Jane Doe, a diplomat.'], seed_finder)
    assert attribution.holders == () and attribution.candidates == ("Jane Doe",)


def test_reasons_say_how_each_holder_was_found(finder):
    first, second = attribute_article(["Maria Lopez visited the front.", '"We hold," she said.'], finder)
    assert first.reasons == () and second.reasons == ("pronoun subject say",)


def test_the_reporting_verbs_are_one_list_of_lemmas_with_every_inflection_generated():
    import re

    from stance.verbs import forms_pattern, inflect

    verbs = settings_for().actors.reporting_verbs
    assert settings_for().segment.attribution_verbs == verbs  # the splitter reads the same list
    assert inflect("call on") == ("call on", "calls on", "called on", "calling on")
    from stance.verbs import finite_forms

    # what a speaking source takes: third person and past, never the base form that is also a noun
    assert finite_forms("report") == ("reports", "reported") and finite_forms("read") == ("reads", "read")
    assert finite_forms("tell reporters") == ("tells reporters", "told reporters")
    assert {"told", "telling", "wrote", "written", "denied", "pleaded"} <= {f for v in verbs for f in inflect(v)}
    pattern = re.compile(forms_pattern(["call", "called", "called on", "calls"]))
    assert [m.group() for m in pattern.finditer("she called  on them, calls, and called")] == \
        ["called  on", "calls", "called"]


@pytest.mark.parametrize("override, message", [
    ("actors.quote_limit=-1", r"config: actors\.quote_limit=-1: expected"),
    ("actors.reporting_verbs=[]", r"config: actors\.reporting_verbs=\[\]: expected a non-empty list"),
    ("actors.phrases=[according to, 3]", r"config: actors\.phrases=.*: expected a list of non-empty texts"),
])
def test_holder_settings_are_checked_at_the_edge(override, message):
    from stance.errors import ConfigError

    with pytest.raises(ConfigError, match=message):
        settings_for(override)


# --- round 3: who spoke last, organisations speaking through a person, ministries by side ---

ROUND3_ACTORS = """\
- name: Paul Reed
  kind: person
  gender: male
  aliases: [Paul Reed, Reed]
- name: Mark Ellis
  kind: person
  gender: male
  aliases: [Mark Ellis, Ellis]
- name: Westmark
  kind: organization
  aliases: [Westmark]
  affiliation: Westmark
- name: Eastland
  kind: organization
  aliases: [Eastland]
  affiliation: Eastland
- name: United Nations
  kind: organization
  aliases: [United Nations, U.N.]
- name: Westmark Foreign Ministry
  kind: organization
  aliases: [Westmark Foreign Ministry, foreign ministry]
  titles: [foreign ministry, ministry]
  affiliation: Westmark
- name: Eastland Foreign Ministry
  kind: organization
  aliases: [Eastland Foreign Ministry]
  titles: [foreign ministry, ministry]
  affiliation: Eastland
- name: Eastland government
  kind: organization
  aliases: [Eastland government]
  titles: [government]
  affiliation: Eastland
"""


def _finder_with(tmp_path_factory, gazetteer: str):
    """A holder finder over a gazetteer written for the test."""
    path = tmp_path_factory.mktemp("actors") / "actors.yaml"
    path.write_text(gazetteer, encoding="utf-8")
    return make_finder(settings_for(f"actors.path={path}").actors)


@pytest.fixture(scope="module")
def round3(tmp_path_factory):
    return _finder_with(tmp_path_factory, ROUND3_ACTORS)


def test_he_said_means_the_one_who_spoke_before_not_whom_he_spoke_about(round3):
    # Ellis is the subject of what Reed relayed; the next '"...," he said' is Reed speaking on
    found = holders(round3, "Ellis is also weighing new sanctions, Reed said.",
                    '"When he draws a line, he means it," he said.')
    assert found[1] == ["Paul Reed"]


def test_an_organisation_speaking_through_its_envoy_holds_and_he_then_means_it(round3):
    found = holders(round3, "Westmark's deputy U.N. envoy said on Monday that force must not be used.",
                    "He also said that new sanctions would not resolve the dispute.")
    assert found == [["Westmark"], ["Westmark"]]  # not the U.N. named inside the envoy's title


def test_a_ministry_named_without_its_country_goes_by_the_side_its_owner_names(round3):
    # "foreign ministry" is written as an alias of Westmark's ministry, but it is a common title:
    # Eastland's ministry is meant where Eastland owns it or its adjective names it
    assert holders(round3, "Eastland's foreign ministry vowed a tough response.") == [["Eastland Foreign Ministry"]]
    assert holders(round3, "The Eastland foreign ministry denounced the sanctions.") == [["Eastland Foreign Ministry"]]
    found = holders(round3, "The Eastland Foreign Ministry summoned the ambassador.",
                    '"Our measures will not keep you waiting," the foreign ministry said.')
    assert found[1] == ["Eastland Foreign Ministry"]


def test_a_title_after_another_sides_name_is_not_that_other_side(round3):
    found = holders(round3, "The Eastland government warned of reprisals.",
                    "The United Nations government office said nothing.",
                    "The U.N. government said the talks would go on.")
    assert "Eastland government" not in found[2]


UNNAMED_ACTORS = """\
- name: Westmark officials (unnamed)
  kind: organization
  aliases: [Westmark officials, a senior Westmark official]
- name: Eastland officials (unnamed)
  kind: organization
  aliases: [Eastland officials]
- name: officials (unnamed)
  kind: organization
  aliases: [officials, Officials]
- name: Dana Cole
  kind: person
  aliases: [Dana Cole]
"""


@pytest.fixture(scope="module")
def unnamed(tmp_path_factory):
    return _finder_with(tmp_path_factory, UNNAMED_ACTORS)


def test_an_unnamed_source_named_by_its_side_is_that_sides_officials(unnamed):
    assert holders(unnamed, "Eastland government sources said the talks would resume.") == \
        [["Eastland officials (unnamed)"]]
    assert holders(unnamed, "A senior Eastland military official warned of reprisals.") == \
        [["Eastland officials (unnamed)"]]
    # not the bare "officials" of the gazetteer, and a named official is the person
    assert holders(unnamed, "Westmark security officials said they feared an attack.") == \
        [["Westmark officials (unnamed)"]]
    assert holders(unnamed, "Eastland official Dana Cole said the border stays closed.") == [["Dana Cole"]]


def test_the_statement_and_the_official_refer_back_to_who_spoke_last(unnamed, round3):
    found = holders(round3, "A joint statement from Westmark said the border would stay open.",
                    '"We will act swiftly to impose new sanctions," the statement said.')
    assert found[1] == ["Westmark"]
    found = holders(unnamed, "A senior Westmark official said the talks had stalled.",
                    '"We are not ready to sign," the official said.')
    assert found[1] == ["Westmark officials (unnamed)"]
    # an object, not the one who speaks: no back-reference
    assert holders(round3, "Westmark issued a statement.", "Eastland rejected the statement.")[1] == ["Eastland"]


def test_the_verbs_of_a_statement_come_from_the_configured_list(tmp_path_factory):
    # "urge" is a verb of a statement in conf: "the statement urged" speaks for who issued it
    finder = _finder_with(tmp_path_factory, UNNAMED_ACTORS)
    found = holders(finder, "A senior Westmark official said the talks had stalled.",
                    "The statement urged both sides to hold their fire.")
    assert found[1] == ["Westmark officials (unnamed)"]
    # a bare base form is a noun here, not a source speaking
    found = holders(finder, "A senior Westmark official said the talks had stalled.",
                    "The official report gave no figures.")
    assert found[1] == []
    # an unknown name beside "warned" is a candidate speaker
    [attribution] = attribute_article(["Nobody wants a wider war, Lena Marsh warned."], finder)
    assert attribution.candidates == ("Lena Marsh",)
    # take "urge" out of the verbs of a statement and the same reference no longer speaks
    path = tmp_path_factory.mktemp("actors") / "actors.yaml"
    path.write_text(UNNAMED_ACTORS, encoding="utf-8")
    narrow = make_finder(settings_for(f"actors.path={path}", "actors.statement_verbs=[say]").actors)
    found = holders(narrow, "A senior Westmark official said the talks had stalled.",
                    "The statement urged both sides to hold their fire.")
    assert found[1] == []
    # an inverted verb is one the config lists as such
    assert holders(narrow, '"We will not sign," said Dana Cole.') == [["Dana Cole"]]
    inverted = make_finder(settings_for(f"actors.path={path}", "actors.inverted_verbs=[add]").actors)
    assert holders(inverted, '"We will not sign," said Dana Cole.') == [[]]


@pytest.mark.parametrize("override, message", [
    ("actors.speech_verbs=[say, shout]", r"config: actors\.speech_verbs=.*: expected lemmas from actors\.reporting_verbs "
                                         r"or actors\.phrases \('shout' is not one\)"),
    ("actors.inverted_verbs=[according to]", r"config: actors\.inverted_verbs=.*'according to' is not one"),
])
def test_the_verbs_of_saying_must_be_reporting_verbs(override, message):
    from stance.errors import ConfigError

    with pytest.raises(ConfigError, match=message):
        settings_for(override)
