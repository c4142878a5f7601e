"""Training on several processes and after a kill (notebooks 08 and 09), with real processes.

- 2 processes (torchrun + gloo on CPU, per-process batch 2) against 1 process (batch 4): same global batches, so
  both replicas must hold identical adapters, equal to the 1-process adapters within float tolerance.
- a training process killed with SIGKILL right after a step, then started again, must end with adapters
  bit-identical to a run that was never interrupted (optimizer, scheduler, RNG and data position restored).
All runs start at once (they are mostly imports) and use a tiny random Grok model on synthetic tokens.
"""
import json, os, random, signal, socket, subprocess, sys, textwrap
from pathlib import Path
import pytest
from conftest import REPO

torch = pytest.importorskip('torch')
from safetensors.torch import load_file

CONFIG = dict(max_steps=4, grad_accum=2, learning_rate=0.01, warmup_steps=1, log_every=1, rank=4,
              tensorboard=False, progress_bar=False)
LR = CONFIG['learning_rate']

KILLER = textwrap.dedent('''
    import os, signal, sys
    from grok_finetune.core import Callback
    from grok_finetune.distributed import build_model, load_examples, load_train_config
    from grok_finetune.lora import train_lora
    config, data, out, kill_at, spec = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    class Kill(Callback):
        def on_step(self, state):
            if state.step == kill_at: os.kill(os.getpid(), signal.SIGKILL)
    train_lora(build_model(spec, vocab_size=512), load_examples(data), load_train_config(config, output_dir=out),
               callbacks=[Kill()] if kill_at else [])
''')

def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def write_inputs(tmp: Path, **overrides) -> tuple:
    rng = random.Random(0)
    rows = [{'input_ids': [1] + [rng.randrange(70, 500) for _ in range(rng.randrange(6, 30))], 'domain_id': i % 3}
            for i in range(48)]
    (tmp/'train.jsonl').write_text(''.join(json.dumps(r) + '\n' for r in rows))
    (tmp/'cfg.yaml').write_text(json.dumps({**CONFIG, **overrides}))  # JSON is YAML
    return tmp/'cfg.yaml', tmp/'train.jsonl'

def start(args, log: Path) -> subprocess.Popen:
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'GROK_FINETUNE_PROGRESS': '0', 'PYTHONPATH': os.pathsep.join(p for p in (str(REPO), os.environ.get('PYTHONPATH')) if p)}
    return subprocess.Popen(args, cwd=REPO, env=env, stdout=open(log, 'w'), stderr=subprocess.STDOUT, start_new_session=True)

def finish(procs: dict, timeout: float = 240) -> dict:
    "Wait for every process; kill the process groups of any still running (no leftovers), return exit codes."
    codes = {}
    try:
        for name, p in procs.items(): codes[name] = p.wait(timeout=timeout)
    finally:
        for p in procs.values():
            if p.poll() is None: os.killpg(p.pid, signal.SIGKILL); p.wait()
    return codes

def cli(config, data, out, spec, *extra) -> list:
    return ['--config', str(config), '--model', spec, '--vocab_size', '512', '--data', str(data),
            '--output_dir', str(out), '--rank_weights', *extra]

def losses(run: Path) -> list:
    return [json.loads(l)['loss'] for l in (run/'train_log.jsonl').read_text().splitlines() if 'loss' in l]

def adapters(run: Path) -> dict:
    return {f'{p.parent.name}/{k}': v for p in sorted((run/'adapters').glob('*/adapter_model.safetensors'))
            for k, v in load_file(str(p)).items()}

@pytest.mark.parametrize('spec', ['tiny-random', 'grok2-tiny-random'])   # Grok-1, Grok-2 (residual MoE)
def test_two_processes_and_kill_resume(tmp_path, spec):
    config, data = write_inputs(tmp_path)
    (tmp_path/'save.yaml').write_text(json.dumps({**CONFIG, 'save_every': 2, 'max_steps': 6}))
    two, one = tmp_path/'two', tmp_path/'one'
    killed, whole = tmp_path/'killed', tmp_path/'whole'
    procs = {
        'two': start([sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=2', f'--master_port={free_port()}',
                      '--master_addr=127.0.0.1', '-m', 'grok_finetune.distributed', *cli(config, data, two, spec, '--batch_size', '2')],
                     tmp_path/'two.log'),
        'one': start([sys.executable, '-m', 'grok_finetune.distributed', *cli(config, data, one, spec, '--batch_size', '4')], tmp_path/'one.log'),
        'killed': start([sys.executable, '-c', KILLER, str(tmp_path/'save.yaml'), str(data), str(killed), '5', spec], tmp_path/'killed.log'),
        'whole': start([sys.executable, '-c', KILLER, str(tmp_path/'save.yaml'), str(data), str(whole), '0', spec], tmp_path/'whole.log'),
    }
    codes = finish(procs)
    logs = {n: (tmp_path/f'{n}.log').read_text()[-3000:] for n in procs}
    assert codes['two'] == 0 and codes['one'] == 0 and codes['whole'] == 0, (codes, logs)
    assert codes['killed'] == -signal.SIGKILL, (codes['killed'], logs['killed'])
    assert sorted(p.name for p in (killed/'checkpoints').iterdir()) == ['step_0000002', 'step_0000004'], 'checkpoint at step 4 should survive the kill at step 5'

    resumed = finish({'resumed': start([sys.executable, '-c', KILLER, str(tmp_path/'save.yaml'), str(data), str(killed), '0', spec],
                                       tmp_path/'resumed.log')})
    assert resumed['resumed'] == 0, (tmp_path/'resumed.log').read_text()[-3000:]

    # the killed-and-resumed run ends exactly where the uninterrupted one does
    a, b = adapters(killed), adapters(whole)
    assert a.keys() == b.keys() and len(a) > 0
    assert all(torch.equal(a[k], b[k]) for k in a), 'resumed adapters differ from the uninterrupted run'
    assert losses(killed) == losses(whole)
    assert json.loads((killed/'train_result.json').read_text())['resumed_from'] == 4
    # Grok-2's dense MLP (beside the experts) gets adapters too; every adapter has a model card naming the base
    assert any('.mlp.' in k for k in a) == (spec == 'grok2-tiny-random')
    family = 'grok2' if 'grok2' in spec else 'grok1'
    for card in sorted((killed/'adapters').glob('*/README.md')):
        assert f'for a {family} base model' in card.read_text() and 'no xAI weights' in card.read_text()
    assert len(list((killed/'adapters').glob('*/README.md'))) == 3

    # both replicas agree bit for bit, and match the 1-process run with the same global batch
    r0, r1, single = (load_file(str(p)) for p in (two/'rank0.safetensors', two/'rank1.safetensors', one/'rank0.safetensors'))
    assert r0.keys() == r1.keys() == single.keys()
    assert all(torch.equal(r0[k], r1[k]) for k in r0), 'the two processes hold different adapters'
    assert losses(two) == pytest.approx(losses(one), rel=1e-5)
    attention = [k for k in r0 if '.attn.' in k or '.mlp.' in k]   # attention, and Grok-2's dense MLP
    assert attention and max((r0[k] - single[k]).abs().max().item() for k in attention) < 1e-4
    # Expert adapters: float reordering can flip a near-tie of the top-2 router for a token, so an expert gets a
    # gradient in one run and none in the other; AdamW's first step is ~lr whatever the gradient's size.
    experts = [k for k in r0 if '.experts.' in k]
    off = [k for k in experts if (r0[k] - single[k]).abs().max().item() > 1e-4]
    assert len(off) <= 0.1 * len(experts), off
    assert all((r0[k] - single[k]).abs().max().item() <= 1.5 * LR for k in off), off
