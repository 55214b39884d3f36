"""The default "Mental health mapping toolkit" for BAME-led organisations, as a definition in the
same JSON shape as an exported toolkit (so staff can create it, edit it and export it alike)."""

from __future__ import annotations

import copy

from app.slugs import slugify


def _options(*labels: str) -> list[dict]:
    return [{"id": slugify(label, max_length=60), "label": label} for label in labels]


HEALTH_ISSUES = _options(
    "Mental health",
    "Diabetes",
    "Cardiovascular disease (heart disease, stroke, high blood pressure)",
    "Maternal health",
    "Infant health and mortality",
    "Covid-19 and its long-term effects",
    "Respiratory conditions (asthma, COPD)",
    "Cancer",
    "Obesity and healthy weight",
    "Drug and alcohol misuse",
)
COMMUNITIES = _options(
    "Bangladeshi", "Pakistani", "Indian", "Other Asian", "Black African", "Black Caribbean", "Other Black",
    "Mixed or multiple ethnic groups", "Chinese", "Gypsy, Roma and Traveller", "Refugees and asylum seekers",
    "Migrants", "Arab", "White minority communities (for example Polish, Turkish)",
)  # fmt: skip

# What stops people getting mental-health support (asked as "all that apply", then "the biggest").
BARRIERS = (
    "Language",
    "Stigma in the community",
    "Digital exclusion",
    "Racism or discrimination",
    "Cost, including travel",
    "Long waiting lists",
    "Services that do not understand their culture or faith",
    "Immigration status worries",
)
MENTAL_HEALTH_TOOLKIT = {
    "format": "portal-toolkit",
    "version": 1,
    "title": "Mental health mapping toolkit",
    "audience": "organisation",
    "suppression_threshold": 5,
    "description": (
        "<p>This toolkit was written by the Community of Practice working group to understand the "
        "mental-health work that groups led by Black, Asian and minority ethnic people do with the people they "
        "support.</p>"
        "<p>One person or several colleagues can fill it in for your organisation: everything is saved "
        "as you go. It takes about 20 minutes. We publish what organisations told us as "
        "&ldquo;This is what you said&rdquo;, with small numbers hidden so no organisation can be "
        "identified. We never publish what you write in your own words.</p>"
    ),
    "sections": [
        {
            "title": "About your organisation and beneficiaries",
            "description": "Tell us about the people you support.",
            "questions": [
                {
                    "ref": "s1q1",
                    "type": "short_text",
                    "label": "Your name and role in the organisation",
                    "hint": "So we know who to contact about these answers, "
                    "for example Amina Hussain, project coordinator.",
                    "required": True,
                },
                {
                    "ref": "s1q2",
                    "type": "email",
                    "label": "Email address we can contact you on",
                    "hint": "We use this only about this toolkit.",
                    "required": True,
                },
                {
                    "ref": "s1q3",
                    "type": "number",
                    "label": "How many people did your organisation support in the last 12 months?",
                    "hint": "An estimate is fine. Enter a whole number, like 250.",
                    "required": True,
                    "min_value": 0,
                    "max_value": 1000000,
                },
                {
                    "ref": "s1q4",
                    "type": "number",
                    "label": "How many paid staff and volunteers work on health and wellbeing?",
                    "hint": "Count people, not hours. Enter 0 if none.",
                    "min_value": 0,
                    "max_value": 10000,
                },
                {
                    "ref": "s1q5",
                    "type": "multiple_choice",
                    "label": "Which age groups do you mainly support?",
                    "hint": "Select all that apply.",
                    "required": True,
                    "options": _options(
                        "Children (0 to 15)",
                        "Young people (16 to 24)",
                        "Adults (25 to 64)",
                        "Older people (65 and over)",
                    ),
                },
            ],
        },
        {
            "title": "Communities you serve",
            "description": "",
            "questions": [
                {
                    "ref": "s2q1",
                    "type": "multiple_choice",
                    "label": "Which communities do your beneficiaries come from?",
                    "hint": "Select all that apply.",
                    "required": True,
                    "allow_other": True,
                    "options": COMMUNITIES,
                },
                {
                    "ref": "s2q2",
                    "type": "long_text",
                    "label": "Which languages do you work in?",
                    "hint": "For example Sylheti, Somali, Urdu, British Sign Language.",
                },
            ],
        },
        {
            "title": "Health issues your beneficiaries face",
            "description": "",
            "questions": [
                {
                    "ref": "s3q1",
                    "type": "ranking",
                    "label": "Rank the 3 health issues that most affect the people you support",
                    "hint": "Put 1 next to the issue that affects them most, then 2 and 3. Leave the rest blank.",
                    "required": True,
                    "rank_top": 3,
                    "options": HEALTH_ISSUES,
                },
                {
                    "ref": "s3q2",
                    "type": "scale",
                    "label": "How much has demand for mental-health support from your beneficiaries "
                    "changed in the last year?",
                    "required": True,
                    "scale_min_label": "Fallen a lot",
                    "scale_max_label": "Risen a lot",
                },
                {
                    "ref": "s3q3",
                    "type": "long_text",
                    "label": "Tell us about a health issue we have not asked about",
                    "hint": "Optional.",
                },
            ],
        },
        {
            "title": "Mental-health support you offer",
            "description": "",
            "questions": [
                {
                    "ref": "s4q1",
                    "type": "yes_no",
                    "label": "Does your organisation offer any mental-health or emotional-wellbeing support?",
                    "required": True,
                },
                {
                    "ref": "s4q2",
                    "type": "multiple_choice",
                    "label": "What kind of mental-health support do you offer?",
                    "hint": "Select all that apply.",
                    "required": True,
                    "allow_other": True,
                    "show_if": {"question": "s4q1", "option": "yes"},
                    "options": _options(
                        "Peer support groups",
                        "One-to-one listening or befriending",
                        "Counselling or talking therapy by a qualified practitioner",
                        "Faith-based or spiritual support",
                        "Social activities to reduce isolation",
                        "Physical activity for wellbeing",
                        "Help getting to NHS or council services",
                        "Crisis support or suicide prevention",
                    ),
                },
                {
                    "ref": "s4q3",
                    "type": "multiple_choice",
                    "label": "Why do you not offer mental-health support at the moment?",
                    "hint": "Select all that apply.",
                    "show_if": {"question": "s4q1", "option": "no"},
                    "allow_other": True,
                    "options": _options(
                        "No funding",
                        "No trained staff or volunteers",
                        "Not what our members ask for",
                        "We refer people elsewhere",
                    ),
                },
            ],
        },
        {
            "title": "Referral routes and partners",
            "description": "",
            "questions": [
                {
                    "ref": "s5q1",
                    "type": "multiple_choice",
                    "label": "Where do you refer people who need more help with their mental health?",
                    "hint": "Select all that apply.",
                    "allow_other": True,
                    "options": _options(
                        "GP practice",
                        "NHS Talking Therapies",
                        "Community mental health team",
                        "Social prescribers",
                        "Another voluntary organisation",
                        "Faith leaders",
                        "We do not refer people",
                    ),
                },
                {
                    "ref": "s5q2",
                    "type": "scale",
                    "label": "How easy is it to refer people to NHS mental-health services?",
                    "scale_min_label": "Very difficult",
                    "scale_max_label": "Very easy",
                },
                {
                    "ref": "s5q3",
                    "type": "long_text",
                    "label": "Which partners do you work with on mental health?",
                    "hint": "For example the wellbeing partnership, a local hospital trust, schools.",
                },
            ],
        },
        {
            "title": "Barriers to support",
            "description": "",
            "questions": [
                {
                    "ref": "s6q1",
                    "type": "multiple_choice",
                    "label": "What stops your beneficiaries getting mental-health support?",
                    "hint": "Select all that apply.",
                    "required": True,
                    "allow_other": True,
                    "options": _options(*BARRIERS),
                },
                {
                    "ref": "s6q2",
                    "type": "single_choice",
                    "label": "Which of these is the biggest barrier?",
                    "required": True,
                    "options": _options(*BARRIERS[:6]),  # the commonest, to choose the biggest from
                },
            ],
        },
        {
            "title": "Data you collect",
            "description": "",
            "questions": [
                {
                    "ref": "s7q1",
                    "type": "multiple_choice",
                    "label": "What information do you record about the people you support?",
                    "hint": "Select all that apply.",
                    "options": _options(
                        "Ethnicity",
                        "Age",
                        "Gender",
                        "Postcode or area",
                        "Health conditions",
                        "Outcomes, for example wellbeing scores",
                        "None of these",
                    ),
                },
                {
                    "ref": "s7q2",
                    "type": "yes_no",
                    "label": "Would you share anonymised figures with the network to support funding bids?",
                },
            ],
        },
        {
            "title": "Funding and capacity",
            "description": "",
            "questions": [
                {
                    "ref": "s8q1",
                    "type": "single_choice",
                    "label": "What was your organisation's income in the last financial year?",
                    "options": _options(
                        "Under £10,000",
                        "£10,000 to £49,999",
                        "£50,000 to £249,999",
                        "£250,000 to £999,999",
                        "£1 million or more",
                    ),
                },
                {
                    "ref": "s8q2",
                    "type": "date",
                    "label": "When does your main funding for health and wellbeing work end?",
                    "hint": "For example 31 3 2027. Leave blank if you have no such funding.",
                },
                {
                    "ref": "s8q3",
                    "type": "multiple_choice",
                    "label": "What help would most strengthen your mental-health work?",
                    "hint": "Select all that apply.",
                    "allow_other": True,
                    "options": _options(
                        "Funding",
                        "Training for staff and volunteers",
                        "Clinical supervision",
                        "Help with bids and monitoring",
                        "Closer links with NHS services",
                        "Premises",
                        "Digital equipment and skills",
                    ),
                },
                {
                    "ref": "s8q4",
                    "type": "long_text",
                    "label": "Is there anything else you would like the network to know?",
                },
            ],
        },
    ],
}


# One section translated into Bengali and Urdu (issue 22), so the demo shows a member answering in their
# language: the fourth section ("Mental-health support you offer"), by question ref; options by their
# English label (the id is made from it). Drafts, to be checked by a native speaker before real use.
SUPPORT_SECTION = 3
SUPPORT_TRANSLATIONS = {
    "section": {
        "bn": {"title": "আপনারা যে মানসিক স্বাস্থ্য সহায়তা দেন"},
        "ur": {"title": "ذہنی صحت کی مدد جو آپ دیتے ہیں"},
    },
    "s4q1": {
        "bn": {"label": "আপনার সংস্থা কি মানসিক স্বাস্থ্য বা মানসিক সুস্থতার কোনো সহায়তা দেয়?"},
        "ur": {"label": "کیا آپ کی تنظیم ذہنی صحت یا جذباتی بہبود کی کوئی مدد فراہم کرتی ہے؟"},
    },
    "s4q2": {
        "bn": {
            "label": "আপনারা কী ধরনের মানসিক স্বাস্থ্য সহায়তা দেন?",
            "hint": "যতগুলো প্রযোজ্য সব বেছে নিন।",
            "options": {
                "Peer support groups": "একে অপরকে সহায়তার দল",
                "One-to-one listening or befriending": "একজনের সাথে একজন কথা শোনা বা বন্ধুত্ব",
                "Counselling or talking therapy by a qualified practitioner": (
                    "যোগ্য পেশাদারের কাছে কাউন্সেলিং বা কথা বলার থেরাপি"
                ),
                "Faith-based or spiritual support": "ধর্মভিত্তিক বা আধ্যাত্মিক সহায়তা",
                "Social activities to reduce isolation": "একাকীত্ব কমাতে সামাজিক কার্যক্রম",
                "Physical activity for wellbeing": "সুস্থতার জন্য শারীরিক কার্যক্রম",
                "Help getting to NHS or council services": "এনএইচএস বা কাউন্সিলের সেবা পেতে সাহায্য",
                "Crisis support or suicide prevention": "সংকটে সহায়তা বা আত্মহত্যা প্রতিরোধ",
            },
        },
        "ur": {
            "label": "آپ کس قسم کی ذہنی صحت کی مدد فراہم کرتے ہیں؟",
            "hint": "جو بھی لاگو ہوں سب منتخب کریں۔",
            "options": {
                "Peer support groups": "باہمی مدد کے گروپ",
                "One-to-one listening or befriending": "ایک سے ایک بات سننا یا دوستی",
                "Counselling or talking therapy by a qualified practitioner": (
                    "مستند ماہر کے ذریعے کاؤنسلنگ یا بات چیت کی تھراپی"
                ),
                "Faith-based or spiritual support": "مذہبی یا روحانی مدد",
                "Social activities to reduce isolation": "تنہائی کم کرنے کے لیے سماجی سرگرمیاں",
                "Physical activity for wellbeing": "صحت کے لیے جسمانی سرگرمی",
                "Help getting to NHS or council services": "این ایچ ایس یا کونسل کی خدمات تک پہنچنے میں مدد",
                "Crisis support or suicide prevention": "بحران میں مدد یا خودکشی کی روک تھام",
            },
        },
    },
    "s4q3": {
        "bn": {
            "label": "আপনারা এখন কেন মানসিক স্বাস্থ্য সহায়তা দেন না?",
            "hint": "যতগুলো প্রযোজ্য সব বেছে নিন।",
            "options": {
                "No funding": "কোনো তহবিল নেই",
                "No trained staff or volunteers": "প্রশিক্ষিত কর্মী বা স্বেচ্ছাসেবক নেই",
                "Not what our members ask for": "আমাদের সদস্যরা এটা চান না",
                "We refer people elsewhere": "আমরা মানুষকে অন্য জায়গায় পাঠাই",
            },
        },
        "ur": {
            "label": "آپ اس وقت ذہنی صحت کی مدد کیوں فراہم نہیں کرتے؟",
            "hint": "جو بھی لاگو ہوں سب منتخب کریں۔",
            "options": {
                "No funding": "کوئی فنڈ نہیں",
                "No trained staff or volunteers": "تربیت یافتہ عملہ یا رضاکار نہیں",
                "Not what our members ask for": "ہمارے اراکین یہ نہیں مانگتے",
                "We refer people elsewhere": "ہم لوگوں کو کہیں اور بھیجتے ہیں",
            },
        },
    },
}


def _by_option_id(entry: dict) -> dict:
    """A language's entry with its options keyed by option id (made from the English label) as stored."""
    options = {slugify(label, max_length=60): text for label, text in entry.get("options", {}).items()}
    return {**entry, "options": options} if options else dict(entry)


def mental_health_definition() -> dict:
    definition = copy.deepcopy(MENTAL_HEALTH_TOOLKIT)
    section = definition["sections"][SUPPORT_SECTION]
    section["translations"] = copy.deepcopy(SUPPORT_TRANSLATIONS["section"])
    for question in section["questions"]:
        languages = SUPPORT_TRANSLATIONS.get(question["ref"], {})
        question["translations"] = {code: _by_option_id(entry) for code, entry in languages.items()}
    return definition
