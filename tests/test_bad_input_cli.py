"""Every console script on bad input: exit code 2 and one line that says what, where and what to do; no traceback
unless --debug. And on success: exit 0 (grok-train used to exit 1 and dump its result object to stderr)."""
import json, re, subprocess, sys
from pathlib import Path
import pytest
from grok_finetune.core import write_jsonl
from grok_finetune.tiny import tiny_lora_model

def script(name):
    exe = Path(sys.executable).parent/name
    if not exe.exists(): pytest.skip(f'{name} is not installed (pip install -e .)')
    return str(exe)

def run(args, cwd=None):
    return subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=cwd,
                          env={'OMP_NUM_THREADS': '1', 'PATH': str(Path(sys.executable).parent), 'HOME': '/tmp'})

def assert_one_line_error(res, *needles):
    assert res.returncode == 2, (res.returncode, res.stderr[-2000:])
    lines = [l for l in res.stderr.splitlines()   # log lines and progress bars are not the error
             if l.strip() and ' WARNING ' not in l and ' INFO ' not in l and not re.search(r'\|\s*\d+/\d+ \[', l)]
    assert 'Traceback' not in res.stderr, res.stderr[-2000:]
    assert len(lines) == 1 and ': error: ' in lines[0], res.stderr[-2000:]
    for n in needles: assert n in lines[0], (n, lines[0])

@pytest.fixture(scope='module')
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('bad')
    tiny_lora_model().unload().save_pretrained(tmp/'base')
    vocab = json.loads((tmp/'base'/'config.json').read_text())['vocab_size']
    good = [{'input_ids': [1, 5, 9, 7, 3, 2], 'labels': [-100, -100, 9, 7, 3, 2], 'domain_id': 0, 'domain': 'medical',
             'ood': i == 3} for i in range(4)]
    write_jsonl(good, tmp/'good.jsonl')
    write_jsonl([{**r, 'labels': [-100] * 6} for r in good], tmp/'all_masked.jsonl')
    write_jsonl([good[0], {**good[1], 'input_ids': [1, vocab + 5, 3, 4, 5, 6]}], tmp/'big_id.jsonl')
    write_jsonl([good[0], {**good[1], 'attention_mask': [1, 1]}], tmp/'short_mask.jsonl')
    write_jsonl([good[0], {**good[1], 'labels': 7}], tmp/'int_labels.jsonl')
    (tmp/'malformed.jsonl').write_text(json.dumps(good[0]) + '\n{"input_ids": [1, 2\n', encoding='utf-8')
    (tmp/'a_folder.jsonl').mkdir()
    return tmp, vocab

def test_grok_train_exits_0_on_success(files):
    tmp, vocab = files
    res = run([script('grok-train'), '--model', str(tmp/'base'), '--data', str(tmp/'good.jsonl'), '--max_steps', '2',
               '--batch_size', '2', '--output_dir', str(tmp/'out')])
    assert res.returncode == 0, res.stderr[-3000:]
    assert 'TrainResult' not in res.stderr and 'Traceback' not in res.stderr

@pytest.mark.parametrize('data, needles', [
    ('all_masked.jsonl', ['all -100', 'nothing to train on']),
    ('big_id.jsonl', ['big_id.jsonl:2', 'outside the vocabulary']),
    ('short_mask.jsonl', ['short_mask.jsonl:2', 'attention_mask must be a list of 6']),
    ('int_labels.jsonl', ['int_labels.jsonl:2', 'labels must be a list']),
    ('malformed.jsonl', ['malformed.jsonl:2', 'invalid JSON']),
    ('missing.jsonl', ['missing.jsonl', 'no such file']),
])
def test_grok_train_bad_data(files, data, needles):
    tmp, _ = files
    res = run([script('grok-train'), '--model', str(tmp/'base'), '--data', str(tmp/data), '--max_steps', '1',
               '--output_dir', str(tmp/'out_bad')])
    assert_one_line_error(res, 'grok-train: error:', *needles)

@pytest.mark.parametrize('name', ['compute-sharpness', 'eval-xdomain'])
@pytest.mark.parametrize('data, needles', [
    ('big_id.jsonl', ['big_id.jsonl:2', 'outside the vocabulary']),
    ('malformed.jsonl', ['malformed.jsonl:2', 'invalid JSON']),
    ('missing.jsonl', ['missing.jsonl', 'no such file']),
])
def test_eval_scripts_bad_data(files, name, data, needles):
    tmp, _ = files
    res = run([script(name), str(tmp/'base'), str(tmp/data)])
    assert_one_line_error(res, f'{name}: error:', *needles)

def test_debug_shows_the_traceback(files):
    tmp, _ = files
    res = run([script('compute-sharpness'), str(tmp/'base'), str(tmp/'missing.jsonl'), '--debug'])
    assert res.returncode != 0 and 'Traceback' in res.stderr

def test_unexpected_error_is_one_line_with_its_type(files):
    tmp, _ = files
    res = run([script('compute-sharpness'), str(tmp/'good.jsonl'), str(tmp/'good.jsonl')])   # a file is not a model
    assert_one_line_error(res, 'compute-sharpness: error:')

def test_grok_finetune_bad_input_is_one_line(tmp_path):
    res = run([script('grok-finetune'), 'prepare', '--set', f'data.inputs=["{tmp_path}/none.jsonl"]', '--run-dir', str(tmp_path)])
    assert_one_line_error(res, 'grok-finetune: error:', 'none.jsonl')
    res = run([script('grok-finetune'), 'doctor'])
    assert res.returncode == 0 and 'transformers' in res.stdout

@pytest.mark.parametrize('line, needles', [
    ('{"text": "高血压能吃党参吗？", "domain": "astrology", "task_type": "qa"}', ['bad.jsonl:2', "'astrology'"]),
    ('{"text": "x", "domain": ["medical", "legal"], "task_type": "qa"}', ['bad.jsonl:2', 'domain must be one string']),
    ('{"id": {"a": 1}, "text": "x", "domain": "medical", "task_type": "qa"}', ['bad.jsonl:2', 'id must be a string']),
    ('{"text": "bad \\ud800", "domain": "medical", "task_type": "qa"}', ['bad.jsonl:2', 'lone surrogate']),
])
def test_prepare_names_the_line_of_a_bad_record(tmp_path, line, needles):
    good = '{"text": "Aspirin thins the blood.", "domain": "medical", "task_type": "qa", "source_url": "https://e.org/1"}'
    (tmp_path/'bad.jsonl').write_text(good + '\n' + line + '\n', encoding='utf-8')
    res = run([script('grok-finetune'), 'prepare', '--set', f'data.inputs=["{tmp_path}/bad.jsonl"]', '--run-dir', str(tmp_path/'run')])
    assert_one_line_error(res, 'grok-finetune: error:', *needles)

def test_bad_config_value_stops_before_any_stage(tmp_path):
    res = run([script('grok-finetune'), 'run', '--set', 'tokenize.max_length=-5', '--run-dir', str(tmp_path/'run')])
    assert_one_line_error(res, 'tokenize.max_length must be >= 2')
    assert not (tmp_path/'run').exists()

def test_input_folder_and_unwritable_run_dir(tmp_path):
    (tmp_path/'data.jsonl').mkdir()
    res = run([script('grok-finetune'), 'prepare', '--set', f'data.inputs=["{tmp_path}/data.jsonl"]', '--run-dir', str(tmp_path/'run')])
    assert_one_line_error(res, 'data.jsonl: is a folder, not a file')
    (tmp_path/'a_file').write_text('x')
    res = run([script('grok-finetune'), 'prepare', '--run-dir', str(tmp_path/'a_file'/'run')])
    assert_one_line_error(res, 'run_dir:', 'cannot be written')

def test_refused_endpoint_with_on_error_raise_is_one_line(tmp_path):
    import socket
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]   # nothing listens there
    res = run([script('grok-finetune'), 'augment', '--run-dir', str(tmp_path/'run'), '--set', 'data.limit=20',
               '--set', f'kg.endpoint=http://127.0.0.1:{port}/sparql', '--set', 'kg.on_error=raise',
               '--set', 'kg.retries=0'],
              cwd=str(Path(__file__).resolve().parents[1]))
    assert_one_line_error(res, f'127.0.0.1:{port}', 'kg.on_error is raise')

def test_pretokenized_row_with_int_labels_is_named(tmp_path):
    (tmp_path/'axolotl.jsonl').write_text('{"input_ids": [1, 5, 9], "attention_mask": [1, 1, 1], "labels": 5}\n')
    res = run([script('grok-finetune'), 'prepare', '--set', f'data.inputs=["{tmp_path}/axolotl.jsonl"]', '--run-dir', str(tmp_path/'run')])
    assert_one_line_error(res, 'axolotl.jsonl:1: labels must be a list of integers, got int')
