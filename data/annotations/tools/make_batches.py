import json, sys, collections
sys.path.insert(0, '/tmp')
from seg import load
from stance.clean import clean
from stance.segment import segment
POOL = '/work/shared/datasets/news-pool/pool.jsonl'
ids = json.load(open('/work/annot/selected_doc_ids.json'))
rows = {json.loads(l)['doc_id']: json.loads(l) for l in open(POOL)}
opts, segm = load()
arts = [rows[i] for i in ids]
# round-robin over crises so every batch mixes crises
arts.sort(key=lambda r: (r['crisis'], r['doc_id']))
NB = 10
batches = [[] for _ in range(NB)]
sizes = [0]*NB
for r in sorted(arts, key=lambda r: -len(segment(r['doc_id'], clean(r['text'], opts), segm))):
    b = min(range(NB), key=lambda k: sizes[k])
    batches[b].append(r); sizes[b] += len(segment(r['doc_id'], clean(r['text'], opts), segm))
print(sizes)
for k, arts in enumerate(batches, 1):
    arts.sort(key=lambda r: r['doc_id'])
    with open(f'/work/annot/batch_{k:02d}.txt', 'w') as out, open(f'/work/annot/batch_{k:02d}.sentences.jsonl', 'w') as js:
        for r in arts:
            sents = segment(r['doc_id'], clean(r['text'], opts), segm)
            out.write(f"=== ARTICLE {r['doc_id']}\noutlet: {r['outlet'] or '(unknown)'} | date: {r['date'] or '(unknown)'} | crisis tag: {r['crisis']}\ntitle: {r['title'] or '(none)'}\n\n")
            for s in sents:
                out.write(f"[{s.id}] {s.text}\n")
                js.write(json.dumps({'id': s.id, 'doc_id': r['doc_id'], 'sent_idx': s.sent_idx, 'text': s.text}, ensure_ascii=False) + '\n')
            out.write('\n')
