"""Select whole pool articles for annotation, stratified by crisis tag, and write batches."""
import json, random, re, sys, collections
sys.path.insert(0, '/tmp')
from seg import load
from stance.clean import clean
from stance.segment import segment

POOL = '/work/shared/datasets/news-pool/pool.jsonl'
rows = [json.loads(l) for l in open(POOL)]
opts, segm = load()
CUE = re.compile(r"\b(warn\w*|urg\w*|call\w* (?:for|on)|threat\w*|should|must|oppos\w*|restrain\w*|retaliat\w*|escalat\w*|military option|all options|strike back|respond|vow\w*|condemn\w*|risk\w*|invade|invasion|airstrike\w*|bomb\w*|troops|war)\b", re.I)
random.seed(2026)
by_crisis = collections.defaultdict(list)
for r in rows:
    sents = segment(r['doc_id'], clean(r['text'], opts), segm)
    n = len(sents)
    if not 10 <= n <= 40:
        continue
    score = sum(1 for s in sents if CUE.search(s.text)) / n
    r['_n'] = n; r['_score'] = score
    by_crisis[r['crisis']].append(r)
QUOTA = {}
for c, arts in by_crisis.items():
    size = sum(1 for r in rows if r['crisis'] == c)
    QUOTA[c] = 13 if size >= 100 else 8 if size >= 40 else 6 if size >= 15 else 2
chosen = []
for c in sorted(by_crisis):
    arts = by_crisis[c]
    # weighted sampling without replacement: stance-rich articles are likelier, none certain
    keyed = sorted(arts, key=lambda r: random.random() ** (1.0 / (0.15 + r['_score'])), reverse=True)
    picked, muc = [], 0
    for r in keyed:
        if len(picked) >= QUOTA[c]:
            break
        if r['source_dataset'].startswith('MUC'):
            if muc >= 2: continue
            muc += 1
        picked.append(r)
    chosen += picked
print(len(chosen), sum(r['_n'] for r in chosen))
print(collections.Counter(r['crisis'] for r in chosen))
print(collections.Counter(r['source_dataset'][:12] for r in chosen))
json.dump([r['doc_id'] for r in chosen], open('/work/annot/selected_doc_ids.json', 'w'), indent=0)
