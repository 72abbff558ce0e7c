"""The 44 police forces of England and Wales: 43 territorial forces plus British Transport Police.

Keyed by the identifiers data.police.uk uses. Abbreviations and aliases are the ways officers
name their own force in a bio; handles are the forces' official accounts (an official account is
the force's corporate voice, never an individual in scope). Place names that belong to exactly
one force live with the identifier in ``crawler``, because they are an identification concern.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Force:
    id: str
    name: str
    abbreviations: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    handles: tuple[str, ...] = field(default=())
    territorial: bool = True

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "abbreviations": list(self.abbreviations),
            "aliases": list(self.aliases),
            "handles": list(self.handles),
            "territorial": self.territorial,
        }


FORCES: tuple[Force, ...] = (
    Force(
        "avon-and-somerset",
        "Avon and Somerset Constabulary",
        ("A&S", "ASP", "ASC"),
        ("Avon and Somerset Police", "Avon & Somerset", "Avon and Somerset"),
        ("ASPolice",),
    ),
    Force(
        "bedfordshire",
        "Bedfordshire Police",
        ("BP",),
        ("Beds Police", "Bedfordshire", "Beds"),
        ("bedspolice",),
    ),
    Force(
        "cambridgeshire",
        "Cambridgeshire Constabulary",
        (),
        ("Cambs Police", "Cambridgeshire Police", "Cambs Cops", "Cambridgeshire", "Cambs"),
        ("CambsCops",),
    ),
    Force(
        "cheshire",
        "Cheshire Constabulary",
        (),
        ("Cheshire Police", "Cheshire"),
        ("cheshirepolice",),
    ),
    Force(
        "city-of-london",
        "City of London Police",
        ("CoLP",),
        ("City Police", "City of London"),
        ("CityPolice",),
    ),
    Force("cleveland", "Cleveland Police", (), ("Cleveland",), ("ClevelandPolice",)),
    Force("cumbria", "Cumbria Constabulary", (), ("Cumbria Police", "Cumbria"), ("Cumbriapolice",)),
    Force(
        "derbyshire",
        "Derbyshire Constabulary",
        (),
        ("Derbyshire Police", "Derbys Police", "Derbyshire", "Derbys"),
        ("DerbysPolice",),
    ),
    Force(
        "devon-and-cornwall",
        "Devon and Cornwall Police",
        ("D&C", "DCP"),
        ("Devon & Cornwall", "Devon and Cornwall", "Devon and Cornwall Police"),
        ("DC_Police",),
    ),
    Force("dorset", "Dorset Police", (), ("Dorset",), ("dorsetpolice",)),
    Force("durham", "Durham Constabulary", (), ("Durham Police", "Durham"), ("DurhamPolice",)),
    Force(
        "dyfed-powys",
        "Dyfed-Powys Police",
        ("DPP",),
        ("Dyfed Powys", "Dyfed-Powys", "Heddlu Dyfed-Powys"),
        ("DyfedPowys",),
    ),
    Force("essex", "Essex Police", (), ("Essex",), ("EssexPoliceUK",)),
    Force(
        "gloucestershire",
        "Gloucestershire Constabulary",
        (),
        ("Glos Police", "Gloucestershire Police", "Gloucestershire", "Glos"),
        ("Glos_Police",),
    ),
    Force(
        "greater-manchester",
        "Greater Manchester Police",
        ("GMP",),
        ("Greater Manchester",),
        ("gmpolice",),
    ),
    Force("gwent", "Gwent Police", (), ("Gwent", "Heddlu Gwent"), ("gwentpolice",)),
    Force(
        "hampshire",
        "Hampshire Constabulary",
        (),
        (
            "Hampshire Police",
            "Hants Police",
            "Hampshire and Isle of Wight Constabulary",
            "Hampshire",
            "Hants",
        ),
        ("HantsPolice",),
    ),
    Force(
        "hertfordshire",
        "Hertfordshire Constabulary",
        (),
        ("Herts Police", "Hertfordshire Police", "Hertfordshire", "Herts"),
        ("HertsPolice",),
    ),
    Force("humberside", "Humberside Police", (), ("Humberside",), ("Humberbeat",)),
    Force("kent", "Kent Police", (), ("Kent",), ("kent_police",)),
    Force(
        "lancashire",
        "Lancashire Constabulary",
        (),
        ("Lancashire Police", "Lancs Police", "Lancashire", "Lancs"),
        ("LancsPolice",),
    ),
    Force(
        "leicestershire",
        "Leicestershire Police",
        (),
        ("Leics Police", "Leicestershire", "Leics"),
        ("leicspolice",),
    ),
    Force(
        "lincolnshire",
        "Lincolnshire Police",
        (),
        ("Lincs Police", "Lincolnshire", "Lincs"),
        ("LincsPolice",),
    ),
    Force("merseyside", "Merseyside Police", (), ("Merseyside",), ("MerseyPolice",)),
    Force(
        "metropolitan",
        "Metropolitan Police Service",
        ("MPS", "Met"),
        ("Metropolitan Police", "the Met", "Met Police", "Scotland Yard"),
        ("metpoliceuk",),
    ),
    Force("norfolk", "Norfolk Constabulary", (), ("Norfolk Police", "Norfolk"), ("NorfolkPolice",)),
    Force(
        "north-wales",
        "North Wales Police",
        ("NWP",),
        ("North Wales", "Heddlu Gogledd Cymru"),
        ("NWPolice",),
    ),
    Force(
        "north-yorkshire",
        "North Yorkshire Police",
        ("NYP",),
        ("North Yorkshire", "North Yorks Police", "North Yorks"),
        ("NYorksPolice",),
    ),
    Force(
        "northamptonshire",
        "Northamptonshire Police",
        (),
        ("Northants Police", "Northamptonshire", "Northants"),
        ("NorthantsPolice",),
    ),
    Force("northumbria", "Northumbria Police", (), ("Northumbria",), ("northumbriapol",)),
    Force(
        "nottinghamshire",
        "Nottinghamshire Police",
        (),
        ("Notts Police", "Nottinghamshire", "Notts"),
        ("nottspolice",),
    ),
    Force(
        "south-wales",
        "South Wales Police",
        ("SWP",),
        ("South Wales", "Heddlu De Cymru"),
        ("swpolice",),
    ),
    Force(
        "south-yorkshire",
        "South Yorkshire Police",
        ("SYP",),
        ("South Yorkshire", "South Yorks Police", "South Yorks"),
        ("southyorkspol",),
    ),
    Force(
        "staffordshire",
        "Staffordshire Police",
        (),
        ("Staffs Police", "Staffordshire", "Staffs"),
        ("StaffsPolice",),
    ),
    Force("suffolk", "Suffolk Constabulary", (), ("Suffolk Police", "Suffolk"), ("SuffolkPolice",)),
    Force("surrey", "Surrey Police", (), ("Surrey",), ("SurreyPolice",)),
    Force("sussex", "Sussex Police", (), ("Sussex",), ("sussex_police",)),
    Force("thames-valley", "Thames Valley Police", ("TVP",), ("Thames Valley",), ("ThamesVP",)),
    Force(
        "warwickshire",
        "Warwickshire Police",
        (),
        ("Warks Police", "Warwickshire", "Warks"),
        ("WarksPolice",),
    ),
    Force("west-mercia", "West Mercia Police", (), ("West Mercia",), ("WMerciaPolice",)),
    Force("west-midlands", "West Midlands Police", ("WMP",), ("West Midlands",), ("WMPolice",)),
    Force(
        "west-yorkshire",
        "West Yorkshire Police",
        ("WYP",),
        ("West Yorkshire", "West Yorks Police", "West Yorks"),
        ("WestYorksPolice",),
    ),
    Force(
        "wiltshire",
        "Wiltshire Police",
        (),
        ("Wiltshire", "Wilts Police", "Wilts"),
        ("wiltshirepolice",),
    ),
    Force(
        "btp",
        "British Transport Police",
        ("BTP",),
        ("Transport Police", "British Transport"),
        ("BTP",),
        territorial=False,
    ),
)

FORCES_BY_ID: dict[str, Force] = {f.id: f for f in FORCES}
FORCE_IDS: frozenset[str] = frozenset(FORCES_BY_ID)

assert len(FORCES) == 44 and len(FORCE_IDS) == 44, "England and Wales have exactly 44 forces"


def get_force(force_id: str) -> Force:
    """Return the force with this data.police.uk id, or raise KeyError naming the valid ids' form."""
    try:
        return FORCES_BY_ID[force_id]
    except KeyError:
        raise KeyError(
            f"unknown force id {force_id!r}: expected a data.police.uk id such as 'metropolitan'"
        ) from None
