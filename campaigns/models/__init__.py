"""Campaigns, their study materials, and the directives issued for them down the unit tree.

One module per sub-domain; every model is importable from `campaigns.models`.
"""

from .campaigns import Campaign, StudyMaterial
from .directives import Directive, DirectiveRecipient, Milestone, Obligation
from .imports import DirectiveImport
from .numbering import CommitteeTerm, DirectiveKind, DocumentCounter, IncomingCounter
from .signatures import SigningMethod

__all__ = [
    "Campaign",
    "CommitteeTerm",
    "Directive",
    "DirectiveImport",
    "DirectiveKind",
    "DirectiveRecipient",
    "DocumentCounter",
    "IncomingCounter",
    "Milestone",
    "Obligation",
    "SigningMethod",
    "StudyMaterial",
]
