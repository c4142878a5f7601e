"""Cost of the evaluation measures of notebooks 11-13 on the tiny Grok + LoRA, next to the openai/grok approach.

For each measure: forward and backward passes over validation batches, wall seconds, and the value it returns.
The openai/grok rows run `openai_grok_sharpness` (a faithful re-implementation of `grok/measure.py`'s
`get_sharpness`, bugs kept, from grok_finetune.sharpness) and the `lp_path_norm` recipe of `grok/metrics.py`
(deep copy, |w|^p on trainable weights, forward of an all-ones input), re-written below for the comparison.

    python benchmarks/bench_eval.py            # 32 validation batches of 4 sequences
    python benchmarks/bench_eval.py --quick    # 4 batches

Ends with `RESULT sharpness_passes=<forward+backward passes> sharpness_seconds=<s>` for our default sharpness
(merged space, 10-dim subspace, L-BFGS-B, maxiter 10).
"""
import argparse, copy, math, os, time
os.environ.setdefault('OMP_NUM_THREADS', '1')
import torch
import torch.nn as nn
from grok_finetune.flatness import average_flatness, lp_path_norm, update_norms, update_norm_summary
from grok_finetune.tiny import counting_batches, tiny_grok, tiny_lora_model
from grok_finetune.sharpness import hessian_top_eigenvalue, keskar_sharpness, openai_grok_sharpness
from grok_finetune.ood import drop_report, score_examples

def openai_grok_lp_path_norm(model, p=2, input_size=(3, 32, 32)):
    "The recipe of openai/grok `lp_path_norm`, for comparison only: |w|^p on trainable weights, ones in, sum out."
    tmp = copy.deepcopy(model)
    tmp.eval()
    with torch.no_grad():
        for param in tmp.parameters():
            if param.requires_grad: param.abs_().pow_(p)
        return (tmp(torch.ones(input_size)).sum() ** (1 / p)).item()

def timed(fn):
    t = time.perf_counter()
    try: out, err = fn(), None
    except Exception as e: out, err = None, f'{type(e).__name__}: {str(e)[:60]}'
    return out, time.perf_counter() - t, err

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--batches', type=int, default=32, help='validation batches (the measures default to the first 512)')
    ap.add_argument('--batch-size', type=int, default=4)
    ap.add_argument('--quick', action='store_true', help='4 batches')
    a = ap.parse_args()
    torch.set_num_threads(1)
    n = 4 if a.quick else a.batches
    batches = counting_batches(n=n, batch_size=a.batch_size, seed=1)
    model = tiny_lora_model()
    rows = []
    def row(name, fwd, bwd, secs, value, note=''):
        rows.append((name, fwd, bwd, secs, value, note))

    mlp = nn.Sequential(nn.Linear(64, 64, bias=False), nn.ReLU(), nn.Linear(64, 64, bias=False), nn.ReLU(), nn.Linear(64, 10, bias=False))
    v, s, e = timed(lambda: lp_path_norm(mlp, (64,)))
    row('lp_path_norm, ReLU MLP (ours)', 1, 0, s, v)
    v, s, e = timed(lambda: openai_grok_lp_path_norm(mlp, input_size=(1, 64)))
    row('lp_path_norm, ReLU MLP (openai/grok)', 1, 0, s, v, 'deep copy of the model')
    v, s, e = timed(lambda: lp_path_norm(model, (16,)))
    row('lp_path_norm, tiny Grok+LoRA (ours)', 0, 0, s, v, 'refused: ' + (e or '')[:40])
    v, s, e = timed(lambda: openai_grok_lp_path_norm(model, input_size=(1, 16)))
    row('lp_path_norm, tiny Grok+LoRA (openai/grok)', 1 if e is None else 0, 0, s, v, e or 'undefined for transformers')

    v, s, e = timed(lambda: update_norm_summary(update_norms(model)))
    row('update norms of ΔW (ours)', 0, 0, s, v and v['update_fro'], 'QR of r×r factors, no passes')
    v, s, e = timed(lambda: average_flatness(model, batches, n_draws=8))
    row('average-case flatness K=8 (ours)', v and v['forward_passes'], 0, s, v and v['avg_flatness'])

    v, s, e = timed(lambda: keskar_sharpness(model, batches))
    sharp = v
    row('Keskar sharpness, merged, p=10 (ours)', v['forward_passes'], v['backward_passes'], s, v['sharpness'], f"{v['evaluations']} evaluations")
    v, s, e = timed(lambda: keskar_sharpness(model, batches, space='adapter'))
    row('Keskar sharpness, adapter, p=10 (ours)', v['forward_passes'], v['backward_passes'], s, v['sharpness'])
    v, s, e = timed(lambda: keskar_sharpness(model, batches, space='merged', method='pga'))
    row('Keskar sharpness, merged, PGA (ours)', v['forward_passes'], v['backward_passes'], s, v['sharpness'])
    v, s, e = timed(lambda: openai_grok_sharpness(tiny_lora_model(), batches))
    row('get_sharpness on Grok+LoRA (openai/grok)', 0, 0, s, None, e or '')
    full = tiny_grok()
    v, s, e = timed(lambda: openai_grok_sharpness(full, batches))
    row('get_sharpness, all params trainable (openai/grok)', v and v['forward_passes'], v and v['backward_passes'], s, v and v['sharpness'],
        'minimises; stale grads')
    full = tiny_grok()
    for prm in full.parameters(): prm.requires_grad_(True)
    v, s, e = timed(lambda: keskar_sharpness(full, batches, space='adapter'))
    row('Keskar sharpness, same model, all params (ours)', v['forward_passes'], v['backward_passes'], s, v['sharpness'])

    v, s, e = timed(lambda: hessian_top_eigenvalue(model, batches, iters=10))
    row('Hessian top eigenvalue, 10 iters (ours)', v['forward_passes'], v['backward_passes'], s, v['eigenvalue'], 'double backward')
    examples = [{'input_ids': b['input_ids'][i].tolist(), 'labels': b['labels'][i].tolist(), 'domain': 'd', 'ood': i == 0}
                for b in batches for i in range(len(b['input_ids']))]
    v, s, e = timed(lambda: drop_report(score_examples(model, examples, a.batch_size)))
    row('OOD per-domain accuracy + drop (ours)', math.ceil(len(examples) / a.batch_size), 0, s, v and v['drop'])

    print(f'tiny Grok (2 layers, width 32, 4 experts) + LoRA r=4; {n} validation batches of {a.batch_size} x 16 tokens; 1 CPU thread')
    print(f"{'measure':52s} {'fwd':>6s} {'bwd':>6s} {'seconds':>8s} {'value':>12s}  note")
    for name, fwd, bwd, secs, value, note in rows:
        val = f'{value:12.5g}' if isinstance(value, (int, float)) else f"{'-':>12s}"
        print(f"{name:52s} {fwd if fwd is not None else '-':>6} {bwd if bwd is not None else '-':>6} {secs:8.3f} {val}  {note}")
    print(f"RESULT sharpness_passes={sharp['forward_passes'] + sharp['backward_passes']} sharpness_seconds={sharp['seconds']:.3f}")

if __name__ == '__main__':
    main()
