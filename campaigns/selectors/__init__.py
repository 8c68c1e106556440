"""Reads for campaigns and directives, one module per sub-domain: `tree` (the unit tree as an
issuer sees it), `documents` (a directive's printable context), `directives` (status tables and
lists behind the pages) and `importing` (suggestions for a directive received as a file)."""

from .directives import (
    RecipientStatus,
    directive_chain,
    directives_issued_for,
    directives_visible_in,
    implementing_directives,
    own_recipient_rows,
    received_for,
    recipient_statuses,
    with_issuer_options,
)
from .documents import directive_document, recipient_lines
from .importing import (
    RecipientMatch,
    basis_directives,
    held_directive,
    issuer_match,
    milestone_suggestions,
    recipient_matches,
    sends_to,
)
from .tree import (
    Level,
    authority_choices,
    basis_line,
    committee_of,
    implements_for,
    is_deputy_authority,
    issuer_defaults,
    level_units,
    recipient_candidates,
    signer_choices,
    signer_defaults,
    term_for,
)

__all__ = [
    "Level",
    "RecipientMatch",
    "RecipientStatus",
    "authority_choices",
    "basis_directives",
    "basis_line",
    "committee_of",
    "directive_chain",
    "directive_document",
    "directives_issued_for",
    "directives_visible_in",
    "held_directive",
    "implementing_directives",
    "implements_for",
    "is_deputy_authority",
    "issuer_defaults",
    "issuer_match",
    "level_units",
    "milestone_suggestions",
    "own_recipient_rows",
    "received_for",
    "recipient_candidates",
    "recipient_lines",
    "recipient_matches",
    "recipient_statuses",
    "sends_to",
    "signer_choices",
    "signer_defaults",
    "term_for",
    "with_issuer_options",
]
