"""Grok-2 through the same classes as Grok-1: left padding and the attention temperature, an independent float64
reference on padded and packed rows, the soft-cap bounds, the presets and the config switches. The KV-cache tests
(generation with cache equals without, incremental logits) run on Grok-2 too: tests/test_generation_cache.py."""
import math

import pytest
import torch

from grok_finetune.model import (GrokConfig, GrokForCausalLM, GrokMoE, attn_temperature, grok1_config,
                                 grok2_config, grok_active_param_count, grok_config_from_dict, grok_param_count,
                                 output_logits, rope_frequencies, soft_cap, tiny_grok2_config, tiny_grok_config)

torch.set_num_threads(1)
TEMP_LEN = 4   # attention temperature from position 5 on: most generated tokens are past it


@pytest.fixture(scope='module')
def model():
    torch.manual_seed(0)
    cfg = tiny_grok2_config(vocab_size=300, max_position_embeddings=24, num_attention_heads=8, num_key_value_heads=2,
                            attn_temperature_len=TEMP_LEN)
    return GrokForCausalLM(cfg).double().eval()


def test_left_padded_logits_equal_unpadded(model):
    "The temperature reads RoPE positions, so left padding (positions from the mask) leaves the logits unchanged."
    ids = torch.randint(4, 300, (1, 10), generator=torch.Generator().manual_seed(2))
    padded = torch.cat([torch.zeros(1, 3, dtype=torch.long), ids], 1)
    mask = torch.cat([torch.zeros(1, 3, dtype=torch.long), torch.ones(1, 10, dtype=torch.long)], 1)
    pos = (mask.cumsum(-1) - 1).clamp(min=0)
    with torch.no_grad():
        alone = model(ids, use_cache=False).logits
        got = model(padded, attention_mask=mask, position_ids=pos, use_cache=False).logits[:, 3:]
    torch.testing.assert_close(got, alone, rtol=0, atol=1e-10)


def test_temperature_is_exercised(model):
    "Switching the temperature off changes only the logits of positions past `attn_temperature_len`."
    ids = torch.randint(4, 300, (2, 12), generator=torch.Generator().manual_seed(3))
    off = GrokForCausalLM(GrokConfig.from_dict({**model.config.to_dict(), 'attn_temperature_len': -1})).double().eval()
    off.load_state_dict(model.state_dict())
    with torch.no_grad(): on_logits, off_logits = model(ids).logits, off(ids).logits
    torch.testing.assert_close(on_logits[:, :TEMP_LEN + 1], off_logits[:, :TEMP_LEN + 1], rtol=0, atol=0)
    assert (on_logits[:, TEMP_LEN + 1:] - off_logits[:, TEMP_LEN + 1:]).abs().max() > 1e-6


def _reference_logits(sd, c, ids, key_ok, positions):
    """Float64 Grok-2 forward for one row written from SGLang's formulas with per-query loops and explicit masks.
    `key_ok[t]`: token t may be attended to; `positions[t]`: RoPE position, a 0 starts a new packed sample."""
    T, nq, nkv, d = len(ids), c.num_attention_heads, c.num_key_value_heads, c.head_dim
    sample = torch.cumsum(torch.tensor([1 if (t == 0 or positions[t] == 0) else 0 for t in range(T)]), 0)
    rms = lambda x, w: w * x / torch.sqrt((x * x).mean(-1, keepdim=True) + c.rms_norm_eps)
    gelu = lambda x: 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))
    cap = lambda x, m: m * math.tanh(x / m)
    freqs = [c.rope_theta ** (-2 * j / d) for j in range(d // 2)]
    L = c.attn_temperature_len

    def rotate(v, pos):
        out = v.clone()
        for j, f in enumerate(freqs):
            a, b, ang = v[j], v[j + d // 2], pos * f
            out[j], out[j + d // 2] = a * math.cos(ang) - b * math.sin(ang), b * math.cos(ang) + a * math.sin(ang)
        return out

    def ffn(w, x, name):
        return w(f'{name}.linear_1.weight') @ (gelu(w(f'{name}.linear.weight') @ x) * (w(f'{name}.linear_v.weight') @ x))

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
                temp = math.log2(positions[t]) / math.log2(L) if positions[t] > L else 1.0
                scores = []
                for s in range(T):
                    if s > t or not key_ok[s] or sample[s] != sample[t]: scores.append(-1e300); continue
                    z = float(qt @ rotate(k[s, kv * d:(kv + 1) * d], float(positions[s]))) * c.attn_output_multiplier
                    scores.append(cap(z, c.max_attn_value) * temp)
                p = torch.softmax(torch.tensor(scores, dtype=torch.float64), 0)
                att[t, head * d:(head + 1) * d] = p @ v[:, kv * d:(kv + 1) * d]
        h = h + rms(att @ w('attn.o_proj.weight').T, w('post_attn_norm.weight'))
        x = rms(h, w('pre_moe_norm.weight'))
        logits = c.router_logit_softcapping * torch.tanh(x @ w('moe_block.gate.weight').T / c.router_logit_softcapping)
        probs = torch.softmax(logits, -1)
        out = torch.zeros_like(x)
        for t in range(T):
            for e in torch.topk(probs[t], c.num_experts_per_tok).indices.tolist():
                out[t] += probs[t, e] * ffn(w, x[t], f'moe_block.experts.{e}')
            out[t] = (out[t] + ffn(w, x[t], 'mlp')) / math.sqrt(2)
        h = h + rms(out, w('post_moe_norm.weight'))
    z = rms(h, sd['model.norm.weight']) @ sd['lm_head.weight'].T * c.output_multiplier_scale
    return c.final_logit_softcapping * torch.tanh(z / c.final_logit_softcapping)


def test_padded_and_packed_batch_matches_reference():
    torch.manual_seed(0)
    cfg = tiny_grok2_config(vocab_size=61, hidden_size=24, intermediate_size=32, moe_intermediate_size=16,
                            num_hidden_layers=2, num_attention_heads=6, num_key_value_heads=2, attn_temperature_len=2,
                            router_logit_softcapping=1.5, final_logit_softcapping=4.0, attn_output_multiplier=2.0)
    m = GrokForCausalLM(cfg).double().eval()
    with torch.no_grad():
        for n, p in m.named_parameters():
            p.copy_(torch.empty_like(p).uniform_(0.6, 1.4) if 'norm' in n else torch.randn_like(p) * 0.4)
    ids = torch.randint(4, 61, (3, 9))
    ids[0, :2] = 0                                  # left padding (marked by the attention mask only)
    ids[1, -3:] = 0                                 # right padding
    attention_mask = torch.ones_like(ids)
    attention_mask[0, :2], attention_mask[1, -3:] = 0, 0
    positions = torch.stack([(attention_mask[0].cumsum(0) - 1).clamp(min=0), torch.arange(9),
                             torch.tensor([0, 1, 2, 3, 4, 0, 1, 2, 3])])   # row 2: two packed samples
    with torch.no_grad():
        ours = m(ids, attention_mask=attention_mask, position_ids=positions, use_cache=False).logits
    sd = {k: v.double() for k, v in m.state_dict().items()}
    for row in range(3):
        real = attention_mask[row].bool()
        ref = _reference_logits(sd, cfg, ids[row], real.tolist(), positions[row].tolist())
        assert torch.allclose(ours[row][real], ref[real], atol=1e-10), (row, (ours[row][real] - ref[real]).abs().max())


def test_soft_caps_bound_router_and_final_logits():
    torch.manual_seed(0)
    cfg = tiny_grok2_config(vocab_size=100)
    moe = GrokMoE(cfg)
    x = 100 * torch.randn(3, 7, cfg.hidden_size)
    assert moe.gate(x).abs().max() > 30 and moe.routing(x)[0].abs().max() <= 30
    head_out = 1e4 * torch.randn(2, 3, 100)
    assert output_logits(head_out, cfg).abs().max() <= 50
    vllm_order = GrokConfig.from_dict({**cfg.to_dict(), 'final_logit_order': 'cap_then_scale'})
    assert output_logits(head_out, vllm_order).abs().max() <= 25 + 1e-4
    m = GrokForCausalLM(cfg).eval()
    with torch.no_grad():
        m.lm_head.weight.mul_(1e4)
        assert m(torch.randint(4, 100, (2, 6))).logits.abs().max() <= 50


def test_soft_cap_and_temperature_formulas():
    x = torch.linspace(-100, 100, 11)
    torch.testing.assert_close(soft_cap(x, 30.0), 30 * torch.tanh(x / 30))
    assert soft_cap(x, None) is x and soft_cap(x, 0) is x
    pos = torch.tensor([[0, 1, 1024, 1025, 2048, 131072]])
    torch.testing.assert_close(attn_temperature(pos, 1024),
                               torch.tensor([[1, 1, 1, math.log2(1025) / 10, 1.1, 1.7]], dtype=torch.float32))


def test_presets_and_counts():
    assert grok1_config().to_dict() == GrokConfig().to_dict()
    assert GrokConfig().residual_moe is False and GrokConfig().tie_word_embeddings is True
    g2 = grok2_config()
    assert grok_param_count(g2) == 269_515_497_472             # ~270B total
    assert grok_active_param_count(g2) == 114_896_674_816      # ~115B per token
    assert grok_param_count(GrokConfig()) == 315_684_820_992
    with torch.device('meta'): big = GrokForCausalLM(g2)
    assert big.num_parameters() == grok_param_count(g2)
    assert big.lm_head.weight is not big.model.embed_tokens.weight


def test_untied_head_saves_and_loads(tmp_path):
    torch.manual_seed(0)
    m = GrokForCausalLM(tiny_grok2_config(vocab_size=100)).eval()
    assert m.lm_head.weight.data_ptr() != m.model.embed_tokens.weight.data_ptr()
    m.save_pretrained(tmp_path)
    again = GrokForCausalLM.from_pretrained(tmp_path).eval()
    x = torch.randint(4, 100, (2, 7))
    with torch.no_grad(): assert torch.equal(again(x).logits, m(x).logits)
    assert again.config.residual_moe and not again.config.tie_word_embeddings


def test_config_switch_errors():
    with pytest.raises(ValueError, match="expected one of \\['gelu_pytorch_tanh', 'gelu'\\]"):
        GrokConfig(hidden_act='silu')
    with pytest.raises(ValueError, match="expected one of \\['scale_then_cap', 'cap_then_scale'\\]"):
        GrokConfig(final_logit_order='cap')
    with pytest.raises(ValueError, match='attn_temperature_len=1'):
        GrokConfig(attn_temperature_len=1)
    with pytest.raises(ValueError, match="expected 'default' or one of"):
        rope_frequencies(GrokConfig(rope_parameters={'rope_type': 'dynamic', 'factor': 2.0}))


def test_released_config_dict_is_the_preset():
    released = dict(architectures=['Grok1ForCausalLM'], model_type='git', num_hidden_layers=64, hidden_size=8192,
                    num_attention_heads=64, num_key_value_heads=8, head_dim=128, intermediate_size=32768,
                    moe_intermediate_size=16384, num_local_experts=8, num_experts_per_tok=2, residual_moe=True,
                    vocab_size=131072, max_position_embeddings=131072, rms_norm_eps=1e-05,
                    embedding_multiplier_scale=90.50966799187809, output_multiplier_scale=0.5,
                    final_logit_softcapping=50, attn_logit_softcapping=30.0, router_logit_softcapping=30.0,
                    attn_temperature_len=1024, rope_theta=208533496, rope_type='original',
                    original_max_position_embeddings=8192, scaling_factor=16.0, extrapolation_factor=1.0,
                    attn_factor=1.0, beta_fast=8, beta_slow=1, sliding_window_size=-1, global_attn_every_n=1)
    assert grok_config_from_dict(released).to_dict() == grok2_config().to_dict()
    yarn = grok_config_from_dict(released, original_rope='yarn')
    inv_plain, _ = rope_frequencies(grok2_config(), torch.float64)
    inv_yarn, scale = rope_frequencies(yarn, torch.float64)
    assert torch.allclose(inv_yarn[:8], inv_plain[:8]) and torch.allclose(inv_yarn[-1], inv_plain[-1] / 16)
    assert abs(scale - (1 + 0.1 * math.log(16))) < 1e-9
    with pytest.raises(ValueError, match='extrapolation_factor=2.0'):
        grok_config_from_dict({**released, 'extrapolation_factor': 2.0}, original_rope='yarn')


def test_grok2_bf16_autocast_and_checkpointing_gradients():
    torch.manual_seed(0)
    m = GrokForCausalLM(tiny_grok2_config(vocab_size=100)).train()
    x = torch.randint(4, 100, (2, 16))
    grads = []
    for checkpointing in (False, True):
        if checkpointing: (getattr(m, 'activation_checkpointing_enable', None) or m.gradient_checkpointing_enable)()
        m.zero_grad(set_to_none=True)
        m(x, labels=x).loss.backward()
        grads.append([p.grad.clone() if p.grad is not None else torch.zeros_like(p) for p in m.parameters()])
    assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(*grads))
    assert m.model.layers[0].mlp.linear.weight.grad is not None    # the dense MLP trains
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = m(x, labels=x)
    out.loss.backward()
    assert torch.isfinite(out.logits).all() and out.logits.float().abs().max() <= 50 + 0.5
