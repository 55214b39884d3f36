"""Templates compiled once per language, with their fixed words already translated (issue 22, speed).

A page calls `_("…")` on a fixed message dozens of times (the header, the footer, the labels), and each
call looks the message up in the catalogue while the page renders. Here each template is compiled once
per language and a call whose only argument is a literal message (no variables, no plural) becomes the
translated text itself, as if the template had been written in that language. Messages with variables
or plurals still go through `gettext` at render time (their digits and words depend on the values).

The language comes from Flask-Babel's locale (the request's choice, or `force_locale` for an e-mail),
so a template compiled for Bengali is only ever rendered for Bengali. A catalogue that changes on disk
is picked up on restart, as the catalogues themselves are (app/i18n/catalogues.py).
"""

from __future__ import annotations

import contextvars
import weakref
from typing import Any

from flask.templating import Environment
from jinja2 import Template, nodes
from jinja2.visitor import NodeTransformer

# The language a template is being compiled for; unset when a template is only parsed (the
# translation checks in tests/i18n read templates' messages and must see the calls).
_compiling_for: contextvars.ContextVar[str | None] = contextvars.ContextVar("compiling_for", default=None)
_GETTEXT_NAMES = frozenset({"_", "gettext"})


def _language_key() -> str:
    from app.i18n.selection import current_language

    return current_language().code


class _FoldFixedMessages(NodeTransformer):
    """`_("Save")` → "Save" in the template's language (markup, as `gettext` returns it)."""

    def __init__(self, gettext) -> None:
        self.gettext = gettext

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        node = self.generic_visit(node)
        if not (
            isinstance(node.node, nodes.Name)
            and node.node.name in _GETTEXT_NAMES
            and len(node.args) == 1
            and isinstance(node.args[0], nodes.Const)
            and isinstance(node.args[0].value, str)
            and not node.kwargs
            and node.dyn_args is None
            and node.dyn_kwargs is None
        ):
            return node
        try:
            # As `gettext` does at render time: the message, with "%%" written as "%".
            text = self.gettext(node.args[0].value) % {}
        except (TypeError, ValueError, KeyError):
            return node  # a message that needs variables it was not given: leave it to render time
        return nodes.MarkSafeIfAutoescape(nodes.Const(text, lineno=node.lineno), lineno=node.lineno)


def _names_assigned(tree: nodes.Template) -> set[str]:
    return {target.name for target in tree.find_all(nodes.Name) if target.ctx in ("store", "param")}


class _Template(Template):
    """Jinja's template, with a cheaper check when another template imports its macros.

    Each `{% from "…" import … %}` (about 40 a page: the GOV.UK components) asks whether the importing
    page has globals the imported template lacks, by testing every global's name against a ChainMap of
    the template's own globals and the environment's (about 1,000 slow membership tests a page). Asked of
    the environment's dict first, the answer is the same and almost always found at once."""

    def _get_default_module(self, ctx=None):
        if ctx is not None and self.environment.globals.keys() >= ctx.globals_keys:
            ctx = None  # every global of the importing page is the environment's own: the cached module
        return super()._get_default_module(ctx)


# A dict's own attributes: `params.items` is the method, as Jinja has it, not the key "items".
_DICT_ATTRIBUTES = frozenset(dir(dict))


class LocalisedEnvironment(Environment):
    """Flask's template environment, with one compiled copy of each template per language."""

    template_class = _Template

    def getattr(self, obj: Any, attribute: str) -> Any:
        """`params.text` on a dict (the GOV.UK macros read their options so, hundreds of times a page)
        looked up as the key at once; Jinja tries the attribute first and pays for an exception each time.
        The answer is Jinja's: a dict's own attributes still win, a missing key is undefined."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def _load_template(self, name: str, globals: Any) -> Any:
        if self.loader is None:
            raise TypeError("no loader for this environment specified")
        language = _language_key()
        cache_key = (weakref.ref(self.loader), name, language)
        if self.cache is not None:
            template = self.cache.get(cache_key)
            if template is not None and (not self.auto_reload or template.is_up_to_date):
                if globals:
                    template.globals.update(globals)
                return template
        token = _compiling_for.set(language)
        try:
            template = self.loader.load(self, name, self.make_globals(globals))
        finally:
            _compiling_for.reset(token)
        if self.cache is not None:
            self.cache[cache_key] = template
        return template

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        if _compiling_for.get() is None or _GETTEXT_NAMES & _names_assigned(tree):
            return tree  # only parsed, or a template that names its own `_`: translate at render time
        from app.i18n import translations

        return _FoldFixedMessages(translations().ugettext).visit(tree)
