"""The URL-hash split on real URLs: MedQuAD's 6,216 QA pairs from 2,130 web pages (../shared, skipped when absent).

Checks the invariants of notebook 04 at a size the notebook does not run: every URL in exactly one split,
`bucket_id = md5(url)[:2]`, 8:1:1 overall, each source site's share of every split within 1 percentage point of
its overall share, determinism under reordering, and the pure-hash method's leak-freedom.
"""
import hashlib, json, random
from collections import Counter, defaultdict
import pytest
from grok_finetune.split import SplitConfig, check_no_leakage, find_url_leaks, normalize_url, split_records

@pytest.fixture(scope='module')
def medquad():
    from conftest import shared_dir
    root = shared_dir()
    p = root/'corpora'/'en_medical_qa_with_urls'/'medquad_qa_with_urls.jsonl' if root else None
    if p is None or not p.exists(): pytest.skip('../shared/corpora/en_medical_qa_with_urls is absent')
    return [{'id': r['id'], 'source_url': r['url'], 'domain': r['source_site'], 'instruction': r['question'], 'output': r['answer']}
            for r in map(json.loads, p.read_text(encoding='utf-8').splitlines())]

def test_medquad_counts(medquad):
    assert len(medquad) == 6216
    assert len({r['source_url'] for r in medquad}) == 2130

def test_split_keeps_every_url_in_one_split(medquad):
    out, report = split_records(medquad)
    assert len(out) == len(medquad) and report.n_out == len(medquad)
    assert check_no_leakage(out) == 2130
    splits_of = defaultdict(set)
    for r in out: splits_of[r['source_url']].add(r['split'])
    assert all(len(s) == 1 for s in splits_of.values())
    for r in out: assert r['bucket_id'] == hashlib.md5(normalize_url(r['source_url']).encode()).hexdigest()[:2]
    assert len({r['bucket_id'] for r in out}) == 256

def test_split_ratios_and_domain_shares_within_one_point(medquad):
    out, report = split_records(medquad, SplitConfig(stratify_by='domain'))
    n = len(out)
    counts = Counter(r['split'] for r in out)
    for s, r in zip(('train', 'val', 'test'), (0.8, 0.1, 0.1)): assert abs(counts[s] / n - r) <= 0.01, counts
    overall = Counter(r['domain'] for r in out)
    for s in ('train', 'val', 'test'):
        c = Counter(r['domain'] for r in out if r['split'] == s)
        for d in overall: assert abs(c[d] / counts[s] - overall[d] / n) <= 0.01, (s, d, c[d] / counts[s], overall[d] / n)
    assert report.extra['max_deviation_pp'] <= 1.0

def test_split_is_deterministic_under_reordering(medquad):
    first = {r['id']: r['split'] for r in split_records(medquad)[0]}
    shuffled = medquad[:]; random.Random(7).shuffle(shuffled)
    assert {r['id']: r['split'] for r in split_records(shuffled)[0]} == first

def test_hash_method_and_custom_ratios_are_leak_free(medquad):
    out, _ = split_records(medquad, SplitConfig(method='hash', ratios=(0.9, 0.05, 0.05)))
    assert find_url_leaks(out) == {}
    counts = Counter(r['split'] for r in out)
    assert abs(counts['train'] / len(out) - 0.9) < 0.03

def test_dropping_a_source_validation_split(medquad):
    tagged = [{**r, 'split': 'validation' if i % 7 == 0 else 'train'} for i, r in enumerate(medquad)]
    out, report = split_records(tagged, SplitConfig(drop_source_splits=('validation',)))
    assert report.dropped == {"source split 'validation'": sum(i % 7 == 0 for i in range(len(medquad)))}
    assert find_url_leaks(out) == {}
