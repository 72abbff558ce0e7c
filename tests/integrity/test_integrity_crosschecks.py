from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from probity import db
from probity.db import upsert
from probity.models import Contract, GiftHospitality
from registers.crosschecks import CrosscheckConfig, run_crosschecks, same_organisation
from registers.sample import build_sample, load_sample
from registers.sample.figures import PERIOD_END


def _keys(findings):
    return sorted((f.check, f.force_id, f.refs) for f in findings)


def test_sample_findings_are_exactly_the_planted_cases(sample_session):
    planted = build_sample().planted
    assert len(planted) == 13 and {p.check for p in planted} == {
        "hospitality_supplier",
        "interest_supplier",
        "chief_officer",
        "warned_category",
        "review_overdue",
        "conditions_not_reviewed",
    }
    findings = run_crosschecks(sample_session, as_of=PERIOD_END)
    assert _keys(findings) == sorted((p.check, p.force_id, p.refs) for p in planted)


def test_a_clean_data_set_has_no_findings(database_factory):
    url = database_factory()
    with db.session_scope(db.get_engine(url)) as session:
        load_sample(session, plant_cases=False)
        assert run_crosschecks(session, as_of=PERIOD_END) == []


def test_findings_show_the_rows_that_raised_them(sample_session):
    finding = next(
        f
        for f in run_crosschecks(sample_session, force_id="kent", as_of=PERIOD_END)
        if f.check == "hospitality_supplier"
    )
    gift, contract = finding.rows
    assert (
        gift["register"] == "gifts_hospitality"
        and gift["offeror"] == "Northgate Custody Services Ltd"
    )
    assert (
        contract["register"] == "contracts"
        and contract["supplier"] == "NORTHGATE CUSTODY SERVICES LIMITED"
    )
    assert "later became" in finding.summary


def test_force_scope_limits_findings(sample_session):
    assert {
        f.force_id for f in run_crosschecks(sample_session, force_id="essex", as_of=PERIOD_END)
    } == {"essex"}


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Northgate Custody Services Ltd", "NORTHGATE CUSTODY SERVICES LIMITED", True),
        ("Castell Forensic Services", "Castell Forensics Services Ltd.", True),
        ("Smith & Sons plc", "Smith and Sons", True),
        ("Northgate Custody Services", "Northgate Catering", False),
        ("Apex Security Training", "Apex Legal Services", False),
        ("Ltd", "Limited", False),  # nothing left after the legal words: never a match
    ],
)
def test_organisation_matching(a, b, same):
    assert same_organisation(a, b, 90) is same


def _gift_and_contract(session, awarded: date):
    upsert(
        session,
        GiftHospitality,
        [
            {
                "force_id": "dorset",
                "entry_ref": "T-1",
                "entry_date": date(2012, 1, 1),
                "recipient_role": "Officer",
                "offeror": "Wessex Radio Systems Ltd",
                "offeror_type": "prospective_supplier",
                "kind": "hospitality",
                "value": Decimal(80),
                "accepted": True,
            }
        ],
        keys=["force_id", "entry_ref"],
    )
    upsert(
        session,
        Contract,
        [
            {
                "force_id": "dorset",
                "contract_ref": "T-C",
                "supplier": "Wessex Radio Systems",
                "value": Decimal(1000),
                "awarded_on": awarded,
                "route": "framework",
            }
        ],
        keys=["force_id", "contract_ref"],
    )


def test_the_window_is_configurable(db_session):
    _gift_and_contract(db_session, awarded=date(2013, 6, 1))  # 17 months after the hospitality
    assert [
        f.check for f in run_crosschecks(db_session, force_id="dorset", as_of=date(2012, 1, 2))
    ] == []
    wide = CrosscheckConfig(window_after_days=600)
    found = run_crosschecks(db_session, force_id="dorset", as_of=date(2012, 1, 2), config=wide)
    assert [f.check for f in found] == ["hospitality_supplier"]
