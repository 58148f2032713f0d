"""Compare mode's engine: two runs trained in alternation stay level and, with the same
settings, identical bit for bit; the verdict names the better run on test data."""
import torch

from engine.spec import Experiment
from engine.spec.overrides import with_overrides
from engine.train import Trainer
from engine.train.pair import RunPair, verdict


def pair(**b_changes) -> RunPair:
    a = Experiment()
    b, notes = with_overrides(a, b_changes)
    assert not notes
    return RunPair(Trainer(a), Trainer(b))


def same_weights(x: Trainer, y: Trainer) -> bool:
    return all(torch.equal(p, q) for p, q in zip(x.model.state_dict().values(),
                                                 y.model.state_dict().values()))


def test_identical_settings_train_identically_bit_for_bit():
    p = pair()
    for _ in range(3):
        p.run_for(0.05)
    p.step(1)
    p.step_epoch()
    lead, lag = sorted(p.runs, key=lambda t: t.steps)[::-1]
    lag.step(lead.steps - lag.steps)           # bring both to the same number of batches
    assert lead.steps == lag.steps > 0
    assert same_weights(p.a, p.b)
    assert p.a.history.column("test_loss").tolist() == p.b.history.column("test_loss").tolist()


def test_the_run_behind_trains_next_and_both_stay_within_an_epoch():
    p = pair(net="dense:16:relu,dense:16:relu,dense:16:relu")     # B costs more per batch
    for _ in range(6):
        p.run_for(0.05)
        assert abs(p.a.position - p.b.position) <= 1.0 + 1e-9
    assert p.a.epoch > 0 and p.b.epoch > 0
    p.a.step(3 * p.a.batches_per_epoch)        # A ahead by three epochs
    assert p.behind() is p.b


def test_step_moves_both_runs_and_a_finished_run_waits():
    p = pair(ep="2")                           # B stops after 2 epochs
    p.step(1)
    assert (p.a.steps, p.b.steps) == (1, 1)
    for _ in range(4):
        p.step_epoch()
    assert p.b.done and not p.a.done and not p.done
    b_steps = p.b.steps
    p.run_for(0.05)
    assert p.b.steps == b_steps and p.a.epoch >= 4


def test_verdict_names_the_better_run_and_the_gap():
    p = pair(lr="0.0001")                      # B barely moves
    assert verdict(p.a, p.b).winner is None    # nothing trained yet
    for _ in range(30):
        p.step_epoch()
    v = verdict(p.a, p.b)
    assert v.winner == "A"
    assert "Run A did better" in v.text and "points more" in v.text and "epoch 30" in v.text


def test_verdict_is_a_tie_for_identical_runs_and_uses_loss_for_regression():
    p = pair()
    p.step_epoch()
    assert verdict(p.a, p.b).winner is None and "tie" in verdict(p.a, p.b).text
    a = Experiment().replace("data", dataset="reg_plane")
    b, _ = with_overrides(a, {"lr": "0.0001"})
    r = RunPair(Trainer(a), Trainer(b))
    for _ in range(5):
        r.step_epoch()
    v = verdict(r.a, r.b)
    assert v.winner == "A" and "test loss" in v.text and "accuracy" not in v.text


def test_verdict_compares_both_runs_at_the_epoch_both_reached():
    p = pair(lr="0.0001")
    for _ in range(10):
        p.step_epoch()
    for _ in range(20):
        p.a.step_epoch()                       # A runs 20 epochs ahead: no credit for that
    v = verdict(p.a, p.b)
    assert "at epoch 10" in v.text
    a_at_10 = float(p.a.history.column("test_acc")[p.a.history.column("epoch") == 10][0])
    assert f"{max(a_at_10, p.b.metrics.test_acc):.1%}" in v.text
