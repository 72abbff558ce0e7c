"""HMIC's published figures for September 2011 – May 2012 (*Revisiting Police Relationships*,
December 2012, and its force reports). The sample data set is built to reproduce them exactly;
the tests assert each one against ``probity report stats`` output.
"""

from __future__ import annotations

from datetime import date

PERIOD_START = date(2011, 9, 1)
PERIOD_END = date(2012, 5, 31)

INVESTIGATIONS_TOTAL = 2207
# status totals over all investigation types
ALL_STATUS = {
    "continuing": 708,
    "referred_external": 45,
    "no_further_action": 744,
    "management_action": 643,
    "left_service": 67,
}

DISCLOSURE_TOTAL = 1737
DISCLOSURE_RECIPIENTS = {
    "criminals": 364,
    "friends_family": 312,
    "personal_use": 367,
    "media": 98,
    "other": 596,
}
DISCLOSURE_STATUS = {
    "continuing": 603,
    "referred_external": 38,
    "no_further_action": 641,
    "management_action": 410,
    "left_service": 45,
}
MEDIA_DISCLOSURE_SCOPE = {"local": 48, "national": 50}
MEDIA_DISCLOSURE_STATUS = {
    "continuing": 39,
    "referred_external": 8,
    "no_further_action": 41,
    "management_action": 10,
    "left_service": 0,
}
MEDIA_DISCLOSURE_SUSPENDED = 6

MEDIA_RELATIONSHIP_TOTAL = 19
MEDIA_RELATIONSHIP_SCOPE = {"local": 10, "national": 9}
MEDIA_RELATIONSHIP_STATUS = {
    "continuing": 8,
    "referred_external": 0,
    "no_further_action": 9,
    "management_action": 2,
    "left_service": 0,
}
MEDIA_RELATIONSHIP_SUSPENDED = 2

GRATUITIES_TOTAL = 7
GRATUITIES_STATUS = {
    "continuing": 0,
    "referred_external": 0,
    "no_further_action": 3,
    "management_action": 4,
    "left_service": 0,
}

SECONDARY_EMPLOYMENT_TOTAL = 154
SECONDARY_EMPLOYMENT_STATUS = {
    "continuing": 41,
    "referred_external": 3,
    "no_further_action": 35,
    "management_action": 65,
    "left_service": 10,
}

BUSINESS_INTERESTS_TOTAL = 3858
BUSINESS_INTERESTS_STATUS = {"approved": 3714, "refused": 103, "withdrawn": 5, "pending": 36}
# "over a third" of approvals carried conditions; the sample uses this many
BUSINESS_INTERESTS_WITH_CONDITIONS = 1310

REGISTER_ENTRIES_TOTAL = 3512
GRATUITY_ENTRIES = 1850
HOSPITALITY_ENTRIES = 1662
HOSPITALITY_DECLINED = 476
DECLINED_TOTAL = 550  # "about 550 declined in all"
FORCES_WITH_DECLINES = 33

SOCIAL_PROFILES = 1588
SOCIAL_INSTANCES = 357
SOCIAL_PROFILES_WITH_INSTANCES = 185
SOCIAL_INSTANCES_ON_TWITTER = 253
SOCIAL_CATEGORIES = {"offensive": 132, "protocol": 119, "negativity": 70, "government": 36}

# Figures from three force reports.
FORCE_FIGURES = {
    "city-of-london": {
        "investigations": 15,
        "media_disclosure": 6,
        "media_disclosure_continuing": 5,
        "social_instances": 2,
        "business_interests": 0,
        "business_interests_approved": 0,
    },
    "wiltshire": {
        "investigations": 57,
        "media_disclosure": 3,
        "media_disclosure_continuing": 2,
        "social_instances": 3,
        "business_interests": 36,
        "business_interests_approved": 25,
    },
    "leicestershire": {
        "investigations": 38,
        "media_disclosure": 2,
        "media_disclosure_continuing": 1,
        "social_instances": 7,
        "business_interests": 84,
        "business_interests_approved": 83,
    },
}

# Approximate police officer strength in 2012, used only to spread national totals plausibly.
FORCE_WEIGHTS = {
    "metropolitan": 31500,
    "west-midlands": 7900,
    "greater-manchester": 7600,
    "west-yorkshire": 5500,
    "thames-valley": 4300,
    "merseyside": 4200,
    "northumbria": 3800,
    "kent": 3600,
    "hampshire": 3500,
    "essex": 3400,
    "lancashire": 3300,
    "devon-and-cornwall": 3200,
    "south-wales": 3100,
    "avon-and-somerset": 3000,
    "sussex": 3000,
    "btp": 2900,
    "south-yorkshire": 2800,
    "west-mercia": 2300,
    "nottinghamshire": 2200,
    "leicestershire": 2100,
    "cheshire": 2100,
    "staffordshire": 2000,
    "hertfordshire": 2000,
    "surrey": 1900,
    "humberside": 1900,
    "derbyshire": 1900,
    "cleveland": 1600,
    "norfolk": 1600,
    "north-wales": 1500,
    "gwent": 1400,
    "north-yorkshire": 1400,
    "cambridgeshire": 1400,
    "dorset": 1400,
    "durham": 1300,
    "northamptonshire": 1300,
    "suffolk": 1200,
    "gloucestershire": 1200,
    "cumbria": 1200,
    "dyfed-powys": 1200,
    "lincolnshire": 1100,
    "wiltshire": 1100,
    "bedfordshire": 1100,
    "warwickshire": 900,
    "city-of-london": 800,
}
