"""The period form (GET): a quarter from the list, or custom start and end dates (GOV.UK date inputs)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField

from app.forms import GovDateField
from app.i18n import _, _l
from app.reports.periods import Period, period_problem, quarter_label, quarter_period, recent_quarters


class PeriodDateField(GovDateField):
    """GovDateField that always keeps three boxes' worth of raw input (a hand-made URL may send
    one or four values; the widget needs exactly day, month and year to show them again)."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [str(v)[:10] for v in [*valuelist, "", "", ""][:3]]
        try:
            super().process_formdata(valuelist)
        finally:
            if valuelist:
                self.raw_data = valuelist


def quarter_value(year: int, quarter: int) -> str:
    return f"{year}-q{quarter}"


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    quarter = SelectField(_l("Quarter"), widget=GovSelect(), validate_choice=False)
    show_quarter = SubmitField(_l("Show quarter"), widget=GovSubmitInput())
    start = PeriodDateField(
        _l("Start date"), message=_l("The start date must be a real date, like 1 4 2026"),
        description=_l("For example, 1 4 2026"),
    )  # fmt: skip
    end = PeriodDateField(
        _l("End date"), message=_l("The end date must be a real date, like 30 6 2026"),
        description=_l("For example, 30 6 2026"),
    )  # fmt: skip
    show_dates = SubmitField(_l("Show these dates"), widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.quarters = {quarter_value(y, q): (y, q) for y, q in recent_quarters(12)}
        self.quarter.choices = [(value, quarter_label(*yq)) for value, yq in self.quarters.items()]

    @property
    def custom(self) -> bool:
        """Dates were typed (they win over the quarter)."""
        return any((v or "").strip() for field in (self.start, self.end) for v in (field.raw_data or []))

    def period(self) -> Period | None:
        """The chosen period, or None with errors on the fields."""
        if self.custom:
            return self._custom_period()
        value = (self.quarter.data or "").strip().lower()
        if not value:
            return quarter_period(*recent_quarters(1)[0])
        if value not in self.quarters:
            self.quarter.errors = [_("Select a quarter from the list")]
            return None
        return quarter_period(*self.quarters[value])

    def _custom_period(self) -> Period | None:
        ok = True
        for field, name in ((self.start, "start"), (self.end, "end")):
            field.errors = list(field.process_errors)
            if field.errors:
                ok = False
            elif field.data is None:
                field.errors = [
                    _("Enter the start date of the period")
                    if name == "start"
                    else _("Enter the end date of the period")
                ]
                ok = False
        if not ok:
            return None
        problem = period_problem(self.start.data, self.end.data)
        if problem:
            getattr(self, problem[0]).errors = [problem[1]]
            return None
        return Period(self.start.data, self.end.data)
