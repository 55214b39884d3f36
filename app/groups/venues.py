"""A group's other venues (issue 18): the places, besides its main address, where it meets or works.

Each venue is an HSDS location (with the group's service at it) and, when public and placed from the
postcode table, is found by the directory's "near a postcode" search. The main address stays the group's
own (position 0, kept in step with its details by `locations.sync_main_location`); members add, change
and remove the others here. Any member of the group may, as any member may edit its details."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovTextArea
from sqlalchemy import func, select
from wtforms import BooleanField, TextAreaField
from wtforms.validators import Length, ValidationError

from app.audit import record
from app.extensions import db
from app.forms import ConfirmForm, strip_filter, submit_field, text_field
from app.groups import bp
from app.groups.locations import locate
from app.groups.models import GroupLocation, Organisation
from app.groups.routes import _member_org
from app.groups.validation import normalise_postcode
from app.i18n import _, _l
from app.security import signed_in_required


class VenueForm(FlaskForm):
    name = text_field(_l("Name of the venue"), _l("Enter the name of the venue"), max_length=200)
    address = TextAreaField(
        _l("Address"),
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[Length(max=300, message=_l("Address must be 300 characters or fewer"))],
    )
    postcode = text_field(_l("Postcode"), _l("Enter the venue's postcode"), max_length=20)
    public = BooleanField(_l("Show this venue on the public directory"), widget=GovCheckboxInput(), default=True)
    submit = submit_field(_l("Save venue"))

    def validate_postcode(self, field):
        normalised = normalise_postcode(field.data)
        if normalised is None:
            raise ValidationError(_("Enter a real UK postcode, like E1 6AN"))
        field.data = normalised


def _venues(org: Organisation) -> list[GroupLocation]:
    return list(
        db.session.scalars(
            select(GroupLocation)
            .where(GroupLocation.organisation_id == org.id)
            .order_by(GroupLocation.position, GroupLocation.id)
        )
    )


def _venue_of(org: Organisation, venue_id: int) -> GroupLocation:
    """One of the group's own other venues (never the main address, never another group's: 404)."""
    venue = db.session.get(GroupLocation, venue_id)
    if venue is None or venue.organisation_id != org.id or venue.position == 0:
        abort(404)
    return venue


def _save(venue: GroupLocation, form: VenueForm) -> None:
    venue.name = form.name.data
    venue.address_1 = " ".join((form.address.data or "").split())
    venue.postcode = form.postcode.data
    venue.public = bool(form.public.data)
    locate(venue)
    if venue.latitude is None:
        flash(
            _(
                "We do not have %(postcode)s on our map yet, so this venue will not show in "
                "“near a postcode” searches. Everything else is saved.",
                postcode=venue.postcode,
            ),
            "important",
        )


@bp.route("/my-group/<int:org_id>/venues", methods=["GET", "POST"])
@signed_in_required
def venues(org_id: int):
    """The group's venues, and the form to add one (the page shows its errors by the fields)."""
    org, _membership = _member_org(org_id)
    form = VenueForm()
    if form.validate_on_submit():
        last = db.session.scalar(
            select(func.max(GroupLocation.position)).where(GroupLocation.organisation_id == org.id)
        )
        venue = GroupLocation(organisation_id=org.id, position=max(last or 0, 0) + 1)
        _save(venue, form)
        db.session.add(venue)
        record("group.edited", org, name=org.name)
        db.session.commit()
        flash(_("%(venue)s has been added to your group's venues.", venue=venue.name), "success")
        return redirect(url_for("groups.venues", org_id=org.id), code=303)
    return render_template("groups/venues.html", org=org, venues=_venues(org), form=form)


@bp.route("/my-group/<int:org_id>/venues/<int:venue_id>/edit", methods=["GET", "POST"])
@signed_in_required
def edit_venue(org_id: int, venue_id: int):
    org, _membership = _member_org(org_id)
    venue = _venue_of(org, venue_id)
    form = VenueForm(
        data={"name": venue.name, "address": venue.address_1, "postcode": venue.postcode, "public": venue.public}
    )
    if form.validate_on_submit():
        _save(venue, form)
        record("group.edited", org, name=org.name)
        db.session.commit()
        flash(_("Your changes to %(venue)s have been saved.", venue=venue.name), "success")
        return redirect(url_for("groups.venues", org_id=org.id), code=303)
    return render_template("groups/venue_edit.html", org=org, venue=venue, form=form)


@bp.route("/my-group/<int:org_id>/venues/<int:venue_id>/remove", methods=["GET", "POST"])
@signed_in_required
def remove_venue(org_id: int, venue_id: int):
    """Asks first (GET), removes on the confirmed POST."""
    org, _membership = _member_org(org_id)
    venue = _venue_of(org, venue_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = venue.name
        db.session.delete(venue)
        record("group.edited", org, name=org.name)
        db.session.commit()
        flash(_("%(venue)s has been removed from your group's venues.", venue=name), "success")
        return redirect(url_for("groups.venues", org_id=org.id), code=303)
    return render_template("groups/venue_remove.html", org=org, venue=venue, form=form)
