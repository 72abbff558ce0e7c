import re

from registers.report import force_report, national_report
from registers.sample.figures import PERIOD_END, PERIOD_START


def test_force_report_shows_the_forces_figures_and_is_self_contained(sample_session):
    html = force_report(sample_session, "wiltshire", PERIOD_START, PERIOD_END)
    assert "Wiltshire Police" in html and "1 September 2011 to 31 May 2012" in html
    assert html.count("<svg") >= 5
    assert "Investigations into unauthorised disclosure of information: <strong>" in html
    assert re.search(r"Applications: <strong>36</strong>; approved 25", html)
    # self-contained: no external scripts, stylesheets, images or fonts
    assert not re.search(r"""(src|href)=["']https?://""", html) and "<script" not in html


def test_force_report_lists_that_forces_crosscheck_findings_only(sample_session):
    html = force_report(sample_session, "kent", PERIOD_START, PERIOD_END)
    assert "Northgate Custody Services Ltd" in html
    assert "Brightline" not in html  # a Metropolitan Police finding


def test_published_national_report_suppresses_small_cells(sample_session):
    html = national_report(sample_session, PERIOD_START, PERIOD_END, published=True)
    assert "national thematic report" in html and "City of London Police" in html
    assert "&lt;5" in html
    internal = national_report(sample_session, PERIOD_START, PERIOD_END)
    assert "Internal figures" in internal and "Published figures" not in internal
