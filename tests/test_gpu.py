"""The CUDA paths of notebooks 07–09, on a real GPU: bf16 LoRA training, QLoRA (nf4 / int8 bases through
bitsandbytes) and an FSDP2 launch with the repository's accelerate config. They skip where there is no CUDA GPU (as
on CI and the course's CPU machine); run them on a GPU box with `pytest tests/test_gpu.py`.
"""
import copy, json, os, sys
from pathlib import Path
import pytest

torch = pytest.importorskip('torch')
pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason='needs a CUDA GPU')

from conftest import REPO
from test_distributed import CONFIG, adapters, cli, finish, free_port, losses, start, write_inputs

STEPS = 40

def _cfg(out, **kw):
    from grok_finetune.lora import TrainConfig
    return TrainConfig(output_dir=str(out), max_steps=STEPS, batch_size=8, max_length=256, learning_rate=2e-3,
                       warmup_steps=2, log_every=5, tensorboard=False, progress_bar=False, resume=False, **kw)

@pytest.fixture(scope='module')
def tiny_and_examples():
    from grok_finetune.tiny import load_pretrained_tiny, sample_sft_examples
    return load_pretrained_tiny(), sample_sft_examples(max_length=256)

def _first_last(result) -> tuple:
    ls = [h['loss'] for h in result.history if 'loss' in h]
    assert all(l == l and l < 1e4 for l in ls), ls        # finite
    return ls[0], ls[-1]

def test_bf16_lora_on_cuda(tiny_and_examples, tmp_path):
    "fp32 and bf16 runs on the GPU: adapters and optimiser on CUDA in fp32, frozen base in bf16, same loss curve."
    from grok_finetune.lora import train_lora
    base, examples = tiny_and_examples
    fp32 = train_lora(copy.deepcopy(base), examples, _cfg(tmp_path/'fp32'))
    bf16 = train_lora(copy.deepcopy(base), examples, _cfg(tmp_path/'bf16', mixed_precision='bf16'))
    params = dict(bf16.model.named_parameters())
    assert all(p.device.type == 'cuda' for p in params.values())
    assert {p.dtype for n, p in params.items() if 'lora_' in n} == {torch.float32}
    assert {p.dtype for n, p in params.items() if not p.requires_grad and p.is_floating_point()} == {torch.bfloat16}
    (a0, a1), (b0, b1) = _first_last(fp32), _first_last(bf16)
    assert a1 < 0.97 * a0 and b1 < 0.97 * b0, (a0, a1, b0, b1)  # both learn (40 steps from the pretrained tiny: about -5 %)
    assert abs(b1 - a1) < 0.05 * a1, (a1, b1)                  # and bf16 follows fp32
    assert (tmp_path/'bf16'/'adapters').is_dir()

@pytest.mark.parametrize('kind', ['nf4', 'int8'])
def test_qlora_on_cuda(tiny_and_examples, tmp_path, kind):
    "A checkpoint folder loaded k-bit through `build_model(quantization=...)`, trained with per-domain adapters, reloaded."
    pytest.importorskip('bitsandbytes')
    import bitsandbytes as bnb
    from peft import PeftModel
    from grok_finetune.distributed import build_model
    from grok_finetune.lora import train_lora
    base, examples = tiny_and_examples
    base.save_pretrained(str(tmp_path/'tiny'))
    model = build_model(str(tmp_path/'tiny'), quantization=kind)
    qtype = bnb.nn.Linear4bit if kind == 'nf4' else bnb.nn.Linear8bitLt
    quantized = [n for n, m in model.named_modules() if isinstance(m, qtype)]
    assert len(quantized) >= 4 * base.config.num_hidden_layers, quantized   # attention q/k/v/o of every layer at least
    assert model.get_memory_footprint() < 0.7 * base.get_memory_footprint()
    routers = [m for n, m in model.named_modules() if n.endswith('moe_block.gate')]
    assert routers and all(type(m).__name__ == 'GrokRouter' and m.weight.is_floating_point() for m in routers)   # not quantised
    result = train_lora(model, examples, _cfg(tmp_path/'run', mixed_precision='bf16'))
    first, last = _first_last(result)
    assert last < 0.97 * first, (first, last)
    # the saved adapters on a freshly quantised base reproduce the trained model's logits
    batch = torch.tensor([examples[0]['input_ids'][:64]], device='cuda')
    result.model.eval()
    name = next(iter(result.model.peft_config))
    result.model.set_adapter(name)
    with torch.no_grad(): want = result.model(input_ids=batch).logits.float()
    again = PeftModel.from_pretrained(build_model(str(tmp_path/'tiny'), quantization=kind), str(tmp_path/'run'/'adapters'/name),
                                      adapter_name=name).eval()
    with torch.no_grad(): got = again(input_ids=batch).logits.float()
    assert (got - want).abs().max().item() < 2e-2 * want.abs().max().item()

def test_fsdp2_launch_matches_plain_run(tmp_path):
    "`accelerate launch --config_file configs/accelerate_fsdp2.yaml` (one GPU, so shards of 1) ends where a plain run does."
    config, data = write_inputs(tmp_path)
    fsdp, plain = tmp_path/'fsdp', tmp_path/'plain'
    launch = [sys.executable, '-m', 'accelerate.commands.launch', '--config_file', str(REPO/'configs'/'accelerate_fsdp2.yaml'),
              '--num_processes', '1', '--mixed_precision', 'no', '--main_process_port', str(free_port()),
              '-m', 'grok_finetune.distributed', *cli(config, data, fsdp, '--batch_size', '4')]
    codes = finish({'fsdp': start(launch, tmp_path/'fsdp.log')}, timeout=600)
    codes.update(finish({'plain': start([sys.executable, '-m', 'grok_finetune.distributed', *cli(config, data, plain, '--batch_size', '4')],
                                        tmp_path/'plain.log')}, timeout=600))
    logs = {n: (tmp_path/f'{n}.log').read_text()[-6000:] for n in codes}
    if codes != {'fsdp': 0, 'plain': 0}: pytest.fail(f'exit codes {codes}\n' + '\n'.join(f'--- {n}.log ---\n{t}' for n, t in logs.items()))
    kinds = {n: json.loads((d/'train_result.json').read_text())['distributed_type'] for n, d in (('fsdp', fsdp), ('plain', plain))}
    assert kinds == {'fsdp': 'FSDP', 'plain': 'NO'}, kinds
    assert losses(fsdp) == pytest.approx(losses(plain), rel=1e-4), (losses(fsdp), losses(plain))
    a, b = adapters(fsdp), adapters(plain)          # gathered from the FSDP shards by `_save_final_adapters`
    assert a.keys() == b.keys() and len(a) > 0
    attention = [k for k in a if '.attn.' in k]
    assert attention and max((a[k] - b[k]).abs().max().item() for k in attention) < 1e-4
    # as in test_distributed: a router near-tie may flip for a token, moving an expert adapter by at most ~lr
    assert max((a[k] - b[k]).abs().max().item() for k in a) < 1.5 * CONFIG['learning_rate']
