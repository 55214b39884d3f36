"""Templates compiled once per language with their fixed words translated (app/i18n/templates.py):
each language gets its own words, variables and plurals still work, and parsing for the translation
checks still sees the calls."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale
from jinja2 import DictLoader, Undefined, nodes

from app.i18n import translations
from app.i18n.languages import language
from app.i18n.templates import LocalisedEnvironment


def _environment(app):
    """The app's environment over a template of our own (same globals, its own cache)."""
    return app.jinja_env.overlay(loader=DictLoader({"page.html": '<p>{{ _("Sign in") }}</p>'}))


def test_the_app_uses_the_localised_environment(app):
    assert isinstance(app.jinja_env, LocalisedEnvironment)


def test_each_language_gets_its_own_compiled_copy_of_a_template(app):
    env = _environment(app)
    seen = []
    with app.test_request_context("/"):
        for code in ("en", "bn", "ur", "en"):
            with force_locale(language(code).babel):
                seen.append((code, env.get_template("page.html").render(), translations().ugettext("Sign in")))
    for code, html, expected in seen:
        assert html == f"<p>{expected}</p>", code
    assert seen[0][1] == "<p>Sign in</p>" == seen[3][1]  # English again after Bengali and Urdu: no mixing
    assert len({html for _code, html, _expected in seen}) == 3


def test_fixed_messages_are_folded_and_the_rest_left_to_render_time(app):
    from app.i18n.templates import _compiling_for

    source = '{{ _("Save") }} {{ _("Hello %(name)s", name=who) }} {{ ngettext("%(num)s group", "%(num)s groups", n) }}'
    with app.test_request_context("/"):
        token = _compiling_for.set("en")
        try:
            tree = app.jinja_env._parse(source, "t", None)
        finally:
            _compiling_for.reset(token)
    calls = [call.node.name for call in tree.find_all(nodes.Call) if isinstance(call.node, nodes.Name)]
    assert calls == ["_", "ngettext"]  # "Save" became text; the messages with variables stay calls
    assert "Save" in [const.value for const in tree.find_all(nodes.Const)]


def test_parsing_outside_compilation_keeps_every_call_for_the_checks(app):
    tree = app.jinja_env.parse('{{ _("Save") }}')
    assert [call.node.name for call in tree.find_all(nodes.Call)] == ["_"]


def test_variables_are_escaped_and_percent_signs_written_once(app):
    with app.test_request_context("/"):
        html = render_template_string('{{ _("100%% free") }}|{{ _("Hello %(name)s", name=who) }}', who="<b>")
    assert html == "100% free|Hello &lt;b&gt;"


def test_a_template_that_names_its_own_underscore_is_not_folded(app):
    from app.i18n.templates import _compiling_for

    with app.test_request_context("/"):
        token = _compiling_for.set("bn")
        try:
            tree = app.jinja_env._parse('{% for _ in [1] %}{{ _("Save") }}{% endfor %}', "t", None)
        finally:
            _compiling_for.reset(token)
    assert any(isinstance(call.node, nodes.Name) and call.node.name == "_" for call in tree.find_all(nodes.Call))


def test_dict_options_read_as_jinja_reads_them(app):
    env = app.jinja_env
    options = {"text": "Hi", "items": [1, 2]}
    assert env.getattr(options, "text") == "Hi"
    assert callable(env.getattr(options, "items"))  # a dict's own attribute wins, as in Jinja
    assert isinstance(env.getattr(options, "html"), Undefined)
    with app.test_request_context("/"):
        html = env.from_string("{{ o.text }}|{{ o.html or 'none' }}|{{ o['items'] | length }}").render(o=options)
    assert html == "Hi|none|2"


def test_imported_macros_see_globals_the_importing_page_adds(app):
    """The shortcut for imports keeps Jinja's rule: a global the environment lacks reaches the macros."""
    env = app.jinja_env.overlay(
        loader=DictLoader(
            {
                "m.html": "{% macro say() %}{{ extra }}{% endmacro %}",
                "p.html": '{% from "m.html" import say %}{{ say() }}',
            }
        )
    )
    with app.test_request_context("/"):
        assert env.get_template("p.html", globals={"extra": "from the page"}).render() == "from the page"
        assert env.get_template("p.html").render() == "from the page"  # the template keeps its globals
