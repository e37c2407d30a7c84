"""The generic boilerplate rules of conf/clean/default.yaml, each on lines written for the
test: what a rule must drop, and the real sentences beside it that it must keep."""

import pytest
import yaml

from stance.clean import clean, clean_options
from stance.settings import CONFIG_DIR

OPTIONS = clean_options(**yaml.safe_load((CONFIG_DIR / "clean" / "default.yaml").read_text(encoding="utf-8")))

BEFORE = "The Pentagon ordered commanders to plan a campaign against the militia."
AFTER = "The top US commander in Iraq warned that the campaign could be counterproductive."

DROPPED = {
    "markers": ["Advertisement", "ADVERTISEMENT", "Story continued below", "Scroll down for video",
                "SLIDESHOW (3 images)", "[pullquote]", "Newsletter sign-up", "Comments"],
    "site furniture": ["Sign up for our daily briefing", "Click here to read the full report", "Share this article",
                       "Listen to this article", "Image copyright Getty Images", "Media caption Protesters in Baghdad",
                       "hide caption", "Facebook Twitter Email"],
    "read more": ["Read more: Iran vows revenge for the strike", "Related: Inside the militia's bases",
                  "See also: What the order means", "Watch: The strike on video", "Also read: Timeline of a crisis"],
    "bylines": ["By Nora Vik", "By Nora Vik, BBC News", "By Nora Vik and Ola Berg | Reuters",
                "By Nora Vik and Ola Berg"],
    "photo credits": ["Photo: Alex Brandon/AP", "Image credit: Reuters", "Photographs: EPA",
                      "Picture: Ahmad Al-Rubaye"],
    "captions": ["Iraqi protesters burn a flag in Baghdad. Photo by Ahmad Al-Rubaye/AFP",
                 "Smoke rises over the base [Ahmad Al-Rubaye/AFP]", "A US soldier at the base (Getty Images/AFP)"],
    "contributed": ["Nora Vik contributed to this report.", "Ola Berg in Baghdad contributed reporting.",
                    "Reuters contributed to this story from Washington.", "Contributing: Jane Doe, USA TODAY",
                    "Reporting by Nora Vik; Editing by Ola Berg", "Additional reporting by Jane Doe in Erbil",
                    "Associated Press writer Lolita Baldor in Washington contributed."],
    "social and disclaimers": ["Follow Nora Vik on Twitter @noravik",
                               "The views expressed in this article are the author's own."],
    "mastheads": ["USA TODAY", "AP", "The Associated Press", "Reuters", "AFP"],
    "timestamps": ["Updated: 5:26 pm ET", "Published 10:15 a.m. EST March 28, 2020", "Posted 9:02pm"],
    "separators": ["----", "* * *", "…", "• • •"],
}

KEPT = [  # sentences that look like boilerplate to a careless rule
    "More troops will deploy to the region next month, officials said.",
    "Officials said they would sign up for a longer deployment.",
    "Related talks in Geneva collapsed: no delegation came.",
    "By Friday, the militia had fired on the base again.",
    "Photos of the strike circulated widely on social media.",
    "The AFP news agency reported the strike first.",
    "Iran contributed troops and money to the militias.",
    "Britain and France also contributed.",
    "Reuters reported that the order was signed on Thursday.",
    "Watch what they do, not what they say, the general told reporters.",
    "Video shows the strike destroying a weapons depot.",
    "Reporting by state media suggested that the strike killed twenty fighters.",
]


def _kept(line: str) -> str:
    return clean(f"{BEFORE}\n{line}\n{AFTER}", OPTIONS).text


@pytest.mark.parametrize("rule, line", [(rule, line) for rule, lines in DROPPED.items() for line in lines])
def test_a_generic_rule_drops_its_boilerplate_line_and_keeps_the_article(rule, line):
    text = _kept(line)
    assert line not in text, rule
    assert BEFORE in text and AFTER in text


@pytest.mark.parametrize("sentence", KEPT)
def test_real_sentences_survive_every_rule(sentence):
    assert sentence in _kept(sentence)


def test_an_author_bio_is_dropped_only_at_the_end_of_an_article():
    bio = "Nora Vik is a senior fellow at the Atlantic Council and writes about Iraq."
    assert bio not in clean(f"{BEFORE}\n{AFTER}\n{bio}", OPTIONS).text
    assert bio in clean(f"{bio}\n{BEFORE}\n{AFTER}\nMore text follows here.\nAnd more.\nAnd the end.", OPTIONS).text
    writes = "Ola Berg writes about defense for the Daily Courier."
    assert writes not in clean(f"{BEFORE}\n{AFTER}\n{writes}", OPTIONS).text


def test_a_project_adds_its_own_lines_on_top_of_the_generic_rules():
    raw = yaml.safe_load((CONFIG_DIR / "clean" / "default.yaml").read_text(encoding="utf-8"))
    raw["extra_drop_line_patterns"] = ["Subscribe to the Daily Brief"]
    options = clean_options(**raw)
    text = clean(f"{BEFORE}\nSubscribe to the Daily Brief\nAdvertisement\n{AFTER}", options).text
    assert "Subscribe" not in text and "Advertisement" not in text and AFTER in text
