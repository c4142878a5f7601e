"""The released xai-org/grok-2 checkpoint layout: a tiny Grok-2 written as TP=8 shards (experts split per rank, the
rest whole in TP-common files) loads back to identical logits; further pre-sharded variants (attention and the dense
MLP split, key-value heads replicated across ranks) merge too; a missing, extra or mixed-up file is a clear error
that names it."""
import json, shutil

import pytest
import torch
from safetensors import safe_open
from safetensors.torch import save_file

from grok_finetune.model import (GrokForCausalLM, load_grok2_checkpoint, load_grok_checkpoint,
                                 merge_grok2_checkpoint, save_in_grok2_layout, tiny_grok2_config)

torch.set_num_threads(1)


def tiny(seed=0, **kwargs):
    torch.manual_seed(seed)
    return GrokForCausalLM(tiny_grok2_config(vocab_size=120, **kwargs)).eval()


def logits(model, seed=1):
    x = torch.randint(4, 120, (2, 11), generator=torch.Generator().manual_seed(seed))
    with torch.no_grad(): return model(x).logits


@pytest.fixture(scope='module')
def released(tmp_path_factory):
    model = tiny()
    return model, save_in_grok2_layout(model, tmp_path_factory.mktemp('ckpt')/'grok-2-tiny', tp=8)


def test_released_layout_round_trip(released):
    model, path = released
    names = sorted(p.name for p in path.iterdir())
    assert 'config.json' in names
    rank_files = [n for n in names if '-TP-0' in n]
    assert len(rank_files) == 3 * 8 and all(n.startswith('pytorch_model-') for n in rank_files)
    with safe_open(path/'pytorch_model-00000-TP-common.safetensors', framework='pt') as h:
        assert list(h.keys()) == ['model.embed_tokens.weight']
    with safe_open(path/'pytorch_model-00001-TP-common.safetensors', framework='pt') as h:
        assert list(h.keys()) == ['lm_head.weight']
    cfg = json.loads((path/'config.json').read_text())
    assert cfg['model_type'] == 'git' and cfg['architectures'] == ['Grok1ForCausalLM'] and cfg['num_local_experts'] == 8
    got = load_grok2_checkpoint(path, dtype=torch.float32).eval()
    assert torch.equal(logits(got), logits(model))


def test_expert_pieces_are_split_on_the_right_dims(released):
    model, path = released
    w1 = model.model.layers[1].moe_block.experts[5].linear.weight
    w2 = model.model.layers[1].moe_block.experts[5].linear_1.weight
    pieces = {}
    for rank in range(8):
        for f in path.glob(f'*-TP-{rank:03d}.safetensors'):
            with safe_open(f, framework='pt') as h:
                for key in h.keys():
                    if key.startswith('model.layers.1.block_sparse_moe.experts.5.'): pieces.setdefault(key, []).append(h.get_tensor(key))
    assert torch.equal(torch.cat(pieces['model.layers.1.block_sparse_moe.experts.5.w1.weight'], 0), w1)
    assert torch.equal(torch.cat(pieces['model.layers.1.block_sparse_moe.experts.5.w2.weight'], 1), w2)
    assert pieces['model.layers.1.block_sparse_moe.experts.5.w1.weight'][3].shape == (64 // 8, 64)


@pytest.mark.parametrize('kv_heads', [8, 2])
def test_presharded_attention_and_mlp_merge(tmp_path, kv_heads):
    "q/k/v/gate/up split on dim 0, o/down on dim 1; with 2 kv heads on 8 ranks each rank holds a copy of one head."
    model = tiny(seed=2, num_key_value_heads=kv_heads)
    path = save_in_grok2_layout(model, tmp_path/'pre', tp=8, presharded=('experts', 'attn', 'mlp'))
    key, k_pieces = 'model.layers.0.self_attn.k_proj.weight', []
    for rank in range(8):
        for f in path.glob(f'*-TP-{rank:03d}.safetensors'):
            with safe_open(f, framework='pt') as h:
                if key in h.keys(): k_pieces.append(h.get_tensor(key))
    d, k = model.config.head_dim, model.model.layers[0].attn.k_proj.weight
    assert [p.shape for p in k_pieces] == [(d, 64)] * 8                            # one kv head per rank
    assert torch.equal(k_pieces[5], k.view(kv_heads, d, 64)[5 // (8 // kv_heads)])  # rank 5's (copy of its) head
    got = load_grok2_checkpoint(path, dtype=torch.float32).eval()
    assert torch.equal(logits(got), logits(model))


def test_tied_model_and_the_grok1_entry_point(tmp_path):
    model = tiny(seed=3, tie_word_embeddings=True)
    path = save_in_grok2_layout(model, tmp_path/'tied')
    got = load_grok_checkpoint(path, dtype=torch.float32).eval()     # detects the layout
    assert got.lm_head.weight.data_ptr() == got.model.embed_tokens.weight.data_ptr()
    assert torch.equal(logits(got), logits(model))


def test_merged_copy_is_kept_and_reused(released, tmp_path):
    model, path = released
    merged = tmp_path/'merged'
    load_grok2_checkpoint(path, dtype=torch.float32, merged_path=merged)
    index = merged/'model.safetensors.index.json'
    stamp = index.stat().st_mtime_ns
    got = load_grok2_checkpoint(path, dtype=torch.float32, merged_path=merged).eval()
    assert index.stat().st_mtime_ns == stamp and torch.equal(logits(got), logits(model))
    with pytest.raises(FileExistsError, match='merged exists'):
        merge_grok2_checkpoint(path, merged)
    assert not list(tmp_path.glob('*.partial'))


def broken_copy(released, tmp_path):
    path = tmp_path/'broken'
    shutil.copytree(released[1], path)
    return path


def test_missing_shard_names_the_file(released, tmp_path):
    path = broken_copy(released, tmp_path)
    (path/'pytorch_model-00017-TP-007.safetensors').unlink()
    with pytest.raises(FileNotFoundError, match='pytorch_model-00017-TP-007.safetensors is missing'):
        load_grok2_checkpoint(path)


def test_extra_shard_names_the_file(released, tmp_path):
    path = broken_copy(released, tmp_path)
    shutil.copy(path/'pytorch_model-00016-TP-000.safetensors', path/'pytorch_model-00016-TP-008.safetensors')
    with pytest.raises(ValueError, match='pytorch_model-00016-TP-008.safetensors: extra shard, rank 8 of a TP=8'):
        load_grok2_checkpoint(path)


def test_wrong_tp_and_stray_files(released, tmp_path):
    path = broken_copy(released, tmp_path)
    with pytest.raises(ValueError, match='TP-004.safetensors: extra shard, rank 4 of a TP=4'):
        load_grok2_checkpoint(path, tp=4)
    (path/'notes.safetensors').write_bytes(b'')
    with pytest.raises(ValueError, match='notes.safetensors: not a Grok-2 shard name'):
        load_grok2_checkpoint(path)


def test_mixed_up_shard_names_the_file(released, tmp_path):
    path = broken_copy(released, tmp_path)
    shutil.copy(path/'pytorch_model-00015-TP-002.safetensors', path/'pytorch_model-00016-TP-002.safetensors')
    with pytest.raises(ValueError, match='pytorch_model-00016-TP-002.safetensors: holds other tensors'):
        load_grok2_checkpoint(path)


def test_unknown_missing_and_misshapen_tensors(released, tmp_path):
    path = broken_copy(released, tmp_path)
    save_file({'model.layers.9.mlp.gate_proj.weight': torch.zeros(2, 2)}, path/'pytorch_model-00099-TP-common.safetensors')
    with pytest.raises(ValueError, match='00099-TP-common.safetensors: tensor model.layers.9.mlp.linear.weight is not'):
        load_grok2_checkpoint(path)
    (path/'pytorch_model-00099-TP-common.safetensors').unlink()
    (path/'pytorch_model-00001-TP-common.safetensors').unlink()                  # lm_head
    with pytest.raises(ValueError, match="parameters missing from the checkpoint, e.g. \\['lm_head.weight'\\]"):
        load_grok2_checkpoint(path)
    shutil.copy(released[1]/'pytorch_model-00001-TP-common.safetensors', path)
    cfg = json.loads((path/'config.json').read_text())
    (path/'config.json').write_text(json.dumps({**cfg, 'moe_intermediate_size': 32}))
    with pytest.raises(ValueError, match='merges to \\(64, 64\\), expected \\(32, 64\\)'):
        load_grok2_checkpoint(path)


def test_missing_config(released, tmp_path):
    path = broken_copy(released, tmp_path)
    (path/'config.json').unlink()
    with pytest.raises(FileNotFoundError, match='config.json not found'):
        load_grok2_checkpoint(path)
