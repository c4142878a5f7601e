"""Smoke runs of every benchmark script at its smallest size, so a benchmark cannot rot unnoticed.

Only that each script runs and ends with a well-formed `RESULT key=value ...` line is checked here: timings taken
while the rest of the suite runs beside them mean nothing, and speed targets are never asserted in tests.
"""
import math, os, re, subprocess, sys
import pytest
from conftest import REPO

ARGS = {'bench_tokenize.py': ['--n', '2000', '--repeats', '1']}        # the rest: --quick
SCRIPTS = sorted(p.name for p in (REPO/'benchmarks').glob('bench_*.py'))

def test_every_benchmark_is_smoke_tested():
    assert len(SCRIPTS) >= 7, SCRIPTS

@pytest.mark.parametrize('script', SCRIPTS)
def test_benchmark_runs(script):
    env = {**os.environ, 'PYTHONPATH': str(REPO)}
    res = subprocess.run([sys.executable, str(REPO/'benchmarks'/script), *ARGS.get(script, ['--quick'])],
                         capture_output=True, text=True, cwd=REPO, env=env, timeout=600)
    assert res.returncode == 0, f'{script} failed:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}'
    results = [l for l in res.stdout.splitlines() if l.startswith('RESULT ')]
    assert results, f'{script} printed no RESULT line:\n{res.stdout[-2000:]}'
    pairs = re.findall(r'(\w+)=(\S+)', results[-1])
    assert pairs and len(pairs) == len(results[-1].split()) - 1, f'malformed {results[-1]!r}'
    for key, value in pairs:
        assert math.isfinite(float(value)), f'{script}: {key}={value} is not a finite number'
