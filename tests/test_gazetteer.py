"""The actor gazetteer: checked entry by entry (one-line errors naming the entry's line),
normalised once so the forms news text uses are matched, and safe to load."""

import pytest

from stance.errors import ActorError
from stance.gazetteer import alias_variants, fold_accents, load_gazetteer
from tests.conftest import PROJECT_ROOT, SEED_ACTORS

POOL_ACTORS = PROJECT_ROOT / "data" / "annotations" / "pool_actors.yaml"


def write(tmp_path, text, name="actors.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, message", [
    ("", r"actors.yaml: empty file"),
    ("- name: A\n  kind: person\n  aliases: [A]\n- name: B\n  kind: robot\n",
     r"actors.yaml:4: actor 'B' has kind 'robot'; expected person or organization"),
    ("- name: A\n  kind: person\n  aliases: [A, '']\n",
     r"actors.yaml:1: actor 'A': empty or malformed entry in aliases \(''\)"),
    ("- name: A\n  kind: person\n  aliases: [A, ~]\n",
     r"actors.yaml:1: actor 'A': empty or malformed entry in aliases \(None\)"),
    ("- name: Iraqi Interior Ministry\n  kind: organization\n  aliases: [Interior Ministry]\n"
     "- name: Russian Interior Ministry\n  kind: organization\n  aliases: [Interior Ministry]\n",
     r"actors.yaml:4: alias 'Interior Ministry' of 'Russian Interior Ministry' is also an alias of "
     r"'Iraqi Interior Ministry' \(line 1\); an alias must name one actor"),
    ("- name: A\n  kind: person\n  aliases: [B]\n- name: B\n  kind: person\n",
     r"actors.yaml:4: alias 'B' of 'B' is also an alias of 'A' \(line 1\)"),
    ("- name: A\n  kind: person\n  gender: other\n",
     r"actors.yaml:1: actor 'A' has gender 'other'; expected male, female or nothing"),
    ("- name: A\n  kind: person\n  titles: ['the ']\n",
     r"actors.yaml:1: actor 'A': title 'the' has no word after its article"),
    ("- name: A\n  kind: person\n  aliases: ['--']\n", r"actors.yaml:1: actor 'A': alias '--' has no letter or digit"),
    ("- name: A\n  kind: person\n- name: A\n  kind: person\n", r"actors.yaml:3: duplicate actor 'A' \(first on line 1\)"),
    ("name: A\n", r"actors.yaml:1: expected a list of actor entries"),
])
def test_bad_entries_are_one_line_errors_naming_the_line(tmp_path, text, message):
    with pytest.raises(ActorError, match=message):
        load_gazetteer(write(tmp_path, text))


def test_a_yaml_alias_bomb_is_refused_before_it_expands(tmp_path):
    # ten entries, each listing the previous one's aliases nine times: 9**9 names if expanded
    entries = ["- name: A0\n  kind: person\n  aliases: &a0 [x, x, x, x, x, x, x, x, x]"]
    entries += [f"- name: A{i}\n  kind: person\n  aliases: &a{i} [{', '.join(['*a' + str(i - 1)] * 9)}]"
                for i in range(1, 10)]
    with pytest.raises(ActorError, match=r"actors.yaml:3: YAML anchors and aliases \(&name, \*name\) are not allowed"):
        load_gazetteer(write(tmp_path, "\n".join(entries) + "\n"))
    with pytest.raises(ActorError, match=r"actors.yaml:6: YAML anchors and aliases"):
        load_gazetteer(write(tmp_path, "- name: A\n  kind: person\n  aliases: [A]\n- name: B\n  kind: person\n"
                                       "  aliases: &same [B]\n"))


def test_forms_of_news_text_are_generated_at_load_time(tmp_path):
    path = write(tmp_path, "\n".join([
        "- name: Kenneth F. McKenzie Jr.", "  kind: person", "  aliases: [Kenneth F. McKenzie Jr., McKenzie]",
        "  titles: [The General, head of Central Command]", "  gender: male",
        "- name: al-Shabaab", "  kind: organization", "  aliases: [al-Shabaab]",
        "- name: Israeli Foreign Ministry", "  kind: organization", "  aliases: [The Israeli Foreign Ministry]",
        "- name: José Peña", "  kind: person", "  aliases: [José Peña]", "  gender: ~",
    ]) + "\n")
    mckenzie, shabaab, ministry, pena = load_gazetteer(path)
    assert {"Kenneth F. McKenzie", "Kenneth F. McKenzie, Jr."} <= set(mckenzie.aliases)
    assert mckenzie.titles == ("general", "head of central command") and mckenzie.gender == "male"
    assert "Al-Shabaab" in shabaab.aliases
    assert "Israeli Foreign Ministry" in ministry.aliases
    assert pena.gender == "" and fold_accents("José Peña") == "Jose Pena"


def test_a_common_noun_alias_with_its_article_is_a_title(tmp_path):
    """ "the president" names no one by itself: it means the actor only where the article has
    named it, so the loader keeps it as a title, not a name matched in every article."""
    path = write(tmp_path, "- name: Lena Ostrova\n  kind: person\n  aliases: [Lena Ostrova, the president]\n"
                           "- name: Vardia Army\n  kind: organization\n  aliases: [The national army, the Vardia army]\n")
    lena, army = load_gazetteer(path)
    assert "the president" not in lena.aliases and "president" in lena.titles
    assert army.titles == ("national army",) and "the Vardia army" in army.aliases


def test_an_institution_without_its_country_is_a_title_not_a_name(tmp_path):
    # "foreign ministry" written as an alias would name Westmark's ministry in every article
    actors = load_gazetteer(write(tmp_path, "- name: Westmark Foreign Ministry\n  kind: organization\n"
                                            "  aliases: [Westmark Foreign Ministry, foreign ministry, Trade Office]\n"
                                            "- name: Eastland Foreign Ministry\n  kind: organization\n"
                                            "  titles: [foreign ministry]\n"))
    westmark = actors[0]
    assert "foreign ministry" not in westmark.aliases and "Foreign ministry" not in westmark.aliases
    assert "foreign ministry" in westmark.titles
    assert "Trade Office" in westmark.aliases  # no actor has it as a title: still a name


def test_a_generated_form_two_actors_could_take_is_left_out(tmp_path):
    path = write(tmp_path, "- name: A\n  kind: organization\n  aliases: [the Army]\n"
                           "- name: B\n  kind: organization\n  aliases: [The Army]\n")
    first, second = load_gazetteer(path)
    assert first.aliases == ("A", "the Army") and second.aliases == ("B", "The Army")
    assert alias_variants('"axis of resistance"') == ['"axis of resistance"', "axis of resistance",
                                                      "Axis of resistance"]


def test_the_shipped_gazetteers_load_and_cover_the_spec_actors():
    names = {a.name for a in load_gazetteer(SEED_ACTORS)}
    for required in ("Donald Trump", "Mike Pompeo", "Robert C. O'Brien", "Mark Esper", "Mark Milley", "Robert P. White",
                     "Kenneth F. McKenzie Jr.", "Pentagon", "National Security Council", "Kataib Hezbollah", "Iran",
                     "Popular Mobilization Units", "Badr Organization", "US officials (unnamed)"):
        assert required in names
    pool = load_gazetteer(POOL_ACTORS)
    assert len(pool) > 500 and any(a.gender == "female" for a in pool)
