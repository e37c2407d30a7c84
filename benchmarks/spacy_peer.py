"""The peer `benchmarks/throughput.py` measures stance against: a spaCy pipeline doing the
labelling part of the job.

A rule-based sentencizer splits each article, and a bag-of-words text classifier
(``TextCatBOW``, unigrams and bigrams, exclusive classes) trained on the same 181 seed
sentences labels every sentence; each sentence is written as a JSON line with its label
and scores. No holders, no tables, no report: only reading, splitting, labelling, writing.

    python benchmarks/spacy_peer.py CORPUS.jsonl OUT.jsonl

spaCy is needed only here (`pip install spacy`), not by stance.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "annotations" / "seed.jsonl"
LABELS = ("advocate", "caution", "neutral")
TEXTCAT = {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": 2, "no_output_layer": False}


def train(epochs: int = 20, seed: int = 13):
    """A blank English classifier trained on the seed sentences (fixed seed, fixed order)."""
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(seed)
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat", config={"model": TEXTCAT})
    for label in LABELS:
        textcat.add_label(label)
    rows = [json.loads(line) for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    examples = [Example.from_dict(nlp.make_doc(r["text"]), {"cats": {l: float(l == r["label"]) for l in LABELS}})
                for r in rows]
    optimizer = nlp.initialize(lambda: examples)
    order = random.Random(seed)
    for _ in range(epochs):
        order.shuffle(examples)
        for batch in minibatch(examples, size=16):
            nlp.update(batch, sgd=optimizer)
    return nlp


def label(corpus: Path, out: Path) -> int:
    """Label every sentence of a JSONL corpus into ``out``; returns the number of sentences."""
    import spacy

    classifier = train()
    splitter = spacy.blank("en")
    splitter.add_pipe("sentencizer")
    n = 0
    with corpus.open(encoding="utf-8") as source, out.open("w", encoding="utf-8") as sink:
        articles = (json.loads(line) for line in source if line.strip())

        def sentences():
            for doc, article in splitter.pipe(((a["text"], a) for a in articles), as_tuples=True, batch_size=64):
                for i, sentence in enumerate(doc.sents):
                    if sentence.text.strip():
                        yield sentence.text, (article["doc_id"], article.get("outlet", ""), i)

        for doc, (doc_id, outlet, i) in classifier.pipe(sentences(), as_tuples=True, batch_size=256):
            scores = {k: round(float(v), 6) for k, v in doc.cats.items()}
            sink.write(json.dumps({"doc_id": doc_id, "outlet": outlet, "sent_idx": i, "text": doc.text,
                                   "label": max(scores, key=scores.get), "proba": scores}, ensure_ascii=False) + "\n")
            n += 1
    return n


if __name__ == "__main__":
    print(json.dumps({"sentences": label(Path(sys.argv[1]), Path(sys.argv[2]))}))
