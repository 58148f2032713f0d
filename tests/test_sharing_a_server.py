"""A class on one server: the session cap, the frame budget and the sharing note."""
from ui.admission import Admission, configured_cap
from ui.frame_budget import LADDER, MAIN_SHARE, OVERHEAD, SLOWEST, FrameBudget
from ui.live import sharing_text


def test_the_cap_turns_newcomers_away_and_closed_sessions_free_their_place():
    active = {"a", "b", "c"}
    admission = Admission(2)
    assert admission.admit("a", active.__contains__) and admission.admit("b", active.__contains__)
    assert not admission.admit("c", active.__contains__)     # the third is turned away
    assert admission.admit("a", active.__contains__)         # an admitted one stays admitted
    active.discard("a")                                      # a tab closed
    assert admission.admit("c", active.__contains__) and admission.count == 2


def test_a_cap_of_zero_admits_everyone(monkeypatch):
    admission = Admission(0)
    assert all(admission.admit(str(i), lambda s: True) for i in range(500))
    monkeypatch.setenv("NNPG_MAX_SESSIONS", "0")
    assert configured_cap() == 0
    monkeypatch.setenv("NNPG_MAX_SESSIONS", "lots")     # not a number: the default
    assert configured_cap() > 0


def test_the_frame_interval_stretches_with_load_and_never_past_the_slowest():
    budget = FrameBudget()
    assert budget.interval("pg", 0.1, 30) == 0.1     # nothing measured yet
    budget.record("pg", 0.006)                       # a 6 ms frame (18 ms in all)
    assert budget.interval("pg", 0.1, 1) == 0.1      # one session: as fast as it likes
    five, thirty = budget.interval("pg", 0.1, 5), budget.interval("pg", 0.1, 30)
    frame = 0.006 * OVERHEAD
    assert 5 * frame / five <= MAIN_SHARE and five in LADDER     # within its drawing share
    assert thirty > five and (30 * frame / thirty <= MAIN_SHARE or thirty == SLOWEST)
    assert budget.interval("pg", 0.1, 10_000) == SLOWEST
    assert budget.interval("pg", 0.5, 2) == 0.5      # a slow lab keeps its own pace
    budget.record("im", 0.1)                         # a heavy lab's frames are its own
    assert budget.interval("pg", 0.1, 2) == 0.15 and budget.interval("im", 0.45, 2) == SLOWEST
    assert budget.interval("im", 0.45, 1) == 0.45    # alone, a lab keeps its own pace
    budget.record("pg:inside", 0.02)                 # a side view: a small share, may go slower
    assert budget.interval("pg:inside", 2.0, 30, share=0.075, slowest=8.0) == 8.0
    assert budget.interval("pg:inside", 2.0, 3, share=0.075, slowest=8.0) == 3.0


def test_the_average_frame_cost_follows_new_frames():
    budget = FrameBudget()
    budget.record("pg", 0.010)
    for _ in range(100):
        budget.record("pg", 0.030)
    assert abs(budget.cost("pg") - 0.030) < 0.001


def test_the_sharing_note_says_how_many_and_what_share():
    assert sharing_text(1, 1) is None and sharing_text(2, 2) is None
    assert sharing_text(30, 1) == ("Sharing the server with 29 other playing sessions: "
                                   "training at about 1/30 of full speed.")
    assert "1 other playing session:" in sharing_text(2, 1)
    assert "about 1/15 of" in sharing_text(30, 2)


def test_the_lease_outlasts_two_frames_at_the_slowest_frame_rate():
    from engine.train.background import LEASE

    assert LEASE >= 2 * SLOWEST       # a loaded server's slow frames never let training lapse
