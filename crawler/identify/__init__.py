"""Self-identification of serving police officers and staff, and force attribution.

Rules follow the "Self-identification" section of the codebook (../shared/codebook.md).
"""

from crawler.identify.identifier import (
    IDENTIFIER_VERSION,
    ProfileText,
    Verdict,
    identify,
    identify_many,
)

__all__ = ["IDENTIFIER_VERSION", "ProfileText", "Verdict", "identify", "identify_many"]
