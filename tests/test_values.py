"""Formatting of figures and changes, as a reader sees them."""
from generator.values import Change, Figure, percent


def test_counts_money_percent_rate():
    assert str(Figure(1234)) == "1,234"
    assert str(Figure(1234567.4, "money")) == "£1,234,567"
    assert str(Figure(-50, "money")) == "-£50"
    assert str(Figure(71.4, "percent")) == "71%"
    assert str(Figure(0.3, "percent")) == "low"
    assert str(Figure(0, "percent")) == "0%"
    assert str(Figure(68.46, "rate")) == "68"
    assert str(Figure(None)) == "x"
    assert str(Figure(3).withheld()) == "c"


def test_changes_in_words():
    assert str(Change(Figure(331), Figure(319))) == "up 12 (4%) on last year"
    assert str(Change(Figure(300), Figure(320))) == "down 20 (6%) on last year"
    assert str(Change(Figure(300), Figure(300))) == "no change on last year"
    assert str(Change(Figure(71, "percent"), Figure(68, "percent"))) == "up 3 percentage points on last year"
    assert str(Change(Figure(70, "percent"), Figure(69, "percent"))) == "up 1 percentage point on last year"
    assert str(Change(Figure(3).withheld(), Figure(10))) == "c"
    assert str(Change(Figure(10), Figure(0))) == "up 10 on last year"


def test_percent_of_zero_is_not_applicable():
    assert percent(3, 0).symbol == "z"
    assert str(percent(1, 4)) == "25%"
