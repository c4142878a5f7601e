"""Forgetting in the seed's real setting: a medical LoRA adapter fine-tuned on real Chinese medical QA, probed at
every evaluation with English PubMed abstracts (10 % of the probe) and Chinese legal QA (5 %), against the base model.

With ../shared present: cn_medical_qa (train + in-domain probe), en_biomed_abstracts and cn_legal_qa (the OOD
parts), and the real Grok-1 tokenizer. Without it: the bundled sample corpus and the offline tokenizer (a smoke run;
the numbers then mean little). The base is the course's tiny Grok pretrained for the tokenizer at hand; with the
Grok-1 tokenizer (131,072 ids) that pretraining takes about 5 CPU minutes once, then it is cached. `--quick` uses
the offline tokenizer.

Prints, per evaluation, each domain's token accuracy against the base (paired, 95 % CI), the worst watched domain's
relative drop and what `ForgettingStop` (threshold 12 %, patience 2, reference = base) decides. The run is not
stopped, so the whole curve is shown. Ends with
`RESULT steps=<n> evaluations=<n> worst_ood_drop=<largest OOD drop at the end, 0 if none measurable>
stop_step=<the first step the rule would stop at, 0 if never>`.
"""
import argparse, math, tempfile, time
from pathlib import Path
from transformers.utils import logging as hf_logging
from grok_finetune.core import TrainState, shared_path
from grok_finetune.formats import tokenize_records
from grok_finetune.lora import TrainConfig, load_domain_map, train_lora
from grok_finetune.ood import OODCallback, build_probing_set, probe_sources
from grok_finetune.tiny import load_pretrained_tiny
from grok_finetune.tokenizer import load_grok_tokenizer, offline_tokenizer

hf_logging.set_verbosity_error()
KEEP = ('id', 'domain', 'ood')

def tokenizer_and_name(quick: bool):
    "The real Grok-1 tokenizer when ../shared has it (not with --quick: its 131k-row model pretrains in minutes)."
    path = None if quick else shared_path('grok-1', 'tokenizer.model')
    return (load_grok_tokenizer(str(path)), 'Grok-1 (../shared)') if path else (offline_tokenizer(), 'offline stand-in')

def probe_and_train(tok, n_probe_in: int, n_train: int, max_length: int):
    "Tokenized training rows (medical, domain_id 0) and the probe: held-out medical QA + 10 % abstracts + 5 % legal."
    ins, abstracts, source = probe_sources('biomed')
    _, legal, _ = probe_sources('cross_domain')
    probe_in, train_in = ins[:n_probe_in], ins[n_probe_in:n_probe_in + n_train]
    probe = build_probing_set(probe_in, abstracts, share=0.10, seed=0)
    n_legal = max(1, round(0.05 * len(probe) / 0.95))
    probe += [{**r, 'ood': True} for r in legal[:n_legal]]
    tokenized = tokenize_records(probe, tok, max_length, reserve=0, keep=KEEP, on_error='skip')
    train = [{**r, 'domain_id': 0} for r in tokenize_records(train_in, tok, max_length, reserve=0, keep=KEEP,
                                                             on_error='skip')]
    return train, tokenized, source

def fmt(v): return f"{v['acc_ref']:.3f}→{v['acc_now']:.3f} ({v['drop']:+.1%} [{v['drop_low']:+.1%}, {v['drop_high']:+.1%}])"

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--steps', type=int, default=80, help='LoRA steps')
    ap.add_argument('--eval-every', type=int, default=20)
    ap.add_argument('--probe', type=int, default=150, help='in-domain probe samples (OOD ones are added)')
    ap.add_argument('--train', type=int, default=600, help='training samples')
    ap.add_argument('--max-length', type=int, default=160)
    ap.add_argument('--quick', action='store_true', help='a smoke run: 10 steps, small probe')
    a = ap.parse_args()
    if a.quick: a.steps, a.eval_every, a.probe, a.train = 10, 5, 40, 80
    t0 = time.time()
    tok, tok_name = tokenizer_and_name(a.quick)
    train, probe, source = probe_and_train(tok, a.probe, a.train, a.max_length)
    base = load_pretrained_tiny(tokenizer=tok)
    counts = {d: sum(r['domain'] == d for r in probe) for d in sorted({r['domain'] for r in probe})}
    print(f'data: {source}; tokenizer: {tok_name} ({len(tok):,} ids); {len(train)} training rows; probe {counts}')
    ood = OODCallback(probe, adapter_name='medical', targets=('medical',), stop=False, batch_size=8, plot=False,
                      every=a.eval_every)
    cfg = TrainConfig(output_dir=tempfile.mkdtemp(), max_steps=a.steps, batch_size=8, learning_rate=0.01,
                      warmup_steps=5, eval_every=a.eval_every, log_every=a.eval_every, max_length=a.max_length,
                      tensorboard=False, progress_bar=False)
    train_lora(base, train, cfg, callbacks=[ood], domains=load_domain_map())
    stop_step = 0
    domains = list(ood.stopper.history[0]['domains']) if ood.stopper.history else []
    print(f"\n{'step':>5}  " + '  '.join(f'{d + " acc base→now (drop [95% CI])":<44}' for d in domains)
          + '  worst watched   rule')
    for h, rec in zip(ood.stopper.history, ood.history):
        if h['stop'] and not stop_step: stop_step = rec['step']
        verdict = 'STOP' if h['stop'] else ('over' if h['over'] else 'ok')
        print(f"{rec['step']:>5}  " + '  '.join(f"{fmt(h['domains'][d]):<44}" for d in domains)
              + f"  {h['worst'] or '-':<14}  {verdict}")
    last = ood.stopper.history[-1]['domains']
    ood_drops = [v['drop'] for v in last.values() if v['ood'] and math.isfinite(v['drop'])]
    print(f'\n({time.time() - t0:.0f}s; reference = the base model, adapters off; threshold 12 %, patience 2; '
          'a domain is watched with >= 10 samples)')
    print(f"RESULT steps={a.steps} evaluations={len(ood.history)} worst_ood_drop={max(ood_drops, default=0.0):.4f} "
          f"stop_step={stop_step}")

if __name__ == '__main__':
    main()
