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
    pending_imports_under,
    recipient_matches,
    sends_to,
)
from .registers import ASSIGNED_SHOWN_DAYS, assigned_to, handler_candidates
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
    "ASSIGNED_SHOWN_DAYS",
    "Level",
    "RecipientMatch",
    "RecipientStatus",
    "assigned_to",
    "authority_choices",
    "basis_directives",
    "basis_line",
    "committee_of",
    "directive_chain",
    "directive_document",
    "directives_issued_for",
    "directives_visible_in",
    "handler_candidates",
    "held_directive",
    "implementing_directives",
    "implements_for",
    "is_deputy_authority",
    "issuer_defaults",
    "issuer_match",
    "level_units",
    "milestone_suggestions",
    "own_recipient_rows",
    "pending_imports_under",
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
