"""AppTest of the 2D playground's classic-ML panel: a click fits the six models on the current
points in the background, and their decision regions appear."""
from tests.pages.apps import open_2d


def test_classic_models_draw_on_the_playground(app_path):
    at = open_2d(app_path, ds="xor")
    assert not at.exception
    at.button(key="pg_classic2d").click().run()
    job = at.session_state["pg_job_classic2d"][1]
    assert job.wait(60) and job.error is None
    at.run()
    assert not at.exception
    assert len(job.result.names) == 6
    assert at.session_state["pg_job_classic2d"][0][0].dataset == "xor"
