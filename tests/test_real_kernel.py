"""The course in a real Jupyter: every notebook runs top to bottom in an ipykernel through nbclient,
as JupyterLab runs it (not only nbdev's in-process runner): progress bars, plots and subprocesses must work there."""
import pytest
from conftest import notebooks
from nbrun import run_notebook

@pytest.mark.parametrize('nb', notebooks(), ids=lambda p: p.stem)
def test_notebook_in_real_kernel(nb):
    run, secs = run_notebook(nb)
    errors = [o for c in run.cells if c.cell_type == 'code' for o in c.get('outputs', []) if o.get('output_type') == 'error']
    assert not errors, f'{nb.name}: error outputs {errors}'
