import json

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli import app
from probity.forces import FORCE_IDS, FORCES, get_force
from probity.models import ForceRow

# The data.police.uk identifiers of the 43 territorial forces of England and Wales and BTP.
EXPECTED_IDS = {
    "avon-and-somerset",
    "bedfordshire",
    "cambridgeshire",
    "cheshire",
    "city-of-london",
    "cleveland",
    "cumbria",
    "derbyshire",
    "devon-and-cornwall",
    "dorset",
    "durham",
    "dyfed-powys",
    "essex",
    "gloucestershire",
    "greater-manchester",
    "gwent",
    "hampshire",
    "hertfordshire",
    "humberside",
    "kent",
    "lancashire",
    "leicestershire",
    "lincolnshire",
    "merseyside",
    "metropolitan",
    "norfolk",
    "north-wales",
    "north-yorkshire",
    "northamptonshire",
    "northumbria",
    "nottinghamshire",
    "south-wales",
    "south-yorkshire",
    "staffordshire",
    "suffolk",
    "surrey",
    "sussex",
    "thames-valley",
    "warwickshire",
    "west-mercia",
    "west-midlands",
    "west-yorkshire",
    "wiltshire",
    "btp",
}


def test_reference_data_has_exactly_the_44_ids():
    assert set(FORCE_IDS) == EXPECTED_IDS
    assert len(FORCES) == 44
    assert sum(not f.territorial for f in FORCES) == 1  # BTP


def test_cli_json_lists_exactly_the_44_ids_with_names():
    result = CliRunner().invoke(app, ["forces", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {row["id"] for row in data} == EXPECTED_IDS
    assert len(data) == 44
    assert all(row["name"] for row in data)
    assert (
        next(r for r in data if r["id"] == "metropolitan")["name"] == "Metropolitan Police Service"
    )


def test_cli_table_names_every_force():
    result = CliRunner().invoke(app, ["forces"])
    assert result.exit_code == 0
    for force_id in ("btp", "dyfed-powys", "city-of-london"):
        assert force_id in result.stdout


def test_abbreviations_are_unambiguous():
    seen: dict[str, str] = {}
    for force in FORCES:
        for abbreviation in force.abbreviations:
            assert abbreviation.lower() not in seen, (
                abbreviation,
                force.id,
                seen.get(abbreviation.lower()),
            )
            seen[abbreviation.lower()] = force.id
    assert seen["gmp"] == "greater-manchester" and seen["tvp"] == "thames-valley"


def test_unknown_force_is_a_clear_error():
    with pytest.raises(KeyError, match="unknown force id 'police-scotland'"):
        get_force("police-scotland")


def test_migrated_database_holds_the_44_forces(db_session):
    assert db_session.scalar(select(func.count()).select_from(ForceRow)) == 44
    assert db_session.get(ForceRow, "btp").name == "British Transport Police"
