"""Write the lock (`constraints.txt`) and the pins of `environment.yml` from a venv the whole suite passed in.

`make lock` runs it after `make test-latest` passed:

    .venv-latest/bin/python .ci/lock.py --lock constraints.txt --env environment.yml

Every distribution of the venv (pip, setuptools and wheel included, the project itself excluded) is pinned to
its installed release; torch's local build label (`+cpu`) is dropped, because the pin means the release and the
Makefile's `TORCH` picks the build. `environment.yml` keeps its package list (tests/test_project.py checks it
against settings.ini) and gets each package's locked version.
"""
import argparse, datetime, platform, re, subprocess, sys
from pathlib import Path

HEADER = """\
# The stack the whole test suite last passed with. `make install`, `make demo` and `make test` install through it
# (torch from the Makefile's TORCH, which equals the torch line here), so a fresh clone reproduces that suite.
# Written by `make lock` on {date} ({python}, {machine}) after `make test-latest` passed in a fresh venv.
# Refresh it the same way when `make test-latest` passes on newer releases, and commit it with environment.yml.
"""

def canonical(name: str) -> str: return re.sub(r'[-_.]+', '-', name).lower()

def frozen(python: str) -> dict:
    "`{name: version}` of every distribution in the venv of `python`, as `pip freeze --all` lists them."
    out = subprocess.run([python, '-m', 'pip', 'freeze', '--all', '--exclude-editable'], capture_output=True,
                         text=True, check=True).stdout
    pins = {}
    for line in out.splitlines():
        if '==' not in line: sys.exit(f'lock.py: cannot pin {line!r} (not NAME==VERSION): install it from an index')
        name, version = line.split('==', 1)
        if canonical(name) == 'grok-finetune': continue
        pins[name] = version.split('+')[0] if canonical(name) == 'torch' else version
    return pins

def write_lock(pins: dict, path: Path):
    header = HEADER.format(date=datetime.date.today().isoformat(), python=f'Python {platform.python_version()}',
                           machine=platform.machine())
    body = ''.join(f'{n}=={v}\n' for n, v in sorted(pins.items(), key=lambda kv: canonical(kv[0])))
    tmp = path.with_suffix('.tmp')
    tmp.write_text(header + body, encoding='utf-8')
    tmp.replace(path)

def pin_environment(pins: dict, path: Path):
    "Give every package line of `environment.yml` its locked version; fail on a package the lock lacks."
    locked = {canonical(n): v for n, v in pins.items()}
    out, in_dependencies = [], False
    for line in path.read_text(encoding='utf-8').splitlines():
        if re.match(r'^\S', line): in_dependencies = line.startswith('dependencies:')
        m = in_dependencies and re.match(r'^(\s*-\s+)([A-Za-z0-9_.\-]+)(\s*(?:[<>=!~]=?|=)[^#\s]*)?(\s*#.*)?$', line)
        name = m and canonical(m.group(2))
        if m and name not in ('pip', 'python'):
            key = 'torch' if name == 'pytorch' else name
            if key not in locked: sys.exit(f'lock.py: {path}: {m.group(2)} is not in the venv; install it first')
            op = '=' if name == 'pytorch' else '=='
            line = f'{m.group(1)}{m.group(2)}{op}{locked[key]}{m.group(4) or ""}'
        out.append(line)
    path.write_text('\n'.join(out) + '\n', encoding='utf-8')

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--lock', default='constraints.txt', help='lock file to write')
    ap.add_argument('--env', default='environment.yml', help='conda environment file whose versions to pin')
    args = ap.parse_args()
    pins = frozen(sys.executable)
    write_lock(pins, Path(args.lock))
    pin_environment(pins, Path(args.env))
    print(f'wrote {args.lock} ({len(pins)} packages) and pinned {args.env}')
