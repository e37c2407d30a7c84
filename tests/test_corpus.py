import json

import pytest

from stance.corpus import iter_corpus, load_corpus, read_metadata, validate_corpus
from stance.errors import CorpusError
from tests.conftest import SEED_CORPUS


def test_seed_manifest_names_outlets_and_original_outlets():
    articles = {a.doc_id: a for a in load_corpus(SEED_CORPUS)}
    assert len(articles) == 5
    assert articles["antiwar"].outlet == "Antiwar.com" and articles["antiwar"].author == "Jason Ditz"
    assert articles["swj"].original_outlet == "New York Times; Washington Post"
    assert articles["swj"].date == "2020-03-28"
    assert articles["nyt-translated"].original_outlet == "New York Times"
    assert articles["nyt-translated"].extra["republished_as"] == "machine translation"
    assert articles["jpost"].original_outlet == articles["jpost"].outlet == "The Jerusalem Post"


def test_jsonl_corpus_is_read_like_a_folder(tmp_path):
    path = tmp_path / "corpus.jsonl"
    rows = [{"doc_id": "a", "outlet": "X", "text": "One. Two."}, {"doc_id": "b", "outlet": "Y", "text": "Three."}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert [a.doc_id for a in iter_corpus(path)] == ["a", "b"]
    assert read_metadata(path)["b"].outlet == "Y"


@pytest.mark.parametrize(
    "breakage, message",
    [
        (lambda d: (d / "manifest.csv").write_text("", encoding="utf-8"), r"manifest.csv: empty file"),
        (lambda d: (d / "manifest.csv").write_text("doc_id,path\nx,y.txt\n", encoding="utf-8"),
         r"manifest.csv:1: missing column\(s\) outlet, title, date, author, url"),
        (lambda d: (d / "000_4824254d97454f43.txt").unlink(),
         r"manifest.csv:2: file '000_4824254d97454f43.txt' listed for 'antiwar' does not exist"),
        (lambda d: (d / "002_ee03a7e7e339ca0f.txt").write_bytes(b"fine line\nbad \xff byte\n"),
         r"002_ee03a7e7e339ca0f.txt:2: not valid UTF-8"),
        (lambda d: (d / "003_a3a722b182d2f307.txt").write_text("  \n", encoding="utf-8"),
         r"003_a3a722b182d2f307.txt: empty file"),
    ],
)
def test_bad_corpus_input_names_file_and_line(corpus_copy, breakage, message):
    breakage(corpus_copy)
    with pytest.raises(CorpusError, match=message):
        validate_corpus(corpus_copy)


def test_a_manifest_saved_with_a_byte_order_mark_is_read(corpus_copy):
    manifest = corpus_copy / "manifest.csv"
    manifest.write_bytes(b"\xef\xbb\xbf" + manifest.read_bytes())
    assert validate_corpus(corpus_copy) == 5


def test_duplicate_doc_id_and_bad_date_in_manifest(corpus_copy):
    manifest = corpus_copy / "manifest.csv"
    lines = manifest.read_text(encoding="utf-8").splitlines()
    manifest.write_text("\n".join(lines + [lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"manifest.csv:7: duplicate doc_id 'antiwar' \(first on line 2\)"):
        validate_corpus(corpus_copy)
    manifest.write_text("\n".join(lines).replace("2020-03-28", "28/03/2020") + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"manifest.csv:3: date '28/03/2020' is not ISO 8601"):
        validate_corpus(corpus_copy)


def test_jsonl_corpus_errors_name_the_line(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text('{"doc_id": "a", "outlet": "", "text": "x"}\n{"doc_id": "b", "outlet": "O"}\n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"corpus.jsonl:2: missing field 'text'"):
        validate_corpus(path)
    path.write_text('{"doc_id": "a", "outlet": "O", "text": "x"}\n{"doc_id": "b", "text": "y"}\n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"corpus.jsonl:2: missing field 'outlet'"):
        validate_corpus(path)
    path.write_text('{"doc_id": "a", "outlet": "O", "text": "x"}\nnot json\n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"corpus.jsonl:2: not valid JSON"):
        validate_corpus(path)


ARTICLES = [{"doc_id": "a", "outlet": "Hawk Daily", "title": "Strike now", "date": "2020-03-01", "author": "", "url": "",
             "text": "The minister said they must strike now.\n\nOfficials warned of the risks."},
            {"doc_id": "b", "outlet": "Dove Post", "title": "", "date": "", "author": "N. Vik", "url": "https://x",
             "text": "Talks resumed on Monday."}]


def _as_folder(root):
    import csv

    root.mkdir()
    with (root / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["doc_id", "path", "outlet", "title", "date", "author", "url"])
        writer.writeheader()
        for article in ARTICLES:
            (root / f"{article['doc_id']}.txt").write_text(article["text"], encoding="utf-8")
            writer.writerow({**{k: v for k, v in article.items() if k != "text"}, "path": f"{article['doc_id']}.txt"})
    return root


def _as_jsonl(root):
    path = root.with_suffix(".jsonl")
    path.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    return path


def _as_csv(root):
    import csv

    path = root.with_suffix(".csv")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(ARTICLES[0]))
        writer.writeheader()
        writer.writerows(ARTICLES)
    return path


# one way to write the same corpus in each format of stance.corpus.READERS
WRITERS = {"folder": _as_folder, "jsonl": _as_jsonl, "csv": _as_csv}


def test_every_corpus_format_reads_the_same_articles(tmp_path):
    from stance.corpus import READERS, reader_for

    assert set(WRITERS) == set(READERS), "a corpus reader without a test writer (add one to WRITERS)"
    for name, write in WRITERS.items():
        path = write(tmp_path / name)
        assert reader_for(path) is READERS[name]
        assert validate_corpus(path) == 2
        articles = load_corpus(path)
        assert [(a.doc_id, a.outlet, a.title, a.date, a.author, a.url, a.text) for a in articles] == \
            [tuple(article[k] for k in ("doc_id", "outlet", "title", "date", "author", "url", "text"))
             for article in ARTICLES], name
        assert {doc: a.outlet for doc, a in read_metadata(path).items()} == {"a": "Hawk Daily", "b": "Dove Post"}


def test_a_csv_corpus_names_its_bad_rows(tmp_path):
    path = tmp_path / "corpus.csv"
    path.write_text('doc_id,outlet,title,date,author,url,text\na,X,,,,,"One.\nTwo."\na,Y,,,,,Three.\n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"corpus.csv:4: duplicate doc_id 'a' \(first on line 2\)"):
        validate_corpus(path)
    path.write_text("doc_id;outlet;title;date;author;url;text\na;X;;;;;One.\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"corpus.csv:1: columns are separated by semicolons"):
        validate_corpus(path)
