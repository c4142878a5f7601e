#!/usr/bin/env python
"""URL-hash split throughput on 1M records: grok_finetune.split (stratified plan and pure hash) vs a naive random
record-level split (the baseline a split by URL replaces: fast, but it leaks pages across splits).

    python benchmarks/bench_split.py            # 1,000,000 records, ~330k URLs, 3 domains
    python benchmarks/bench_split.py --quick    # 100,000 records

Ends with `RESULT records_per_s=<n>` for the default configuration (stratified, 8:1:1 by domain).
"""
import argparse, gc, os, random, time
from collections import Counter
from grok_finetune.split import SplitConfig, find_url_leaks, split_records

def synthetic_records(n, seed=0):
    "`n` records of 3 domains, 1-5 records per URL, ISO timestamps; 0.1% without URL."
    rng, out, page = random.Random(seed), [], 0
    domains, hosts = ['medical', 'legal', 'coding'], ['https://www.nhs.uk/conditions/', 'https://flk.npc.gov.cn/detail/', 'https://docs.python.org/3/library/']
    while len(out) < n:
        d = rng.choices((0, 1, 2), weights=(5, 3, 2))[0]
        url = f'{hosts[d]}page-{page}'; page += 1
        for j in range(rng.randint(1, 5)):
            rec = {'id': f'r{len(out):07d}', 'domain': domains[d], 'source_url': url,
                   'timestamp': f'2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T00:00:00Z', 'instruction': f'q{page}-{j}', 'output': 'a'}
            if rng.random() < 0.001: del rec['source_url']
            out.append(rec)
    return out[:n]

def naive_split(records, seed=0):
    rng = random.Random(seed)
    return [{**r, 'split': rng.choices(('train', 'val', 'test'), weights=(8, 1, 1))[0]} for r in records]

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--n', type=int, default=1_000_000, help='number of records')
    ap.add_argument('--quick', action='store_true', help='100k records')
    args = ap.parse_args()
    n = 100_000 if args.quick else args.n
    t = time.perf_counter(); records = synthetic_records(n)
    print(f'{n:,} records, {len({r.get("source_url") for r in records}):,} URLs, built in {time.perf_counter() - t:.1f}s', flush=True)
    rows = []
    for name, fn in [('naive random record split (baseline, leaks)', lambda: (naive_split(records), None)),
                     ('grok_finetune hash (pure function of URL)', lambda: split_records(records, SplitConfig(method='hash'))),
                     ('grok_finetune stratified (default)', lambda: split_records(records))]:
        gc.collect()
        t = time.perf_counter(); out, report = fn(); secs = time.perf_counter() - t
        counts = Counter(r['split'] for r in out)
        overall, worst = Counter(r['domain'] for r in out), 0.0
        for s in counts:
            c = Counter(r['domain'] for r in out if r['split'] == s)
            worst = max(worst, max(abs(c[d] / counts[s] - overall[d] / len(out)) * 100 for d in overall))
        leaks = len(find_url_leaks(out))
        rows.append((name, secs, len(out) / secs, counts['val'] / len(out), worst, leaks))
        print(f'{name}: {secs:.1f}s', flush=True)
        del out, report
    print(f'\n{n:,} records; OMP_NUM_THREADS={os.environ.get("OMP_NUM_THREADS", "unset")}')
    print('| method | seconds | records/s | val share | max domain deviation (pp) | URLs in 2+ splits |')
    print('|---|---:|---:|---:|---:|---:|')
    for name, secs, rate, val, worst, leaks in rows: print(f'| {name} | {secs:.2f} | {rate:,.0f} | {val:.4f} | {worst:.3f} | {leaks:,} |')
    print(f'RESULT records_per_s={rows[-1][2]:.0f}')

if __name__ == '__main__':
    main()
