"""Every notebook is a test: one pytest test per notebook, run by nbdev's own runner with the flags of settings.ini.

Each notebook runs in a fresh interpreter so that one notebook's imports and global state cannot hide a
missing import in another, and so that a failing notebook fails a test named after it.
"""
import subprocess, sys, textwrap
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

def _git_status():
    return subprocess.run(['git', 'status', '--porcelain', '--untracked-files=all', '--', 'grok_finetune', 'nbs'],
                          cwd=REPO, capture_output=True, text=True).stdout

def _snapshot(paths):
    return {p: p.read_bytes() for d in paths for p in sorted((REPO/d).rglob('*')) if p.is_file() and '__pycache__' not in p.parts}

def test_export_leaves_package_unchanged():
    "`nbdev_export` must not change `grok_finetune/`: the package is the notebooks' export, never hand-edited."
    before = _snapshot(['grok_finetune'])
    subprocess.run([str(REPO/'.venv'/'bin'/'nbdev_export') if (REPO/'.venv/bin/nbdev_export').exists() else 'nbdev_export'],
                   cwd=REPO, check=True, capture_output=True)
    after = _snapshot(['grok_finetune'])
    changed = sorted(str(p.relative_to(REPO)) for p in set(before) | set(after) if before.get(p) != after.get(p))
    assert not changed, f'nbdev_export changed {changed}: run `make sync` and commit the result'

def test_clean_leaves_notebooks_unchanged():
    "`nbdev_clean` must not change `nbs/`: notebooks are committed without execution counts or metadata noise."
    before = _snapshot(['nbs'])
    exe = REPO/'.venv'/'bin'/'nbdev_clean'
    subprocess.run([str(exe) if exe.exists() else 'nbdev_clean'], cwd=REPO, check=True, capture_output=True)
    after = _snapshot(['nbs'])
    changed = sorted(str(p.relative_to(REPO)) for p in set(before) | set(after) if before.get(p) != after.get(p))
    assert not changed, f'nbdev_clean changed {changed}: run `make sync` and commit the result'
