"""End to end on Grok-2: `model.base: grok2-tiny` through the real `grok-finetune` console script (reduced sample).

The tiny Grok-2 (residual MoE, soft caps, attention temperature, untied head) is pretrained on the sample corpus with
the Grok-2-style byte-BPE stand-in tokenizer. Then every later stage runs on it: domain tokens from the tokenizer's
reserved pieces, per-domain LoRA under torchrun (2 gloo processes) with adapters on attention, experts and the dense
MLP, and the evaluation (vs base, flatness and sharpness against the base). The licence of the base weights is in the
manifest and in each adapter's model card.
"""
import json, os, subprocess, sys
from pathlib import Path
import pytest
from conftest import REPO
from test_pipeline_e2e import CLI, REDUCED

@pytest.fixture(scope='module')
def run_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp('e2e_grok2')/'run'
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'GROK_FINETUNE_PROGRESS': '0'}
    env.pop('GROK_TOKENIZER', None)          # a Grok-1 tokenizer must not leak into a Grok-2 run
    res = subprocess.run([*CLI, 'run', '--run-dir', str(d), '--set', 'model.base=grok2-tiny', *REDUCED],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, f'grok2 run failed:\n{res.stdout[-3000:]}\n{res.stderr[-6000:]}'
    return d

def test_grok2_base_and_tokenizer(run_dir):
    from transformers import AutoTokenizer
    from grok_finetune.domains import DomainMap, domain_token_id, reserved_domain_pieces
    from grok_finetune.tokenizer import tokenizer_family
    config = json.loads((run_dir/'model'/'base'/'config.json').read_text())
    assert config['residual_moe'] and config['final_logit_softcapping'] == 50.0 and not config['tie_word_embeddings']
    assert 'no xAI weights' in config['weights_origin']
    tok = AutoTokenizer.from_pretrained(str(run_dir/'tokenize'/'tokenizer'))
    assert tokenizer_family(tok) == 'grok2' and len(tok) == config['vocab_size']
    dmap = DomainMap.load(run_dir/'tokenize'/'domain_map.json')
    reserved = {tok.convert_tokens_to_ids(p) for p in reserved_domain_pieces(tok)}
    marks = {domain_token_id(d, tok) for d in dmap.ids.values()}
    assert marks <= reserved, 'Grok-2 has reserved pieces: the domain tokens use them, no resize'
    for split in ('train', 'val'):
        rows = [json.loads(l) for l in (run_dir/'tokenize'/f'{split}.jsonl').read_text().splitlines()]
        assert rows and all(r['input_ids'][-1] in marks for r in rows)

def test_grok2_adapters_eval_and_licence(run_dir):
    from safetensors.torch import load_file
    adapters = sorted(p for p in (run_dir/'train'/'adapters').iterdir() if p.is_dir())
    assert len(adapters) >= 2
    for a in adapters:
        keys = load_file(str(a/'adapter_model.safetensors')).keys()
        for part in ('.attn.q_proj.', '.moe_block.experts.', '.mlp.linear.'):
            assert any(part in k for k in keys), (a.name, part)
        card = (a/'README.md').read_text()
        assert 'for a grok2 base model' in card and 'no xAI weights' in card
    m = json.loads((run_dir/'eval'/'metrics.json').read_text())
    for name, per in m['vs_base'].items():
        assert per[name]['base_loss'] > 0 and per[name]['loss'] > 0
    for name, d in m['domains'].items():          # flatness and sharpness measured for the adapter and for the base
        for key in ('flatness', 'base_flatness'): assert d[key]['n_draws'] > 0 and d[key]['loss'] > 0, (name, key)
        for key in ('sharpness', 'base_sharpness'): assert d[key]['sharpness'] >= 0, (name, key)
    manifest = json.loads((run_dir/'manifest.json').read_text())
    assert manifest['base_model']['base'] == 'grok2-tiny'
    assert manifest['base_model']['licence']['family'] == 'grok2'
    assert manifest['base_model']['licence']['name'] is None    # our own weights: no xAI licence to inherit

def test_grok2_chat(run_dir):
    "`grok-finetune chat` on the Grok-2 run: its chat template, its stop ids, generation with the KV cache."
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'GROK_FINETUNE_PROGRESS': '0'}
    res = subprocess.run([*CLI, 'chat', '--run-dir', str(run_dir), '--set', 'model.base=grok2-tiny', *REDUCED,
                          '--domain', 'medical', '--prompt', '高血压患者饮食要注意什么？', '--max-new-tokens', '8'],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    assert res.stdout.startswith('[medical]')

def test_grok2_checkpoint_folder_as_base(tmp_path):
    "`model.base` a Grok-2 checkpoint folder with its `tokenizer.tok.json`: the run tokenizes with it, records the licence."
    import shutil, torch
    from grok_finetune.model import GrokForCausalLM, tiny_grok2_config
    from grok_finetune.pipeline import load_run_config, run_pipeline
    from grok_finetune.tokenizer import grok2_stand_in_path
    base = tmp_path/'grok-2-hf'
    torch.manual_seed(0)
    GrokForCausalLM(tiny_grok2_config(vocab_size=4096)).save_pretrained(base)   # stands for merged xAI weights
    shutil.copy(grok2_stand_in_path(), base/'tokenizer.tok.json')
    cfg = load_run_config(REPO/'configs'/'demo_cpu.yaml', {'run_dir': str(tmp_path/'run'), 'model.base': str(base),
                                                            'data.limit': 60})
    results = {r.name: r for r in run_pipeline(cfg, until='model', log=None)}
    tok_rep = results['tokenize'].report['extra']
    assert str(base/'tokenizer.tok.json') in tok_rep['tokenizer'] and tok_rep['vocab_size'] == 4096
    licence = results['model'].report['extra']['licence']
    assert licence['family'] == 'grok2' and licence['name'] == 'Grok 2 Community License Agreement'
    assert not (tmp_path/'run'/'model'/'base').exists(), 'reserved pieces hold the domain tokens: no resized copy'
