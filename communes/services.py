"""Writes of communes: the plan-management forms' shared save, and new communes of a province.

One transaction each, validation, an audit row per change.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from communes.audit import audit_record
from communes.invitations import staff_invite
from communes.models import AuditAction, Commune, CommuneKind, Province, Role, Unit, UnitKind
from communes.slugs import slug_free, slug_vi


def _display(field: forms.Field, value):
    if isinstance(value, models.QuerySet):  # a multiple choice: the units chosen, not a pk
        return list(value)
    if isinstance(field, forms.ModelChoiceField) and not isinstance(
        value, models.Model | list | tuple
    ):
        return field.queryset.filter(pk=value).first() if value not in (None, "") else None
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return dict(field.choices).get(value, value)
    return value


@transaction.atomic
def model_form_save(
    *, actor, commune: Commune, form: forms.ModelForm, reason: str = ""
) -> models.Model:
    """Save a validated ModelForm of a commune's object and record what changed."""
    creating = form.instance.pk is None
    changes = []
    for name in form.changed_data:
        if name not in form.Meta.fields:
            continue
        field = form.fields[name]
        changes.append(
            (
                str(field.label),
                _display(field, form.initial.get(name)),
                _display(field, form.cleaned_data[name]),
            )
        )
    obj = form.save()
    if creating:
        audit_record(
            actor=actor, commune=commune, obj=obj, action=AuditAction.CREATE, reason=reason
        )
    else:
        for label, old, new in changes:
            audit_record(
                actor=actor, commune=commune, obj=obj, field=label, old=old, new=new, reason=reason
            )
    return obj


# --- New communes, created by the province one at a time or from its Excel list ------------

STANDING_OFFICE_NAME = "Phòng Văn hóa - Xã hội"
STANDING_OFFICE_SHORT_NAME = "Phòng VH-XH"
COMMUNES_AT_ONCE = 1000  # a province has at most a few hundred communes


@dataclass
class CommuneDraft:
    """One commune to create, as typed in the form or in a row of the Excel list."""

    name: str
    kind: str = ""
    code: str = ""
    office_email: str = ""
    office_name: str = ""
    row: int | None = None  # the row of the Excel sheet, for the messages


@dataclass(frozen=True)
class CommuneError:
    message: str
    row: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


class CommunesInvalid(Exception):
    """The communes asked for cannot all be created: nothing was, and here is why, row by row."""

    def __init__(self, errors: list[CommuneError]):
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


def _clean_text(value) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value or "")).split())


def _name_key(name: str) -> str:
    return name.casefold()


_KIND_BY_SLUG = {slug_vi(kind.value): kind.value for kind in CommuneKind}
_CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _kind_and_name(draft: CommuneDraft) -> list[CommuneError]:
    """Read the kind ("xã", "Phường", "dac khu"…); a leading "Xã"/"Phường"/"Đặc khu" leaves the name."""
    errors = []
    kind = _KIND_BY_SLUG.get(slug_vi(draft.kind)) if draft.kind else None
    if draft.kind and kind is None:
        errors.append(
            CommuneError(
                _("the kind «%(kind)s» is not one of: xã, phường, đặc khu.") % {"kind": draft.kind},
                draft.row,
                "kind",
            )
        )
    for prefix in ("đặc khu", "phường", "xã"):
        rest = draft.name[len(prefix) + 1 :].strip()
        if draft.name[: len(prefix) + 1].casefold() == prefix + " " and rest:
            if kind and kind != prefix:
                errors.append(
                    CommuneError(
                        _("the name begins with «%(prefix)s» but the kind is «%(kind)s».")
                        % {"prefix": draft.name[: len(prefix)], "kind": kind},
                        draft.row,
                        "name",
                    )
                )
            kind = kind or prefix
            draft.name = rest
            break
    if not draft.kind and kind is None:
        errors.append(
            CommuneError(_("the kind is missing (xã, phường or đặc khu)."), draft.row, "kind")
        )
    draft.kind = kind or draft.kind
    return errors


def communes_check(*, province: Province, drafts: list[CommuneDraft]) -> list[CommuneError]:
    """Tidy the drafts in place and list what stops any of them from being created.

    Each must have a name, a kind and a valid standing-office e-mail; its name and its code
    (where given) must be new in the province and in the list, its code new in the country.
    """
    errors: list[CommuneError] = []
    existing = {
        _name_key(_clean_text(name)): (name, code, kind)
        for name, code, kind in Commune.objects.filter(province=province).values_list(
            "name", "code", "kind"
        )
    }
    given_codes = {_clean_text(draft.code).lower() for draft in drafts} - {""}
    taken_codes = dict(
        Commune.objects.filter(code__in=given_codes).values_list("code", "province_id")
    )
    seen_names: dict[str, int | None] = {}
    seen_codes: dict[str, int | None] = {}
    seen_emails: dict[str, int | None] = {}

    def earlier(row: int | None) -> str:
        return _(" (the same as row %(row)s)") % {"row": row} if row else ""

    for draft in drafts:
        row = draft.row
        draft.name = _clean_text(draft.name)
        draft.kind = _clean_text(draft.kind).lower()
        draft.code = _clean_text(draft.code).lower()
        draft.office_email = _clean_text(draft.office_email).lower()
        draft.office_name = _clean_text(draft.office_name)
        if not draft.name:
            errors.append(CommuneError(_("the name of the commune is missing."), row, "name"))
        else:
            errors += _kind_and_name(draft)
        if len(draft.name) > Commune._meta.get_field("name").max_length:
            errors.append(CommuneError(_("the name is longer than 100 characters."), row, "name"))
        key = _name_key(draft.name)
        if draft.name and key in existing:
            errors.append(
                CommuneError(
                    _("the province already has %(kind)s %(name)s (code %(code)s).")
                    % dict(zip(("name", "code", "kind"), existing[key], strict=True)),
                    row,
                    "name",
                )
            )
        elif draft.name and key in seen_names:
            errors.append(
                CommuneError(
                    _("the name %(name)s is in the list twice%(earlier)s.")
                    % {"name": draft.name, "earlier": earlier(seen_names[key])},
                    row,
                    "name",
                )
            )
        seen_names.setdefault(key, row)

        if draft.code:
            if len(draft.code) > 50 or not _CODE.match(draft.code):
                errors.append(
                    CommuneError(
                        _(
                            "the code «%(code)s» may hold only letters without accents, digits "
                            "and hyphens (e.g. 16108)."
                        )
                        % {"code": draft.code},
                        row,
                        "code",
                    )
                )
            elif draft.code in taken_codes:
                errors.append(
                    CommuneError(
                        _("the code %(code)s is already the code of another commune.")
                        % {"code": draft.code},
                        row,
                        "code",
                    )
                )
            elif draft.code in seen_codes:
                errors.append(
                    CommuneError(
                        _("the code %(code)s is in the list twice%(earlier)s.")
                        % {"code": draft.code, "earlier": earlier(seen_codes[draft.code])},
                        row,
                        "code",
                    )
                )
            seen_codes.setdefault(draft.code, row)

        if not draft.office_email:
            errors.append(
                CommuneError(
                    _("the e-mail of the standing office (Phòng Văn hóa - Xã hội) is missing."),
                    row,
                    "office_email",
                )
            )
        else:
            try:
                validate_email(draft.office_email)
            except ValidationError:
                errors.append(
                    CommuneError(
                        _("the e-mail «%(email)s» is not a valid address.")
                        % {"email": draft.office_email},
                        row,
                        "office_email",
                    )
                )
            else:
                # One address for two communes would give one person both: most likely a copy slip.
                if draft.office_email in seen_emails:
                    errors.append(
                        CommuneError(
                            _("the e-mail %(email)s is given for two communes%(earlier)s.")
                            % {
                                "email": draft.office_email,
                                "earlier": earlier(seen_emails[draft.office_email]),
                            },
                            row,
                            "office_email",
                        )
                    )
                seen_emails.setdefault(draft.office_email, row)
        if len(draft.office_name) > 150:
            errors.append(
                CommuneError(
                    _("the name of the person invited is longer than 150 characters."),
                    row,
                    "office_name",
                )
            )
    return errors


def _codes_assign(province: Province, drafts: list[CommuneDraft]) -> None:
    """A code for each draft without its official one: the slug of its name, made unique."""
    province_slug = slug_vi(province.name)
    bases = {slug_vi(draft.name) or slug_vi(draft.kind) for draft in drafts if not draft.code}
    starts = Q(pk__in=[])
    for base in bases:
        starts |= Q(code__startswith=base)
    taken = set(Commune.objects.filter(starts).values_list("code", flat=True))
    taken |= {draft.code for draft in drafts if draft.code}
    for draft in drafts:
        if not draft.code:
            base = slug_vi(draft.name) or slug_vi(draft.kind)
            # Names repeat across provinces ("Tân Lập"): the province's name tells them apart.
            draft.code = slug_free([base, f"{base}-{province_slug}"], taken)
            taken.add(draft.code)


@transaction.atomic
def _communes_write(
    *, actor, province: Province, drafts: list[CommuneDraft], source: str
) -> list[Commune]:
    errors = communes_check(province=province, drafts=drafts)
    if errors:
        raise CommunesInvalid(errors)
    _codes_assign(province, drafts)
    communes = []
    for draft in drafts:
        commune = Commune(province=province, code=draft.code, name=draft.name, kind=draft.kind)
        commune.full_clean()
        commune.save()
        if draft.row:
            row_reason = _("Imported from the Excel list %(file)s, row %(row)s.") % {
                "file": source,
                "row": draft.row,
            }
        else:
            row_reason = _("Created by the province.")
        audit_record(
            actor=actor, commune=commune, obj=commune, action=AuditAction.CREATE, reason=row_reason
        )
        office = Unit(
            commune=commune,
            kind=UnitKind.STANDING_OFFICE,
            name=STANDING_OFFICE_NAME,
            short_name=STANDING_OFFICE_SHORT_NAME,
            order=1,
        )
        office.full_clean()
        office.save()
        audit_record(
            actor=actor, commune=commune, obj=office, action=AuditAction.CREATE, reason=row_reason
        )
        # The mail goes when the whole list is committed (staff_invite sends it on commit).
        staff_invite(
            actor=actor,
            commune=commune,
            email=draft.office_email,
            full_name=draft.office_name or f"{STANDING_OFFICE_NAME} {commune.kind} {commune.name}",
            role=Role.STANDING_OFFICE,
        )
        communes.append(commune)
    return communes


def communes_create(
    *, actor, province: Province, drafts: list[CommuneDraft], source: str = ""
) -> list[Commune]:
    """Create every commune of the list, each with its standing office invited, or none of them.

    Raises `CommunesInvalid` with every row's errors; nothing is written then.
    """
    if not drafts:
        raise CommunesInvalid([CommuneError(_("The list holds no commune."))])
    if len(drafts) > COMMUNES_AT_ONCE:
        raise CommunesInvalid(
            [
                CommuneError(
                    _("The list holds %(count)s communes; at most %(limit)s at a time.")
                    % {"count": len(drafts), "limit": COMMUNES_AT_ONCE}
                )
            ]
        )
    try:
        return _communes_write(actor=actor, province=province, drafts=drafts, source=source)
    except IntegrityError:
        # Someone else created one of these communes meanwhile: nothing of this list was kept.
        raise CommunesInvalid(
            [
                CommuneError(
                    _(
                        "A commune of the list was created by someone else meanwhile; nothing "
                        "was saved. Reload the page and try again."
                    )
                )
            ]
        ) from None


def commune_create(
    *,
    actor,
    province: Province,
    name: str,
    kind: str,
    code: str = "",
    office_email: str,
    office_name: str = "",
) -> Commune:
    """One new commune of the province, its standing office (Phòng VH-XH) and its invitation."""
    draft = CommuneDraft(
        name=name, kind=kind, code=code, office_email=office_email, office_name=office_name
    )
    (commune,) = communes_create(actor=actor, province=province, drafts=[draft])
    return commune


def communes_import_excel(*, actor, province: Province, upload) -> list[Commune]:
    """The communes of an uploaded Excel list (the portal's template): all of them, or none."""
    from communes.excel import commune_list_read  # it reads into this module's drafts

    drafts = commune_list_read(upload)
    return communes_create(actor=actor, province=province, drafts=drafts, source=upload.name)
