"""Which language an e-mail is written in (issue 22): the caller's choice, else the recipient's
account, else the page's language when the person is acting for themselves, else English; staff
working in another language never send it to others."""

from __future__ import annotations

from flask import current_app

from app.i18n.selection import COOKIE
from app.mail.service import enqueue, recipient_language
from tests import factories


def test_an_account_decides_and_an_account_without_a_choice_gets_english(app, db):
    factories.user(email="amina@example.org").language = "bn"
    factories.user(email="bilal@example.org")
    db.session.commit()
    with app.test_request_context("/?lang=ur"):
        assert recipient_language("Amina@Example.org") == "bn"
        assert recipient_language("bilal@example.org") == "en"
        assert recipient_language("bilal@example.org", "so") == "so"  # the caller's choice wins
        assert recipient_language("bilal@example.org", "xx") == "en"  # an unknown code is English


def test_someone_without_an_account_acting_for_themselves_gets_the_page_language(app, db):
    with app.test_request_context("/mailing-list?lang=ur"):
        assert recipient_language("new@example.org") == "ur"
    with app.test_request_context("/mailing-list", headers={"Cookie": f"{COOKIE}=bn"}):
        assert recipient_language("new@example.org") == "bn"
    with app.app_context():  # the worker, a job, the CLI: no page
        assert recipient_language("new@example.org") == "en"


def test_staff_reading_in_bengali_write_to_others_in_english(client, login_as, db):
    staff = login_as("staff")
    staff.language = "bn"
    db.session.commit()
    client.get("/staff?lang=bn")
    with current_app.test_request_context("/staff?lang=bn"):
        from flask_login import login_user

        login_user(staff)
        assert recipient_language("someone@example.org") == "en"
        assert recipient_language(staff.email) == "bn"


def test_the_outbox_row_says_its_language(app, db):
    amina = factories.user(email="amina@example.org")
    amina.language = "ur"
    db.session.commit()
    with app.test_request_context("/"):
        message = enqueue(
            "password_reset",
            to="amina@example.org",
            subject="Reset",
            user=amina,
            reset_link="https://x/y",
            link="https://x/y",
            minutes=60,  # the template says how long the link works (a plural since issue 22)
        )
    assert message.headers["Content-Language"] == "ur"
