"""Chinese must render as glyphs, not boxes: a CJK font has to be installed for the browser."""
from tests.web.conftest import cjk_font_installed


def test_a_cjk_font_is_installed_for_the_browser() -> None:
    assert cjk_font_installed(), "no CJK font: `make test` installs fonts-noto-cjk"
