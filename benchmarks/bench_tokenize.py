#!/usr/bin/env python
"""Tokenize >= 50k JSONL records to arrow through the package (`tokenize_file`: read + validate JSONL, batched
`datasets.map`, 512-token cap, `save_to_disk`) and, in the same run, the same texts with raw `tokenizers`
`encode_batch`. Prints a table and `RESULT ratio=<pipeline/raw> records_per_s=<n>` (target ratio >= 0.8).
It also times the JSONL copy that `tokenize_file` writes by default, against `json.dumps` per row.
For reference the table also has `encode_batch_fast` (no offsets), which the pipeline itself calls on pre-normalised
text (see `prenormalized_twin` in nbs/01_tokenizer.ipynb), and `encode_batch` plus reading every id into Python.

Uses Grok-1's tokenizer when ../shared has it (texts: the real Chinese medical/legal QA and English abstracts,
cycled to the requested size), else the offline stand-in on the bundled sample corpus.

    python benchmarks/bench_tokenize.py            # 50,000 records
    python benchmarks/bench_tokenize.py --quick    # 5,000 records
"""
import argparse, json, os, shutil, sys, time
os.environ.setdefault('HF_DATASETS_DISABLE_PROGRESS_BARS', '1')
from pathlib import Path

def build_records(n: int) -> tuple:
    "`n` records `{id, text}` cycled from the real corpora (or the sample corpus) and the tokenizer to use."
    from grok_finetune.core import read_jsonl, sample_dir, shared_path
    from grok_finetune.tokenizer import load_grok_tokenizer, offline_tokenizer
    model = shared_path('grok-1', 'tokenizer.model')
    if model is not None:
        base = []
        for parts, fields in [(('cn_medical_qa', 'cn_medical_qa.jsonl'), ('question', 'answer')),
                              (('cn_legal_qa', 'lawbench_legal_qa.jsonl'), ('instruction', 'question', 'answer')),
                              (('en_biomed_abstracts', 'pubmedqa_abstracts.jsonl'), ('text',))]:
            for r in read_jsonl(shared_path('corpora', *parts), progress=False):
                base.append('\n'.join(r[k] for k in fields if isinstance(r.get(k), str)))
        tok = load_grok_tokenizer(model)
    else:
        base = ['\n'.join(v for v in (r['instruction'], r['input'], r['output']) if v)
                for r in read_jsonl(sample_dir()/'corpus.jsonl', progress=False)]
        tok = offline_tokenizer()
    return [{'id': f'r{i}', 'text': base[i % len(base)]} for i in range(n)], tok

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--n', type=int, default=50_000, help='records to tokenize')
    ap.add_argument('--quick', action='store_true', help='5,000 records')
    ap.add_argument('--repeats', type=int, default=7, help='interleaved timed runs of each side (medians are reported)')
    args = ap.parse_args()
    n = 5_000 if args.quick else args.n
    from grok_finetune.tokenizer import tokenize_file
    import pyarrow.compute as pc
    out = Path(__file__).resolve().parent/'_out'
    out.mkdir(exist_ok=True)
    records, tok = build_records(n)
    src = out/'bench_tokenize.jsonl'
    with open(src, 'w', encoding='utf-8') as f:
        for r in records: f.write(json.dumps(r, ensure_ascii=False) + '\n')
    texts = [r['text'] for r in records]
    backend = tok.backend_tokenizer
    backend.encode_batch(texts[:1000], add_special_tokens=False)            # warm-up (thread pool, BPE cache)

    raw_s, raw_cpu, ids_s, fast_s, fast_cpu, pipe_s, pipe_cpu = [], [], [], [], [], [], []
    def run_raw():
        t0, c0 = time.perf_counter(), time.process_time()
        encs = backend.encode_batch(texts, add_special_tokens=False)
        raw_s.append(time.perf_counter() - t0); raw_cpu.append(time.process_time() - c0)
        tokens = sum(len(i) for i in [e.ids for e in encs])
        ids_s.append(time.perf_counter() - t0)                             # encode_batch + the ids as Python lists
        del encs
        t0, c0 = time.perf_counter(), time.process_time()                  # for reference: the no-offsets variant,
        backend.encode_batch_fast(texts, add_special_tokens=False)        # which the pipeline uses
        fast_s.append(time.perf_counter() - t0); fast_cpu.append(time.process_time() - c0)
        return tokens
    def run_pipeline():
        shutil.rmtree(out/'bench_tokenize_arrow', ignore_errors=True)
        t0, c0 = time.perf_counter(), time.process_time()
        ds = tokenize_file(src, out/'bench_tokenize_arrow', tok, max_length=512, overflow='truncate', formats=('arrow',))
        pipe_s.append(time.perf_counter() - t0); pipe_cpu.append(time.process_time() - c0)
        return pc.sum(pc.list_value_length(ds.data.column('input_ids'))).as_py()   # counted in arrow, untimed
    for r in range(args.repeats):     # interleaved, alternating which goes first, so drift in the machine's speed hits both
        if r % 2: pipe_tokens, raw_tokens = run_pipeline(), run_raw()
        else: raw_tokens, pipe_tokens = run_raw(), run_pipeline()
    ratios = sorted(r / p for r, p in zip(raw_s, pipe_s))                  # paired: each pipeline run vs the raw run beside it
    med = lambda xs: sorted(xs)[len(xs) // 2]
    raw, pipe = med(raw_s), med(pipe_s)
    rows = [('raw tokenizers encode_batch (in memory, no cap)', raw, med(raw_cpu), raw_tokens),
            ('  same + reading the ids out (e.ids for each Encoding)', med(ids_s), float('nan'), raw_tokens),
            ('raw tokenizers encode_batch_fast (no offsets)', med(fast_s), med(fast_cpu), raw_tokens),
            ('grok_finetune tokenize_file (JSONL -> arrow, cap 512)', pipe, med(pipe_cpu), pipe_tokens)]
    print(f'tokenizer: {tok.name_or_path}; {n:,} records; {os.cpu_count()} CPUs; median of {args.repeats} interleaved runs')
    print(f"{'':56s} {'wall s':>7s} {'cpu s':>7s} {'records/s':>10s} {'tokens/s':>11s} {'ratio':>6s}")
    for name, s, c, toks in rows:
        print(f'{name:56s} {s:7.2f} {c:7.2f} {n / s:10,.0f} {toks / s:11,.0f} {raw / s:6.2f}')
    print(f'paired ratios (raw time / pipeline time) per run: {[round(r, 3) for r in ratios]}')
    print(f'ratio against encode_batch + reading the ids: {med(sorted(r / p for r, p in zip(ids_s, pipe_s))):.3f}')
    print(f'ratio against encode_batch_fast: {med(sorted(r / p for r, p in zip(fast_s, pipe_s))):.3f}')
    jsonl_export(out, n)
    print(f'RESULT ratio={med(ratios):.3f} records_per_s={n / pipe:.0f}')

def jsonl_export(out: Path, n: int):
    "The JSONL copy that `tokenize_file` also writes by default: `save_dataset` (arrow joins the id lists) vs json.dumps per row."
    from grok_finetune.core import load_dataset_dir, save_dataset, write_jsonl
    ds = load_dataset_dir(out/'bench_tokenize_arrow')
    t0 = time.perf_counter(); write_jsonl(iter(ds), out/'bench_rows.jsonl'); rows = time.perf_counter() - t0
    t0 = time.perf_counter(); save_dataset(ds, out/'bench_export', formats=('jsonl',)); ours = time.perf_counter() - t0
    same = (out/'bench_rows.jsonl').read_bytes() == (out/'bench_export.jsonl').read_bytes()
    mb = (out/'bench_export.jsonl').stat().st_size / 1e6
    print(f'JSONL export of the result ({mb:,.0f} MB, one run): json.dumps per row {rows:.2f} s, '
          f'save_dataset {ours:.2f} s ({rows / ours:.1f}x), identical bytes: {same}')

if __name__ == '__main__':
    sys.exit(main())
