"""The evaluation callbacks of notebooks 11-13 inside the real trainer (`lora.train_lora`), with two domain adapters.

Each adapter must be measured on its own domain's validation batches, every metric must reach the run log, the
plots must be written, and the run must finish its steps.
"""
import json
import torch
from grok_finetune.flatness import FlatnessCallback
from grok_finetune.lora import train_lora
from grok_finetune.ood import OODCallback
from grok_finetune.sharpness import SharpnessCallback
from grok_finetune.tiny import tiny_grok

def counting(n, step, seed, domain_id, domain, ood=False):
    starts = torch.randint(0, 92, (n,), generator=torch.Generator().manual_seed(seed)).tolist()
    rows = []
    for s in starts:
        ids = ((s + step * torch.arange(16)) % 92 + 4).tolist()
        rows.append({'input_ids': ids, 'labels': [-100] * 4 + ids[4:], 'domain_id': domain_id, 'domain': domain, 'ood': ood})
    return rows

def test_callbacks_in_train_lora(tmp_path):
    domains = {'medical': 0, 'legal': 1}
    train = counting(32, 1, 0, 0, 'medical') + counting(32, 2, 1, 1, 'legal')
    val = counting(8, 1, 2, 0, 'medical') + counting(8, 2, 3, 1, 'legal')
    probe = counting(16, 1, 4, 0, 'medical') + counting(4, 3, 5, 0, 'biomed', ood=True)
    callbacks = [FlatnessCallback(every=5, n_batches=2, n_draws=2, domains=domains),
                 SharpnessCallback(max_batches=2, maxiter=2, domains=domains), OODCallback(probe, adapter_name='medical')]
    cfg = dict(output_dir=str(tmp_path), max_steps=10, eval_every=5, batch_size=4, rank=4, alpha=8, log_every=5,
               target_modules=['q_proj', 'v_proj'], progress_bar=False, tensorboard=False)
    res = train_lora(tiny_grok(), train, cfg, callbacks=callbacks, val_data=val, domains=domains)
    assert res.step == 10
    logged = {k for line in (tmp_path/'train_log.jsonl').read_text().splitlines() for k in json.loads(line)}
    for key in ('flatness/medical/avg_case', 'flatness/legal/update_fro', 'sharpness/medical/phi', 'sharpness/legal/phi',
                'ood/acc_in', 'ood/acc/biomed', 'ood/base_acc/biomed', 'ood/change/biomed',
                'ood/forgetting', 'ood/gap'):
        assert key in logged, key
    assert {'flatness.png', 'sharpness.png', 'ood.png'} <= {p.name for p in tmp_path.iterdir()}
