"""Crafted inputs that must not run code or write outside the run folder.

- A checkpoint folder is data: resuming reads the position from JSON and the tensors through accelerate with
  `weights_only=True`; a planted `custom_checkpoint_0.pkl` (accelerate unpickles it with `weights_only=False`) makes
  the resume stop with a clear error and is never opened, and a checkpoint without `position.json` is refused.
- A domain name becomes a folder name (`adapters/<name>`), so a name that is a path is refused.
"""
import os, pickle
from pathlib import Path
import pytest
import torch
from grok_finetune.core import ConfigError, DataError
from grok_finetune.domains import DomainMap
from grok_finetune.lora import train_lora
from grok_finetune.model import GrokForCausalLM, tiny_grok_config

class _Plant:
    "Unpickling this creates the file `path`: the proof that a pickle was opened."
    def __init__(self, path): self.path = path
    def __reduce__(self): return (Path.touch, (Path(self.path),))

def _examples():
    g = torch.Generator().manual_seed(0)
    return [{'input_ids': torch.randint(4, 64, (12,), generator=g).tolist(), 'domain_id': i % 2} for i in range(8)]

def _train(out, steps):
    torch.manual_seed(0)
    model = GrokForCausalLM(tiny_grok_config(vocab_size=64, hidden_size=32, intermediate_size=64, num_experts=2))
    cfg = dict(output_dir=str(out), max_steps=steps, batch_size=2, save_every=1, warmup_steps=1, log_every=1,
               tensorboard=False, progress_bar=False)
    return train_lora(model, _examples(), cfg, domains={'medical': 0, 'legal': 1})

def test_resume_never_unpickles_a_planted_file(tmp_path):
    out, marker = tmp_path/'run', tmp_path/'pwned'
    _train(out, 2)
    ckpt = sorted((out/'checkpoints').iterdir())[-1]
    assert (ckpt/'position.json').exists() and not list(ckpt.glob('custom_checkpoint_*.pkl'))
    with open(ckpt/'custom_checkpoint_0.pkl', 'wb') as f: pickle.dump(_Plant(marker), f)
    with pytest.raises(DataError, match='resume refused'): _train(out, 3)
    assert not marker.exists(), 'resuming unpickled a file from the checkpoint folder'
    (ckpt/'custom_checkpoint_0.pkl').unlink()
    result = _train(out, 3)                      # the clean checkpoint resumes exactly where it stopped
    assert result.resumed_from == 2 and result.step == 3

def test_checkpoint_without_position_json_is_refused(tmp_path):
    out = tmp_path/'run'
    _train(out, 1)
    ckpt = sorted((out/'checkpoints').iterdir())[-1]
    (ckpt/'position.json').unlink()
    with pytest.raises(DataError, match='no position.json'):
        _train(out, 2)

@pytest.mark.parametrize('name', ['/tmp/evil', '../../outside', 'a/b', 'C:\\x', '.ssh'])
def test_domain_name_that_is_a_path_is_refused(name):
    with pytest.raises(ConfigError, match='names the adapter folder'):
        DomainMap({'medical': 0, name: 1})
