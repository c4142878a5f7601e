"""Benchmark KG augmentation: 10k records against the real 61k-triple Chinese medical KG, through the embedded
pyoxigraph store and through a real `oxigraph serve-read-only` HTTP server, each with a cold and a warm sqlite cache.

Records: the real Chinese medical QA pairs from ../shared/corpora/cn_medical_qa (replicated to --n with new ids),
else the bundled sample corpus replicated. KG: ../shared/corpora/cn_medical_kg/medical_kg.ttl, else data/sample/kg.ttl.
The token-boundary check uses the course tokenizer (--tokenizer offline|grok|none).

    python benchmarks/bench_kg.py            # 10k records
    python benchmarks/bench_kg.py --quick    # 1k records
"""
import argparse, json, os, shutil, signal, socket, subprocess, sys, tempfile, time
from pathlib import Path
from grok_finetune.core import read_jsonl, sample_dir, shared_path
from grok_finetune.kg import KGConfig, augment_records

def load_records(n: int):
    qa = shared_path('corpora', 'cn_medical_qa', 'cn_medical_qa.jsonl')
    if qa is not None:
        base = [{'id': r['id'], 'lang': 'zh', 'instruction': r['question'], 'input': '', 'output': r['answer']}
                for r in read_jsonl(qa, progress=False)]
        source = f'{qa.name} ({len(base)} real zh medical QA)'
    else:
        base = list(read_jsonl(sample_dir()/'corpus.jsonl', progress=False))
        source = f'data/sample/corpus.jsonl ({len(base)} records)'
    records = [dict(base[i % len(base)], id=f"{base[i % len(base)]['id']}#{i // len(base)}", split='train') for i in range(n)]
    return records, source

def get_tokenizer(which: str):
    if which == 'none': return None
    import grok_finetune.tokenizer as tokmod
    if which == 'offline': return tokmod.offline_tokenizer()
    model = shared_path('grok-1', 'tokenizer.model')
    if model is None: sys.exit('--tokenizer grok needs ../shared/grok-1/tokenizer.model')
    return tokmod.load_grok_tokenizer(model)

def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]

def start_server(ttl: Path, workdir: Path):
    "Load `ttl` with `oxigraph load` and serve it read-only on 127.0.0.1; returns (process, query URL)."
    exe = str(Path(sys.executable).parent/'oxigraph') if (Path(sys.executable).parent/'oxigraph').exists() else shutil.which('oxigraph')
    if exe is None: sys.exit('the oxigraph CLI is not installed (pip install oxigraph)')
    subprocess.run([exe, 'load', '--location', str(workdir/'store'), '--file', str(ttl)], check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen([exe, 'serve-read-only', '--location', str(workdir/'store'), '--bind', f'127.0.0.1:{port}'],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=0.2): return proc, f'http://127.0.0.1:{port}/query'
        except OSError: time.sleep(0.05)
    stop_server(proc)
    sys.exit('oxigraph did not start')

def stop_server(proc):
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try: proc.wait(timeout=10)
        except subprocess.TimeoutExpired: os.kill(proc.pid, signal.SIGKILL); proc.wait()

def run(records, cfg, tokenizer):
    start, cpu = time.perf_counter(), time.process_time()
    out, report = augment_records(records, cfg, tokenizer)
    return out, report, time.perf_counter() - start, time.process_time() - cpu

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--n', type=int, default=10_000, help='records to augment')
    ap.add_argument('--quick', action='store_true', help='1k records')
    ap.add_argument('--tokenizer', default='offline', choices=['offline', 'grok', 'none'])
    a = ap.parse_args()
    n = 1000 if a.quick else a.n
    records, source = load_records(n)
    ttl = shared_path('corpora', 'cn_medical_kg', 'medical_kg.ttl') or sample_dir()/'kg.ttl'
    tokenizer = get_tokenizer(a.tokenizer)
    print(f'records: {n} from {source}\nKG: {ttl}\ntokenizer: {a.tokenizer}')
    work = Path(tempfile.mkdtemp(prefix='bench_kg_'))
    rows, outputs = [], {}
    try:
        proc, url = start_server(ttl, work)
        try:
            for mode, endpoint in [('embedded', 'embedded'), ('http', url)]:
                cache = str(work/f'{mode}_cache.sqlite')
                for temp in ['cold', 'warm']:
                    cfg = KGConfig(endpoint=endpoint, ttl_path=str(ttl), cache_path=cache, timeout=30)
                    out, report, secs, cpu = run(records, cfg, tokenizer)
                    outputs[(mode, temp)] = out
                    client = report.extra['client']
                    rows.append((mode, temp, secs, n / secs, cpu, report.extra['augmented'], report.extra['triples'],
                                 client.get('requests', 0), client.get('cache_hits', 0)))
        finally: stop_server(proc)
    finally: shutil.rmtree(work, ignore_errors=True)
    first = outputs[('embedded', 'cold')]
    assert all(o == first for o in outputs.values()), 'embedded / HTTP / cold / warm runs disagree'
    print(f"\n{'backend':<9} {'cache':<5} {'seconds':>8} {'records/s':>10} {'cpu s':>6} {'augmented':>9} {'triples':>8} {'requests':>9} {'cache hits':>10}")
    for mode, temp, secs, rps, cpu, aug, tri, req, hits in rows:
        print(f'{mode:<9} {temp:<5} {secs:>8.2f} {rps:>10.0f} {cpu:>6.2f} {aug:>9} {tri:>8} {req:>9} {hits:>10}')
    print('(cpu s: this process only; the oxigraph server runs in its own process)')
    print('all four runs produced identical records')
    warm_embedded = next(r[3] for r in rows if r[0] == 'embedded' and r[1] == 'warm')
    print(f'RESULT records_per_s={warm_embedded:.0f}')

if __name__ == '__main__':
    main()
