"""Glossary links (issue 12): the first use of each glossary term on a page links to its definition."""
from __future__ import annotations

import re

from generator.glossary import link_terms, mark_definitions, terms_of

GLOSSARY = """\
# Glossary

## Symbols in tables and charts

**c**
: Confidential.

## Terms

**Care leaver**
: A young person who was looked after.

**Children's home**
: A registered home.

**Secure children's home**
: A children's home that can restrict liberty.

**Independent fostering agency (IFA)**
: An organisation that recruits foster carers.

**Unaccompanied asylum-seeking child (UASC)**
: A child seeking asylum alone.
"""
TERMS = terms_of(GLOSSARY)


def test_the_terms_are_read_from_the_terms_section_only():
    assert [t.name for t in TERMS] == ["Care leaver", "Children's home", "Secure children's home",
                                       "Independent fostering agency (IFA)",
                                       "Unaccompanied asylum-seeking child (UASC)"]
    marked = mark_definitions(GLOSSARY, TERMS)
    assert '<dfn id="term-care-leaver">Care leaver</dfn>' in marked
    assert '<dfn id="term-independent-fostering-agency">Independent fostering agency (IFA)</dfn>' in marked
    assert "**c**" in marked  # symbols are not terms


def test_the_first_use_of_each_term_links_and_later_ones_do_not():
    page = ("# Care leavers\n\nWe support care leavers. Care leavers told us so.\n\n"
            "Most foster carers come from an IFA; unaccompanied asylum-seeking children arrive alone.\n")
    linked = link_terms(page, TERMS, "sufficiency/need.md")
    assert linked.startswith("# Care leavers\n")  # never in a heading
    assert ('We support [care leavers](../glossary.md#term-care-leaver "Glossary: Care leaver"). '
            "Care leavers told us so.") in linked
    assert "[IFA](../glossary.md#term-independent-fostering-agency" in linked
    assert "[unaccompanied asylum-seeking children](../glossary.md#term-unaccompanied-asylum-seeking-child" in linked


def test_the_longest_term_wins_and_nothing_is_linked_inside_links_code_html_or_tables():
    page = ("See [our children's homes](homes.md) and `children's home`.\n\n"
            '<figure class="chart-figure">\n<p>A secure children\'s home</p>\n</figure>\n\n'
            "| Children's home | 3 |\n| --- | --- |\n\n"
            "One secure children's home is near.\n")
    linked = link_terms(page, TERMS, "index.md")
    assert "[our children's homes](homes.md)" in linked and "`children's home`" in linked
    assert "<p>A secure children's home</p>" in linked and "| Children's home | 3 |" in linked
    assert "One [secure children's home](glossary.md#term-secure-children-s-home" in linked
    assert re.search(r"ifa", link_terms("a shifaly word", TERMS, "index.md"), re.I) and \
        "](" not in link_terms("a shifaly word, lower-case ifa", TERMS, "index.md")  # an abbreviation as written


def test_the_glossary_page_itself_links_nothing():
    assert link_terms("We support care leavers.", TERMS, "glossary.md") == "We support care leavers."


def test_the_example_links_its_glossary(example_site):
    need = (example_site / "2026" / "sufficiency" / "need" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="../../glossary/#(term-[a-z0-9-]+)"', need)
    assert "term-care-leaver" in links and len(links) == len(set(links))  # each term once a page
    glossary = (example_site / "2026" / "glossary" / "index.html").read_text(encoding="utf-8")
    assert all(f'<dfn id="{anchor}">' in glossary for anchor in links)
