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
        "police comms", "police communications", "police press office", "police press officer",
        "police analyst", "police researcher", "police administrator", "police admin", "police clerk",
        "police trainer", "police accountant", "police solicitor", "police lawyer", "police nurse",
        "police mechanic", "police vehicle technician", "police surveyor", "police project manager",
        "police data analyst", "police digital", "police IT", "police payroll", "police estates",
        # Welsh: member of police staff, police call handler, police control room
        "aelod o staff yr heddlu", "staff yr heddlu", "triniwr galwadau'r heddlu",
        "ystafell reoli'r heddlu",
    ),
    "volunteer": (
        "police support volunteer", "police volunteer", "volunteer with the police",
        "volunteer police cadet leader", "VPC leader", "cadet leader", "police cadet leader",
        "citizens in policing volunteer", "chaplaincy volunteer",
        "volunteer police cadets leader", "volunteer police cadet co-ordinator",
        "volunteer police cadets co-ordinator", "volunteer police cadet coordinator",
        "volunteer police cadets coordinator", "volunteer police cadet instructor",
        "volunteer police cadets instructor", "police cadets leader", "cadets leader", "cadet co-ordinator",
        "cadet coordinator", "cadet instructor", "VPC co-ordinator", "VPC coordinator", "VPC unit leader",
        "VPC instructor", "police cadet instructor", "mini police leader", "special constabulary volunteer",
        "police chaplain", "force chaplain", "volunteer police chaplain", "volunteer chaplain",
        "custody visitor", "independent custody visitor", "community speed watch", "speedwatch volunteer",
        "rural watch volunteer", "police volunteer driver", "volunteer police driver",
        "gwirfoddolwr heddlu", "gwirfoddolwr yr heddlu",  # Welsh: police volunteer
    ),
}

# A rank with a duty only the police have ("Custody Inspector", "Response Sgt"): police by itself.
_DUTIES = ("custody", "response", "neighbourhood", "neighbourhoods", "duty", "patrol", "section",
           "roads policing", "local policing", "safer neighbourhood", "safer neighbourhoods", "CID", "NPT",
           "operational", "uniform")
_RANKS = ("inspector", "sergeant", "chief inspector", "constable")
STRONG_ROLES["officer"] += tuple(f"{d} {r}" for d in _DUTIES for r in _RANKS)

# Exact-case abbreviations, in the forms people write them.
TITLE_ROLES: dict[str, tuple[str, ...]] = {
    "officer": (
        "D/Sgt", "D/S", "D/C", "D/Insp", "D/I", "D/Supt", "Det Insp", "Det Supt", "Det Ch Insp",
        "Det Ch Supt", "DetCon", "Det Con", "Det Sgt", "Det", "T/DC", "T/DS", "A/DS", "A/DI", "T/DI",
        "A/DCI", "T/DCI", "TDC", "DSU", "DCS", "Ch Insp", "Ch. Insp", "ChInsp", "Chief Insp", "C/I",
        "Ch Supt", "Ch. Supt", "Chief Supt", "Supt.", "Insp.", "Sgt.", "SGT", "INSP", "P/S", "P.C.",
        "D.S.", "D.I.", "DCC", "ACC", "T/Supt", "T/Ch Supt", "T/Ch Insp", "PC/DC", "Sgt/DS",
        # acting (A/) and temporary (T/) ranks, dotted and run-together forms
        "A/Sgt", "T/Sgt", "A/PS", "T/PS", "A/Insp", "T/Insp", "A/Ch Insp", "A/Supt", "A/DSupt",
        "A/DC", "T/D/Sgt", "TDS", "TDI", "TDCI", "A/DSgt", "DSgt", "D Sgt", "DetSgt", "Det. Sgt",
        "Det.Sgt", "Det. Con.", "Det Insp.", "D/Ch Insp", "DCInsp", "Ch/Insp", "C/Insp", "CInsp",
        "Ch.Insp", "Ch.Supt", "C/Supt", "D/Ch Supt", "Det Ch Supt.", "Supt", "Insp", "Sgt",
        "Temp DS", "Temp DC", "Temp Sgt", "Temp Insp", "Trainee DC", "TDC", "PC", "DC", "DS", "DI",
        "DCI", "DSupt", "D/Supt", "P/C", "Plod",
    ),
    # "Special in Hull", "Special, Leics": capital S, next to a place like any title
    "special": ("Special", "S/C", "S/PC", "Spl Sgt", "Spec Sgt", "SSgt", "S/Sgt", "SPC", "SC", "S/Insp",
                "SInsp", "Spec Insp", "Spl Insp", "S/Ch Insp", "Spec Con", "Spl Con",
                "Special Sgt", "Special Sergeant", "Special Insp", "Special Inspector"),
    "pcso": ("P.C.S.O.",),
    "staff": ("PSE", "CDO", "DDO", "DMI", "CSI", "PSI", "FIO", "AFI", "DFI", "DFE", "SOCO", "FCR", "CJU"),
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
        # the rest of the workforce as forces advertise it (job titles, not bare departments)
        "comms room", "force comms", "communications room", "control centre", "command and control",
        "crime recorder", "crime recording", "records officer", "data protection officer", "FOI officer",
        "disclosure unit", "ANPR",
        "welfare officer", "HR business partner", "HR advisor",
        "force trainer", "police driving instructor", "driver trainer", "PA to",
        "corporate communications", "press officer", "media officer", "social media officer",
        "digital communications", "engagement officer", "community engagement officer", "victim care",
        "victim care officer", "witness care", "missing persons coordinator", "offender manager",
        "sex offender manager", "ViSOR", "licensing officer", "hate crime officer", "ASB officer",
        "evidence review officer", "case progression", "coroner's officer", "warrants officer",
        "counter fraud", "OSINT", "escort officer", "asset recovery", "quartermaster",
        "armourer", "vehicle technician", "policy officer", "professional standards",
        "counter corruption", "anti-corruption", "crime scene manager", "digital forensic unit",
        "evidence officer", "exhibits officer", "caseworker", "case worker", "statement reader",
        "action allocator", "working in vetting", "working in custody", "working in comms",
        "working in the control room", "working in intelligence", "working in intel", "working in HR",
        "working in forensics", "work in vetting", "work in custody", "work in comms",
        "work in the control room", "work in intelligence", "work in intel", "work in HR",
        "work in forensics",
        "civvy", "civvie", "civilian staff member", "front desk", "station front desk",
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
              "Royal Mail", "Post Office", "bank", "university",
              # contractors work beside a force, not for it
              "contracted provider", "contracted", "contractor", "outsourced", "agency staff")

_JOKE_NOUNS = ("crossword", "wordle", "quiz", "puzzle", "trivia", "recipe", "cake", "bake", "baking",
               "gin", "wine", "beer", "coffee", "tea", "plant", "garden", "lawn", "litter", "bin",
               "recycling", "typo", "meme", "gif", "music", "playlist", "film", "movie", "book",
               "library", "sofa", "remote", "snack", "sweet", "crisp", "biscuit", "tidy", "laundry",
               "kitchen", "toddler", "nappy", "bedtime", "homework", "lego", "knitting", "sewing",
               "calorie", "carb", "step", "selfie", "hashtag", "caps lock", "capslock", "comma",
               "semicolon", "oxford comma", "pronunciation", "scrabble", "sudoku", "pub quiz",
               "cheese", "pizza", "pineapple", "gravy", "scone", "jam", "cream")
JOKE_COMPOUNDS = tuple(f"{n} {w}" for n in _JOKE_NOUNS for w in ("cop", "cops", "police", "copper", "sheriff"))

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
ACTOR = ("fictional", "not real", "fan-run", "fan run", "fan page", "fanpage", "tribute account",
         "tribute page", "in character", "in-character", "character account", "satire", "satirical",
         "fictional detective", "RP account", "roleplay", "role play account", "role-play",
         "parody account", "parody", "novel-in-progress", "my novel", "fan account", "not a real")
FUTURE_CUES = ("looking for", "job hunting", "jobhunting", "job-hunting", "interview for",
               "got an interview", "have an interview", "interview with", "application for", "applied for",
               "applying for", "open to offers", "open to work", "seeking", "roles in", "role in policing",
               "hoping to join", "want to join", "wants to join", "trying to get into", "get into policing",
               "until I start", "till I start", "start as", "starting as", "days until", "weeks until",
               "days to go", "weeks to go", "start in", "counting down")
CORPORATE_CUES = ("cyfrif swyddogol",)
# Police work named by its unit: context for a bare rank ("DS on a murder team").
UNIT_CONTEXT = ("murder team", "murder squad", "major crime", "major investigation team", "homicide team",
                "serious crime", "public protection", "response team", "neighbourhood team", "NPT", "SNT",
                "custody suite", "CID office", "PSD", "professional standards", "counter corruption unit",
                "anti-corruption unit", "CAIT", "MASH", "roads policing", "RPU", "ARV", "TSG",
                "dog section", "mounted section", "marine unit", "POLSA", "PPU", "SOIT",
                "response and patrol", "neighbourhood policing", "local policing", "BCU",
                "force HQ", "police HQ", "police station", "on the beat")
EMPLOYMENT = ("gweithio i", "gweithio gyda", "yn gweithio i", "gweithio yn")
RELATIVES = ("gwraig", "gŵr", "tad", "mab", "merch", "nain", "taid", "chwaer", "brawd")
# Welsh "mother of" (mam i), "wife of" (gwraig i) ... and "proud of my" (balch o fy)
FAMILY_PHRASES = ("mam i", "tad i", "gwraig i", "gŵr i", "mab i", "merch i", "nain i", "taid i",
                  "chwaer i", "brawd i", "partner i", "balch o fy", "balch o'm", "fy ngŵr", "fy ngwraig",
                  "fy mab", "fy merch", "fy nhad", "fy mam")

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
    # more job nouns: health, welfare, legal, support and specialist posts a force employs (not
    # hobbies such as "gardener" or "photographer", which sit next to a force in fans' bios too)
    "nurse", "doctor", "medic", "paramedic", "practitioner", "counsellor", "psychologist", "therapist",
    "chaplain", "solicitor", "lawyer", "barrister", "room", "surveyor", "librarian", "instructor",
    "caseworker", "storekeeper", "assessor", "reviewer", "technologist", "strategist", "adviser.",
    "recorder", "indexer", "allocator", "typist", "porter", "electrician", "plumber", "joiner",
    "decorator", "fitter", "storeperson", "storeman", "dispatcher", "despatcher", "taker", "legal",
    "training", "recruitment", "vetting", "intel", "intelligence", "forensics", "custody", "detention",
    "control", "dispatch", "admin.", "governance", "compliance", "ict", "helpdesk", "bureau",
})
EMPLOY_PREPOSITIONS = frozenset({"at", "for", "with", "@", "in"})
# Words that may stand next to a rank in its clause and still leave it "alone" ("Neighbourhood Sgt").
RANK_MODIFIERS = frozenset({"neighbourhood", "response", "custody", "acting", "temporary", "patrol",
                            "traffic", "roads", "dog", "firearms", "proud", "serving", "uniform",
                            "community", "local", "detective", "cid", "rural", "night", "nights", "the",
                            # "Now a PC", "Temp DS", "I'm a Sgt": still a rank standing alone
                            "now", "a", "an", "currently", "i'm", "im", "am", "i", "as", "temp", "trainee",
                            "tutor", "probationer", "probationary", "student", "relief", "shift", "section",
                            "beat", "ward", "area", "lowly", "humble", "just", "another", "busy", "tired",
                            "operational", "frontline", "front-line", "specialist", "team", "safer",
                            "neighbourhoods", "rapid", "incident", "investigation", "investigations",
                            "policing", "unit", "duty", "late", "early", "late-turn"})
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


# "I answer 999 calls for Thames Valley Police", "Keeping the fleet running at D&C Police":
# a first-person (or headless -ing) verb of work, then "for/at <force>" in the same clause.
WORK_VERBS = frozenset({
    "work", "answer", "investigate", "handle", "manage", "lead", "run", "analyse", "analyze", "examine",
    "process", "help", "volunteer", "serve", "patrol", "dispatch",
    "review", "prepare", "build", "develop", "maintain", "fix", "drive", "coordinate", "co-ordinate",
    "advise", "deal", "support", "protect", "police", "respond", "recruit", "vet", "interview",
    "working", "answering", "investigating", "handling", "managing", "leading", "running", "analysing",
    "examining", "processing", "helping", "volunteering", "serving", "patrolling",
    "keeping", "dispatching", "reviewing", "preparing", "building", "developing",
    "maintaining", "fixing", "driving", "coordinating", "advising", "dealing", "supporting",
    "protecting", "policing", "responding", "recruiting", "vetting", "interviewing",
})
