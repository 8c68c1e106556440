"""Every write to units, their names, memberships, users and tree imports.

One module per sub-domain: `units` (create, update, rename, move), `reorganise` (mergers,
splits, closures), `reorganise_file` and `reorganise_import` (the same from a spreadsheet:
read and checked, then previewed and applied), `memberships` (users and their roles) and
`tree_import` (the spreadsheet import). Callers import from here.
"""

from .memberships import membership_create, membership_end, membership_grant, user_create
from .reorganise import (
    CarryOver,
    Decision,
    Handover,
    NewUnit,
    lineage_of,
    on_handover,
    proposed_carry_over,
    record_simple_operation,
    unit_close,
    unit_merge,
    unit_split,
)
from .reorganise_file import BatchResult
from .reorganise_import import (
    reorganisation_batch_apply,
    reorganisation_batch_apply_start,
    reorganisation_batch_preview,
    reorganisation_batch_start,
    reorganise_rows,
)
from .tree_import import (
    COUNT_FIELDS,
    COUNT_PATTERN,
    FALSE_WORDS,
    HEADERS,
    NAME_FIELDS,
    TRUE_WORDS,
    UNEXPECTED_IMPORT_ERROR,
    ImportResult,
    Progress,
    RowError,
    unit_import_run,
    unit_import_start,
    unit_tree_import,
)
from .units import (
    UNIT_EDITABLE_FIELDS,
    remember_paths,
    unit_create,
    unit_move,
    unit_rename,
    unit_update,
)

__all__ = [
    "COUNT_FIELDS",
    "COUNT_PATTERN",
    "FALSE_WORDS",
    "HEADERS",
    "NAME_FIELDS",
    "TRUE_WORDS",
    "UNEXPECTED_IMPORT_ERROR",
    "UNIT_EDITABLE_FIELDS",
    "BatchResult",
    "CarryOver",
    "Decision",
    "Handover",
    "ImportResult",
    "NewUnit",
    "Progress",
    "RowError",
    "lineage_of",
    "membership_create",
    "membership_end",
    "membership_grant",
    "on_handover",
    "proposed_carry_over",
    "record_simple_operation",
    "remember_paths",
    "reorganisation_batch_apply",
    "reorganisation_batch_apply_start",
    "reorganisation_batch_preview",
    "reorganisation_batch_start",
    "reorganise_rows",
    "unit_close",
    "unit_create",
    "unit_import_run",
    "unit_import_start",
    "unit_merge",
    "unit_move",
    "unit_rename",
    "unit_split",
    "unit_tree_import",
    "unit_update",
    "user_create",
]
