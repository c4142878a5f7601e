"""Near-duplicate removal on real text: recall against an exact brute-force join on ../shared/corpora/cn_medical_qa
(7,644 real Chinese QA pairs with several hundred verbatim repeats and some near repeats), verification of every
reported and every removed pair, and the planted pairs of the sample corpus. Real-corpus tests skip when ../shared is absent.

The reference join is independent of the search under test: Python sets from `shingles` (not the vectorised
encoder), all 29 million pairs scored with a sparse matrix product.
"""
import json
import numpy as np
import pytest
import scipy.sparse as sparse
from grok_finetune.core import read_jsonl, sample_dir
from grok_finetune.dedup import DedupConfig, dedup_records, find_near_duplicates, jaccard, shingles
from grok_finetune.formats import record_text
from grok_finetune.split import split_records

def exact_pairs(sets, threshold=0.95, rows=None):
    "All pairs (i < j) with Jaccard > threshold among Python `sets` (brute force via X @ X.T); `rows` limits i's side."
    vocab, r, c = {}, [], []
    for i, s in enumerate(sets):
        for g in s: r.append(i); c.append(vocab.setdefault(g, len(vocab)))
    X = sparse.csr_matrix((np.ones(len(r), np.int32), (r, c)), shape=(len(sets), max(len(vocab), 1)))
    size, XT, out = np.array([len(s) for s in sets]), X.T.tocsr(), set()
    rows = np.arange(len(sets)) if rows is None else np.asarray(rows)
    for lo in range(0, len(rows), 1000):
        block = rows[lo:lo + 1000]
        inter = (X[block] @ XT).tocoo()
        i, j, v = block[inter.row], inter.col, inter.data
        hit = (i != j) & (v / (size[i] + size[j] - v) > threshold)
        out |= {(min(a, b), max(a, b)) for a, b in zip(i[hit].tolist(), j[hit].tolist())}
    return out

@pytest.fixture(scope='module')
def cn_qa():
    from conftest import shared_dir
    root = shared_dir()
    p = root/'corpora'/'cn_medical_qa'/'cn_medical_qa.jsonl' if root else None
    if p is None or not p.exists(): pytest.skip('../shared/corpora/cn_medical_qa is absent')
    return [{'id': r['id'], 'instruction': r['question'], 'output': r['answer']} for r in read_jsonl(p, progress=False)]

def test_recall_against_exact_join_and_every_pair_verified(cn_qa):
    texts = [record_text(r) for r in cn_qa]
    sets = [shingles(t) for t in texts]
    truth = exact_pairs(sets)
    assert len(truth) > 300, len(truth)
    found = find_near_duplicates(texts)
    ours = set(zip(found.a.tolist(), found.b.tolist()))
    recall = len(ours & truth) / len(truth)
    assert recall >= 0.99, recall
    for a, b, j in zip(found.a.tolist(), found.b.tolist(), found.jaccard.tolist()):
        assert j > 0.95 and abs(jaccard(sets[a], sets[b]) - j) < 1e-12

def test_simhash_alone_misses_pairs_the_prefix_filter_finds(cn_qa):
    texts = [record_text(r) for r in cn_qa][:4000]
    both = find_near_duplicates(texts)
    near_only = (both.found_by & 4) == 0
    simhash = find_near_duplicates(texts, DedupConfig(candidates=('simhash',)))
    assert len(simhash) <= len(both)
    assert near_only.sum() >= 1

def test_dedup_records_removes_only_verified_pairs_and_leaves_no_leak(cn_qa):
    split, _ = split_records(cn_qa)          # no URLs: split by content hash (identical records share a split)
    kept, report = dedup_records(split)
    by_id = {r['id']: r for r in split}
    removed = [e for reason in report.dropped for e in report.examples.get(reason, [])]
    assert report.n_in - report.n_out == sum(report.dropped.values()) > 0
    assert report.extra['removed_per_split']['train'] == 0
    for e in removed:
        assert jaccard(shingles(record_text(by_id[e['removed']])), shingles(record_text(by_id[e['kept']]))) > 0.95
    sets = [shingles(record_text(r)) for r in kept]
    eval_rows = [i for i, r in enumerate(kept) if r['split'] in ('val', 'test')]
    leaks = [(i, j) for i, j in exact_pairs(sets, rows=eval_rows)]
    assert leaks == [], leaks[:5]

def test_every_removal_in_report_is_verified(cn_qa):
    split, _ = split_records(cn_qa)
    kept, report = dedup_records(split, DedupConfig(max_examples=10_000))
    by_id = {r['id']: r for r in split}
    examples = [e for v in report.examples.values() for e in v]
    assert len(examples) == report.n_in - report.n_out
    for e in examples:
        assert jaccard(shingles(record_text(by_id[e['removed']])), shingles(record_text(by_id[e['kept']]))) > 0.95

def test_planted_pairs_of_the_sample_corpus():
    records = list(read_jsonl(sample_dir()/'corpus.jsonl', progress=False))
    ids = [r['id'] for r in records]
    found = find_near_duplicates([record_text(r) for r in records])
    pairs = {frozenset((ids[a], ids[b])) for a, b in zip(found.a.tolist(), found.b.tolist())}
    planted = json.loads((sample_dir()/'planted_pairs.json').read_text())
    for p in planted:
        assert (frozenset((p['a'], p['b'])) in pairs) == (p['kind'] != 'decoy'), p

@pytest.mark.parametrize('threshold', [0.8, 0.6])
def test_positional_filter_keeps_the_search_exact_at_low_thresholds(cn_qa, threshold):
    "At low thresholds the prefixes are long and the positional filter drops most candidates: none of the true pairs."
    texts = [record_text(r) for r in cn_qa][:3000]
    truth = exact_pairs([shingles(t) for t in texts], threshold)
    assert len(truth) > 50, len(truth)
    found = find_near_duplicates(texts, DedupConfig(threshold=threshold, candidates=('prefix',)))
    assert set(zip(found.a.tolist(), found.b.tolist())) == truth
