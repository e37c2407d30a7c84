from stance.clean import clean, clean_options
from stance.corpus import load_corpus
from tests.conftest import SEED_CORPUS

import yaml

from stance.settings import CONFIG_DIR


def _options():
    return clean_options(**yaml.safe_load((CONFIG_DIR / "clean" / "default.yaml").read_text()))


def _seed(doc_id):
    return next(a for a in load_corpus(SEED_CORPUS) if a.doc_id == doc_id)


def test_mangled_entities_are_repaired():
    raw = 'Robert C. O & # 39; Brien said the threat remains "very high,quot;, adding tensions "have not subsided,quot;.'
    text = clean(raw, _options()).text
    assert "O'Brien" in text
    assert '"very high",' in text and '"have not subsided".' in text
    assert "&" not in text and "quot" not in text


def test_photo_captions_and_their_credit_lines_are_dropped():
    text = clean(_seed("jpost").text, _options()).text
    assert "photo credit" not in text.lower()
    assert "A US soldier runs" not in text
    assert "Reports indicate that Iran" in text


def test_share_counter_read_on_bylines_and_author_bio_are_dropped():
    texts = {d: clean(_seed(d).text, _options()).text for d in ("amn", "swj", "antiwar", "nyt-translated")}
    assert "Shares" not in texts["amn"]
    assert "Read on" not in texts["swj"] and "Mark Mazzetti" not in texts["swj"] and "5:26pm" not in texts["swj"]
    assert "Senior Editor" not in texts["antiwar"] and "Author:" not in texts["antiwar"]
    assert not texts["nyt-translated"].lstrip().startswith("date")
    assert "contributed reporting" not in texts["nyt-translated"]


def test_offsets_point_back_to_the_same_words_in_the_raw_text():
    article = _seed("nyt-translated")
    cleaned = clean(article.text, _options())
    for word in ("Pentagon", "Kataib Hezbollah", "Esper"):
        start = cleaned.text.index(word)
        raw_start, raw_end = cleaned.raw_span(start, start + len(word))
        assert article.text[raw_start:raw_end] == word
    start = cleaned.text.index("O'Brien")
    raw_start, raw_end = cleaned.raw_span(start, start + len("O'Brien"))
    assert article.text[raw_start:raw_end] == "O & # 39; Brien"


def test_typographic_quotes_become_straight_quotes_without_moving_offsets():
    raw = "He said \u201cno\u201d and \u2018yes\u2019."
    cleaned = clean(raw, _options())
    assert cleaned.text == "He said \"no\" and 'yes'."
    assert len(cleaned.offsets) == len(raw)
