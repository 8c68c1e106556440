"""What the revision that signs a PDF may change: add the signature and what shows it, nothing else.

A signature covers its whole revision, so whatever else a tool writes into that revision (a new
content stream on a page, a changed font) is signed too and verifies as intact. pyHanko's diff
policy only looks at revisions after a signature, and cannot read an issued PDF without a form.
So the revision that signs the issued bytes is checked here: every object it overwrites must be
one a signature touches (the catalogue gaining its form, a page gaining the widget, the form, the
document information and metadata), and every object it adds must hang from the signature field,
its widget and appearance, the form, or the validation data.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader

# Catalogue entries a signature may add or change: the form holding the field, the PAdES
# extension declaration, XMP metadata, validation data (DSS), a certification's /Perms, and what
# pyHanko's own diff policy also lets signing tools touch (/MarkInfo, /Version).
CATALOG_KEYS = frozenset(
    {"/AcroForm", "/Extensions", "/Metadata", "/DSS", "/Perms", "/MarkInfo", "/Version"}
)
PAGE_KEYS = frozenset({"/Annots"})
FORM_KEYS = frozenset({"/Fields", "/SigFlags", "/DR", "/DA", "/Q", "/NeedAppearances"})
# Objects of the file's structure, not of the document: cross-reference and object streams.
STRUCTURE_TYPES = frozenset({"/XRef", "/ObjStm"})
MAX_PARENTS = 32  # a field's /Parent chain; a cycle stops here

Ref = tuple[int, int]


def _ref(value: Any) -> Ref | None:
    if isinstance(value, generic.IndirectObject):
        return (value.idnum, value.generation)
    return None


def _raw(container: Any, key: Any) -> Any:
    """An entry as written (a reference stays a reference), or None when absent."""
    try:
        return container.raw_get(key)
    except (KeyError, IndexError):
        return None


def _same(a: Any, b: Any) -> bool:
    """Whether two PDF values are written the same (references compared, not followed)."""
    if isinstance(a, generic.IndirectObject) or isinstance(b, generic.IndirectObject):
        return _ref(a) is not None and _ref(a) == _ref(b)
    if isinstance(a, generic.StreamObject) or isinstance(b, generic.StreamObject):
        return (
            isinstance(a, generic.StreamObject)
            and isinstance(b, generic.StreamObject)
            and _same_dict(a, b)
            and (a.encoded_data == b.encoded_data or a.data == b.data)
        )
    if isinstance(a, generic.DictionaryObject) or isinstance(b, generic.DictionaryObject):
        return (
            isinstance(a, generic.DictionaryObject)
            and isinstance(b, generic.DictionaryObject)
            and _same_dict(a, b)
        )
    if isinstance(a, list) or isinstance(b, list):
        return (
            isinstance(a, list)
            and isinstance(b, list)
            and len(a) == len(b)
            and all(_same(x, y) for x, y in zip(a, b, strict=True))
        )
    return type(a) is type(b) and bool(a == b)


def _same_dict(a: generic.DictionaryObject, b: generic.DictionaryObject) -> bool:
    return a.keys() == b.keys() and all(_same(a.raw_get(k), b.raw_get(k)) for k in a)


def _changed_keys(before: Any, after: Any) -> set[str]:
    """The keys whose values differ between two versions of a dictionary (absent: {})."""
    old = before if isinstance(before, generic.DictionaryObject) else generic.DictionaryObject()
    new = after if isinstance(after, generic.DictionaryObject) else generic.DictionaryObject()
    return {str(key) for key in set(old) | set(new) if not _same(_raw(old, key), _raw(new, key))}


def _resolve(value: Any) -> Any:
    return value.get_object() if isinstance(value, generic.IndirectObject) else value


def _pages(resolver: HistoricalResolver) -> Iterator[tuple[Ref, Any, Ref | None]]:
    """(reference, dictionary, reference of its /Annots array) of every page; loops walked once."""
    seen: set[Ref] = set()
    stack = [_raw(resolver.root, "/Pages")]
    while stack:
        raw = stack.pop()
        ref = _ref(raw)
        if ref is None or ref in seen:
            continue  # a page or a node is always an indirect object
        seen.add(ref)
        node = raw.get_object()
        if not isinstance(node, generic.DictionaryObject):
            continue
        kids = _resolve(_raw(node, "/Kids"))
        if isinstance(kids, list):
            stack.extend(kids)
        else:
            yield ref, node, _ref(_raw(node, "/Annots"))


def _field_type(field: Any) -> Any:
    for _ in range(MAX_PARENTS):
        if not isinstance(field, generic.DictionaryObject):
            return None
        if "/FT" in field:
            return field.raw_get("/FT")
        field = _resolve(_raw(field, "/Parent"))
    return None


def _is_signature_widget(annot: Any) -> bool:
    annot = _resolve(annot)
    return (
        isinstance(annot, generic.DictionaryObject)
        and annot.get("/Subtype") == "/Widget"
        and _field_type(annot) == "/Sig"
    )


def _added(before: Any, after: Any) -> list[Any] | None:
    """The entries the array `after` adds to the array `before` (absent: empty), or None when
    it also drops or rewrites one of them."""
    old, new = _resolve(before) or [], _resolve(after) or []
    if not isinstance(old, list) or not isinstance(new, list):
        return None
    remaining = list(new)
    for entry in old:
        match = next((i for i, candidate in enumerate(remaining) if _same(entry, candidate)), None)
        if match is None:
            return None
        del remaining[match]
    return remaining


def _reachable(starts: Iterable[Any], new: set[Ref]) -> set[Ref]:
    """The new objects reached from `starts` through new objects only."""
    found: set[Ref] = set()
    stack = list(starts)
    while stack:
        value = stack.pop()
        ref = _ref(value)
        if ref is not None:
            if ref not in new or ref in found:
                continue  # an object of the issued revision: checked on its own
            found.add(ref)
            value = value.get_object()
        if isinstance(value, generic.DictionaryObject):  # streams too
            stack.extend(value.raw_get(key) for key in value)
        elif isinstance(value, list):
            stack.extend(value)
    return found


def _is_structure(obj: Any) -> bool:
    return isinstance(obj, generic.DictionaryObject) and obj.get("/Type") in STRUCTURE_TYPES


def signing_changes(reader: PdfFileReader, revision: int) -> str | None:
    """Why `revision` of `reader` does more than add a signature to revision - 1, or None.

    The reason is for the log (English); the caller tells the user.
    """
    xrefs = reader.xrefs
    if revision < 1 or revision >= xrefs.total_revisions:
        return f"no revision {revision}"
    if xrefs.refs_freed_in_revision(revision):
        return "objects deleted"
    before = reader.get_historical_resolver(revision - 1)
    after = reader.get_historical_resolver(revision)
    written = {(r.idnum, r.generation) for r in xrefs.explicit_refs_in_revision(revision)}
    existed = {
        ref
        for ref in written
        if xrefs.get_historical_ref(generic.Reference(*ref), revision - 1) is not None
    }
    new = written - existed

    root_ref = _ref(before.trailer_view.raw_get("/Root"))
    if root_ref is None or _ref(after.trailer_view.raw_get("/Root")) != root_ref:
        return "catalogue replaced"
    old_root, new_root = before.root, after.root
    catalog_changes = _changed_keys(old_root, new_root)
    if catalog_changes - CATALOG_KEYS:
        return f"catalogue entries changed: {sorted(catalog_changes - CATALOG_KEYS)}"
    may_change = {root_ref}
    starts: list[Any] = [new_root.raw_get(key) for key in catalog_changes if key in new_root]

    # The form: only signature fields added to it.
    old_form, new_form = _raw(old_root, "/AcroForm"), _raw(new_root, "/AcroForm")
    form_changes = _changed_keys(_resolve(old_form), _resolve(new_form))
    if form_changes - FORM_KEYS:
        return f"form entries changed: {sorted(form_changes - FORM_KEYS)}"
    old_fields = _raw(_resolve(old_form), "/Fields") if old_form is not None else None
    new_fields = _raw(_resolve(new_form), "/Fields") if new_form is not None else None
    added_fields = _added(old_fields, new_fields)
    if added_fields is None:
        return "form fields removed"
    if any(_field_type(_resolve(field)) != "/Sig" for field in added_fields):
        return "a field that is not a signature added"
    may_change |= {r for r in (_ref(old_form), _ref(old_fields)) if r is not None}
    if new_form is not None:
        starts.append(new_form)

    # The pages: as issued, but for signature widgets added to their annotations.
    for page_ref, old_page, annots_ref in _pages(before):
        if page_ref not in written and annots_ref not in written:
            continue
        new_page = after.get_object(generic.Reference(*page_ref))
        if _changed_keys(old_page, new_page) - PAGE_KEYS:
            return f"page object {page_ref[0]} changed"
        added = _added(_raw(old_page, "/Annots"), _raw(new_page, "/Annots"))
        if added is None:
            return f"annotations removed from page object {page_ref[0]}"
        if not all(_is_signature_widget(annot) for annot in added):
            return f"an annotation that is not a signature added to page object {page_ref[0]}"
        starts.extend([_raw(new_page, "/Annots"), *added])
        may_change |= {page_ref} | ({annots_ref} if annots_ref else set())

    # Document information and XMP metadata say nothing the pages show.
    info = _raw(after.trailer_view, "/Info")
    may_change |= {
        r
        for r in (_ref(_raw(before.trailer_view, "/Info")), _ref(_raw(old_root, "/Metadata")))
        if r
    }
    if info is not None:
        starts.append(info)

    # Some tools write unchanged objects again: only a different one counts.
    changed = sorted(
        ref
        for ref in existed - may_change
        if not _same(
            before.get_object(generic.Reference(*ref)), after.get_object(generic.Reference(*ref))
        )
    )
    if changed:
        return f"objects of the issued revision changed: {[ref[0] for ref in changed]}"
    # A new object the signature does not reach is unused (some tools leave a few), unless it
    # takes a number the issued revision had already handed out: a reference there to a missing
    # object would then show it.
    issued_size = int(before.trailer_view.get("/Size", 0))
    stray = [
        ref
        for ref in new - _reachable(starts, new)
        if ref[0] < issued_size and not _is_structure(after.get_object(generic.Reference(*ref)))
    ]
    if stray:
        return f"objects added outside the signature: {sorted(ref[0] for ref in stray)}"
    return None
