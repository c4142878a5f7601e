"""Run a notebook top to bottom in a real Jupyter kernel (nbclient + ipykernel, as JupyterLab does).

Cells flagged with a test flag from settings.ini (`#| slow`, `#| gpu`, ...) or `#| eval: false` are not run,
exactly as `nbdev_test` skips them. With `--inplace` the outputs are written back into the notebook, which is
how a notebook is executed before it is committed (then `nbdev_clean`):

    .venv/bin/python tests/nbrun.py --inplace nbs/04_hash_split.ipynb
"""
import argparse, configparser, copy, re, sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]

def test_flags() -> set:
    cfg = configparser.ConfigParser(delimiters=['='])
    cfg.read(REPO/'settings.ini', encoding='utf-8')
    return set(cfg['DEFAULT'].get('tst_flags', '').split())

def directives(source: str) -> dict:
    out = {}
    for line in source.splitlines():
        m = re.match(r'\s*#\s*\|\s*([\w-]+:?)\s*(.*)', line)
        if not m: continue
        out[m.group(1).rstrip(':')] = m.group(2).strip()
    return out

def is_skipped(cell, flags: set) -> bool:
    if cell.cell_type != 'code': return True
    d = directives(cell.source)
    return bool(flags & d.keys()) or d.get('eval', '').lower() == 'false'

def run_notebook(path, inplace=False, timeout=600, kernel='python3', flags=None):
    "Execute `path` in a fresh kernel with cwd `nbs/`; raise `nbclient` CellExecutionError on the first error."
    path = Path(path)
    flags = test_flags() if flags is None else flags
    nb = nbformat.read(path, as_version=4)
    keep = [i for i, c in enumerate(nb.cells) if not is_skipped(c, flags)]
    run = copy.deepcopy(nb)
    run.cells = [run.cells[i] for i in keep]
    start = time.time()
    NotebookClient(run, timeout=timeout, kernel_name=kernel, resources={'metadata': {'path': str(path.parent)}}).execute()
    if inplace:
        for j, i in enumerate(keep):
            nb.cells[i].outputs = run.cells[j].outputs
            nb.cells[i].execution_count = run.cells[j].execution_count
        for i, c in enumerate(nb.cells):
            if c.cell_type == 'code' and i not in keep: c.outputs, c.execution_count = [], None
        nbformat.write(nb, path)
    return run, time.time() - start

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('notebooks', nargs='+')
    ap.add_argument('--inplace', action='store_true', help='write outputs back into the notebook')
    ap.add_argument('--timeout', type=int, default=600)
    a = ap.parse_args()
    for p in a.notebooks:
        _, secs = run_notebook(p, inplace=a.inplace, timeout=a.timeout)
        print(f'{p}: ran in {secs:.1f}s')
