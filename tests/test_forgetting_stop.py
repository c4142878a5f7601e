"""The forgetting early stop (`ood.ForgettingStop`, notebook 13) against its four targets, by simulation.

Each simulated run draws fixed probe samples (per-sample Beta difficulty, 30-90 scored tokens), scores them once as
the base model, then feeds 10 evaluations with fresh token draws. Targets (issue "evaluation that shows what the
fine-tune did"): no drop with 20 OOD samples stops <= 5 % of runs; a true 15 % drop with 200 OOD samples is caught
within 2 evaluations in >= 90 %; a rise of in-domain accuracy alone, and an OOD domain that is harder from the
start, never stop a run. The gap rule it replaced fails the last two, which is checked too.
"""
import numpy as np
from grok_finetune.ood import (OODEarlyStopping, drop_report, forgetting_stop_rate, simulated_probe,
                               simulated_scores)

RULE = dict(targets=('in',))
FLAT = [{}] * 10

def test_no_drop_with_20_ood_samples_rarely_stops():
    assert forgetting_stop_rate({'in': (180, 0.6, False), 'ood': (20, 0.6, True)}, FLAT, runs=1000, seed=1,
                                **RULE) <= 0.05

def test_true_15_percent_drop_is_caught_within_two_evaluations():
    rate = forgetting_stop_rate({'in': (1800, 0.6, False), 'ood': (200, 0.6, True)}, [{'ood': 0.85}] * 2,
                                runs=300, seed=2, **RULE)
    assert rate >= 0.90

def test_in_domain_rise_alone_never_stops():
    rising = [{'in': 1 + 0.3 * e / 9} for e in range(10)]          # in-domain 0.50 -> 0.65
    assert forgetting_stop_rate({'in': (1800, 0.5, False), 'ood': (200, 0.5, True)}, rising, runs=150, seed=3,
                                **RULE) == 0.0

def test_harder_domain_from_the_start_never_stops():
    assert forgetting_stop_rate({'in': (1800, 0.6, False), 'ood': (200, 0.3, True)}, FLAT, runs=150, seed=4,
                                **RULE) == 0.0

def test_the_gap_rule_fails_where_the_forgetting_rule_holds():
    rng = np.random.default_rng(5)
    probe = simulated_probe(rng, {'in': (1800, 0.6, False), 'ood': (200, 0.3, True)})
    stopper = OODEarlyStopping()
    assert any(stopper.update(drop_report(simulated_scores(rng, probe))) for _ in range(3))
