"""Toolkit question types, one class per type, registered by the name stored in `Question.type`
(see base.py). Importing the modules registers them."""

from app.toolkits.question_types import choice, date, number, ranking, scale, text  # noqa: F401
from app.toolkits.question_types.base import AnswerError, Parsed, QuestionType, question_type, type_named, type_names

__all__ = ["AnswerError", "Parsed", "QuestionType", "question_type", "type_named", "type_names"]
