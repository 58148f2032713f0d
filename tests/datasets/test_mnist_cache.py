"""is_cached: the image lab offers a Download button only when files are missing."""
from datasets.mnist import SOURCES, dataset_dir, is_cached


def test_is_cached_needs_all_four_files_gzipped_or_plain(tmp_path):
    assert not is_cached("mnist", tmp_path)
    folder = dataset_dir("mnist", tmp_path)
    folder.mkdir(parents=True)
    s = SOURCES["mnist"]
    names = [f.filename for f in (s.train_images, s.train_labels, s.test_images, s.test_labels)]
    for name in names[:3]:
        (folder / name).write_bytes(b"x")
    assert not is_cached("mnist", tmp_path)
    (folder / names[3].removesuffix(".gz")).write_bytes(b"x")      # unpacked by hand
    assert is_cached("mnist", tmp_path)
    assert not is_cached("fashion_mnist", tmp_path)
