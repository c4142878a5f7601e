"""Adversarial data on real records: edited copies that must not escape dedup, URL spellings that must not split a
page across splits, and odd Unicode that must be named by file:line (../shared; real-corpus tests skip without it).

Each edit below is one a copy-paste, a re-typesetting or a scraper makes without changing what a reader sees.
"""
import hashlib, json, random
from collections import defaultdict
import pytest
from grok_finetune.core import DataError, read_jsonl
from grok_finetune.dedup import DEDUP_NORMALIZE, dedup_records, find_near_duplicates, jaccard, shingles
from grok_finetune.formats import record_text
from grok_finetune.split import normalize_url, split_records
from grok_finetune.tokenizer import normalize_text

def _shared_jsonl(*parts):
    from conftest import shared_dir
    root = shared_dir()
    p = root.joinpath('corpora', *parts) if root else None
    if p is None or not p.exists(): pytest.skip(f'../shared/corpora/{"/".join(parts)} is absent')
    return [json.loads(l) for l in p.read_text(encoding='utf-8').splitlines() if l.strip()]

@pytest.fixture(scope='module')
def cn_texts():
    rows = _shared_jsonl('cn_medical_qa', 'cn_medical_qa.jsonl')
    texts = sorted({r['question'] + r['answer'] for r in rows if len(r['question'] + r['answer']) >= 60})
    return random.Random(0).sample(texts, 300)

def _insert(text, rng, pieces):
    for piece in pieces:
        i = rng.randrange(1, len(text))
        text = text[:i] + piece + text[i:]
    return text

INVISIBLE_EDITS = {
    'spaces': lambda t, rng: _insert(t, rng, [' '] * rng.randint(1, 3)),
    'newlines': lambda t, rng: _insert(t, rng, ['\n', '\r\n', '\n\n'][:rng.randint(1, 3)]),
    'ideographic space': lambda t, rng: _insert(t, rng, ['\u3000']),
    'zero-width space': lambda t, rng: _insert(t, rng, ['\u200b'] * 2),
    'punctuation width': lambda t, rng: t.replace('，', ',').replace('？', '?').replace('。', '.').replace('：', ':'),
    'full-width digits': lambda t, rng: t.translate({c: c + 0xfee0 for c in range(0x30, 0x3a)}),
}

@pytest.mark.parametrize('kind', list(INVISIBLE_EDITS))
def test_invisible_edits_of_real_chinese_records_are_identical_after_normalisation(cn_texts, kind):
    rng = random.Random(kind)
    edited = [INVISIBLE_EDITS[kind](t, rng) for t in cn_texts]
    assert sum(e != t for e, t in zip(edited, cn_texts)) >= 100, 'the edit changed too few records to test anything'
    assert [jaccard(shingles(t), shingles(e)) for t, e in zip(cn_texts, edited)] == [1.0] * len(cn_texts)
    found = find_near_duplicates(cn_texts + edited)
    pairs = set(zip(found.a.tolist(), found.b.tolist()))
    missed = [i for i in range(len(cn_texts)) if (i, i + len(cn_texts)) not in pairs]
    assert missed == [], f'{len(missed)} {kind} copies escaped, e.g. {edited[missed[0]][:60]!r}'

def test_changed_characters_are_found_exactly_when_jaccard_says_so(cn_texts):
    "1 to 8 changed characters: the long records stay above 0.95, the short ones fall below; the search agrees."
    rng = random.Random(1)
    edited = []
    for t in cn_texts:
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(t)); t = t[:i] + '某' + t[i + 1:]
        edited.append(t)
    truth = {i for i, (t, e) in enumerate(zip(cn_texts, edited)) if jaccard(shingles(t), shingles(e)) > 0.95}
    assert 30 <= len(truth) <= len(cn_texts) - 30, len(truth)
    found = find_near_duplicates(cn_texts + edited)
    hit = {a for a, b in zip(found.a.tolist(), found.b.tolist()) if b == a + len(cn_texts)}
    assert hit == truth

def test_split_then_dedup_leaves_no_whitespace_copy_of_train_in_val_or_test(cn_texts):
    "The README's sequence: copies with other URLs may land in val/test; dedup must remove every one of them."
    rng, texts = random.Random(2), [t for t in cn_texts if len(t) < 200]
    assert len(texts) >= 50, len(texts)
    records = [{'id': f'o{i}', 'source_url': f'https://qa.example.cn/q/{i}', 'text': t} for i, t in enumerate(texts)]
    records += [{'id': f'c{i}', 'source_url': f'https://mirror.example.com/{i}', 'text': _insert(t, rng, [' ', '\n', ' '])}
                for i, t in enumerate(texts)]
    split, _ = split_records(records)
    kept, report = dedup_records(split)
    train = [shingles(record_text(r)) for r in kept if r['split'] == 'train']
    evals = [(r['id'], shingles(record_text(r))) for r in kept if r['split'] != 'train']
    leaks = [rid for rid, s in evals if any(jaccard(s, t) > 0.95 for t in train)]
    assert leaks == [], f'{len(leaks)} val/test records are copies of train records'
    assert report.n_in - report.n_out > 0

def test_url_spellings_of_one_real_page_share_a_split():
    rows = _shared_jsonl('en_medical_qa_with_urls', 'medquad_qa_with_urls.jsonl')
    rng = random.Random(3)
    def upper_host_default_port(u):
        scheme, rest = u.split('://', 1)
        host, _, path = rest.partition('/')
        return f"{scheme.upper()}://{host.upper()}:{443 if scheme == 'https' else 80}/{path}"
    spell = [lambda u: u, lambda u: u.split('://', 1)[1] + '/', lambda u: u.replace('https://', 'http://'),
             upper_host_default_port, lambda u: u + '#answer', lambda u: ' ' + u + '\n']
    records = [{'id': r['id'], 'source_url': rng.choice(spell)(r['url']), 'text': r['question'], 'domain': r['source_site']}
               for r in rows]
    out, _ = split_records(records)
    splits_of = defaultdict(set)
    for r, row in zip(out, rows): splits_of[row['url']].add(r['split'])
    assert {u: s for u, s in splits_of.items() if len(s) > 1} == {}
    for r in out: assert r['bucket_id'] == hashlib.md5(normalize_url(r['source_url']).encode()).hexdigest()[:2]

def test_lone_surrogate_is_named_by_file_and_line(tmp_path):
    bad = tmp_path/'records.jsonl'
    bad.write_text('{"text": "高血压"}\n{"text": "x", "source_url": "https://e.org/\\ud800"}\n', encoding='utf-8')
    with pytest.raises(DataError, match=r"records.jsonl:2: field 'source_url' holds a lone surrogate U\+D800"):
        list(read_jsonl(bad))
    assert normalize_text('\u200b高血压 患者\u3000', DEDUP_NORMALIZE) == '高血压患者'
