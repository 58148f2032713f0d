"""`python -m engine train` on a GAN experiment file: one JSON line with the game's numbers,
or one error line naming what is wrong (exit 2)."""
import json

from engine.cli import main


def run(tmp_path, capsys, text: str, *args: str):
    path = tmp_path / "gan.json"
    path.write_text(text)
    code = main(["train", "--experiment", str(path), "--threads", "1", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_gan_file_trains_and_reports_the_game(tmp_path, capsys):
    code, out, _ = run(tmp_path, capsys, json.dumps(
        {"lab": "gan", "spec": {"target": "grid25", "loss": "lsgan", "batch_size": 256,
                                "g_layers": "dense:32:tanh"}, "epochs": 3}))
    assert code == 0
    report = json.loads(out)
    assert report["epochs"] == 3 and report["steps"] == 3 * 2048 // 256
    assert report["modes"] == 25 and 0 <= report["modes_covered"] <= 25
    assert 0 <= report["js_divergence"] <= 1 and report["d_loss"] is not None
    assert report["spec"]["loss"] == "lsgan" and report["spec"]["g_layers"] == "dense:32:tanh"


def test_epochs_on_the_command_line_win(tmp_path, capsys):
    code, out, _ = run(tmp_path, capsys, '{"lab": "gan", "epochs": 50}', "--epochs", "1")
    assert code == 0 and json.loads(out)["epochs"] == 1


def test_bad_gan_files_get_one_line(tmp_path, capsys):
    for text, words in (('{"lab": "gan", "spec": {"lr": 3}}', "Unknown GAN setting(s) lr"),
                        ('{"lab": "gan", "spec": {"target": "moon"}}', "'moon' is not one"),
                        ('{"lab": "gan", "spec": {"noise_dim": 99}}', "outside 1 to 16"),
                        ('{"lab": "gan", "spec": {"d_layers": "conv2d:8"}}', "dense layers"),
                        ('{"lab": "gan", "epochs": -1}', "'epochs'"),
                        ('{"lab": "gan", "extra": 1}', "unknown: extra")):
        code, out, err = run(tmp_path, capsys, text)
        assert code == 2 and out == "" and words in err and err.count("\n") == 1, (text, err)
