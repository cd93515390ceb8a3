"""The statement keeps its headline figures and reads as English where a figure is withheld (issue 9)."""
import re

from tests.conftest import PROJECT_DIR


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_home_page_states_children_in_childrens_homes_and_over_20_miles(example_site):
    home = _text((example_site / "2026" / "index.html").read_text(encoding="utf-8"))
    assert re.search(r"\b\d+ children lived in children's homes", home)
    assert re.search(r"\b\d+ children \(\d+%\) lived more than 20 miles from home", home)
    summary = _text((example_site / "2026" / "sufficiency" / "index.html").read_text(encoding="utf-8"))
    assert re.search(r"\d+% lived in a children's home \(\d+ children\)", summary)
    assert re.search(r"\d+% \(\d+ children\) lived more than 20 miles from home", summary)


def test_no_sentence_of_the_example_begins_with_c(example_site):
    offending = []
    for page in sorted(example_site.rglob("*.html")):
        for paragraph in re.findall(r"<(?:p|li)>(.*?)</(?:p|li)>", page.read_text(encoding="utf-8"), re.S):
            if 'class="gss-symbol"' in paragraph:
                continue  # a table's key to its symbols
            text = _text(paragraph).strip()
            for sentence in re.split(r"(?<=[.!?])\s+", text):
                if re.match(r"c\b(?!\.)", sentence):
                    offending.append(f"{page.relative_to(example_site)}: {sentence[:80]}")
    assert offending == []


def test_withheld_figures_in_prose_read_as_linked_words(example_site):
    pages = [p.read_text(encoding="utf-8") for p in (example_site / "2026").rglob("*.html")]
    linked = [m for html in pages for m in re.findall(r'<a href="[^"]*methods/#protecting-childrens-privacy"[^>]*>'
                                                     r'([^<]+)</a>', html)]
    assert linked, "the example withholds some figures in its prose"
    assert set(linked) <= {"a withheld number", "A withheld number", "a withheld share", "A withheld share",
                           "a withheld rate", "a withheld amount", "A withheld amount", "a withheld change",
                           "a withheld figure", "A withheld figure", "A withheld change", "A withheld rate"}


def test_methods_page_reports_headline_figures_withheld(example_site):
    methods = _text((example_site / "2026" / "methods" / "index.html").read_text(encoding="utf-8"))
    assert "Headline figures withheld" in methods
    assert re.search(r"2025 to 2026 \d+ \d+ ", methods)


def test_example_narrative_needs_no_shown_test():
    uses = [f"{p.relative_to(PROJECT_DIR)}" for p in sorted((PROJECT_DIR / "content").rglob("*.md"))
            if ".shown" in p.read_text(encoding="utf-8")]
    assert uses == []
