#!/usr/bin/env python
"""Near-duplicate search at scale: grok_finetune.dedup vs datasketch MinHashLSH vs the simhash package's SimhashIndex.

All three run on the same >= 200k documents (synthetic Chinese + English text with planted near duplicates of known
Jaccard, plus the real corpora of ../shared when present) and the same shingles (`grok_finetune.dedup.shingles`:
char 3-grams for Chinese, char 5-grams otherwise). Each is scored against an exact join (an independent pure-Python
AllPairs prefix-filter join over the same shingle sets, exact by construction) for pairs with Jaccard > 0.95.

    python benchmarks/bench_dedup.py            # 200k documents (a few minutes on 1 core)
    python benchmarks/bench_dedup.py --quick    # 20k documents (1/8 of the real texts)

Ends with `RESULT recall=<r> precision=<p> seconds=<s> speedup_vs_datasketch=<x>` for our method.
"""
import argparse, gc, json, math, os, sys, time
from collections import Counter, defaultdict
import numpy as np

from grok_finetune.core import shared_path
from grok_finetune.dedup import DedupConfig, find_near_duplicates, shingles, jaccard

THRESHOLD = 0.95

def synthetic_texts(n, seed=0, plant_share=0.03):
    "`n` documents: half Chinese (Zipf over 3,000 CJK characters), half English (Zipf over 20k made-up words), with planted edited copies."
    rng = np.random.default_rng(seed)
    n_base = int(n / (1 + plant_share))
    n_zh = n_base // 2
    p_zh = 1 / (np.arange(3000) + 10.0); p_zh /= p_zh.sum()
    zh_len = rng.integers(40, 200, n_zh)
    cps = (0x4e00 + rng.choice(3000, size=int(zh_len.sum()), p=p_zh)).astype('<u4')
    big = cps.tobytes().decode('utf-32-le')
    offs = np.concatenate([[0], np.cumsum(zh_len)])
    zh = [big[offs[i]:offs[i + 1]] for i in range(n_zh)]
    letters = np.array(list('abcdefghijklmnopqrstuvwxyz'))
    vocab = [''.join(rng.choice(letters, size=k)) for k in rng.integers(2, 10, 20000)]
    p_en = 1 / (np.arange(20000) + 20.0); p_en /= p_en.sum()
    en_len = rng.integers(15, 60, n_base - n_zh)
    words = rng.choice(20000, size=int(en_len.sum()), p=p_en)
    offs = np.concatenate([[0], np.cumsum(en_len)])
    en = [' '.join(vocab[w] for w in words[offs[i]:offs[i + 1]]) for i in range(len(en_len))]
    texts = zh + en
    planted = []
    for _ in range(n - n_base):
        src = int(rng.integers(0, n_base)); t = texts[src]; edits = int(rng.choice([0, 1, 1, 2, 3, 5, 8]))
        if src < n_zh:
            chars = list(t)
            for pos in rng.integers(0, len(chars), edits): chars[pos] = chr(0x4e00 + int(rng.integers(0, 3000)))
            copy = ''.join(chars)
        else:
            ws = t.split(' ')
            for pos in rng.integers(0, len(ws), edits): ws[pos] = vocab[int(rng.integers(0, 20000))]
            copy = ' '.join(ws)
        planted.append((src, len(texts))); texts.append(copy)
    return texts, planted

def real_texts():
    "Texts of the real corpora in ../shared (empty when absent)."
    out = []
    def rows(*parts):
        p = shared_path(*parts)
        return [json.loads(l) for l in open(p, encoding='utf-8')] if p is not None else []
    out += [r['question'] + '\n' + r['answer'] for r in rows('corpora', 'cn_medical_qa', 'cn_medical_qa.jsonl')]
    out += [r['question'] + '\n' + r['answer'] for r in rows('corpora', 'en_medical_qa_with_urls', 'medquad_qa_with_urls.jsonl')]
    for name in ('lcqmc_pairs.jsonl', 'curai_mqp_pairs.jsonl'):
        for r in rows('corpora', 'near_dup_pairs', name): out += [r['text_a'], r['text_b']]
    out += [r['question'] + '\n' + r['answer'] for r in rows('corpora', 'cn_legal_qa', 'lawbench_legal_qa.jsonl')]
    out += [r['text'] for r in rows('corpora', 'cn_legal_qa', 'laws_articles.jsonl')]
    out += [r['text'] for r in rows('corpora', 'en_biomed_abstracts', 'pubmedqa_abstracts.jsonl')]
    return out

def real_texts_of(*parts):
    "question + answer of one real corpus in ../shared (empty when absent)."
    p = shared_path('corpora', *parts)
    return [(r['question'] + '\n' + r['answer']) for r in map(json.loads, open(p, encoding='utf-8'))] if p is not None else []

def exact_join(texts, threshold=THRESHOLD):
    "Reference: AllPairs prefix-filter join in plain Python over `shingles` sets (exact for Jaccard >= threshold)."
    vocab, docs = {}, []
    for t in texts: docs.append([vocab.setdefault(g, len(vocab)) for g in shingles(t)])
    freq = Counter(i for d in docs for i in d)
    rank = {i: r for r, i in enumerate(sorted(freq, key=lambda i: (freq[i], i)))}
    del vocab
    docs = [sorted(rank[i] for i in d) for d in docs]
    order = sorted(range(len(docs)), key=lambda i: len(docs[i]))
    index, pairs = defaultdict(list), set()
    for x in order:
        d = docs[x]
        if not d: continue
        p = len(d) - math.ceil(threshold * len(d) - 1e-9) + 1
        cands = set()
        for tok in d[:p]:
            for y in index[tok]:
                if len(docs[y]) >= threshold * len(d) - 1e-9: cands.add(y)
            index[tok].append(x)
        sx = set(d)
        for y in cands:
            inter = len(sx.intersection(docs[y]))
            if inter / (len(d) + len(docs[y]) - inter) > threshold: pairs.add((min(x, y), max(x, y)))
    return pairs

def run_datasketch(texts, threshold=THRESHOLD, num_perm=128):
    "Candidate pairs of datasketch MinHashLSH (as it reports them: unverified)."
    from datasketch import MinHash, MinHashLSH
    lsh, pairs = MinHashLSH(threshold=threshold, num_perm=num_perm), set()
    hashes, t0 = [], time.perf_counter()
    for t in texts:
        m = MinHash(num_perm=num_perm)
        sh = shingles(t)
        if sh: m.update_batch([g.encode('utf-8') for g in sh])
        hashes.append(m if sh else None)
    t_minhash = time.perf_counter() - t0
    with lsh.insertion_session() as session:
        for i, m in enumerate(hashes):
            if m is not None: session.insert(i, m, check_duplication=False)
    for i, m in enumerate(hashes):
        if m is None: continue
        for j in lsh.query(m):
            if j != i: pairs.add((min(i, j), max(i, j)))
    return pairs, t_minhash

def run_simhash_index(texts, k=3):
    "Pairs within Hamming distance `k` from the simhash package (Simhash over the same shingles + SimhashIndex)."
    import logging
    from simhash import Simhash, SimhashIndex
    logging.getLogger('simhash').setLevel(logging.ERROR)
    fps = [Simhash(sorted(shingles(t))) if t.strip() else None for t in texts]
    index = SimhashIndex([(str(i), f) for i, f in enumerate(fps) if f is not None], k=k)
    pairs = set()
    for i, f in enumerate(fps):
        if f is None: continue
        for j in index.get_near_dups(f):
            j = int(j)
            if j != i: pairs.add((min(i, j), max(i, j)))
    return pairs

def low_threshold_table(texts, threshold=0.8):
    "Exact join vs ours at a low threshold, where prefixes are long and the positional filter carries the search."
    t = time.perf_counter(); truth = exact_join(texts, threshold); t_exact = time.perf_counter() - t
    t = time.perf_counter(); res = find_near_duplicates(texts, DedupConfig(threshold=threshold)); t_ours = time.perf_counter() - t
    r, p = score(set(zip(res.a.tolist(), res.b.tolist())), truth)
    print(f'\nthreshold {threshold} on {len(texts):,} documents ({len(truth):,} pairs above it):')
    print('| method | seconds | candidates verified | recall | precision |')
    print('|---|---:|---:|---:|---:|')
    print(f'| exact join (pure-Python AllPairs, reference) | {t_exact:.1f} | - | 1.0000 | 1.0000 |')
    print(f'| grok_finetune (prefix + positional filter, verified) | {t_ours:.1f} | {res.stats["candidates"]:,} | {r:.4f} | {p:.4f} |')
    return t_exact, t_ours, r, p

def score(found, truth):
    tp = len(found & truth)
    return tp / max(len(truth), 1), tp / max(len(found), 1) if found else 1.0

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--n', type=int, default=200_000, help='number of documents (>= 200k for the issue target)')
    ap.add_argument('--quick', action='store_true', help='20k documents')
    ap.add_argument('--skip-simhash-index', action='store_true', help='skip the slow pure-Python SimhashIndex baseline')
    ap.add_argument('--low-threshold', type=float, default=0.8, help='also compare with the exact join at this threshold (0: skip)')
    args = ap.parse_args()
    n = 20_000 if args.quick else args.n
    t0 = time.perf_counter()
    real = real_texts()
    if args.quick: real = real[::8]
    synth, planted = synthetic_texts(max(n - len(real), 1000))
    texts = real + synth
    planted = [(a + len(real), b + len(real)) for a, b in planted]
    print(f'documents: {len(texts):,} ({len(real):,} real from ../shared, {len(synth):,} synthetic with {len(planted):,} planted copies); '
          f'built in {time.perf_counter() - t0:.1f}s', flush=True)
    planted_j = np.array([jaccard(shingles(texts[a]), shingles(texts[b])) for a, b in planted])
    planted_true = {p for p, j in zip(planted, planted_j) if j > THRESHOLD}
    print(f'planted copies: Jaccard quartiles {np.round(np.quantile(planted_j, [0, .25, .5, .75, 1]), 3).tolist()}; '
          f'{len(planted_true):,} above {THRESHOLD}', flush=True)

    rows = []
    t = time.perf_counter(); truth = exact_join(texts); t_exact = time.perf_counter() - t
    print(f'exact join (pure-Python AllPairs): {len(truth):,} pairs in {t_exact:.1f}s', flush=True)
    gc.collect()

    t = time.perf_counter(); res = find_near_duplicates(texts, DedupConfig(threshold=THRESHOLD)); t_ours = time.perf_counter() - t
    ours = set(zip(res.a.tolist(), res.b.tolist()))
    r, p = score(ours, truth)
    rows.append(('grok_finetune (simhash k=3 + prefix filter, verified)', t_ours, len(ours), r, p, len(planted_true & ours) / max(len(planted_true), 1)))
    print(f'ours: {t_ours:.1f}s; phases {({k[8:]: v for k, v in res.stats.items() if k.startswith("seconds")})}; '
          f'candidates {res.stats["candidates"]:,} (simhash {res.stats.get("candidates_simhash", 0):,}, prefix {res.stats.get("candidates_prefix", 0):,})', flush=True)
    simhash_only = set(zip(*[x.tolist() for x in (res.a[(res.found_by & 1) | (res.found_by & 4) > 0], res.b[(res.found_by & 1) | (res.found_by & 4) > 0])]))
    gc.collect()

    t = time.perf_counter(); ds_pairs, t_minhash = run_datasketch(texts); t_ds = time.perf_counter() - t
    r, p = score(ds_pairs, truth)
    rows.append(('datasketch MinHashLSH (128 perm, t=0.95, unverified)', t_ds, len(ds_pairs), r, p, len(planted_true & ds_pairs) / max(len(planted_true), 1)))
    print(f'datasketch: {t_ds:.1f}s (MinHash {t_minhash:.1f}s)', flush=True)
    gc.collect()

    if not args.skip_simhash_index:
        t = time.perf_counter(); sh_pairs = run_simhash_index(texts); t_sh = time.perf_counter() - t
        r, p = score(sh_pairs, truth)
        rows.append(('simhash SimhashIndex (k=3, unverified)', t_sh, len(sh_pairs), r, p, len(planted_true & sh_pairs) / max(len(planted_true), 1)))
        print(f'simhash SimhashIndex: {t_sh:.1f}s', flush=True)

    print(f'\nour simhash tables alone (k=3, verified; identical sets included): recall {score(simhash_only, truth)[0]:.4f}')
    print(f'\n{len(texts):,} documents, {len(truth):,} pairs with Jaccard > {THRESHOLD} (exact join: {t_exact:.1f}s); '
          f'OMP_NUM_THREADS={os.environ.get("OMP_NUM_THREADS", "unset")}')
    print(f'| method | seconds | pairs reported | recall | precision | planted recall |')
    print(f'|---|---:|---:|---:|---:|---:|')
    for name, s, m, r, p, pr in rows: print(f'| {name} | {s:.1f} | {m:,} | {r:.4f} | {p:.4f} | {pr:.4f} |')
    low = ''
    if args.low_threshold:
        medquad = [t for t in real_texts_of('en_medical_qa_with_urls', 'medquad_qa_with_urls.jsonl')] or texts[:6000]
        t_exact_low, t_ours_low, r_low, p_low = low_threshold_table(medquad[::8] if args.quick else medquad, args.low_threshold)
        low = f' low_threshold_ratio={t_ours_low / max(t_exact_low, 1e-9):.3f} low_recall={r_low:.4f}'
    _, s, _, r, p, _ = rows[0]
    print(f'RESULT recall={r:.4f} precision={p:.4f} seconds={s:.2f} speedup_vs_datasketch={t_ds / s:.2f}{low}')

if __name__ == '__main__':
    main()
