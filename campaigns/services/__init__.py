"""Every write to campaigns and directives, one module per sub-domain: `campaigns` (campaigns
and their materials), `drafting` (a draft's text, recipients and milestones), `issuing`
(numbering, issuing, implementing and replacing), `importing` (directives received as files) and
`signing` (signing an issued directive, or keeping one signed elsewhere).
"""

from .campaigns import (
    CAMPAIGN_FIELDS,
    campaign_create,
    campaign_update,
    material_add,
    material_delete,
)
from .drafting import (
    DRAFT_EDIT_FIELDS,
    DRAFT_FIELDS,
    MilestoneData,
    directive_create,
    directive_delete,
    directive_update,
    milestone_row,
    milestones_replace,
    recipients_add,
    recipients_remove,
)
from .importing import (
    CAMPAIGN_DAYS,
    AlreadyHeldError,
    import_confirm,
    import_discard,
    import_upload,
    imports_expire,
)
from .issuing import (
    _next_number,  # the PostgreSQL numbering test races it directly
    counted_members,
    directive_implement,
    directive_issue,
    directive_replace,
    issue_problems,
    record_obligations,
)
from .numbering import (
    claim_document_number,
    next_document_number,
    register_incoming,
    report_kind,
)
from .registers import incoming_assign
from .signing import directive_sign, directive_upload_signed, signing_refusal

__all__ = [
    "CAMPAIGN_DAYS",
    "CAMPAIGN_FIELDS",
    "DRAFT_EDIT_FIELDS",
    "DRAFT_FIELDS",
    "AlreadyHeldError",
    "MilestoneData",
    "_next_number",
    "campaign_create",
    "campaign_update",
    "claim_document_number",
    "counted_members",
    "directive_create",
    "directive_delete",
    "directive_implement",
    "directive_issue",
    "directive_replace",
    "directive_sign",
    "directive_update",
    "directive_upload_signed",
    "import_confirm",
    "import_discard",
    "import_upload",
    "imports_expire",
    "incoming_assign",
    "issue_problems",
    "material_add",
    "material_delete",
    "milestone_row",
    "milestones_replace",
    "next_document_number",
    "recipients_add",
    "recipients_remove",
    "record_obligations",
    "register_incoming",
    "report_kind",
    "signing_refusal",
]
