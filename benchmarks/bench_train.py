"""Training throughput of `train_lora` (notebook 08) on the tiny Grok model and the sample SFT data.

1. ours vs a plain transformers `Trainer` + peft LoRA: same model, same examples in the same batches (8 per step,
   grouped by domain, padded), same LoRA targets and rank, same optimiser and schedule, fp32, same number of steps.
   Ours routes every batch to its domain's adapter (three adapters); the baseline trains one adapter.
2. ours with packed rows (`packing=True`, rows of `max_length` tokens, samples isolated by `position_ids`) vs
   padded batches, both 8 rows per step.
tokens/s counts real (non-padding) tokens over optimiser steps 2..N (set-up and the first step excluded, for both),
per CPU-second and per wall-second, median of `--repeats` interleaved runs; the RESULT ratios use CPU time (wall time with `--device cuda`). Ends with `RESULT ratio_vs_trainer=<x> packed_vs_padded=<y>`.

On a CUDA GPU (`--device cuda`) the rates are per wall-second (the clock synchronises the GPU at every step).
Also prints how much of the padded batches is real tokens: on compute-bound hardware removing the padding can gain
at most 1/fill.

    python benchmarks/bench_train.py                 # 60 steps, 3 repeats, CPU
    python benchmarks/bench_train.py --quick         # 15 steps, 1 repeat
    python benchmarks/bench_train.py --device cuda   # on a GPU
"""
import argparse, copy, os, statistics, sys, tempfile, time, warnings
from pathlib import Path

_pre = argparse.ArgumentParser(add_help=False); _pre.add_argument('--device', default='cpu')
DEVICE = _pre.parse_known_args()[0].device       # read before torch is imported, to hide GPUs on a CPU run
if DEVICE == 'cpu': os.environ['CUDA_VISIBLE_DEVICES'] = ''   # train_lora (accelerate) takes a GPU whenever it sees one

os.environ.setdefault('GROK_FINETUNE_PROGRESS', '0')
warnings.filterwarnings('ignore')
import torch
from torch.utils.data import SequentialSampler
from transformers import Trainer, TrainerCallback, TrainingArguments
from transformers.utils import logging as hf_logging
from peft import get_peft_model

from grok_finetune.core import Callback
from grok_finetune.formats import collate_examples, truncate_example
from grok_finetune.lora import TrainConfig, domain_batches, load_domain_map, lora_config, train_lora
from grok_finetune.tiny import load_pretrained_tiny, sample_sft_examples

hf_logging.set_verbosity_error()

class _Clocks:
    "Wall and CPU time at the end of every optimiser step."
    def __init__(self): self.wall, self.cpu = [], []
    def tick(self):
        if DEVICE == 'cuda': torch.cuda.synchronize()
        self.wall.append(time.perf_counter()); self.cpu.append(time.process_time())
    def rates(self, tokens_after_first: int) -> tuple:
        "tokens/s (wall, CPU) over steps 2..N: the first step (lazy inits, caches) is left out for both trainers."
        return tokens_after_first / (self.wall[-1] - self.wall[0]), tokens_after_first / (self.cpu[-1] - self.cpu[0])

class _OurClock(Callback):
    def __init__(self, clocks): self.clocks, self.every = clocks, 1
    def on_step(self, state): self.clocks.tick()

def run_ours(base, examples, cfg: TrainConfig) -> tuple:
    "tokens/s (wall, CPU) of `train_lora` over steps 2..N; tokens from its per-step log."
    clocks = _Clocks()
    result = train_lora(copy.deepcopy(base), examples, cfg, callbacks=[_OurClock(clocks)])
    tokens = [r['tokens'] for r in result.history if 'tokens' in r]
    assert len(tokens) == cfg.max_steps == len(clocks.wall)
    return clocks.rates(tokens[-1] - tokens[0])

class _TrainerClock(TrainerCallback):
    def __init__(self, clocks): self.clocks = clocks
    def on_step_end(self, args, state, control, **kw): self.clocks.tick()

class _InOrder(Trainer):
    "The plain Trainer, reading the dataset in the given order so its batches are exactly ours."
    def _get_train_sampler(self, *args, **kwargs): return SequentialSampler(self.train_dataset)

def run_trainer(base, examples, cfg: TrainConfig, out: Path) -> tuple:
    "tokens/s (wall, CPU) of transformers `Trainer` + peft on the batches `train_lora` trains on, steps 2..N."
    plan = domain_batches(examples, cfg.batch_size, cfg.seed, 0)[:cfg.max_steps]
    assert len(plan) == cfg.max_steps, 'use fewer steps than batches in one epoch'
    ordered = [truncate_example(examples[i], cfg.max_length) for b in plan for i in b]
    tokens_after_first = sum(len(e['input_ids']) for e in ordered[cfg.batch_size:])
    model = get_peft_model(copy.deepcopy(base), lora_config(cfg))
    args = TrainingArguments(output_dir=str(out), per_device_train_batch_size=cfg.batch_size, max_steps=cfg.max_steps,
                             learning_rate=cfg.learning_rate, lr_scheduler_type='cosine', warmup_steps=cfg.warmup_steps,
                             weight_decay=cfg.weight_decay, max_grad_norm=cfg.max_grad_norm, optim='adamw_torch',
                             logging_strategy='no', save_strategy='no', report_to=[], use_cpu=DEVICE == 'cpu',
                             dataloader_num_workers=0, remove_unused_columns=False, disable_tqdm=True, seed=cfg.seed)
    clocks = _Clocks()
    trainer = _InOrder(model=model, args=args, train_dataset=ordered, callbacks=[_TrainerClock(clocks)],
                       data_collator=lambda rows: collate_examples(rows, pad_id=cfg.pad_id))
    trainer.train()
    assert trainer.state.global_step == cfg.max_steps == len(clocks.wall)
    return clocks.rates(tokens_after_first)

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--quick', action='store_true', help='15 steps, 1 repeat')
    ap.add_argument('--steps', type=int, default=60)
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--batch_size', type=int, default=8)
    ap.add_argument('--max_length', type=int, default=256, help='tokens per example (as the demo config tokenizes)')
    ap.add_argument('--row_length', type=int, default=256, help='tokens per packed row (TrainConfig.max_length)')
    ap.add_argument('--device', choices=['cpu', 'cuda'], default='cpu', help='cuda: rates per wall-second on the GPU')
    a = ap.parse_args()
    steps, repeats = (15, 1) if a.quick else (a.steps, a.repeats)
    torch.set_num_threads(int(os.environ.get('OMP_NUM_THREADS', '1')))
    base, examples = load_pretrained_tiny(), sample_sft_examples(max_length=a.max_length)
    lengths = sorted(len(e['input_ids']) for e in examples)
    print(f'tiny Grok {sum(p.numel() for p in base.parameters()):,} params; {len(examples)} SFT examples, '
          f'{lengths[0]}-{lengths[-1]} tokens (median {lengths[len(lengths) // 2]}); {steps} steps x {a.batch_size} rows, '
          f'fp32, {torch.get_num_threads()} thread(s), {repeats} repeat(s), device {DEVICE}'
          + (f' ({torch.cuda.get_device_name()})' if DEVICE == 'cuda' else ''))
    plan = domain_batches(examples, a.batch_size, 0, 0)[:steps]
    real = sum(len(examples[i]['input_ids']) for b in plan for i in b)
    fill = real / sum(len(b) * max(len(examples[i]['input_ids']) for i in b) for b in plan)
    print(f'padded batches of these steps are {fill:.1%} real tokens: on compute-bound hardware packing can gain at most '
          f'{1 / fill:.2f}x (less the attention over longer rows)')
    tmp = Path(tempfile.mkdtemp())
    common = dict(max_steps=steps, batch_size=a.batch_size, max_length=a.row_length, learning_rate=2e-3, warmup_steps=2,
                  log_every=1, tensorboard=False, progress_bar=False, resume=False)
    runs = {'trainer': [], 'ours_padded': [], 'ours_packed': []}
    for r in range(repeats):
        runs['trainer'].append(run_trainer(base, examples, TrainConfig(output_dir=str(tmp/'hf'), **common), tmp/'hf'))
        runs['ours_padded'].append(run_ours(base, examples, TrainConfig(output_dir=str(tmp/f'pad{r}'), **common)))
        runs['ours_packed'].append(run_ours(base, examples, TrainConfig(output_dir=str(tmp/f'pack{r}'), packing=True, **common)))
    wall = {k: statistics.median(w for w, _ in v) for k, v in runs.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in runs.items()}
    names = {'trainer': 'transformers Trainer + peft, padded', 'ours_padded': 'train_lora, padded (3 domain adapters)',
             'ours_packed': f'train_lora, packed rows of {a.row_length}'}
    print(f"\n| {'run':38} | tokens/s per CPU-s | tokens/s wall | CPU-s rates of the runs |\n|{'-' * 40}|{'-' * 20}|{'-' * 15}|{'-' * 25}|")
    for k, name in names.items():
        print(f"| {name:38} | {cpu[k]:18,.0f} | {wall[k]:13,.0f} | {' '.join(f'{c:,.0f}' for _, c in runs[k]):23} |")
    rate = cpu if DEVICE == 'cpu' else wall
    ratio, packed = rate['ours_padded'] / rate['trainer'], rate['ours_packed'] / rate['ours_padded']
    if DEVICE == 'cpu':
        print(f"\nmedians of {repeats} interleaved run(s), steps 2..{steps}; the ratios use CPU time, which a busy shared machine "
              f"disturbs less than wall time (wall-time ratios: {wall['ours_padded'] / wall['trainer']:.2f}, "
              f"{wall['ours_packed'] / wall['ours_padded']:.2f})")
    else: print(f"\nmedians of {repeats} interleaved run(s), steps 2..{steps}; the ratios use wall time on the GPU")
    print(f'RESULT ratio_vs_trainer={ratio:.2f} packed_vs_padded={packed:.2f}')

if __name__ == '__main__':
    main()
