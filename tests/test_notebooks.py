"""Every notebook is a test: one pytest test per notebook, run by nbdev's own runner with the flags of settings.ini.

Each notebook runs in a fresh interpreter so that one notebook's imports and global state cannot hide a
missing import in another, and so that a failing notebook fails a test named after it.
"""
import subprocess, sys, textwrap
from pathlib import Path
import pytest
from conftest import REPO, NBS, notebooks, settings

RUNNER = textwrap.dedent('''
    import sys
    from pathlib import Path
    from nbdev.test import test_nb
    ok, secs = test_nb(Path(sys.argv[1]), skip_flags=sys.argv[2].split(), showerr=True)
    print(f"{Path(sys.argv[1]).name}: {'ok' if ok else 'FAILED'} in {secs:.1f}s")
    sys.exit(0 if ok else 1)
''')

@pytest.mark.parametrize('nb', notebooks(), ids=lambda p: p.stem)
def test_notebook(nb):
    flags = settings().get('tst_flags', '')
    res = subprocess.run([sys.executable, '-c', RUNNER, str(nb), flags], cwd=NBS,
                         capture_output=True, text=True, timeout=600)
    print(res.stdout[-3000:])
    assert res.returncode == 0, f'{nb.name} failed under nbdev test_nb:\n{res.stdout[-4000:]}\n{res.stderr[-8000:]}'

def _tree(root, dirs) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for d in dirs for p in sorted((root/d).rglob('*'))
            if p.is_file() and '__pycache__' not in p.parts}

def _run_in_copy(tool: str, tmp_path) -> tuple:
    "Run nbdev `tool` on a copy of the project (the working tree is never touched); return (before, after) trees."
    import shutil
    for name in ('settings.ini', 'setup.py', 'pyproject.toml'):
        if (REPO/name).exists(): shutil.copy(REPO/name, tmp_path/name)
    for d in ('nbs', 'grok_finetune'): shutil.copytree(REPO/d, tmp_path/d, ignore=shutil.ignore_patterns('__pycache__', '_cache'))
    before = _tree(tmp_path, ['nbs', 'grok_finetune'])
    exe = Path(sys.executable).parent/tool
    res = subprocess.run([str(exe)], cwd=tmp_path, capture_output=True, text=True)
    assert res.returncode == 0, f'{tool} failed: {res.stderr[-3000:]}'
    return before, _tree(tmp_path, ['nbs', 'grok_finetune'])

def _changed(before, after) -> list:
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))

def test_export_leaves_package_unchanged(tmp_path):
    "`nbdev_export` must not change `grok_finetune/`: the package is the notebooks' export, never hand-edited."
    changed = _changed(*_run_in_copy('nbdev_export', tmp_path))
    assert not changed, f'nbdev_export changed {changed}: run `make sync` and commit the result'

def test_clean_leaves_notebooks_unchanged(tmp_path):
    "`nbdev_clean` must not change `nbs/`: notebooks are committed without execution counts or metadata noise."
    changed = _changed(*_run_in_copy('nbdev_clean', tmp_path))
    assert not changed, f'nbdev_clean changed {changed}: run `make sync` and commit the result'
