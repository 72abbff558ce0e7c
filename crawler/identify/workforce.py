"""The whole police workforce, as people describe their jobs in a bio (issue #17).

Forces employ police officers, special constables, PCSOs, police staff and police support
volunteers. Staff often name their job and their force but never the word "police" on its own
("Control room operator, Kent Police"; "Digital forensic examiner at GMP"), and officers often
write only a rank abbreviation and a town ("DC, Salford"). These phrases extend ``lexicon.py``
with the staff job families forces advertise, the rank and role abbreviations in the forms people
type them, and their Welsh equivalents. Tiers mean the same as there:

- strong: police by itself;
- title: an exact-case abbreviation, a rank before a name or next to a force or place;
- weak: a job that exists outside the police too, counted only with police context (a force name,
  "police", "heddlu"), so "Digital forensic examiner at KPMG" is not a claim.
"""

from __future__ import annotations

STRONG_ROLES: dict[str, tuple[str, ...]] = {
    "officer": (
        "chief constable", "deputy chief constable", "assistant chief constable",
        "police superintendent", "police chief inspector", "detective chief superintendent",
        "detective superintendent", "detective chief inspector", "detective inspector",
        "detective sergeant", "detective constable", "trainee investigator (PIP1)", "CID",
        "Special Branch",
        # Welsh: police officer, policewoman, detective constable, chief inspector, superintendent
        "swyddog heddlu", "swyddog yr heddlu", "plismones", "ditectif gwnstabl",
        "ditectif ringyll", "prif arolygydd", "uwch-arolygydd", "uwcharolygydd", "cwnstabl yr heddlu",
        "cwnstabl heddlu",
    ),
    "special": (
        "specials chief inspector", "specials ch insp", "specials superintendent", "specials chief officer",
        "specials sgt", "specials insp", "specials inspector", "special constabulary chief officer",
        "special constable", "specials sergeant", "specials inspector", "special chief inspector",
        "cwnstabl arbennig", "heddwas arbennig",  # Welsh: special constable
    ),
    "pcso": (
        "swyddog cymorth cymunedol", "police community support officer", "PCSO",
    ),
    "staff": (
        "police staff", "police staff investigator", "police investigator", "police forensic",
        "police digital forensic examiner", "police radio operator", "police communications officer",
        "police contact officer", "police CCTV operator", "police detention officer",
        "police enquiry officer", "police station enquiry officer", "police fingerprint officer",
        "police intelligence officer", "police intelligence researcher", "police crime analyst",
        "police control room operator", "police call taker", "police communications operator",
        "police financial investigator", "police caseworker", "police HR", "police civilian staff",
        # Welsh: member of police staff, police call handler, police control room
        "aelod o staff yr heddlu", "staff yr heddlu", "triniwr galwadau'r heddlu",
        "ystafell reoli'r heddlu",
    ),
    "volunteer": (
        "police support volunteer", "police volunteer", "volunteer with the police",
        "volunteer police cadet leader", "VPC leader", "cadet leader", "police cadet leader",
        "citizens in policing volunteer", "chaplaincy volunteer",
        "gwirfoddolwr heddlu", "gwirfoddolwr yr heddlu",  # Welsh: police volunteer
    ),
}

# Exact-case abbreviations, in the forms people write them.
TITLE_ROLES: dict[str, tuple[str, ...]] = {
    "officer": (
        "D/Sgt", "D/S", "D/C", "D/Insp", "D/I", "D/Supt", "Det Insp", "Det Supt", "Det Ch Insp",
        "Det Ch Supt", "DetCon", "Det Con", "Det Sgt", "Det", "T/DC", "T/DS", "A/DS", "A/DI", "T/DI",
        "A/DCI", "T/DCI", "TDC", "DSU", "DCS", "Ch Insp", "Ch. Insp", "ChInsp", "Chief Insp", "C/I",
        "Ch Supt", "Ch. Supt", "Chief Supt", "Supt.", "Insp.", "Sgt.", "SGT", "INSP", "P/S", "P.C.",
        "D.S.", "D.I.", "DCC", "ACC", "T/Supt", "T/Ch Supt", "T/Ch Insp", "PC/DC", "Sgt/DS",
    ),
    # "Special in Hull", "Special, Leics": capital S, next to a place like any title
    "special": ("Special", "S/C", "S/PC", "Spl Sgt", "Spec Sgt", "SSgt", "S/Sgt"),
    "pcso": ("P.C.S.O.",),
    "staff": ("PSE", "CDO", "DDO", "DMI", "CSI"),
    "volunteer": ("PSV",),
}

WEAK_ROLES: dict[str, tuple[str, ...]] = {
    "officer": ("sarge", "detective", "superintendent", "chief inspector", "arolygydd", "rhingyll",
                "cwnstabl"),
    "special": ("specials", "volunteer officer"),
    "pcso": ("CSO", "community support"),
    "staff": (
        # control room and contact
        "control room", "control room operator", "control room supervisor", "force control room",
        "FCR", "contact management", "contact centre", "contact handler", "public contact officer",
        "contact officer", "call handler", "call handling", "call taker", "999 call handler",
        "101 call handler", "999 operator", "dispatcher", "radio dispatcher", "despatcher",
        "radio operator", "comms operator", "communications officer", "communications operator",
        "force incident manager", "resolution centre", "switchboard operator",
        # custody
        "detention officer", "custody detention officer", "detention officer in custody",
        "custody assistant", "custody officer (PSE)", "DDO",
        # investigation
        "investigator", "civilian investigator", "police staff investigator", "PIP1 investigator",
        "investigation officer", "investigative officer", "investigations officer",
        "financial investigator", "accredited financial investigator", "fraud investigator",
        "cyber crime investigator", "cyber investigator", "digital media investigator",
        "digital investigator", "disclosure officer", "case builder", "case file officer",
        "file preparation", "witness care officer", "statement taker", "interview adviser",
        # intelligence and analysis
        "intelligence analyst", "intel analyst", "crime analyst", "analyst", "intelligence officer",
        "intelligence researcher", "intelligence development officer", "performance analyst",
        "intel officer",
        # forensic and digital forensic
        "forensic examiner", "forensic investigator", "forensic scientist",
        "forensic practitioner", "forensic officer", "forensic collision investigator",
        "collision investigator", "digital forensic examiner", "digital forensics examiner",
        "digital forensic investigator", "digital forensic analyst", "digital forensic technician",
        "digital forensics", "digital forensics unit", "DFU", "high tech crime unit", "HTCU",
        "fingerprint expert", "fingerprint examiner", "fingerprint officer", "fingerprints",
        "crime scene examiner", "crime scene investigator", "CSI", "scenes of crime",
        "SOCO", "imaging technician", "forensic photographer", "e-fit",
        # front counter, support
        "enquiry officer", "station enquiry officer", "public enquiry officer", "front counter",
        "property officer", "property store", "exhibits officer", "CCTV operator",
        "firearms licensing", "firearms licensing officer", "firearms enquiry officer",
        "vetting officer", "vetting unit", "force vetting unit", "vetting team", "HR advisor", "HR adviser", "civilian", "staff", "support staff",
        # Welsh: call handler, control room, investigator, analyst, detention officer
        "triniwr galwadau", "ystafell reoli", "ymchwilydd", "dadansoddwr", "swyddog cadw",
    ),
    "volunteer": ("volunteer", "volunteering", "gwirfoddolwr"),
}

# Plurals are context about others ("our call handlers"), never a claim.
PLURAL_ROLES: dict[str, tuple[str, ...]] = {
    "staff": ("dispatchers", "investigators", "analysts", "control room staff"),
    "volunteer": ("police support volunteers", "volunteers"),
}

# Words of a police context the lexicon did not have: Welsh and workforce words.
POLICE_CONTEXT = ("yr heddlu", "police service", "police force", "999/101", "101/999", "999 & 101",
                  "999 and 101", "101 and 999", "PIP2", "PIP 2", "PIP1", "PIP 1", "PIP3", "PIP 3")

# Employers that are not one of the 44 forces: staff job words next to them are not police staff.
NOT_POLICE = ("Home Office", "the Home Office", "IOPC", "Independent Office for Police Conduct",
              "Police Ombudsman", "College of Policing", "HMICFRS", "HMIC", "National Crime Agency", "NCA",
              "Department for Work and Pensions", "Financial Conduct Authority", "FCA", "Environment Agency",
              "RSPCA", "private lab", "private company", "private sector", "Serious Fraud Office", "SFO", "local authority", "council", "NHS", "insurance",
              "Royal Mail", "Post Office", "bank", "university")

# Senses of "Special" that are not a special constable.
IDIOMS = ("Special Education", "Special Ed", "CSI Miami", "CSI: Miami", "CSI Vegas", "CSI NY", "CSI: Crime Scene", "bobby dazzler",
          "copper kettle", "copper jewellery", "copper & silver", "copper and silver", "copper wire",
          "copper pipe", "copper beech", "copper hair", "copper pans", "copper top", "copper-haired",
          "Special Olympics", "Special Agent", "Special Projects", "Special Adviser", "Special Advisor",
          "special collections", "Special Collections", "special guest", "special interest group")

# Welsh cues: retired (wedi ymddeol), former (cyn-), work for (gweithio i), proud to be (balch o fod).
PAST_CUES = ("wedi ymddeol", "ymddeolodd", "ymddeol", "cyn-heddwas", "cyn heddwas", "cyn-swyddog",
             "cyn swyddog", "cyn-blismon")
# Whole-profile fiction and role play: every rank in the profile is a character.
ACTOR = ("fictional", "fictional detective", "RP account", "roleplay", "role play account", "role-play",
         "parody account", "parody", "novel-in-progress", "my novel", "fan account", "not a real")
FUTURE_CUES = ("until I start", "till I start", "start as", "starting as", "days until", "weeks until",
               "days to go", "weeks to go", "start in", "counting down")
CORPORATE_CUES = ("cyfrif swyddogol",)
# Police work named by its unit: context for a bare rank ("DS on a murder team").
UNIT_CONTEXT = ("murder team", "murder squad", "major crime", "major investigation team", "homicide team",
                "serious crime", "public protection", "response team", "neighbourhood team", "NPT", "SNT",
                "custody suite", "CID office")
EMPLOYMENT = ("gweithio i", "gweithio gyda", "yn gweithio i", "gweithio yn")
RELATIVES = ("gwraig", "gŵr", "tad", "mab", "merch")

# "Software developer at Leicestershire Police", "Media & comms, City of London Police": a job
# ending in one of these words next to a named force is police staff, whatever the job.
JOB_HEADS = frozenset({
    "officer", "manager", "analyst", "advisor", "adviser", "partner", "developer", "engineer",
    "technician", "assistant", "coordinator", "co-ordinator", "lead", "specialist", "administrator",
    "clerk", "support", "desk", "team", "unit", "centre", "center", "comms", "communications",
    "services", "service", "worker", "researcher", "scientist", "designer", "accountant", "planner",
    "buyer", "auditor", "protection", "foi", "disclosure", "care", "hr", "it", "finance", "payroll",
    "procurement", "estates", "fleet", "mechanic", "trainer", "consultant", "architect", "editor",
    "apprentice", "administration", "admin", "receptionist", "cleaner", "caterer", "chef", "driver",
    "handler", "operator", "examiner", "investigator", "supervisor", "director", "head", "controller",
    "secretary", "pa", "officer.", "tech", "programmer", "tester", "statistician",
})
EMPLOY_PREPOSITIONS = frozenset({"at", "for", "with", "@", "in"})
# Words that may stand next to a rank in its clause and still leave it "alone" ("Neighbourhood Sgt").
RANK_MODIFIERS = frozenset({"neighbourhood", "response", "custody", "acting", "temporary", "patrol",
                            "traffic", "roads", "dog", "firearms", "proud", "serving", "uniform",
                            "community", "local", "detective", "cid", "rural", "night", "nights", "the"})
# Unit words that may follow a place in a clause that only says where ("Cheltenham NPT").
PLACE_UNITS = frozenset({"npt", "snt", "nht", "lpa", "team", "neighbourhood", "policing", "response",
                         "custody", "station", "nick", "patch", "beat", "towns", "land", "cid", "lpu",
                         "division", "area", "borough", "ward", "force"})
# Role words that are also surnames: "Lucy Copper", "John Constable" in a display name.
SURNAME_ROLES = frozenset({"copper", "constable", "sergeant", "bobby", "special", "officer", "cop"})

# Job families a force advertises that are police work when the force is named by its county
# alone ("Crime analyst. Notts."; "Call handler, Essex"), though not with a town ("call handler
# in Leeds" may be any call centre).
COUNTY_SUFFICES = frozenset({"staff", "volunteer", "special", "pcso"})

