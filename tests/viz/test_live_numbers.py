"""The live numbers block: every text escaped, the bar's width clamped to 0..100%."""
import math

from viz.live_numbers import numbers_html, value_text


def test_labels_values_and_tips_are_escaped():
    html = numbers_html([("<b>Step</b>", "1,024", 'say "hi" & <go>')])
    assert "<b>Step</b>" not in html and "&lt;b&gt;Step&lt;/b&gt;" in html
    assert 'title="say &quot;hi&quot; &amp; &lt;go&gt;"' in html
    assert ">1,024<" in html and "nnpg-bar" not in html        # no bar unless asked


def test_the_bar_is_clamped_and_says_its_share():
    for share, width in ((0.25, "25.0%"), (1.7, "100.0%"), (-3, "0.0%"), (math.nan, "0.0%")):
        html = numbers_html([("a", "1", "t")], (share, "Modes <covered>"))
        assert f"width:{width}" in html, share
        assert "Modes &lt;covered&gt;" in html


def test_a_value_has_three_decimals_or_a_dash():
    assert [value_text(v) for v in (0.12345, math.nan, None, math.inf)] == ["0.123", "–", "–",
                                                                          "–"]
