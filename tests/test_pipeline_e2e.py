"""End to end: the demo config on a reduced sample through the real `grok-finetune` console script.

Every stage runs (torchrun with 2 gloo processes for training); then every artefact of the run directory is
checked, a rerun must skip every stage, a second run directory must get byte-identical datasets, the chat
command must answer, and a bad config must fail before any work starts.
"""
import json, os, subprocess, sys
from pathlib import Path
import pytest
from conftest import REPO

CLI = [str(Path(sys.executable).parent/'grok-finetune')]  # the installed console script
REDUCED = ['--set', 'data.limit=150', '--set', 'train.max_steps=6', '--set', 'train.save_every=3', '--set', 'train.log_every=2', '--set', 'train.eval_every=3',
           '--set', 'eval.max_batches=2', '--set', 'eval.flatness_draws=1', '--set', 'eval.sharpness_maxiter=2']

def cli(*args, check=True):
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'GROK_FINETUNE_PROGRESS': '0'}
    res = subprocess.run([*CLI, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    if check: assert res.returncode == 0, f'grok-finetune {" ".join(args)} failed:\n{res.stdout[-3000:]}\n{res.stderr[-6000:]}'
    return res

def dataset_digests(run_dir: Path) -> dict:
    return {str(p.relative_to(run_dir)): p.read_bytes() for p in sorted((run_dir/'tokenize').rglob('*'))
            if p.is_file() and p.suffix in ('.arrow', '.jsonl', '.json') and p.name != '_stage.json' and 'manifest' not in p.name}

@pytest.fixture(scope='module')
def run_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp('e2e')/'run'
    res = cli('run', '--run-dir', str(d), *REDUCED)
    (d.parent/'first_run.log').write_text(res.stdout + res.stderr)
    return d

STAGE_NAMES = ['prepare', 'split', 'dedup', 'augment', 'tokenize', 'model', 'train', 'eval']

def test_every_stage_wrote_its_report(run_dir):
    for stage in STAGE_NAMES:
        marker = json.loads((run_dir/stage/'_stage.json').read_text())
        assert marker['stage'] == stage and len(marker['key']) == 64
        rep = json.loads((run_dir/stage/'report.json').read_text())
        assert rep['n_out'] > 0, f'{stage} produced nothing: {rep}'
    assert (run_dir/'manifest.json').exists()

def test_datasets_adapters_metrics_and_report(run_dir):
    tok = run_dir/'tokenize'
    for split in ('train', 'val', 'test', 'ood'):
        assert (tok/split/'dataset_info.json').exists() and (tok/f'{split}.jsonl').exists(), split
        rows = [json.loads(l) for l in (tok/f'{split}.jsonl').read_text().splitlines()]
        assert rows, split
        for r in rows:
            assert len(r['input_ids']) == len(r['attention_mask']) == len(r['labels']) <= 256
            assert any(l != -100 for l in r['labels']), 'a sample with no trained token'
            assert 49 <= r['input_ids'][-1] <= 68, 'the last token is the domain token (<|controlN|>)'
    splits = {}
    for split in ('train', 'val', 'test'):
        for line in (run_dir/'dedup'/'records.jsonl').read_text().splitlines():
            r = json.loads(line); splits.setdefault(r['source_url'], set()).add(r['split'])
    assert all(len(s) == 1 for s in splits.values()), 'a source_url in two splits'
    assert (tok/'tokenizer'/'tokenizer.json').exists() and (tok/'routing.json').exists()
    assert (run_dir/'model'/'base'/'config.json').exists()
    adapters = sorted(p.name for p in (run_dir/'train'/'adapters').iterdir() if p.is_dir())
    assert adapters == ['coding', 'legal', 'medical']
    for a in adapters: assert (run_dir/'train'/'adapters'/a/'adapter_model.safetensors').exists()
    assert json.loads((run_dir/'train'/'report.json').read_text())['extra']['nproc'] == 2
    metrics = json.loads((run_dir/'eval'/'metrics.json').read_text())
    assert set(metrics['domains']) == set(adapters)
    for m in metrics['domains'].values():
        assert m['sharpness']['sharpness'] >= 0 and m['base_sharpness']['sharpness'] >= 0
        assert 'avg_flatness' in m['flatness'] and 'avg_flatness' in m['base_flatness']
        assert m['update_norms']['update_fro'] > 0
    assert 0 <= metrics['ood']['in_domain']['accuracy'] <= 1 and 'drop' in metrics['ood']
    # the forgetting watch ran at steps 3 and 6 against the base model, on the medical adapter's rows and the OOD rows
    assert sorted({h['step'] for h in metrics['forgetting']}) == [3, 6]
    assert {h['domain'] for h in metrics['forgetting']} == {'medical', 'biomed'}
    assert all(0 <= h['base_acc'] <= 1 and h['drop_low'] <= h['drop'] <= h['drop_high'] for h in metrics['forgetting'])
    assert not any(h['watched'] for h in metrics['forgetting'] if h['domain'] == 'medical')   # the trained domain
    assert (run_dir/'train'/'forgetting.png').exists()
    assert set(metrics['learning']['checks']) == {'train_loss_fall_at_least_20pct', 'own_loss_at_most_0.9_base',
                                                  'own_loss_below_ln_vocab'}
    page = (run_dir/'report.html').read_text()
    assert page.count('data:image/png;base64') >= 6 and '<td>train</td>' in page
    for section in ('Did the fine-tune learn?', 'Each adapter against the base model',
                    'Flatness and sharpness against the base model', 'Early stop on forgetting, over time'):
        assert f'<h2>{section}</h2>' in page, section
    augmented = [json.loads(l) for l in (run_dir/'augment'/'records.jsonl').read_text().splitlines()]
    assert any(r['kg_triples'] for r in augmented if r['split'] == 'train')
    assert not any(r['kg_triples'] for r in augmented if r['split'] != 'train')

def test_rerun_skips_every_stage(run_dir):
    before = dataset_digests(run_dir)
    res = cli('run', '--run-dir', str(run_dir), *REDUCED)
    assert res.stdout.count('up to date') == len(STAGE_NAMES), res.stdout
    assert dataset_digests(run_dir) == before

def test_second_run_is_byte_identical(run_dir, tmp_path):
    other = tmp_path/'again'
    cli('tokenize', '--run-dir', str(other), *REDUCED)
    assert dataset_digests(other) == dataset_digests(run_dir)

def test_chat_answers_with_the_domain_adapter(run_dir):
    res = cli('chat', '--run-dir', str(run_dir), *REDUCED, '--domain', 'medical', '--prompt', '高血压患者饮食要注意什么？',
              '--max-new-tokens', '8')
    assert res.stdout.startswith('[medical]')
    bad = cli('chat', '--run-dir', str(run_dir), '--domain', 'astrology', '--prompt', 'hi', check=False)
    assert bad.returncode == 2 and 'trained adapters: coding, legal, medical' in bad.stderr

def test_bad_config_fails_before_any_work(tmp_path):
    target = tmp_path/'never'
    res = cli('run', '--run-dir', str(target), '--set', 'data.inputs=[no/such.jsonl]', check=False)
    assert res.returncode == 2 and 'data.inputs[0]: no/such.jsonl does not exist' in res.stderr
    assert not target.exists()
    cfg = tmp_path/'typo.yaml'; cfg.write_text('train:\n  max_stepz: 3\n')
    res = cli('run', '--config', str(cfg), '--run-dir', str(target), check=False)
    assert res.returncode == 2 and "unknown key 'train.max_stepz'" in res.stderr and not target.exists()

def _adapter_tensors(run: Path) -> dict:
    from safetensors.torch import load_file
    return {(a.name, k): v for a in sorted((run/'train'/'adapters').iterdir()) if a.is_dir()
            for k, v in load_file(str(a/'adapter_model.safetensors')).items()}

def test_killed_training_resumes_to_the_same_adapters(run_dir, tmp_path):
    "Kill the train stage after its first checkpoint; the rerun resumes from it and ends with the uninterrupted run's adapters."
    import signal, time, torch
    other = tmp_path/'killed'
    cli('tokenize', '--run-dir', str(other), *REDUCED)
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'GROK_FINETUNE_PROGRESS': '0'}
    proc = subprocess.Popen([*CLI, 'train', '--run-dir', str(other), *REDUCED], cwd=REPO, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ckpts, deadline = other/'.work'/'train'/'checkpoints', time.time() + 600
    while proc.poll() is None and time.time() < deadline and not any(p.name.startswith('step_') and not p.name.endswith('.tmp')
                                                                      for p in (ckpts.iterdir() if ckpts.exists() else [])):
        time.sleep(0.1)
    assert proc.poll() is None, 'training ended before its first checkpoint could be interrupted'
    os.killpg(proc.pid, signal.SIGKILL); proc.wait()
    assert not (other/'train'/'_stage.json').exists(), 'a killed stage must not look complete'
    cli('run', '--run-dir', str(other), *REDUCED)
    assert json.loads((other/'train'/'report.json').read_text())['extra']['resumed_from'] > 0
    ref, got = _adapter_tensors(run_dir), _adapter_tensors(other)
    assert ref.keys() == got.keys() and all(torch.equal(ref[k], got[k]) for k in ref)
