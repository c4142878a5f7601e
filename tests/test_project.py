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
