"""All tables. Importing this package registers every model on ``Base.metadata``."""

from probity.models.access import ApiKey, AuditEvent, KeyRole
from probity.models.base import Base, utcnow
from probity.models.integrity import (
    BusinessInterest,
    Contract,
    DisclosureRecipient,
    GiftHospitality,
    GiftKind,
    InterestCategory,
    InterestStatus,
    Investigation,
    InvestigationStatus,
    InvestigationType,
    MediaScope,
    OfferorType,
)
from probity.models.reference import ForceRow
from probity.labels import LABELS
from probity.models.review import (
    FLAG_TRANSITIONS,
    DecisionAction,
    Flag,
    FlagStatus,
    ModelVersion,
    Prediction,
    Referral,
    ReferralItem,
    ReferralOutcome,
    ReferralStatus,
    ReviewDecision,
)
from probity.models.social import (
    CrawlCheckpoint,
    ExcludedAccount,
    Platform,
    PlatformAccount,
    Post,
    RawItem,
    Role,
)

__all__ = [
    "ApiKey", "AuditEvent", "Base", "BusinessInterest", "Contract", "CrawlCheckpoint",
    "DecisionAction", "DisclosureRecipient", "ExcludedAccount", "FLAG_TRANSITIONS", "Flag",
    "FlagStatus", "ForceRow", "GiftHospitality", "GiftKind", "InterestCategory", "InterestStatus",
    "Investigation", "InvestigationStatus", "InvestigationType", "KeyRole", "LABELS", "MediaScope",
    "ModelVersion", "OfferorType", "Platform", "PlatformAccount", "Post", "Prediction", "RawItem",
    "Referral", "ReferralItem", "ReferralOutcome", "ReferralStatus", "ReviewDecision", "Role",
    "utcnow",
]
