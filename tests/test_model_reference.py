"""grok_finetune.model against an independent float64 implementation of the Grok-1 formulas, on harder inputs than
the notebook uses (padding on both sides, packed rows, a 3:1 GQA ratio, 4 experts, 3 layers), plus the plumbing
that other notebooks rely on: Auto classes without remote code, checkpoint layouts, resizing, checkpointing."""
import json, math
import pytest
import torch
from safetensors.torch import save_file
from transformers import AutoConfig, AutoModelForCausalLM
from grok_finetune.model import (GrokConfig, GrokForCausalLM, grok_param_count, load_grok_checkpoint,
                                 save_in_hpcai_layout, tiny_grok_config)

torch.set_num_threads(1)


def _reference_logits(sd, c, ids, key_ok, positions):
    """Float64 Grok-1 forward for one row written from the formulas: per-query loops, explicit masks.
    `key_ok[t]`: token t may be attended to; `positions[t]`: RoPE position, a 0 starts a new packed sample."""
    T, nq, nkv, d = len(ids), c.num_attention_heads, c.num_key_value_heads, c.head_dim
    sample = torch.cumsum(torch.tensor([1 if (t == 0 or positions[t] == 0) else 0 for t in range(T)]), 0)
    rms = lambda x, w: w * x / torch.sqrt((x * x).mean(-1, keepdim=True) + c.rms_norm_eps)
    gelu = lambda x: 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
    freqs = [c.rope_theta ** (-2 * j / d) for j in range(d // 2)]

    def rotate(v, pos):  # v: (d,), half-split pairs (j, j + d/2)
        out = v.clone()
        for j, f in enumerate(freqs):
            a, b, ang = v[j], v[j + d // 2], pos * f
            out[j], out[j + d // 2] = a * math.cos(ang) - b * math.sin(ang), b * math.cos(ang) + a * math.sin(ang)
        return out

    h = sd['model.embed_tokens.weight'][ids] * c.embedding_multiplier_scale
    for i in range(c.num_hidden_layers):
        w = lambda n: sd[f'model.layers.{i}.{n}']
        x = rms(h, w('pre_attn_norm.weight'))
        q, k, v = x @ w('attn.q_proj.weight').T, x @ w('attn.k_proj.weight').T, x @ w('attn.v_proj.weight').T
        att = torch.zeros(T, nq * d, dtype=torch.float64)
        for head in range(nq):
            kv = head // (nq // nkv)
            for t in range(T):
                qt = rotate(q[t, head * d:(head + 1) * d], float(positions[t]))
                scores = []
                for s in range(T):
                    if s > t or not key_ok[s] or sample[s] != sample[t]: scores.append(-1e300); continue
                    ks = rotate(k[s, kv * d:(kv + 1) * d], float(positions[s]))
                    z = float(qt @ ks) * c.attn_output_multiplier
                    scores.append(c.max_attn_value * math.tanh(z / c.max_attn_value))
                p = torch.softmax(torch.tensor(scores, dtype=torch.float64), 0)
                att[t, head * d:(head + 1) * d] = p @ v[:, kv * d:(kv + 1) * d]
        h = h + rms(att @ w('attn.o_proj.weight').T, w('post_attn_norm.weight'))
        x = rms(h, w('pre_moe_norm.weight'))
        probs = torch.softmax(x @ w('moe_block.gate.weight').T, -1)
        moe = torch.zeros_like(x)
        for t in range(T):
            for e in torch.topk(probs[t], c.num_experts_per_tok).indices.tolist():
                ex = lambda n: w(f'moe_block.experts.{e}.{n}.weight')
                moe[t] += probs[t, e] * (ex('linear_1') @ (gelu(ex('linear') @ x[t]) * (ex('linear_v') @ x[t])))
        h = h + rms(moe, w('post_moe_norm.weight'))
    return rms(h, sd['model.norm.weight']) @ sd['model.embed_tokens.weight'].T * c.output_multiplier_scale


@pytest.fixture(scope='module')
def model64():
    torch.manual_seed(0)
    cfg = tiny_grok_config(vocab_size=61, hidden_size=24, intermediate_size=20, num_hidden_layers=3,
                           num_attention_heads=6, num_key_value_heads=2, num_experts=4, attn_output_multiplier=2.0)
    m = GrokForCausalLM(cfg).double().eval()
    with torch.no_grad():
        for n, p in m.named_parameters():
            p.copy_(torch.empty_like(p).uniform_(0.6, 1.4) if 'norm' in n else torch.randn_like(p) * 0.4)
    return m


def test_padded_and_packed_batch_matches_reference(model64):
    c = model64.config
    torch.manual_seed(1)
    ids = torch.randint(4, c.vocab_size, (3, 9))
    ids[0, :2] = 0                                  # left padding (token id 0 = [PAD])
    ids[1, -3:] = 0                                 # right padding
    attention_mask = (ids != 0).long()
    positions = torch.stack([(attention_mask[0].cumsum(0) - 1).clamp(min=0), torch.arange(9),
                             torch.tensor([0, 1, 2, 3, 0, 1, 2, 0, 1])])   # row 2: three packed samples
    with torch.no_grad():
        ours = model64(ids, attention_mask=attention_mask, position_ids=positions, use_cache=False).logits
    sd = {k: v.double() for k, v in model64.state_dict().items()}
    for row in range(3):
        ref = _reference_logits(sd, c, ids[row], (ids[row] != 0).tolist(), positions[row].tolist())
        real = (ids[row] != 0)
        assert torch.allclose(ours[row][real], ref[real], atol=1e-10), (row, (ours[row][real] - ref[real]).abs().max())


def test_bf16_close_to_float64(model64):
    x = torch.randint(4, model64.config.vocab_size, (2, 12))
    with torch.no_grad():
        ref = model64(x, use_cache=False).logits
        low = GrokForCausalLM(model64.config).to(torch.bfloat16)
        low.load_state_dict({k: v.to(torch.bfloat16) for k, v in model64.state_dict().items()})
        got = low.eval()(x, use_cache=False).logits.double()
    assert torch.isfinite(got).all()
    assert (got - ref).abs().max() / ref.abs().max() < 0.1


def test_full_size_count_without_allocating():
    assert grok_param_count(GrokConfig()) == 315_684_820_992
    with torch.device('meta'): big = GrokForCausalLM(GrokConfig())
    assert big.num_parameters() == 315_684_820_992
    assert grok_param_count(GrokConfig(), include_embedding=False) == 314_879_514_624


def test_auto_classes_without_remote_code(tmp_path):
    torch.manual_seed(0)
    m = GrokForCausalLM(tiny_grok_config(vocab_size=100)).eval()
    m.save_pretrained(tmp_path)
    assert json.loads((tmp_path/'config.json').read_text())['model_type'] == 'grok1'
    assert type(AutoConfig.from_pretrained(tmp_path)).__name__ == 'GrokConfig'
    again = AutoModelForCausalLM.from_pretrained(tmp_path, trust_remote_code=False).eval()
    x = torch.randint(4, 100, (1, 7))
    with torch.no_grad(): assert torch.allclose(again(x).logits, m(x).logits, atol=1e-6)


def test_hpcai_layout_bin_and_safetensors(tmp_path):
    torch.manual_seed(0)
    m = GrokForCausalLM(tiny_grok_config(vocab_size=100)).eval()
    x = torch.randint(4, 100, (2, 6))
    with torch.no_grad(): want = m(x).logits
    bin_dir = save_in_hpcai_layout(m, tmp_path/'bin', n_shards=3)
    st_dir = tmp_path/'st'; st_dir.mkdir()
    state = {k.replace('norm.weight', 'norm.scale'): v.contiguous() for k, v in m.state_dict().items() if k != 'lm_head.weight'}
    save_file(state, st_dir/'model.safetensors')
    (st_dir/'config.json').write_text((bin_dir/'config.json').read_text())
    for d in (bin_dir, st_dir):
        got = load_grok_checkpoint(d, dtype=torch.float32).eval()
        with torch.no_grad(): assert torch.allclose(got(x).logits, want, atol=1e-6), d


def test_resize_embeddings_keeps_tying():
    m = GrokForCausalLM(tiny_grok_config(vocab_size=100))
    m.resize_token_embeddings(104)
    assert m.lm_head.weight.shape[0] == 104 and m.config.vocab_size == 104
    assert m.lm_head.weight.data_ptr() == m.model.embed_tokens.weight.data_ptr()


def test_gradient_checkpointing_same_gradients():
    torch.manual_seed(0)
    m = GrokForCausalLM(tiny_grok_config(vocab_size=100)).train()
    x = torch.randint(4, 100, (2, 16))
    grads = []
    for checkpointing in (False, True):
        if checkpointing: (getattr(m, 'activation_checkpointing_enable', None) or m.gradient_checkpointing_enable)()  # renamed in transformers 5
        m.zero_grad(set_to_none=True)
        m(x, labels=x).loss.backward()
        grads.append([p.grad.clone() if p.grad is not None else torch.zeros_like(p) for p in m.parameters()])
    assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(*grads))

def test_runs_under_bf16_autocast():
    "accelerate's `mixed_precision: bf16` autocasts the forward pass: attention logits and router must stay fp32 inside."
    import torch
    from grok_finetune.model import GrokForCausalLM, tiny_grok_config
    torch.manual_seed(0)
    model = GrokForCausalLM(tiny_grok_config(vocab_size=300))
    ids = torch.randint(1, 300, (2, 12))
    ref = model(input_ids=ids).logits
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = model(input_ids=ids, labels=ids)
    out.loss.backward()
    assert torch.isfinite(out.logits).all() and (out.logits.float() - ref).abs().max() < 0.05
    grads = [p.grad for p in model.parameters() if p.grad is not None]   # unrouted experts get none
    assert len(grads) > len(list(model.parameters())) // 2 and all(torch.isfinite(g).all() for g in grads)
