"""Words and phrases the identifier looks for, grouped by what they mean for the verdict.

Role terms come in three tiers:
- strong: says "police" by itself ("police officer", "PCSO", "special constable", "police staff");
- title: an abbreviation that is a police rank when written in capitals before a name or collar
  number, or next to a force ("PC Smith", "DS 1234", "PC @ Kent"); matched case-sensitively;
- weak: a word that is police only in a police context ("sergeant", "detective", "call handler").
Cue phrases change what the role and force mentions around them mean (see ``rules.py``).
"""

from __future__ import annotations

ROLES = ("officer", "special", "pcso", "staff", "volunteer")

STRONG_ROLES: dict[str, tuple[str, ...]] = {
    "officer": (
        "police officer", "police constable", "police sergeant", "police inspector",
        "detective constable", "detective sergeant", "detective inspector", "detective chief inspector",
        "detective superintendent", "detective chief superintendent", "chief inspector",
        "superintendent", "chief superintendent", "copper", "cop", "student officer",
        "student police officer", "student PC", "student constable", "student detective",
        "probationer", "probationary constable", "probationary officer", "response officer",
        "response cop", "response copper", "response PC", "neighbourhood officer", "neighbourhood PC",
        "neighbourhood sergeant", "beat officer", "roads policing officer", "traffic cop",
        "firearms officer", "authorised firearms officer", "ARV officer", "custody sergeant",
        "tutor constable", "tutor officer", "public order officer", "TSG officer", "police dog handler",
        "trainee detective constable", "trainee detective", "police detective",
        "PolSA", "police constable degree apprentice", "PCDA student", "DHEP student",
        "officer in the Met", "CID officer", "response sergeant", "patrol sergeant", "patrol officer",
        "cop in", "serving officer", "serving police officer", "warranted officer", "bobby on the beat",
        "Police Federation rep", "Fed rep", "federation rep", "police federation representative",
        "heddwas", "heddferch", "plismon",  # Welsh: policeman, policewoman
    ),
    "special": (
        "special constable", "special constabulary", "special sergeant",
        "special inspector", "special chief inspector", "special superintendent", "special chief officer",
        "volunteer police officer", "volunteer police constable", "special PC", "special police constable",
        "volunteer special", "special officer", "specials officer", "special sgt", "special insp",
        "cwnstabl gwirfoddol", "heddwas gwirfoddol",  # Welsh: special constable
    ),
    "pcso": (
        "PCSO", "police community support officer", "community support officer", "police CSO",
        "SCCH", "swyddog cymorth cymunedol yr heddlu",  # Welsh: PCSO
    ),
    "staff": (
        "police staff", "police staff member", "member of police staff", "civilian staff",
        "civilian investigator", "police staff investigator", "police staff employee", "police employee",
        "custody detention officer", "detention officer", "police call handler", "police dispatcher",
        "force control room", "police control room", "police staff investigator", "PSI",
        "crime scene investigator", "scenes of crime officer", "SOCO", "police intelligence analyst",
        "police analyst", "station enquiry officer", "front counter", "police staffer",
        "civilian police staff", "police civilian", "staff heddlu",
    ),
}

# Plural role words describe other people or a team ("supporting our police officers"): police
# context, never a claim about oneself.
PLURAL_ROLES: dict[str, tuple[str, ...]] = {
    "officer": ("police officers", "PCs", "DCs", "DSs", "coppers", "cops", "detectives",
                "police constables", "sergeants", "response officers"),
    "special": ("special constables", "SCs"),
    "pcso": ("PCSOs", "pcsos", "police community support officers"),
    "staff": ("call handlers", "police staff members", "detention officers"),
}

# Case-sensitive titles, by role.
TITLE_ROLES: dict[str, tuple[str, ...]] = {
    "officer": ("PC", "DC", "PS", "DS", "DI", "DCI", "DSI", "DSupt", "Supt", "Ch Supt", "C/Supt",
                "Ch Insp", "C/Insp", "Insp", "Sgt", "Sgt.", "Det Sgt", "DSgt", "Det Con", "TDC",
                "TDS", "A/Sgt", "A/PS", "A/Insp", "T/Sgt", "T/Insp", "Pc", "Dc"),
    "special": ("SC", "SPC", "SSgt", "SInsp", "S/Sgt", "S/Insp", "SCI", "MSC", "Spc"),
    "pcso": (),
    "staff": ("PSE", "CDO"),
}

WEAK_ROLES: dict[str, tuple[str, ...]] = {
    "officer": ("constable", "sergeant", "inspector", "sgt", "detective", "response", "TSG",
                "cwnstabl", "rhingyll", "arolygydd", "ditectif",  # Welsh: constable, sergeant, inspector
                "officer on response",
                "traffic officer", "dog handler", "firearms", "AFO", "custody officer",
                "roads policing", "neighbourhood policing", "response and patrol"),
    "special": ("specials", "special", "volunteer officer"),
    "pcso": ("CSO",),
    "staff": ("call handler", "call taker", "dispatcher", "control room", "control room operator",
              "comms operator", "communications officer", "contact handler", "investigator",
              "intelligence analyst", "crime analyst", "CSI", "forensic investigator", "analyst",
              "enquiry officer", "civilian", "staff", "999 call handler", "101 call handler",
              "999 operator", "radio operator", "contact centre", "contact center", "public service centre"),
}

# Employment without a role ("I work for Kent Police"): in scope, role unknown.
EMPLOYMENT = ("work for", "working for", "work at", "employed by", "member of staff at",
              "proud to work for", "employee of", "i work in", "work in", "serving with", "serving in",
              "serve with", "serving for", "proud member of", "member of", "part of", "proud to serve",
              "serving", "joined", "just joined", "recently joined")

POLICE_CONTEXT = (
    "police", "policing", "constabulary", "cop", "cops", "copper", "coppers", "thin blue line",
    "thinblueline", "blue line", "warrant card", "collar number", "attested", "bobby", "heddlu",
    "blues and twos", "custody suite", "TBL",
)

# "Ex" only makes the next mention past when it is police ("ex-Met", "ex police"), while
# the broad cues make every mention in their clause past.
PAST_CUES = (
    "retired", "retd", "rtd", "ret'd", "retire", "former", "formerly", "previously", "used to be",
    "once a", "served", "pension", "pensioner", "retirement", "retiree", "left the job",
    "left the police", "left policing", "now retired", "recently retired", "medically retired",
    "happily retired", "now happily retired", "resigned", "police veteran", "was a", "ex police",
    "ex-police", "ex cop", "ex-cop", "ex copper", "ex-copper", "years service", "years' service",
    "years of service", "in a previous life", "previous life", "past life", "retiring",
)
NARROW_PAST_CUES = ("ex", "Ex", "EX", "x")
# Employment phrases above also count as "now" cues.
NOW_CUES = ("now", "currently", "current", "presently", "these days", "present", "still serving",
            "now a", "now serving", "living the dream", "before joining", "since joining")
# After a past cue, these words mean the cue is about something else ("ex-Army, now a PC").
NONPOLICE_AFTER_PAST = frozenset({
    "army", "military", "soldier", "forces", "raf", "navy", "marine", "marines", "royal", "nurse",
    "teacher", "firefighter", "fireman", "paramedic", "prison", "banker", "footballer", "rugby",
    "boxer", "sailor", "journalist", "squaddie", "para", "paratrooper", "mod", "hm", "civil",
    "nhs", "soldiers", "smoker", "athlete", "chef", "engineer", "forces,", "serviceman",
    "services", "infantry", "gunner", "sapper", "rn", "navy,", "pro", "professional", "teacher,",
})

RELATIVES = (
    "wife", "husband", "hubby", "mum", "mom", "mother", "mam", "dad", "father", "daughter", "son",
    "sister", "brother", "partner", "girlfriend", "boyfriend", "fiancee", "fiancé", "fiance",
    "fiancée", "widow", "widower", "spouse", "nan", "nana", "grandma", "granddaughter", "grandson",
    "grandad", "grandfather", "grandmother", "auntie", "aunt", "uncle", "niece", "nephew", "cousin",
    "parent", "parents", "family", "missus", "wifey", "stepdad", "stepmum", "kids", "children",
    "child", "sons", "daughters", "bro", "sis", "OH", "other half", "better half", "other-half",
)
FAMILY_PHRASES = (
    "police wife", "police wives", "police husband", "police mum", "police mom", "police dad",
    "police family", "police spouse", "police partner", "police widow", "police girlfriend",
    "police boyfriend", "police fiancee", "police kid", "police kids", "police daughter",
    "police son", "police parent", "police parents", "police sister", "police brother", "cop wife",
    "cop's wife", "copper's wife", "coppers wife", "married to", "engaged to", "policewife",
    "policefamily", "police nan", "police gran", "blue line family", "thin blue line family",
    "policemum", "police mummy", "police auntie",
)

FUTURE_CUES = (
    "aspiring", "aspire", "aspire to be", "future", "wannabe", "hopeful", "in waiting", "want to be", "wants to be",
    "hoping to", "hope to", "hopefully", "soon to be", "soon-to-be", "applying", "applied",
    "application", "applicant", "assessment centre", "awaiting", "waiting for", "start date",
    "starting", "joining", "one day", "dream", "dreams", "dream job",
    "working towards", "work towards", "on my way to", "going to be", "conditional offer",
    "offer of employment", "vetting", "recruitment process", "policing student", "policing degree",
    "professional policing", "pre-join", "pre join", "prejoin", "studying policing", "become",
    "becoming", "to become", "training to be", "will be", "next year", "fingers crossed",
    "criminology student", "applicant for", "in the process of joining", "offer from",
    "applying to", "pending", "cadet", "police cadet", "volunteer police cadet", "VPC",
    "police cadets", "mini police",
)

CORPORATE_CUES = (
    "official account", "official twitter", "official page", "official feed", "the official",
    "official account of", "official X account", "team account", "account of the", "run by the",
    "run by", "managed by", "monitored by", "follow us", "contact us", "we are", "we're",
    "our team", "our officers", "our area", "news from", "updates from", "news and updates",
    "news & updates", "latest news", "news and appeals", "keeping you updated", "serving the communities", "covering the", "we cover", "our community",
    "tweets from", "posts from", "tweeting about", "updates and appeals", "appeals and updates",
    "news, appeals", "information and appeals", "account for the",
)
PERSONAL_CUES = (
    "not an official", "not official", "unofficial", "personal account", "views my own",
    "views are my own", "my views", "own views", "views own", "views mine", "opinions my own",
    "my own views", "my opinions", "personal views", "views expressed are my own", "my own",
    "all views", "opinions are my own",
)

IDIOMS = (
    "grammar police", "fashion police", "fun police", "spelling police", "thought police",
    "language police", "food police", "pun police", "word police", "style police", "meme police",
    "vibe police", "party police", "punctuation police", "apostrophe police", "comma police",
    "emoji police", "grammar cop", "fashion cop", "spelling cop", "grammar nazi", "parking police",
    "noise police", "sock police", "tea police", "fun sponge", "banter police", "PC brigade",
    "PC gone mad", "not PC", "not very PC", "very PC", "un-PC", "politically correct", "PC culture", "woke police", "dress code police",
    "mum police", "chocolate police", "biscuit police", "diet police", "cake police", "font police",
    "hashtag police", "mood police", "Police Academy", "keyboard cop",
    # other senses of police abbreviations and words
    "PC gamer", "PC gaming", "gaming PC", "PC games", "PC game", "PC build", "PC builder",
    "PC repair", "PC repairs", "PC specialist", "PC World", "PC master race", "PC and console",
    "PC support", "PC technician", "desktop PC", "Special K", "special needs",
    "special educational needs", "special effects", "special offer", "Special Brew", "special edition",
    "Washington DC", "DC Comics", "DC comics", "DC Universe", "DC United", "DS Smith", "Nintendo DS",
    "Sgt Pepper", "Sgt. Pepper", "PC Plod", "Inspector Gadget", "Detective Pikachu", "special school",
    "special interest", "special days", "special moments", "special someone", "something special",
    "special place", "very special", "special occasion", "special events",
)
# The band: only with its capital T, so "the police" in a sentence stays police.
BAND = ("The Police",)

# Role words used for something that is not police (swallowed silently).
NOT_POLICE = (
    "prison officer", "probation officer", "border force", "border force officer",
    "immigration officer", "immigration enforcement", "customs officer", "traffic warden",
    "civil enforcement officer", "parking enforcement officer", "enforcement officer",
    "highways england", "national highways", "highways traffic officer", "traffic officer with national highways",
    "security officer", "fire officer", "army officer", "RAF officer", "naval officer", "special forces",
    "sergeant major", "staff sergeant", "colour sergeant", "flight sergeant", "Sgt Maj",
    "lance corporal", "ofsted inspector", "ofsted", "building inspector", "health inspector",
    "ticket inspector", "revenue inspector", "insurance investigator", "fraud investigator",
    "private investigator", "private detective", "store detective", "DWP", "HMRC", "HMRC officer",
    "ambulance call handler", "ambulance dispatcher", "ambulance control", "fire control",
    "NHS 111", "111 call handler", "ambulance", "Met Office", "the Met Office", "Met Opera", "Met Gala", "the Met Gala", "the Met Opera",
    "Met Éireann", "data protection officer", "compliance officer", "press officer",
    "medical officer", "environmental health officer", "council officer", "housing officer",
    "planning officer", "youth offending officer", "youth justice", "chief executive officer",
    "chief operating officer", "chief financial officer", "welfare officer", "safeguarding officer",
    "PCC", "police and crime commissioner", "deputy police and crime commissioner",
    "community safety officer", "licensing officer", "trading standards", "trading standards officer",
    "neighbourhood warden", "street warden", "community warden", "SEN", "network rail", "railway enforcement officer", "TfL enforcement", "revenue protection",
    "revenue protection inspector", "store security", "bouncer", "door supervisor", "CPS",
    "crown prosecution service", "barrister", "solicitor", "magistrate", "court usher",
    "police station representative", "police station rep", "police station adviser",
    "police misconduct", "actions against the police", "claims against the police",
    "police accountability", "police interpreter", "police chaplain", "custody nurse",
    "appropriate adult", "police and crime panel", "police surgeon", "forensic physician",
    "police scanner", "police history", "police museum", "police memorabilia",
    "amateur detective", "armchair detective", "cop watcher", "copwatch", "cop watch", "police watch", "army sergeant", "RAF sergeant",
    "custody of", "in custody", "the job centre",
)

FICTION = (
    "starring", "fan of", "fans of", "big fan", "biggest fan", "superfan", "obsessed with",
    "love watching", "watching", "addicted to", "author of", "crime fiction", "true crime", "series",
    "out now", "mysteries", "novel", "novels", "my book", "latest book", "paperback", "audiobook",
    "episode", "episodes", "role of", "crime novels", "detective novels", "crime drama",
    "police dramas", "police drama", "police procedurals", "cop shows", "cop show", "police shows",
    "cop drama", "cop dramas", "cop films", "cop movies", "podcast about", "drama school",
    "stage and screen", "Spotlight", "agent:", "represented by", "extra in", "supporting artist",
    "background artist",
)
# Police shows and their characters: a mention of one is fiction, whatever surrounds it.
FICTION_SHOWS = (
    "Line of Duty", "The Bill", "Happy Valley", "Vera", "Inspector Morse", "Midsomer",
    "Midsomer Murders", "Bodyguard", "Broadchurch", "Luther", "Police Interceptors", "Traffic Cops",
    "24 Hours in Police Custody", "Brooklyn Nine-Nine", "Brooklyn 99", "Brooklyn Nine Nine",
    "Ted Hastings", "Steve Arnott", "Kate Fleming", "AC-12", "AC12", "Reg Hollis", "Jack Frost",
    "Gene Hunt", "Life on Mars", "Ashes to Ashes", "Dixon of Dock Green", "Heartbeat", "The Sweeney",
    "Juliet Bravo", "Silent Witness", "Unforgotten", "Shetland", "Taggart", "Rebus", "Endeavour",
    "Scott & Bailey", "Prime Suspect", "Waking the Dead", "New Tricks", "Blue Lights", "The Wire",
    "Blue Bloods", "Cawood", "Sgt Cawood", "Mother of God",
)

# Being an actor makes every role in the profile a part played.
# Writers and cosplayers likewise: their ranks are characters.
ACTOR = ("actor", "actress", "actor and", "voice actor", "voiceover artist", "performer",
         "crime writer", "novelist", "crime novelist", "thriller writer", "screenwriter",
         "cosplayer", "cosplay")

# Armed forces: their ranks (Sgt, Cpl, Insp) are not police ranks without a police context.
MILITARY = (
    "army", "british army", "RAF", "royal air force", "royal navy", "navy", "royal marines",
    "marines", "regiment", "royal engineers", "corps", "battalion", "squadron", "platoon",
    "soldier", "military", "armed forces", "reservist", "army reserve", "territorial army",
    "paras", "parachute regiment", "rifles", "royal signals", "REME", "RLC", "Catterick",
    "Sandhurst", "Aldershot garrison", "HM forces", "veteran",
)

# Other police services: not among the 44 forces of England and Wales.
OTHER_POLICE = (
    "Police Scotland", "PSNI", "Police Service of Northern Ireland", "RUC", "Garda", "Gardaí",
    "Gardai", "An Garda Síochána", "An Garda Siochana", "NYPD", "LAPD", "RCMP", "Mountie",
    "Mounties", "NSW Police", "New South Wales Police", "Victoria Police", "Queensland Police",
    "WA Police", "NZ Police", "New Zealand Police", "Police NZ", "Ministry of Defence Police", "MDP",
    "MOD Police", "MoD Police", "Civil Nuclear Constabulary", "CNC", "Royal Military Police", "RMP",
    "Isle of Man Constabulary", "States of Jersey Police", "Jersey Police", "Guernsey Police",
    "Royal Gibraltar Police", "sheriff", "sheriff's", "deputy sheriff", "sheriff's deputy",
    "state trooper", "trooper", "state police", "police department", "PD", "precinct", "Polizei",
    "Gendarmerie", "Carabinieri", "Guardia Civil", "Policía", "Port of Liverpool Police",
    "Port of Dover Police", "Port of Tilbury Police", "Mersey Tunnels Police", "Hong Kong Police",
    "South African Police", "SAPS", "Toronto Police", "Ontario Provincial Police", "OPP",
    "Chicago PD", "Dallas PD", "Houston PD", "LEO", "law enforcement officer", "law enforcement",
    "Scottish Police", "Army Police", "Military Police", "RAF Police", "Royal Navy Police",
    "Kew Constabulary", "Parks Police", "Royal Parks Police", "Cambridge University Constabulary",
    "Garda Síochána", "Police Federation of Northern Ireland",
)

CLAUSE_BREAKS = frozenset({".", "|", "•", ";", "!", "?", ",", "/", "·", "–", "—", "~", "+", "‖",
                           "||", "…", "...", ":", "(", ")", "[", "]", "✨", "💙", "🚔", "👮", "👮‍♂️",
                           "👮‍♀️", "🇬🇧", "🏴", "⭐", "🐾", "❤️", "💪"})
# A full stop after these is an abbreviation, not the end of a clause.
ABBREVIATIONS_WITH_DOT = frozenset({"Sgt", "Insp", "Supt", "Det", "Ch", "St", "Con", "Dept"})
SINGULAR_VOICE = frozenset({"i", "my", "me", "i'm", "im", "mine", "myself", "i've", "i'll", "i'd"})
PLURAL_VOICE = frozenset({"we", "our", "us", "we're", "we've", "ours", "we'll"})
# Words that may appear in an organisation's display name next to force and place names.
ORGANISATION_NAME_WORDS = frozenset({
    "police", "team", "npt", "snt", "neighbourhood", "neighbourhoods", "policing", "specials",
    "special", "constabulary", "roads", "rural", "crime", "unit", "response", "dogs", "dog",
    "firearms", "ops", "operations", "traffic", "custody", "cadets", "recruitment", "careers",
    "&", "and", "-", "|", "north", "south", "east", "west", "central", "city", "centre", "county",
    "town", "safer", "community", "partnership", "hub", "cid", "marine", "mounted",
    "horses", "drone", "drones", "air", "support", "wildlife", "cyber", "fraud", "force", "control",
    "room", "contact", "volunteers", "volunteer", "the", "of", "for", "in", "on", "at",
    "news", "events", "media", "appeals", "service", "services", "local", "rpu", "tsg", "armed", "uk", "online",
    "heddlu", "yr", "a", "intel", "intelligence", "investigation", "investigations", "team.",
    "officers", "pcsos", "department", "division", "district", "borough", "area", "unit.", "(",
    ")", "·", "•", "🚔", "👮", "specials.", "road", "safety", "victims", "cops", "&amp;",
})
