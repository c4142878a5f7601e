"""End to end: the `compute-sharpness` and `eval-xdomain` console scripts on a saved tiny Grok + LoRA checkpoint.

The checkpoint is a base model folder plus a peft adapter folder whose adapter_config.json points at it, the
validation data a tokenized `.jsonl`; both commands must exit 0 and write JSON that agrees with the in-process API.
"""
import json, subprocess, sys
from pathlib import Path
import pytest
import torch
from grok_finetune.core import write_jsonl
from grok_finetune.tiny import counting_batches, tiny_lora_model
from grok_finetune.sharpness import keskar_sharpness

def script(name):
    exe = Path(sys.executable).parent/name
    if not exe.exists(): pytest.skip(f'{name} is not installed (pip install -e .)')
    return str(exe)

@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('ckpt')
    tiny_lora_model().unload().save_pretrained(tmp/'base')
    model = tiny_lora_model()
    model.save_pretrained(tmp/'adapter')
    cfg = json.loads((tmp/'adapter'/'adapter_config.json').read_text())
    cfg['base_model_name_or_path'] = str(tmp/'base')
    (tmp/'adapter'/'adapter_config.json').write_text(json.dumps(cfg))
    batches = counting_batches(n=2)
    rows = [{'input_ids': b['input_ids'][i].tolist(), 'labels': b['labels'][i].tolist(), 'domain': 'count', 'ood': i == 3}
            for b in batches for i in range(4)]
    write_jsonl(rows, tmp/'val.jsonl')
    return tmp, batches

def run(args):
    res = subprocess.run(args, capture_output=True, text=True, timeout=300, env={'OMP_NUM_THREADS': '1', 'PATH': ''})
    assert res.returncode == 0, res.stderr[-3000:]
    return res

def test_compute_sharpness_cli(checkpoint):
    tmp, batches = checkpoint
    run([script('compute-sharpness'), str(tmp/'adapter'), str(tmp/'val.jsonl'), '--out', str(tmp/'s.json'),
         '--batch_size', '4', '--maxiter', '3'])
    got = json.loads((tmp/'s.json').read_text())
    want = keskar_sharpness(tiny_lora_model(), batches, maxiter=3)
    assert got['sharpness'] >= 0 and got['n_batches'] == 2
    assert got['sharpness'] == pytest.approx(want['sharpness'], rel=1e-5)

def test_eval_xdomain_cli(checkpoint):
    tmp, _ = checkpoint
    res = run([script('eval-xdomain'), str(tmp/'adapter'), str(tmp/'val.jsonl'), '--out', str(tmp/'x.json')])
    rep = json.loads((tmp/'x.json').read_text())
    assert rep['in_domain']['n_samples'] == 6 and rep['ood']['n_samples'] == 2
    assert 'relative drop' in res.stdout
