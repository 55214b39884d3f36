"""A group's description in the portal's other languages (issue 22).

Members of the group (as for its details and venues) and staff write, change and remove the
description in Bengali, Somali and Urdu; the public profile shows the reader's language when the
group has written it, English otherwise (templates/groups/profile.html). The text is checked and
cleaned as the English description is (GroupDetailsForm.description), and each change is audited as
an edit of the group and refreshes its search text, so the directory search finds it too."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount
from sqlalchemy import select
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from app import coedit
from app.audit import record
from app.db import child_or_404
from app.extensions import db
from app.forms import ConfirmForm, strip_filter, submit_field
from app.groups import bp
from app.groups.languages import joined, name_of, tag_names
from app.groups.models import GroupDescription, Organisation
from app.groups.routes import WITH_TAGS, _member_org
from app.groups.services import membership_of, refresh_search
from app.i18n import _, _l
from app.i18n.languages import LANGUAGES, TRANSLATED, Language
from app.security import has_role, signed_in_required

MAX_LENGTH = 2000  # as the English description

# The languages a group works in, named in the reader's language (templates/groups/_summary.html).
bp.add_app_template_filter(tag_names, "language_names")
# Lists joined as the reader's language joins them ("،" and "اور" in Urdu).
bp.add_app_template_filter(joined, "joined_list")


class DescriptionForm(FlaskForm):
    description = TextAreaField(
        _l("Description"),
        widget=GovCharacterCount(),
        filters=[strip_filter],
        validators=[
            DataRequired(message=_l("Enter your group's description in this language")),
            Length(max=MAX_LENGTH, message=_l("Description must be 2,000 characters or fewer")),
        ],
    )
    submit = submit_field(_l("Save description"))


def _group(org_id: int) -> Organisation:
    """The group, for its own members and for staff; 404 for anyone else (no IDOR)."""
    if has_role(current_user, "staff"):
        return child_or_404(Organisation, org_id, load=WITH_TAGS)
    return _member_org(org_id)[0]


def _language(code: str) -> Language:
    """One of the portal's languages other than English; 404 for anything else."""
    if code not in TRANSLATED:
        abort(404)
    return LANGUAGES[code]


def descriptions_of(org_id: int) -> dict[str, GroupDescription]:
    rows = db.session.scalars(select(GroupDescription).where(GroupDescription.group_id == org_id))
    return {row.language: row for row in rows}


def _changed(org: Organisation, language: Language, verb: str) -> None:
    refresh_search(org)
    record("group.edited", org, name=org.name, description_language=language.code, change=verb)


@bp.route("/my-group/<int:org_id>/descriptions")
@signed_in_required
def descriptions(org_id: int):
    org = _group(org_id)
    rows = descriptions_of(org.id)
    languages = [(LANGUAGES[code], name_of(code), rows.get(code)) for code in TRANSLATED]
    # Staff who are not members of the group came from the staff area and go back there.
    staff_view = membership_of(current_user, org.id) is None
    return render_template("groups/descriptions.html", org=org, languages=languages, staff_view=staff_view)


@bp.route("/my-group/<int:org_id>/descriptions/<language>", methods=["GET", "POST"])
@signed_in_required
def edit_description(org_id: int, language: str):
    org = _group(org_id)
    lang = _language(language)
    row = descriptions_of(org.id).get(lang.code)
    stored = row.description if row else ""
    form = DescriptionForm(data={"description": stored})
    # The text the page was opened with (sent back as description__was): a save never silently
    # replaces what someone else saved meanwhile (app/coedit.py).
    was = request.form.get(coedit.was_name("description"), stored) if request.method == "POST" else stored
    theirs = None
    if form.validate_on_submit():
        started = coedit.started_values(request.form, ["description"])
        result = coedit.merge({"description": stored}, {"description": form.description.data}, started)
        if "description" in result.conflicts:
            theirs = result.conflicts["description"]
            was = stored  # the next save, having seen their text, goes through
            form.description.errors.append(
                _("Someone else saved a change to this while you were editing: see their text, then save again")
            )
        else:
            if "description" in result.changes:
                _save_description(org, lang, row, result.changes["description"])
            flash(_("Your description in %(language)s has been saved.", language=name_of(lang.code)), "success")
            return redirect(url_for("groups.descriptions", org_id=org.id), code=303)
    return render_template(
        "groups/description_edit.html",
        org=org,
        lang=lang,
        language_name=name_of(lang.code),
        form=form,
        row=row,
        was=was,
        theirs=theirs,
    )


def _save_description(org: Organisation, lang: Language, row: GroupDescription | None, text: str) -> None:
    if row is None:
        row = GroupDescription(group_id=org.id, language=lang.code)
        db.session.add(row)
    row.description = text
    row.updated_by_id = current_user.id
    db.session.flush()
    _changed(org, lang, "saved")
    db.session.commit()


@bp.route("/my-group/<int:org_id>/descriptions/<language>/remove", methods=["GET", "POST"])
@signed_in_required
def remove_description(org_id: int, language: str):
    """Asks first (GET), removes on the confirmed POST; a language with no description is a 404."""
    org = _group(org_id)
    lang = _language(language)
    row = descriptions_of(org.id).get(lang.code)
    if row is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        db.session.delete(row)
        db.session.flush()
        _changed(org, lang, "removed")
        db.session.commit()
        flash(_("Your description in %(language)s has been removed.", language=name_of(lang.code)), "success")
        return redirect(url_for("groups.descriptions", org_id=org.id), code=303)
    return render_template(
        "groups/description_remove.html", org=org, lang=lang, language_name=name_of(lang.code), form=form
    )
