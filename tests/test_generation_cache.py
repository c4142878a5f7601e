"""The KV cache on whatever transformers is installed (the lock in `make test`, the newest in `make test-latest`).

transformers 5.24 renamed the cache argument from `past_key_values` to `cache`; a model that knows only one
name decodes every step from its newest token alone. These tests install nothing: they check the installed
generation of the API, and CI plus `make test-latest` cover the two stacks.
"""
import logging

import pytest
import torch
import transformers

from grok_finetune.model import CACHE_KWARG, GrokForCausalLM, tiny_grok2_config, tiny_grok_config


TINY = {  # Grok-2: attention temperature from position 5 on, so most generated tokens are past it
    'grok1': lambda: tiny_grok_config(vocab_size=300, max_position_embeddings=24),
    'grok2': lambda: tiny_grok2_config(vocab_size=300, max_position_embeddings=24, num_attention_heads=8,
                                       num_key_value_heads=2, attn_temperature_len=4),
}

@pytest.fixture(scope='module', params=sorted(TINY))
def model(request):
    "Each test runs on a tiny Grok-1 and a tiny Grok-2 (same classes, the Grok-2 switches on)."
    torch.manual_seed(0)
    return GrokForCausalLM(TINY[request.param]()).double().eval()


def greedy(model, ids, mask, use_cache, new=5):
    with torch.no_grad():
        out = model.generate(ids, attention_mask=mask, max_new_tokens=new, min_new_tokens=new, do_sample=False,
                             pad_token_id=0, use_cache=use_cache)
    return out[:, ids.shape[1]:]


def test_cache_name_matches_installed_transformers():
    major, minor = (int(x) for x in transformers.__version__.split('.')[:2])
    test_new = (major, minor) >= (5, 24)
    assert CACHE_KWARG == ('cache' if test_new else 'past_key_values')


@pytest.mark.parametrize('seed', range(6))
def test_generate_with_cache_equals_without(model, seed):
    "Random batches, every prompt length up to max_position_embeddings - new tokens, some rows left-padded."
    g = torch.Generator().manual_seed(seed)
    max_prompt = model.config.max_position_embeddings - 5
    for length in range(1, max_prompt + 1):
        ids = torch.randint(4, 300, (4, length), generator=g)
        mask = torch.ones_like(ids)
        pads = torch.randint(0, length, (4,), generator=g).tolist()
        pads[0] = 0
        for row, n in enumerate(pads): ids[row, :n], mask[row, :n] = 0, 0
        cached, plain = greedy(model, ids, mask, True), greedy(model, ids, mask, False)
        assert torch.equal(cached, plain), f'length {length}: cached {cached.tolist()} != plain {plain.tolist()}'
        alone = torch.cat([greedy(model, ids[r:r + 1, n:], mask[r:r + 1, n:], True) for r, n in enumerate(pads)])
        assert torch.equal(cached, alone), f'length {length}: padding changed the continuation'


@pytest.mark.parametrize('name', ['cache', 'past_key_values'])
def test_incremental_logits_equal_full_forward(model, name):
    "Feeding tokens one at a time through the returned cache, under either name, gives the full pass's logits."
    ids = torch.randint(4, 300, (2, 9), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        full = model(ids, use_cache=False).logits
        out = model(ids[:, :4], use_cache=True)
        steps = [out.logits]
        for t in range(4, 9):
            out = model(ids[:, t:t + 1], attention_mask=torch.ones(2, t + 1, dtype=torch.long),
                        use_cache=True, **{name: getattr(out, CACHE_KWARG)})
            steps.append(out.logits)
    torch.testing.assert_close(torch.cat(steps, 1), full, rtol=0, atol=1e-10)


def test_no_deprecated_cache_name_warning(model, caplog):
    "Our own code paths use the installed name, so transformers has nothing to warn about."
    transformers.logging.enable_propagation()
    ids = torch.randint(4, 300, (1, 6))
    with caplog.at_level(logging.WARNING):
        greedy(model, ids, torch.ones_like(ids), True)
        model(ids, use_cache=True)
    assert not [r for r in caplog.records if 'deprecated' in r.getMessage()]


def test_both_names_at_once_is_an_error(model):
    ids = torch.randint(4, 300, (1, 3))
    with torch.no_grad(): kv = getattr(model(ids, use_cache=True), CACHE_KWARG)
    with pytest.raises(ValueError, match='pass one of them'):
        model(ids[:, :1], cache=kv, past_key_values=kv)
