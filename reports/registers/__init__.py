"""A unit's office registers for a year: documents sent (sổ văn bản đi: its directives and its
numbered reports) and documents received (sổ văn bản đến), as the page, the .xlsx and the PDF
list them.

A register is one unit's year (a few hundred lines, a few thousand at most), so each is read in
a fixed number of queries and filtered in Python: the tone-insensitive text match
(`fold_for_search`) is then the same on SQLite and PostgreSQL, and the page, its .xlsx and its
PDF list exactly the same lines.

One module per register: `outgoing` and `incoming`, over what both share in `common`.
"""

from .common import INCOMING_HEADERS, NO_HANDLER, OUTGOING_HEADERS, PER_PAGE
from .incoming import IncomingFilters, IncomingRegister, IncomingRow, incoming_register
from .outgoing import OutgoingFilters, OutgoingRegister, OutgoingRow, outgoing_register

__all__ = [
    "INCOMING_HEADERS",
    "NO_HANDLER",
    "OUTGOING_HEADERS",
    "PER_PAGE",
    "IncomingFilters",
    "IncomingRegister",
    "IncomingRow",
    "OutgoingFilters",
    "OutgoingRegister",
    "OutgoingRow",
    "incoming_register",
    "outgoing_register",
]
