"""Benchmark: the data stages of the pipeline (prepare -> split -> dedup -> augment -> tokenize) on all of
../shared/corpora together (tens of thousands of records) when present, else the sample corpus replicated.

Prints per-stage seconds, records in/out and peak RSS in one table; ends with `RESULT seconds=<total> peak_mb=<n>`.
Usage: python benchmarks/bench_pipeline.py [--tokenizer offline|grok] [--quick]
"""
import argparse, json, os, tempfile, threading, time
from pathlib import Path
import psutil
from grok_finetune.core import read_jsonl, write_jsonl, shared_path, sample_dir
from grok_finetune.pipeline import STAGES, DATA_STAGES, load_run_config, run_stage, config_section

def shared_corpus(out: Path, quick: bool) -> tuple:
    "Convert the real corpora in ../shared into the record schema; returns (inputs, ood_inputs, description)."
    n = 500 if quick else None
    recs = []
    med = shared_path('corpora', 'cn_medical_qa', 'cn_medical_qa.jsonl')
    for r in list(read_jsonl(med, progress=False))[:n]:
        recs.append({'id': r['id'], 'instruction': r['question'], 'input': '', 'output': r['answer'], 'domain': 'medical',
                     'task_type': 'qa', 'lang': 'zh', 'timestamp': '2024-01-01T00:00:00Z'})   # no URL: content-hash fallback
    for r in list(read_jsonl(shared_path('corpora', 'en_medical_qa_with_urls', 'medquad_qa_with_urls.jsonl'), progress=False))[:n]:
        recs.append({'id': r['id'], 'instruction': r['question'], 'input': '', 'output': r['answer'], 'domain': 'medical',
                     'task_type': 'qa', 'lang': 'en', 'source_url': r['url'], 'timestamp': '2024-01-01T00:00:00Z'})
    for r in list(read_jsonl(shared_path('corpora', 'cn_legal_qa', 'lawbench_legal_qa.jsonl'), progress=False))[:n]:
        recs.append({'id': r['id'], 'instruction': r.get('instruction', ''), 'input': r['question'], 'output': r['answer'],
                     'domain': 'legal', 'task_type': 'qa', 'lang': 'zh', 'timestamp': '2024-01-01T00:00:00Z'})
    for r in list(read_jsonl(shared_path('corpora', 'cn_legal_qa', 'laws_articles.jsonl'), progress=False))[:n]:
        recs.append({'id': r['id'], 'instruction': f"概括{r['law']}{r['article_no']}的要点。", 'input': r['text'], 'output': r['text'][:60],
                     'domain': 'legal', 'task_type': 'summarization', 'lang': 'zh', 'source_url': f"law://{r['law']}", 'timestamp': '2024-01-01T00:00:00Z'})
    ood = [{'id': r['id'], 'text': r['text'], 'domain': 'biomed', 'ood': True}
           for r in list(read_jsonl(shared_path('corpora', 'en_biomed_abstracts', 'pubmedqa_abstracts.jsonl'), progress=False))[:n]]
    write_jsonl(recs, out/'corpus.jsonl'); write_jsonl(ood, out/'ood.jsonl')
    return [str(out/'corpus.jsonl')], [str(out/'ood.jsonl')], f'../shared/corpora ({len(recs):,} records + {len(ood):,} OOD)'

def sample_corpus(out: Path, quick: bool) -> tuple:
    base = list(read_jsonl(sample_dir()/'corpus.jsonl', progress=False))
    copies = 2 if quick else 40
    recs = [{**r, 'id': f"{r['id']}-{i}", 'source_url': f"{r['source_url']}?copy={i}", 'output': f"{r['output']} ({i})"}
            for i in range(copies) for r in base]
    write_jsonl(recs, out/'corpus.jsonl')
    return [str(out/'corpus.jsonl')], [str(sample_dir()/'ood_biomed.jsonl')], f'data/sample x{copies} ({len(recs):,} records)'

class PeakRSS:
    "Sample this process's RSS (children included) every 20 ms while the block runs."
    def __enter__(self):
        self.proc, self.peak, self.stop = psutil.Process(), 0, False
        def loop():
            while not self.stop:
                rss = self.proc.memory_info().rss + sum(c.memory_info().rss for c in self.proc.children(recursive=True))
                self.peak = max(self.peak, rss); time.sleep(0.02)
        self.thread = threading.Thread(target=loop, daemon=True); self.thread.start()
        return self
    def __exit__(self, *exc):
        self.stop = True; self.thread.join()

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--tokenizer', default='offline', choices=['offline', 'grok'])
    ap.add_argument('--quick', action='store_true', help='a few hundred records per corpus')
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix='bench_pipeline_'))
    inputs, ood, what = (shared_corpus if shared_path('corpora') else sample_corpus)(work, a.quick)
    tok = str(shared_path('grok-1', 'tokenizer.model')) if a.tokenizer == 'grok' and shared_path('grok-1', 'tokenizer.model') else None
    cfg = load_run_config(None, {'run_dir': str(work/'run'), 'data.inputs': inputs, 'data.ood_inputs': ood,
                                 'data.on_error': 'skip', 'tokenize.tokenizer': tok})
    run_dir = Path(cfg.run_dir); run_dir.mkdir(parents=True)
    print(f'corpus: {what}; tokenizer: {tok or "offline stand-in"}')
    rows, total, peak = [], 0.0, 0
    for name in DATA_STAGES:
        fn, sections, inputs_fn = STAGES[name]
        with PeakRSS() as mem:
            start = time.perf_counter()
            res = run_stage(name, run_dir, {s: config_section(cfg, s) for s in sections}, inputs_fn(cfg, run_dir),
                            lambda out, fn=fn: fn(cfg, run_dir, out), log=None)
            secs = time.perf_counter() - start
        rows.append((name, res.report.get('n_in'), res.report.get('n_out'), secs, mem.peak / 2**20))
        total += secs; peak = max(peak, mem.peak)
    print(f"\n| stage | records in | records out | seconds | records/s | peak RSS MB |\n|---|---|---|---|---|---|")
    for name, n_in, n_out, secs, mb in rows:
        print(f'| {name} | {n_in:,} | {n_out:,} | {secs:.1f} | {n_in / secs:,.0f} | {mb:,.0f} |')
    print(f'| total | | | {total:.1f} | | {peak / 2**20:,.0f} |')
    print(f'RESULT seconds={total:.1f} peak_mb={peak / 2**20:.0f}')

if __name__ == '__main__':
    main()
