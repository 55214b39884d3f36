"""Staff: importing subscribers from CSV and exporting the mailing list."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for

from app.audit import record
from app.extensions import db
from app.i18n import _
from app.mailing import bp, importer
from app.mailing.forms import ImportForm
from app.security import staff_required
from app.spreadsheets import ImportRefused
from app.times import today_in_london


def _csv_text(form: ImportForm) -> tuple[str, str | None]:
    """The CSV: an uploaded file, or the text carried over from the check; or why there is none."""
    text = form.csv_text.data or ""
    upload = request.files.get("file")
    if upload and upload.filename:
        try:
            text = importer.read_upload(upload.read(importer.MAX_BYTES + 1))
        except ImportRefused as exc:
            return text, str(exc)
    return text, None if text else _("Choose a CSV file to import")


def _checked(form: ImportForm) -> tuple[str, list | None, str | None]:
    """The CSV text, each row's outcome, and an error that stops the import."""
    text, error = _csv_text(form)
    if error:
        return text, None, error
    try:
        return text, importer.check_rows(text), None
    except ValueError as exc:  # ImportRefused is a ValueError
        return text, None, str(exc)


def _apply(results: list):
    counts = importer.apply_rows(results)
    record("subscribers.imported", None, **counts)
    db.session.commit()
    flash(
        _(
            "Imported %(confirmed)s subscribed and %(pending)s waiting for confirmation. "
            "Skipped %(exists)s already on the list, refused %(refused)s.",
            confirmed=counts["confirmed"],
            pending=counts["pending"],
            exists=counts["exists"],
            refused=counts["suppressed"] + counts["invalid"],
        ),
        "success",
    )
    return redirect(url_for("mailing.staff_subscribers"), code=303)


@bp.route("/staff/mailing-list/import", methods=["GET", "POST"])
@staff_required
def staff_import():
    """Check a CSV and show each row's outcome; import it when staff confirm."""
    form = ImportForm()
    results = None
    if form.validate_on_submit():
        text, results, error = _checked(form)
        if error:
            form.file.errors = [error]
        elif request.form.get("confirm") == "yes":
            return _apply(results)
        else:
            form.csv_text.data = text
    summary = None
    if results is not None:
        summary = {k: sum(1 for r in results if r.outcome == k) for k in importer.OUTCOMES}
    return render_template(
        "mailing/staff/import.html",
        form=form,
        results=results,
        summary=summary,
        outcomes=importer.OUTCOMES,
        columns=importer.COLUMNS,
    )


@bp.route("/staff/mailing-list/export.csv")
@staff_required
def staff_export():
    record("subscribers.exported", None)
    db.session.commit()
    response = make_response(importer.export_csv())
    response.mimetype = "text/csv"
    response.headers["Content-Disposition"] = f'attachment; filename="mailing-list-{today_in_london().isoformat()}.csv"'
    return response
