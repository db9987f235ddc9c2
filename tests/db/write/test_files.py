"""Titles for articles that come without one (seed files, pasted text)."""

from db.write.files import title_of


def test_title_skips_page_header_and_menu_lines() -> None:
    text = "Вторник,\n5\nмарта 2024 года\nНовости\n\nГубернатор и банк подписали соглашение о сотрудничестве\nТекст."
    assert title_of(text) == "Губернатор и банк подписали соглашение о сотрудничестве"


def test_title_falls_back_to_first_line_and_shortens() -> None:
    assert title_of("Коротко\n\nещё") == "Коротко"
    assert title_of("   \n") is None
    long_title = title_of("слово " * 100, limit=50)
    assert long_title is not None and len(long_title) == 50 and long_title.endswith("…")
