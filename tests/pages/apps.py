"""Opening a lab in AppTest with a link's query (shared by the page tests)."""
from streamlit.testing.v1 import AppTest

IMAGE_LAB = "labs/image_lab.py"


def open_2d(app_path, **params):
    at = AppTest.from_file(app_path, default_timeout=90)
    at.query_params.update(params)
    return at.run()


def open_images(app_path, **params):
    at = AppTest.from_file(app_path, default_timeout=90)
    at.query_params.update(params)
    at.run()                      # switch after a first run (see test_image_lab.open_lab)
    at.query_params.update(params)
    return at.switch_page(IMAGE_LAB).run()
