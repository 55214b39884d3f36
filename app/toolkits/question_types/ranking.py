"""Ranking: respondents number their top choices 1, 2, 3… (up to the question's `rank_top`)."""

from __future__ import annotations

from app.i18n import _
from app.toolkits.question_types.base import AnswerError, Parsed, QuestionType, short_label
from app.toolkits.results import OptionResult


def statement_form(first_score: float, second_score: float) -> str:
    """How the two highest-scored options stand: "equal", "close" or "followed"."""
    if second_score == first_score:
        return "equal"
    return "close" if second_score >= 0.8 * first_score else "followed"


def ranking_sentence(form: str, first: str, second: str = "") -> str:
    """The finding in one whole sentence (translated): `form` is "alone" or one of statement_form's."""
    if form == "alone":
        return _("%(first)s was ranked first.", first=first)
    if form == "equal":
        return _("%(first)s and %(second)s were ranked equal first.", first=first, second=second)
    if form == "close":
        return _("%(first)s was ranked first, closely followed by %(second)s.", first=first, second=second)
    return _("%(first)s was ranked first, followed by %(second)s.", first=first, second=second)


def ranking_statement(options: list[OptionResult]) -> str:
    ranked = [o for o in options if o.borda > 0]
    if not ranked:
        return ""
    first = ranked[0]
    if len(ranked) == 1:
        return ranking_sentence("alone", first.label)
    second = ranked[1]
    return ranking_sentence(statement_form(first.borda, second.borda), first.label, second.label)


class RankingType(QuestionType):
    answer_seconds = 60
    name = "ranking"
    macro = "ranking"
    settings = ("rank_top",)
    has_options = True
    multi_row = True
    counts_options = True
    ranked = True

    def parse(self, form):
        offered = {o["id"] for o in self.choices}
        prefix = f"{self.field_name}-"
        if any(k.startswith(prefix) and k[len(prefix) :] not in offered for k in form):
            return Parsed(value=self.form_value(form), error=_("Rank only the options offered"))
        return super().parse(form)

    def form_value(self, form) -> dict[str, str]:
        return {o["id"]: (form.get(f"{self.field_name}-{o['id']}") or "").strip() for o in self.choices}

    def is_blank(self, value) -> bool:
        return not any(value.values())

    def validate(self, value) -> list[dict]:
        chosen = {k: v for k, v in value.items() if v}
        top = self.question.effective_rank_top
        if any(not v.isdigit() or not 1 <= int(v) <= top for v in chosen.values()):
            raise AnswerError(_("Give each option you rank a number from 1 to %(top)s", top=top))
        numbers = sorted(int(v) for v in chosen.values())
        if len(set(numbers)) != len(numbers):
            raise AnswerError(_("Give each option a different number"))
        if numbers != list(range(1, len(numbers) + 1)):
            raise AnswerError(_("Number your choices 1, 2, 3 and so on without gaps (up to %(top)s)", top=top))
        return [{"option_id": k, "rank": int(v)} for k, v in chosen.items()]

    def required_message(self) -> str:
        return _("Rank at least one option for “%(question)s”", question=short_label(self.question.label))

    def value_from_rows(self, rows) -> dict[str, str]:
        by_option = {r.option_id: str(r.rank) for r in rows}
        return {o["id"]: by_option.get(o["id"], "") for o in self.choices}

    def display(self, rows) -> list[str]:
        ordered = sorted(rows, key=lambda r: r.rank or 0)
        return [_("%(rank)s. %(option)s", rank=r.rank, option=self.question.option_label(r.option_id)) for r in ordered]

    def tally(self, result, figures) -> None:
        found = figures["options"].get(self.question.id, {})
        top = self.question.effective_rank_top
        for option in self.choices:
            count, first, rank_sum = found.get(option["id"], (0, 0, 0))
            borda = count * (top + 1) - rank_sum  # top N → N points for 1st … 1 for Nth
            mean_rank = rank_sum / count if count else None
            ranks = {"first": first, "borda": borda, "mean_rank": mean_rank}
            result.options.append(OptionResult.counted(option["id"], option["label"], count, result.answered, **ranks))
        result.options.sort(key=lambda o: (-o.borda, -o.first, o.label))
        result.statement = ranking_statement(result.options)

    def export_columns(self) -> list[tuple[str, str | None]]:
        return [
            (_("%(question)s: %(option)s (rank)", question=self.question.label, option=option["label"]), option["id"])
            for option in self.choices
        ]

    def export_cell(self, option, answers):
        match = next((a for a in answers if a.option_id == option), None)
        return match.rank if match else ""

    def sample_answer(self, rng, respondent_id) -> list[dict]:
        picks = rng.sample(self.question.options, min(3, len(self.question.options)))
        return [{"option_id": option["id"], "rank": rank} for rank, option in enumerate(picks, start=1)]
