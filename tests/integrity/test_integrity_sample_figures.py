"""`probity db upgrade && probity sample load` then `probity report stats` reproduces every
figure HMIC published for September 2011 – May 2012."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli import app
from probity import db
from probity.models import GiftHospitality, Investigation, PlatformAccount, Referral
from probity.settings import reset_settings_cache
from registers.sample import build_sample, load_sample
from registers.sample import figures as F

PERIOD = ["--from", "2011-09-01", "--to", "2012-05-31"]


def _stats(*args: str) -> dict:
    result = CliRunner().invoke(app, ["report", "stats", *args, *PERIOD, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def national(sample_database_url):
    mp = pytest.MonkeyPatch()
    mp.setenv("PROBITY_DATABASE_URL", sample_database_url)
    reset_settings_cache()
    yield _stats("--national")
    mp.undo()
    reset_settings_cache()


@pytest.fixture
def force_stats(sample_database_url, national, monkeypatch):
    monkeypatch.setenv("PROBITY_DATABASE_URL", sample_database_url)
    reset_settings_cache()
    return lambda force_id: _stats("--force", force_id)


NATIONAL_FIGURES = [
    ("investigations.total", 2207),
    ("investigations.by_type.information_disclosure", 1737),
    ("investigations.information_disclosure.by_recipient.criminals", 364),
    ("investigations.information_disclosure.by_recipient.friends_family", 312),
    ("investigations.information_disclosure.by_recipient.personal_use", 367),
    ("investigations.information_disclosure.by_recipient.media", 98),
    ("investigations.information_disclosure.by_recipient.other", 596),
    ("investigations.information_disclosure.by_status.continuing", 603),
    ("investigations.information_disclosure.by_status.referred_external", 38),
    ("investigations.information_disclosure.by_status.no_further_action", 641),
    ("investigations.information_disclosure.by_status.management_action", 410),
    ("investigations.information_disclosure.by_status.left_service", 45),
    ("investigations.media_disclosure.by_scope.local", 48),
    ("investigations.media_disclosure.by_scope.national", 50),
    ("investigations.media_disclosure.by_status.continuing", 39),
    ("investigations.media_disclosure.suspended", 6),
    ("investigations.media_disclosure.by_status.referred_external", 8),
    ("investigations.media_disclosure.by_status.no_further_action", 41),
    ("investigations.media_disclosure.by_status.management_action", 10),
    ("investigations.media_relationship.total", 19),
    ("investigations.media_relationship.by_scope.local", 10),
    ("investigations.media_relationship.by_scope.national", 9),
    ("investigations.media_relationship.by_status.continuing", 8),
    ("investigations.media_relationship.suspended", 2),
    ("investigations.media_relationship.by_status.management_action", 2),
    ("investigations.media_relationship.by_status.no_further_action", 9),
    ("investigations.by_type.gratuities_hospitality", 7),
    ("investigations.by_type_and_status.gratuities_hospitality.no_further_action", 3),
    ("investigations.by_type_and_status.gratuities_hospitality.management_action", 4),
    ("investigations.by_type.secondary_employment", 154),
    ("investigations.by_type_and_status.secondary_employment.continuing", 41),
    ("investigations.by_type_and_status.secondary_employment.referred_external", 3),
    ("investigations.by_type_and_status.secondary_employment.no_further_action", 35),
    ("investigations.by_type_and_status.secondary_employment.management_action", 65),
    ("investigations.by_type_and_status.secondary_employment.left_service", 10),
    ("investigations.by_status.continuing", 708),
    ("investigations.by_status.referred_external", 45),
    ("investigations.by_status.no_further_action", 744),
    ("investigations.by_status.management_action", 643),
    ("investigations.by_status.left_service", 67),
    ("business_interests.total", 3858),
    ("business_interests.approved_total", 3714),
    ("business_interests.by_status.refused", 103),
    ("business_interests.by_status.withdrawn", 5),
    ("business_interests.by_status.pending", 36),
    ("gifts_hospitality.total", 3512),
    ("gifts_hospitality.gratuities", 1850),
    ("gifts_hospitality.hospitality", 1662),
    ("gifts_hospitality.hospitality_declined", 476),
    ("gifts_hospitality.declined", 550),
    ("gifts_hospitality.forces_with_declines", 33),
    ("social_media.profiles", 1588),
    ("social_media.instances", 357),
    ("social_media.profiles_with_instances", 185),
    ("social_media.by_platform.x", 253),
    ("social_media.by_category.offensive", 132),
    ("social_media.by_category.protocol", 119),
    ("social_media.by_category.negativity", 70),
    ("social_media.by_category.government", 36),
    ("social_media.instances_referred", 357),
]


def _get(stats: dict, path: str):
    for part in path.split("."):
        stats = stats[part]
    return stats


@pytest.mark.parametrize(
    ("path", "expected"), NATIONAL_FIGURES, ids=[p for p, _ in NATIONAL_FIGURES]
)
def test_national_figure(national, path, expected):
    assert _get(national, path) == expected


def test_over_a_third_of_approvals_have_conditions(national):
    bi = national["business_interests"]
    assert bi["by_status"]["approved_with_conditions"] * 3 > bi["approved_total"]


FORCE_FIGURES = [
    ("city-of-london", "investigations.total", 15),
    ("city-of-london", "investigations.media_disclosure.total", 6),
    ("city-of-london", "investigations.media_disclosure.by_status.continuing", 5),
    ("city-of-london", "social_media.instances", 2),
    ("city-of-london", "business_interests.total", 0),
    ("wiltshire", "investigations.total", 57),
    ("wiltshire", "investigations.media_disclosure.total", 3),
    ("wiltshire", "investigations.media_disclosure.by_status.continuing", 2),
    ("wiltshire", "social_media.instances", 3),
    ("wiltshire", "business_interests.total", 36),
    ("wiltshire", "business_interests.approved_total", 25),
    ("leicestershire", "investigations.total", 38),
    ("leicestershire", "investigations.media_disclosure.total", 2),
    ("leicestershire", "investigations.media_disclosure.by_status.continuing", 1),
    ("leicestershire", "social_media.instances", 7),
    ("leicestershire", "business_interests.total", 84),
    ("leicestershire", "business_interests.approved_total", 83),
]


@pytest.mark.parametrize(("force_id", "path", "expected"), FORCE_FIGURES)
def test_force_report_figure(force_stats, force_id, path, expected):
    assert _get(force_stats(force_id), path) == expected


def test_forces_sum_to_the_national_totals(national, force_stats):
    from probity.forces import FORCE_IDS

    per_force = [force_stats(f) for f in sorted(FORCE_IDS)]
    for path in (
        "investigations.total",
        "gifts_hospitality.total",
        "business_interests.total",
        "social_media.profiles",
        "social_media.instances",
    ):
        assert sum(_get(s, path) for s in per_force) == _get(national, path), path
    # every force holds a plausible share: none is empty of investigations or register entries
    assert all(
        _get(s, "investigations.total") > 0 and _get(s, "gifts_hospitality.total") > 0
        for s in per_force
    )


def test_a_period_outside_the_return_has_none_of_it(sample_database_url, national, monkeypatch):
    monkeypatch.setenv("PROBITY_DATABASE_URL", sample_database_url)
    reset_settings_cache()
    result = CliRunner().invoke(
        app, ["report", "stats", "--national", "--from", "2013-01-01", "--format", "json"]
    )
    stats = json.loads(result.stdout)
    assert stats["investigations"]["total"] == 0 and stats["social_media"]["instances"] == 0


def test_loading_again_changes_nothing(sample_database_url):
    engine = db.get_engine(sample_database_url)
    tables = (GiftHospitality, Investigation, PlatformAccount, Referral)
    with db.session_scope(engine) as session:
        before = {
            m.__tablename__: session.execute(select(m.__table__).order_by(m.id)).all()
            for m in tables
        }
    with db.session_scope(engine) as session:
        again = load_sample(session)
    with db.session_scope(engine) as session:
        after = {
            m.__tablename__: session.execute(select(m.__table__).order_by(m.id)).all()
            for m in tables
        }
        assert (
            session.scalar(select(func.count()).select_from(Investigation))
            == F.INVESTIGATIONS_TOTAL
        )
    assert not again.social_loaded
    assert after == before


def test_the_sample_is_deterministic():
    a, b = build_sample(7), build_sample(7)
    assert a.investigations == b.investigations and a.gifts == b.gifts
    assert build_sample(8).investigations != a.investigations
