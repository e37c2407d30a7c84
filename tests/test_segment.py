import yaml

from stance.clean import clean, clean_options
from stance.segment import make_tokenizer, segment, sentence_id
from stance.settings import CONFIG_DIR


def _split(text: str) -> list[str]:
    seg = yaml.safe_load((CONFIG_DIR / "segment" / "default.yaml").read_text())
    options = clean_options(**yaml.safe_load((CONFIG_DIR / "clean" / "default.yaml").read_text()))
    return [s.text for s in segment("doc", clean(text, options), make_tokenizer(seg["abbreviations"]))]


def test_title_abbreviations_and_initials_do_not_split_sentences():
    sentences = _split("In a blunt memo, the commander, Lt. Gen. Robert P. White, wrote that a campaign would be costly. "
                       "Cmdr. Sean Robertson declined to comment.")
    assert sentences == ["In a blunt memo, the commander, Lt. Gen. Robert P. White, wrote that a campaign would be costly.",
                         "Cmdr. Sean Robertson declined to comment."]


def test_us_and_jr_do_not_end_a_sentence():
    sentences = _split("Gen. Kenneth F. McKenzie Jr., the head of the Central Command, said the U.S. military was ready. "
                       "The U.S. is Wrestling with How to Respond.")
    assert len(sentences) == 2
    assert sentences[0].startswith("Gen. Kenneth F. McKenzie Jr., the head")


def test_quotes_that_close_after_the_period_stay_with_their_sentence():
    sentences = _split('"You can\'t kill or hurt Americans and get away with it," Esper said. '
                       '"We will respond at the time we choose. We will hold them accountable." Then he left.')
    assert sentences[0].endswith("Esper said.")
    assert sentences[1] == '"We will respond at the time we choose. We will hold them accountable."'
    assert sentences[2] == "Then he left."


def test_translation_debris_is_joined_to_its_sentence():
    sentences = _split("It would divert resources from the primary US military mission. there: training Iraqi troops. "
                       "Leaders are distracted by the Iranian New Year. , ends soon. Then it ended.")
    assert sentences == ["It would divert resources from the primary US military mission. there: training Iraqi troops.",
                         "Leaders are distracted by the Iranian New Year. , ends soon.",
                         "Then it ended."]


def test_paragraph_breaks_end_headlines():
    assert _split("US Repositions Troops in Iraq\n\nThe Pentagon ordered planning.") == \
        ["US Repositions Troops in Iraq", "The Pentagon ordered planning."]


def test_ids_are_stable_and_offsets_index_the_raw_text(seed_articles):
    seg = yaml.safe_load((CONFIG_DIR / "segment" / "default.yaml").read_text())
    options = clean_options(**yaml.safe_load((CONFIG_DIR / "clean" / "default.yaml").read_text()))
    tokenizer = make_tokenizer(seg["abbreviations"])
    for article in seed_articles:
        first = segment(article.doc_id, clean(article.text, options), tokenizer)
        again = segment(article.doc_id, clean(article.text, options), tokenizer)
        assert [s.id for s in first] == [s.id for s in again]
        assert len({s.id for s in first}) == len(first)
        for sentence in first:
            assert sentence.id == sentence_id(article.doc_id, sentence.text)
            raw = article.text[sentence.start:sentence.end]
            # the raw span starts and ends on the sentence's own first and last word
            assert raw.split()[0].strip('"\u201c\u201d')[:4] == sentence.text.split()[0].strip('"')[:4]
            assert raw.rstrip('"\u201d ')[-1] == sentence.text.rstrip('" ')[-1]


def test_seed_corpus_has_about_190_sentences(seed_articles):
    seg = yaml.safe_load((CONFIG_DIR / "segment" / "default.yaml").read_text())
    options = clean_options(**yaml.safe_load((CONFIG_DIR / "clean" / "default.yaml").read_text()))
    tokenizer = make_tokenizer(seg["abbreviations"])
    total = sum(len(segment(a.doc_id, clean(a.text, options), tokenizer)) for a in seed_articles)
    assert 170 <= total <= 200


def test_a_sentence_without_full_stops_is_cut_into_bounded_pieces_at_spaces():
    from stance.segment import MAX_SENTENCE_CHARS

    words = " ".join(f"Word{i}" for i in range(3000))  # ~26,000 characters, no full stop
    pieces = _split("A normal sentence comes first. " + words)
    assert pieces[0] == "A normal sentence comes first."
    assert len(pieces) > 10 and all(len(p) <= MAX_SENTENCE_CHARS for p in pieces)
    assert " ".join(pieces[1:]) == words  # cut at spaces: no word is split or lost
