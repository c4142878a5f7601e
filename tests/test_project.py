"""Project-level checks: README in sync with nbs/index.ipynb, environment.yml in sync with settings.ini."""
import re, shlex, subprocess, sys
import yaml
from conftest import REPO, settings

def render_readme() -> str:
    res = subprocess.run([sys.executable, '-m', 'nbconvert', '--to', 'markdown', '--stdout', '--log-level', 'ERROR',
                          str(REPO/'nbs'/'index.ipynb')], capture_output=True, text=True, check=True)
    return res.stdout

def test_readme_in_sync_with_index():
    assert (REPO/'README.md').read_text(encoding='utf-8') == render_readme(), \
        'README.md is stale: run `make readme` (it renders nbs/index.ipynb with nbconvert) and commit it'

def _name(req: str) -> str:
    return re.split(r'[<>=!~\[ ;]', req.strip(), maxsplit=1)[0].lower().replace('_', '-')

def test_environment_yml_matches_settings():
    cfg = settings()
    wanted = {_name(r) for r in shlex.split(cfg['requirements']) + shlex.split(cfg['dev_requirements'])}
    env = yaml.safe_load((REPO/'environment.yml').read_text())
    have = set()
    for dep in env['dependencies']:
        if isinstance(dep, dict): have |= {_name(d) for d in dep.get('pip', []) if not d.startswith('-')}
        elif not dep.startswith('python'): have.add(_name(dep))
    have = {'torch' if h == 'pytorch' else h for h in have}
    assert wanted - have == set(), f'environment.yml lacks {sorted(wanted - have)} (settings.ini lists them)'
    assert have - wanted - {'pip'} == set(), f'environment.yml has {sorted(have - wanted - {"pip"})} that settings.ini lacks'

# --- the lock (constraints.txt): what a fresh clone installs ---------------------------------------------------
import os
import pytest
from packaging.requirements import Requirement
from grok_finetune.core import canonical_name, lock_drift, read_lock

LOCK = REPO/'constraints.txt'

def _requirements() -> list:
    cfg = settings()
    return [Requirement(r) for r in shlex.split(cfg['requirements']) + shlex.split(cfg['dev_requirements'])]

def test_lock_pins_every_requirement_inside_its_range():
    lock = read_lock(LOCK)
    assert lock, 'constraints.txt is missing or empty: run `make lock` after the suite passes'
    for req in _requirements():
        name = canonical_name(req.name)
        assert name in lock, f'constraints.txt does not pin {req.name}: run `make lock`'
        assert req.specifier.contains(lock[name], prereleases=True), \
            f'settings.ini allows {req} but the lock pins {lock[name]}: widen the range or run `make lock`'

def test_makefile_torch_is_the_locked_torch():
    torch_spec = re.search(r'^TORCH \?= (.+)$', (REPO/'Makefile').read_text(), re.M).group(1).strip()
    assert torch_spec == f"torch=={read_lock(LOCK)['torch']}", \
        f'Makefile TORCH ({torch_spec}) and the lock ({read_lock(LOCK)["torch"]}) disagree: set TORCH to the lock\'s'

def test_environment_yml_pins_the_locked_versions():
    lock, pins = read_lock(LOCK), {}
    env = yaml.safe_load((REPO/'environment.yml').read_text())
    for dep in env['dependencies']:
        for d in (dep.get('pip', []) if isinstance(dep, dict) else [dep]):
            m = re.match(r'([A-Za-z0-9_.\-]+)\s*==?\s*([^\s#]+)$', d)
            if m and m.group(1) not in ('python', 'pip'):
                pins['torch' if m.group(1) == 'pytorch' else canonical_name(m.group(1))] = m.group(2)
    assert set(pins) == {canonical_name(r.name) for r in _requirements()}, 'environment.yml: a package has no ==pin'
    assert {k: v for k, v in pins.items() if lock[k] != v} == {}, 'environment.yml and constraints.txt disagree: run `make lock`'

def test_suite_runs_on_the_locked_stack():
    "Under `make test` (GROK_FINETUNE_LOCK set) every locked package is installed at its locked release."
    lock_file = os.environ.get('GROK_FINETUNE_LOCK')
    if not lock_file: pytest.skip('not run by `make test` with a lock (make test-latest, or bare pytest)')
    drift = lock_drift(read_lock(REPO/lock_file))
    assert drift == {}, f'installed (left) differs from {lock_file} (right): {drift}; `make install` reinstalls the lock'
