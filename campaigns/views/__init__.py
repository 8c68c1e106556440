"""Pages of the campaigns app, one module per sub-domain: `campaigns` (campaigns and their
materials), `directives` (drafting, issuing and the issued document), `received` (directives
received, and implementing one), `imports` (directives that arrive as files) and `signing`
(signing an issued directive)."""

from .campaigns import (
    campaign_create,
    campaign_detail,
    campaign_edit,
    campaign_list,
    material_add,
    material_delete,
    material_file,
)
from .directives import (
    directive_create,
    directive_delete,
    directive_detail,
    directive_docx,
    directive_edit,
    directive_history,
    directive_issue,
    directive_list,
    directive_milestones,
    directive_pdf,
    directive_preview,
    directive_recipients,
    directive_replace,
)
from .imports import import_discard, import_review, import_upload
from .received import directive_implement, directive_source, received_list
from .signing import directive_pdf_unsigned, directive_sign, directive_upload_signed

__all__ = [
    "campaign_create",
    "campaign_detail",
    "campaign_edit",
    "campaign_list",
    "directive_create",
    "directive_delete",
    "directive_detail",
    "directive_docx",
    "directive_edit",
    "directive_history",
    "directive_implement",
    "directive_issue",
    "directive_list",
    "directive_milestones",
    "directive_pdf",
    "directive_pdf_unsigned",
    "directive_preview",
    "directive_recipients",
    "directive_replace",
    "directive_sign",
    "directive_source",
    "directive_upload_signed",
    "import_discard",
    "import_review",
    "import_upload",
    "material_add",
    "material_delete",
    "material_file",
    "received_list",
]
