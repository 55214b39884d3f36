"""Translated toolkits (issue 22 part 2): staff translate a toolkit's texts side by side with the
English (bad input refused with nothing lost, staff only, audited, rich text sanitised); a member whose
page is in Bengali answers in Bengali, with untranslated texts in English marked lang="en"; answers
store option ids, so Bengali and English answers for one option count together; two colleagues, one
in English and one in Bengali, editing one section keep each other's answers."""

from __future__ import annotations

import json

import lxml.html
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.toolkits import results as results_mod
from app.toolkits import services as svc
from app.toolkits import translations as tr
from app.toolkits.models import Answer, ToolkitTranslation
from tests import factories
from tests.factories.groups import organisation
from tests.factories.toolkits import questions, sections, small_toolkit, template_toolkit
from tests.pages import page_text
from tests.sweep.support import signed_in
from tests.toolkits.test_coediting import Member, _stored

BN_SIZE = "আকার"
BN_SMALL = "ছোট"
BN_NAME = "নাম"
BN_SECTION = "প্রথম অংশ"


def _field(kind: str, obj_id: int, name: str) -> str:
    return f"t-{kind}-{obj_id}-{name.replace(':', '-')}"


def _translate_bengali(db, toolkit) -> None:
    """Bengali for the first section's title, "Name", "Size" and its "Small" option (not "Large")."""
    q = questions(toolkit)
    first = sections(toolkit)[0]
    texts = tr.section_texts(first, svc.load_definition(toolkit).by_section[first.id])
    values = {t.key: "" for t in texts}
    values[("section", first.id, "title")] = BN_SECTION
    values[("question", q["Name"].id, "label")] = BN_NAME
    values[("question", q["Size"].id, "label")] = BN_SIZE
    values[("question", q["Size"].id, "option:small")] = BN_SMALL
    tr.save(toolkit, "bn", texts, values, factories.user(role="staff"))
    db.session.commit()


def _section_url(toolkit, org, lang: str = "") -> str:
    first = sections(toolkit)[0]
    return f"/toolkits/{toolkit.slug}/respond/section/{first.id}?org={org.id}" + (f"&lang={lang}" if lang else "")


# --- staff ---------------------------------------------------------------------------------


def test_staff_translate_a_section_side_by_side_and_see_progress(client, db, login_as):
    toolkit = small_toolkit()
    db.session.commit()
    login_as("staff")
    q = questions(toolkit)
    first = sections(toolkit)[0]
    overview = client.get(f"/staff/toolkits/{toolkit.slug}/translations")
    assert overview.status_code == 200
    text = page_text(overview)
    assert "বাংলা" in text and "Soomaali" in text and "اردو" in text  # each language named in itself
    total = len(tr.all_texts(svc.load_definition(toolkit)))
    assert f"0 of {total} texts translated" in text

    url = f"/staff/toolkits/{toolkit.slug}/translations/ur/section/{first.id}"
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    doc = lxml.html.fromstring(html)
    field = doc.get_element_by_id(_field("question", q["Size"].id, "option:small"))
    assert field.get("lang") == "ur" and field.get("dir") == "rtl"
    assert "Small" in page_text(page)  # the English beside it

    form = {f.name: "" for f in doc.forms[-1].inputs if f.name and f.name != "csrf_token"}
    form[_field("question", q["Size"].id, "label")] = "سائز"
    form[_field("question", q["Size"].id, "option:small")] = "چھوٹا"
    saved = client.post(url, data=form)
    assert saved.status_code == 303
    stored = tr.load(toolkit.id, "ur")
    assert stored[("question", q["Size"].id, "option:small")] == "چھوٹا"
    assert len(stored) == 2  # blanks are not stored: English shows
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "toolkit.translated"))
    assert event is not None and event.details["language"] == "ur" and event.details["changed"] == 2
    assert f"2 of {total} texts translated" in page_text(client.get(f"/staff/toolkits/{toolkit.slug}/translations"))

    # Emptying a field removes the translation (the page opened again: its fields start from what is stored).
    doc = lxml.html.fromstring(client.get(url).get_data(as_text=True))
    form = {f.name: f.value or "" for f in doc.forms[-1].inputs if f.name and f.name != "csrf_token"}
    form[_field("question", q["Size"].id, "label")] = ""
    assert client.post(url, data=form).status_code == 303
    assert ("question", q["Size"].id, "label") not in tr.load(toolkit.id, "ur")


def test_bad_input_shows_the_error_summary_and_keeps_what_was_typed(client, db, login_as):
    toolkit = small_toolkit()
    db.session.commit()
    login_as("staff")
    q = questions(toolkit)
    first = sections(toolkit)[0]
    url = f"/staff/toolkits/{toolkit.slug}/translations/bn/section/{first.id}"
    label, option = _field("question", q["Size"].id, "label"), _field("question", q["Size"].id, "option:small")
    name = _field("question", q["Name"].id, "label")
    page = client.post(url, data={label: "ক" * 501, option: BN_SMALL, name: "a\x07b"})
    assert page.status_code == 200
    text = page_text(page)
    assert "There is a problem" in text
    assert "Question 4 must be 500 characters or fewer" in text
    assert "Question 1 must not contain line breaks or control characters" in text
    html = page.get_data(as_text=True)
    assert f'href="#{label}"' in html
    assert f'value="{BN_SMALL}"' in html  # nothing lost
    assert db.session.scalar(select(func.count()).select_from(ToolkitTranslation)) == 0


def test_rich_text_is_sanitised_like_the_english(client, db, login_as):
    toolkit = small_toolkit()
    toolkit.description = "<p>About</p>"
    db.session.commit()
    login_as("staff")
    url = f"/staff/toolkits/{toolkit.slug}/translations/bn/about"
    field = _field("toolkit", toolkit.id, "description")
    page = client.post(url, data={field: '<p onclick="x()">সম্পর্কে</p><script>alert(1)</script>'})
    assert page.status_code == 303
    stored = tr.load(toolkit.id, "bn")[("toolkit", toolkit.id, "description")]
    assert "script" not in stored and "onclick" not in stored and "সম্পর্কে" in stored


def test_only_staff_translate(client, db, login_as, app):
    toolkit = small_toolkit()
    db.session.commit()
    first = sections(toolkit)[0]
    urls = [
        f"/staff/toolkits/{toolkit.slug}/translations",
        f"/staff/toolkits/{toolkit.slug}/translations/bn/section/{first.id}",
        f"/staff/toolkits/{toolkit.slug}/translations/bn/about",
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to sign in
    login_as("member")
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(urls[1], data={}).status_code in (400, 403)
    assert db.session.scalar(select(func.count()).select_from(ToolkitTranslation)) == 0
    login_as("admin")
    assert client.get(urls[1]).status_code == 200
    assert client.get(f"/staff/toolkits/{toolkit.slug}/translations/fr/about").status_code == 404
    assert client.get(f"/staff/toolkits/{toolkit.slug}/translations/en/about").status_code == 404
    other = small_toolkit()
    db.session.commit()
    foreign = sections(other)[0].id
    assert client.get(f"/staff/toolkits/{toolkit.slug}/translations/bn/section/{foreign}").status_code == 404


# --- members -------------------------------------------------------------------------------


def _bengali_toolkit_for_a_member(db, login_as):
    """A toolkit partly in Bengali, a signed-in member and their group, and the toolkit's questions."""
    toolkit = small_toolkit()
    _translate_bengali(db, toolkit)
    org = organisation("Bangla Wellbeing", owner=login_as("member"))
    db.session.commit()
    return toolkit, org, questions(toolkit)


def test_member_answers_in_bengali_with_english_fallback_marked(client, db, login_as):
    toolkit, org, q = _bengali_toolkit_for_a_member(db, login_as)
    page = client.get(_section_url(toolkit, org, "bn"))
    assert page.status_code == 200
    doc = lxml.html.fromstring(page.get_data(as_text=True))
    assert doc.get("lang") == "bn"
    assert doc.xpath("string(//h1)").strip() == BN_SECTION
    small = doc.xpath(f'//input[@name="{q["Size"].html_id}" and @value="small"]')
    assert small, "the form value is the option id, not its label"
    label = doc.xpath(f'//label[@for="{small[0].get("id")}"]')[0]
    assert label.text_content().strip() == BN_SMALL and label.get("lang") is None
    large = doc.xpath(f'//input[@name="{q["Size"].html_id}" and @value="large"]')[0]
    large_label = doc.xpath(f'//label[@for="{large.get("id")}"]')[0]
    assert large_label.text_content().strip() == "Large" and large_label.get("lang") == "en"
    assert doc.xpath('//span[@lang="en" and normalize-space()="People"]')  # untranslated question
    assert BN_SIZE in page_text(page)

    answer = {q["Name"].html_id: "আমিনা", q["Size"].html_id: "small", "action": "later"}
    saved = client.post(_section_url(toolkit, org, "bn"), data=answer)
    assert saved.status_code == 303
    rows = db.session.scalars(select(Answer).where(Answer.question_id == q["Size"].id)).all()
    assert [r.option_id for r in rows] == ["small"]

    # The English page is untouched.
    english = page_text(client.get(_section_url(toolkit, org, "en")))
    assert "Size" in english and BN_SIZE not in english


def test_validation_errors_read_in_the_readers_language(client, db, login_as):
    toolkit, org, q = _bengali_toolkit_for_a_member(db, login_as)
    page = client.post(_section_url(toolkit, org, "bn"), data={q["Size"].html_id: "medium", "action": "continue"})
    assert page.status_code == 200
    doc = lxml.html.fromstring(page.get_data(as_text=True))
    summary = doc.xpath('string(//div[contains(@class, "govuk-error-summary")])')
    assert BN_NAME in summary  # the required question is named in Bengali
    assert "Name" not in summary


def test_results_count_bengali_and_english_answers_for_one_option_together(client, db, login_as):
    toolkit = small_toolkit()
    _translate_bengali(db, toolkit)
    q = questions(toolkit)
    bengali_user, english_user = factories.user(), factories.user()
    bengali_org = organisation("Bangla Wellbeing", owner=bengali_user)
    english_org = organisation("Tower Hamlets Carers", owner=english_user)
    db.session.commit()
    for user, org, lang in ((bengali_user, bengali_org, "bn"), (english_user, english_org, "en")):
        member = Member(client.application, user, _section_url(toolkit, org, lang), "")
        member.draw()
        member.set(q["Name"].html_id, "Someone")
        member.set(q["Size"].html_id, "small")
        assert member.save().status_code == 303
    for response in db.session.scalars(select(svc.Response)):
        response.status = "submitted"
    db.session.commit()
    results = results_mod.compute(toolkit, svc.load_definition(toolkit).questions)
    size = next(r for r in results.questions if r.question.id == q["Size"].id)
    counts = {o.id: o.count for o in size.options}
    assert counts["small"] == 2 and counts["large"] == 0
    login_as("staff")
    english_page = page_text(client.get(f"/staff/toolkits/{toolkit.slug}/results"))
    assert "Small" in english_page
    bengali_page = page_text(client.get(f"/staff/toolkits/{toolkit.slug}/results?lang=bn"))
    assert BN_SMALL in bengali_page  # the staff member's language where translated
    export = client.get(f"/staff/toolkits/{toolkit.slug}/results.csv?lang=bn").get_data(as_text=True)
    assert "Small" in export and BN_SMALL not in export  # exports stay in English


def test_colleagues_in_english_and_bengali_keep_each_others_answers(app, db):
    toolkit = small_toolkit()
    _translate_bengali(db, toolkit)
    amina = factories.user(name="Amina Hussain", email="amina@example.org")
    bilal = factories.user(name="Bilal Ahmed", email="bilal@example.org")
    org = organisation("Bangla Wellbeing", owner=amina, members=[bilal])
    db.session.commit()
    first = sections(toolkit)[0]
    base = f"/toolkits/{toolkit.slug}/respond/section/{first.id}"
    english = Member(app, amina, f"{base}?org={org.id}&lang=en", f"{base}/autosave?org={org.id}&lang=en")
    bengali = Member(app, bilal, f"{base}?org={org.id}&lang=bn", f"{base}/autosave?org={org.id}&lang=bn")
    q = {label: question.html_id for label, question in questions(toolkit).items()}
    english.draw(), bengali.draw()
    english.set(q["Size"], "large")
    assert english.save().status_code == 303
    bengali.set(q["Work"], "a", "c")  # Bilal's page still shows Size empty
    assert bengali.autosave().status_code == 200
    bengali.set(q["Name"], "বিলাল")
    assert bengali.save().status_code == 303
    assert _stored(db, toolkit, "Size") == ["Large"]
    assert _stored(db, toolkit, "Work") == ["Advice", "Cooking"]
    assert _stored(db, toolkit, "Name") == ["বিলাল"]
    # Amina's English page shows Bilal's answers, in English.
    html = english.draw()
    doc = lxml.html.fromstring(html)
    assert doc.xpath(f'//input[@name="{q["Work"]}" and @value="a" and @checked]')
    assert doc.xpath(f'//input[@name="{q["Size"]}" and @value="large" and @checked]')
    # The same question changed by both: the conflict names it in each reader's language.
    english.draw(), bengali.draw()
    english.set(q["Name"], "Amina")
    assert english.save().status_code == 303
    bengali.set(q["Name"], "বিলাল আহমেদ")
    conflict = bengali.save()
    assert conflict.status_code == 200
    text = page_text(conflict)
    assert f"“{BN_NAME}”" in text and "Amina Hussain" in text
    assert _stored(db, toolkit, "Name") == ["Amina"]  # nothing overwritten unseen


def test_no_translation_at_all_means_english_marked_as_english(client, db, login_as):
    toolkit = small_toolkit()
    member = login_as("member")
    org = organisation("Somali Voices", owner=member)
    db.session.commit()
    doc = lxml.html.fromstring(client.get(_section_url(toolkit, org, "so")).get_data(as_text=True))
    assert doc.get("lang") == "so"
    assert doc.xpath("//h1")[0].get("lang") == "en"
    assert doc.xpath('//span[@lang="en" and normalize-space()="Size"]')
    english = lxml.html.fromstring(client.get(_section_url(toolkit, org, "en")).get_data(as_text=True))
    assert not english.xpath('//main//*[@lang="en"]')  # nothing marked on an English page
    definition = svc.load_definition(toolkit)
    assert tr.localise(definition, "en") is definition


def test_english_fallbacks_on_an_urdu_page_read_left_to_right(client, db, login_as):
    """On a right-to-left page English shown untranslated carries dir="ltr" as well as lang="en" (else its
    full stop and brackets land on the wrong side); answer boxes follow what is typed (dir="auto")."""
    toolkit = small_toolkit()
    first = sections(toolkit)[0]
    first.description = "Tell us about the people you support."
    member = login_as("member")
    org = organisation("Urdu Voices", owner=member)
    db.session.commit()
    doc = lxml.html.fromstring(client.get(_section_url(toolkit, org, "ur")).get_data(as_text=True))
    assert doc.get("lang") == "ur" and doc.get("dir") == "rtl"
    fallbacks = doc.xpath('//main//*[@lang="en"]')
    names = {" ".join(e.text_content().split()) for e in fallbacks}
    assert {"Tell us about the people you support.", "Size", "Large", "Small"} <= names
    assert all(e.get("dir") == "ltr" for e in fallbacks), [e.text_content() for e in fallbacks if not e.get("dir")]
    assert doc.xpath("//h1")[0].get("dir") == "ltr"
    boxes = doc.xpath('//main//form//textarea | //main//form//input[@type="text" and not(@inputmode)]')
    assert boxes and all(box.get("dir") == "auto" for box in boxes)
    # In a left-to-right language nothing needs turning round: lang="en" alone, as before.
    somali = lxml.html.fromstring(client.get(_section_url(toolkit, org, "so")).get_data(as_text=True))
    assert somali.xpath('//main//*[@lang="en"]') and not somali.xpath('//main//*[@lang="en"][@dir]')


# --- definitions as JSON, cloning, demo ----------------------------------------------------


def test_definition_export_import_and_clone_carry_translations(client, db, login_as):
    toolkit = template_toolkit()  # the mental-health template: its fourth section is in Bengali and Urdu
    db.session.commit()
    login_as("staff")
    data = json.loads(client.get(f"/staff/toolkits/{toolkit.slug}/definition.json").get_data(as_text=True))
    support = data["sections"][3]
    assert support["translations"]["bn"]["title"] == "আপনারা যে মানসিক স্বাস্থ্য সহায়তা দেন"
    kinds = support["questions"][1]["translations"]["ur"]
    assert kinds["options"]["peer-support-groups"] == "باہمی مدد کے گروپ"
    assert data["sections"][0]["translations"] == {}

    # Importing keeps them (on the new rows); what the portal cannot use is left out.
    support["questions"][1]["translations"]["fr"] = {"label": "Quel soutien ?"}
    support["questions"][1]["translations"]["bn"]["options"]["no-such-option"] = "নেই"
    data["translations"] = {"bn": {"title": "মানসিক স্বাস্থ্য", "description": "<p>ঠিক</p><script>x()</script>"}}
    copy = svc.toolkit_from_json(data)
    db.session.commit()
    texts = tr.load(copy.id, "bn")
    assert texts[("toolkit", copy.id, "description")] == "<p>ঠিক</p>"
    new_kinds = svc.load_definition(copy).by_section[svc.load_definition(copy).sections[3].id][1]
    assert texts[("question", new_kinds.id, "option:peer-support-groups")] == "একে অপরকে সহায়তার দল"
    assert ("question", new_kinds.id, "option:no-such-option") not in texts
    assert db.session.scalar(
        select(func.count()).select_from(ToolkitTranslation).where(ToolkitTranslation.language == "fr")
    ) in (0, None)

    clone = svc.clone(toolkit)
    db.session.commit()
    assert len(tr.load(clone.id, "ur")) == len(tr.load(toolkit.id, "ur")) > 0


def test_demo_template_section_reads_in_bengali(client, db, login_as):
    toolkit = template_toolkit()
    member = login_as("member")
    org = organisation("Bangla Wellbeing", owner=member)
    db.session.commit()
    support = svc.load_definition(toolkit).sections[3]
    html = client.get(f"/toolkits/{toolkit.slug}/respond/section/{support.id}?org={org.id}&lang=bn")
    text = page_text(html)
    assert "আপনারা যে মানসিক স্বাস্থ্য সহায়তা দেন" in text
    assert "আপনার সংস্থা কি মানসিক স্বাস্থ্য" in text
    task_list = page_text(client.get(f"/toolkits/{toolkit.slug}/respond?org={org.id}&lang=bn"))
    assert "আপনারা যে মানসিক স্বাস্থ্য সহায়তা দেন" in task_list


def test_published_findings_follow_the_readers_language(client, db):
    from tests.sweep.support import seed_demo

    seed_demo()  # the demo: the template toolkit with 30 responses and a published "You said"
    toolkit = db.session.scalar(select(svc.Toolkit).where(svc.Toolkit.slug == "mental-health-mapping-toolkit"))
    offers = next(q for q in svc.load_definition(toolkit).questions if q.label.startswith("Does your organisation"))
    english = page_text(client.get(f"/toolkits/{toolkit.slug}/you-said?lang=en"))
    bengali = page_text(client.get(f"/toolkits/{toolkit.slug}/you-said?lang=bn"))
    assert offers.label in english
    bengali_label = tr.load(toolkit.id, "bn")[("question", offers.id, "label")]
    assert bengali_label in bengali and offers.label not in bengali


def test_a_translated_none_of_these_still_stands_alone(db):
    toolkit = template_toolkit()
    db.session.commit()
    definition = svc.load_definition(toolkit)
    record = next(q for q in definition.questions if q.label.startswith("What information do you record"))
    texts = tr.section_texts(definition.section(record.section_id), [record])
    values = {t.key: "" for t in texts} | {("question", record.id, "option:none-of-these"): "এগুলোর কোনোটিই নয়"}
    tr.save(toolkit, "bn", texts, values, factories.user(role="staff"))
    db.session.commit()
    local = tr.localise(svc.load_definition(toolkit), "bn").by_id[record.id]
    assert local.kind.exclusive_ids == {"none-of-these"}
    parsed = local.kind.parse(_form({record.html_id: ["age", "none-of-these"]}))
    assert parsed.error and "এগুলোর কোনোটিই নয়" in parsed.error


def _form(data: dict):
    from werkzeug.datastructures import MultiDict

    return MultiDict([(key, value) for key, values in data.items() for value in values])


def test_staff_preview_reads_in_the_staff_members_language(client, db, login_as):
    toolkit = small_toolkit()
    _translate_bengali(db, toolkit)
    login_as("staff")
    first = sections(toolkit)[0]
    text = page_text(client.get(f"/staff/toolkits/{toolkit.slug}/preview/{first.id}?lang=bn"))
    assert BN_SIZE in text and BN_SECTION in text


# --- two staff translating one section at once (tester's defect 1) ---------------------------


class Translator:
    """One staff member in their own browser on the translation editor: opens it, types, saves."""

    def __init__(self, app, url: str) -> None:
        self.client = app.test_client()
        with self.client.session_transaction() as session:
            signed_in(session, factories.user(role="staff"))
        self.url = url
        self.form: dict[str, str] = {}

    def open(self, page=None) -> lxml.html.HtmlElement:
        """Open the page (or take a re-rendered one) and keep what its form holds, hidden inputs too."""
        page = page if page is not None else self.client.get(self.url)
        assert page.status_code == 200
        doc = lxml.html.fromstring(page.get_data(as_text=True))
        self.form = dict(doc.forms[-1].form_values())
        return doc

    def save(self, **typed: str):
        self.form.update(typed)
        return self.client.post(self.url, data=self.form)


def _two_translators(app, db):
    toolkit = small_toolkit()
    _translate_bengali(db, toolkit)  # the section title starts as BN_SECTION
    db.session.commit()
    first = sections(toolkit)[0]
    url = f"/staff/toolkits/{toolkit.slug}/translations/bn/section/{first.id}"
    return toolkit, first, Translator(app, url), Translator(app, url)


def test_a_colleagues_save_in_between_is_not_undone(app, db):
    toolkit, first, amina, bilal = _two_translators(app, db)
    q = questions(toolkit)
    title, name = _field("section", first.id, "title"), _field("question", q["Name"].id, "label")
    amina.open()
    bilal.open()  # before Amina saves
    assert amina.save(**{title: "প্রথম ভাগ"}).status_code == 303
    saved = bilal.save(**{name: "পুরো নাম"})
    assert saved.status_code == 303
    assert "(1 changed)" in page_text(bilal.client.get(saved.headers["Location"]))  # only his own change
    stored = tr.load(toolkit.id, "bn")
    assert stored[("section", first.id, "title")] == "প্রথম ভাগ"  # Amina's title stays
    assert stored[("question", q["Name"].id, "label")] == "পুরো নাম"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "toolkit.translated")).all()
    assert [e.details["changed"] for e in events][-2:] == [1, 1]


def test_the_same_field_changed_by_both_is_a_clash_shown_and_not_saved(app, db):
    toolkit, first, amina, bilal = _two_translators(app, db)
    q = questions(toolkit)
    title, name = _field("section", first.id, "title"), _field("question", q["Name"].id, "label")
    amina.open()
    bilal.open()
    assert amina.save(**{title: "প্রথম ভাগ"}).status_code == 303
    page = bilal.save(**{title: "শুরুর অংশ", name: "পুরো নাম"})
    assert page.status_code == 200
    stored = tr.load(toolkit.id, "bn")
    assert stored[("section", first.id, "title")] == "প্রথম ভাগ"  # the clash is not written
    assert stored[("question", q["Name"].id, "label")] == "পুরো নাম"  # the rest of the save is
    doc = bilal.open(page)
    summary = doc.xpath('//div[contains(@class, "govuk-error-summary")]//a')
    assert [a.get("href") for a in summary] == [f"#{title}"]
    assert doc.get_element_by_id(f"{title}-error") is not None
    assert doc.get_element_by_id(title).get("value") == "শুরুর অংশ"  # what Bilal typed is kept
    note = doc.xpath('//div[contains(@class, "portal-conflict")]//p[@lang="bn"]')
    assert note and note[0].text_content().strip() == "প্রথম ভাগ" and note[0].get("dir") == "ltr"
    assert bilal.form[f"{title}__was"] == "প্রথম ভাগ"  # so the next save goes through
    assert bilal.form[name] == "পুরো নাম" and bilal.form[f"{name}__was"] == "পুরো নাম"
    assert bilal.save().status_code == 303
    assert tr.load(toolkit.id, "bn")[("section", first.id, "title")] == "শুরুর অংশ"


def test_languages_are_named_in_themselves_in_urdu(client, db, login_as):
    toolkit = small_toolkit()
    db.session.commit()
    login_as("staff")
    first = sections(toolkit)[0]
    url = f"/staff/toolkits/{toolkit.slug}/translations/bn/section/{first.id}?lang=ur"
    doc = lxml.html.fromstring(client.get(url).get_data(as_text=True))
    h1 = doc.xpath("//h1")[0]
    assert "Bengali" not in h1.text_content() and h1.xpath('.//span[@lang="bn"]')[0].text == "বাংলা"
    form = dict(doc.forms[-1].form_values())
    form[_field("question", questions(toolkit)["Size"].id, "label")] = BN_SIZE
    done = page_text(client.post(url, data=form, follow_redirects=True))
    assert "বাংলা" in done and "Bengali" not in done
