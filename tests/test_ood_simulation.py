"""The OOD early-stopping rule at full simulation size (the notebook runs a few hundred runs; here 1,000).

A planted 15 % relative drop must trigger within 2 evaluations in >= 90 % of runs; a planted 8 % drop must
trigger in <= 5 % of runs (checked within 2 and within 10 evaluations). Simulated probing sets: 1,800 in-domain
and 200 OOD samples per evaluation, 30-90 scored tokens each, per-sample Beta difficulty (see nbs/13_ood_eval.ipynb).
"""
import pytest
from grok_finetune.ood import trigger_rate

def test_planted_15_percent_drop_triggers_within_two_evaluations():
    assert trigger_rate(0.15, evaluations=2, runs=1000, seed=11) >= 0.90

@pytest.mark.parametrize('evaluations,runs', [(2, 1000), (10, 300)])
def test_planted_8_percent_drop_rarely_triggers(evaluations, runs):
    assert trigger_rate(0.08, evaluations=evaluations, runs=runs, seed=12) <= 0.05
