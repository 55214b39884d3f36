"""Public mailing-list pages: sign-up, confirmation, preferences, unsubscribe, the archive."""

from __future__ import annotations

import datetime as dt
import hmac

from flask import abort, current_app, make_response, render_template, request, url_for
from sqlalchemy import select

from app.db import first_or_404, utcnow
from app.extensions import csrf, db, limiter
from app.i18n import SOURCE, current_language, prefer
from app.mail.bounces import process_webhook
from app.mailing import bp, versions
from app.mailing import services as mailing
from app.mailing.consent import CONSENT_TEXT
from app.mailing.forms import PreferencesForm, SignupForm, language_items
from app.mailing.models import Bulletin
from app.pagination import govuk_pagination, paginate
from app.ratelimits import signup_limit
from app.security import public
from app.spreadsheets import ImportRefused, load_json
from app.tokens import TokenError

PUBLISHED = mailing.PUBLISHED


def _link_problem(reason: str, link: str = "confirm"):
    """A clear page for a link that is broken, tampered with or too old. Nothing is changed."""
    return render_template("mailing/link_problem.html", reason=reason, link=link), 400


@bp.route("/mailing-list", methods=["GET", "POST"])
@public
@limiter.limit(signup_limit, methods=["POST"])
def signup():
    form = SignupForm()
    form.topics.choices = mailing.topic_choices()
    if request.method == "GET":
        form.language.data = current_language().code  # the page's language, until they choose
    if form.validate_on_submit():
        mailing.sign_up(
            email=form.email.data,
            name=form.name.data,
            organisation_name=form.organisation_name.data,
            topic_ids=[int(t) for t in form.topics.data],
            language=form.language.data or current_language().code,
        )
        db.session.commit()
        # The same page whatever the address's state: it never reveals who is subscribed.
        return render_template("mailing/check_email.html", email=form.email.data)
    return render_template("mailing/signup.html", form=form, consent_text=CONSENT_TEXT, language_items=language_items())


@bp.route("/mailing-list/confirm/<token>")
@public
def confirm(token: str):
    try:
        subscriber, topic_ids = mailing.read_confirm_token(token)
    except TokenError as exc:
        return _link_problem(exc.reason)
    prefer(subscriber.language)
    changed = mailing.confirm(subscriber, topic_ids)
    db.session.commit()
    return render_template(
        "mailing/confirmed.html",
        changed=changed,
        preferences_url=url_for("mailing.preferences", token=mailing.manage_token(subscriber)),
    )


@bp.route("/mailing-list/preferences/<token>", methods=["GET", "POST"])
@public
def preferences(token: str):
    try:
        subscriber = mailing.read_manage_token(token)
    except TokenError as exc:
        return _link_problem(exc.reason, link="manage")
    prefer(subscriber.language)
    form = PreferencesForm()
    form.topics.choices = mailing.topic_choices()
    subscribed = subscriber.status == "confirmed"
    if request.method == "GET":
        form.topics.data = [str(t) for t in mailing.topic_ids_of(subscriber)] if subscribed else []
        form.language.data = subscriber.language or SOURCE.code
    saved = False
    if subscribed and form.validate_on_submit():
        chosen = [int(t) for t in form.topics.data or []]
        if chosen:
            mailing.set_topics(subscriber, chosen)
            mailing.set_language(subscriber, form.language.data or subscriber.language)
            db.session.commit()
            prefer(subscriber.language)  # the page answers in the language just chosen
            saved = True
        else:
            mailing.unsubscribe(subscriber, how="preferences")
            db.session.commit()
            return render_template("mailing/unsubscribed.html", token=token)
    return render_template(
        "mailing/preferences.html",
        form=form,
        subscriber=subscriber,
        token=token,
        saved=saved,
        subscribed=subscribed,
        language_items=language_items(),
    )


@bp.route("/mailing-list/unsubscribe/<token>", methods=["GET", "POST"])
@public
@csrf.exempt
def unsubscribe(token: str):
    """GET asks (link scanners must not unsubscribe anyone); POST unsubscribes.

    CSRF-exempt on purpose: mail clients send the RFC 8058 one-click POST
    (List-Unsubscribe=One-Click) with no cookie and no token. The signed link is the
    credential, and unsubscribing is the only thing it can do."""
    try:
        subscriber = mailing.read_manage_token(token)
    except TokenError as exc:
        return _link_problem(exc.reason, link="manage")
    prefer(subscriber.language)
    if request.method == "POST":
        how = "one-click" if request.form.get("List-Unsubscribe") else "link"
        mailing.unsubscribe(subscriber, how=how, bulletin_id=request.args.get("b", type=int))
        db.session.commit()
        return render_template("mailing/unsubscribed.html", token=token)
    if subscriber.status != "confirmed":
        return render_template("mailing/unsubscribed.html", token=token)
    return render_template("mailing/unsubscribe.html", token=token, bulletin_id=request.args.get("b", type=int))


# --- archive ---------------------------------------------------------------------------------


def _published():
    return mailing.published_bulletins()


@bp.route("/bulletins")
@public
def bulletins():
    pager = paginate(_published(), per_page=20)
    return render_template(
        "mailing/bulletins.html", pager=pager, pagination=govuk_pagination(pager, "mailing.bulletins")
    )


@bp.route("/bulletins.atom")
@public
def feed():
    entries = db.session.scalars(_published().limit(20)).all()
    response = make_response(render_template("mailing/feed.xml", entries=entries))
    response.mimetype = "application/atom+xml"
    return response


@bp.route("/bulletins/<slug>")
@public
def bulletin(slug: str):
    """The reader's language version when there is one, else English; `?lang=` picks a version (and
    the page's language with it), and the page links to every version."""
    item = first_or_404(select(Bulletin).where(Bulletin.slug == slug, Bulletin.status.in_(PUBLISHED)))
    shown = versions.shown_in(item, current_language().code)
    links = [
        (other, url_for("mailing.bulletin", slug=item.slug, lang=other.code))
        for other in versions.available(item)
        if other.code != shown.language.code
    ]
    return render_template("mailing/bulletin.html", bulletin=shown, version_links=links, preview=False)


@bp.app_template_filter("atom_time")
def atom_time(value) -> str:
    value = value or utcnow()
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- an e-mail provider's bounce and complaint webhook (issue 19) ------------------------------


@bp.route("/mail/webhook", methods=["POST"])
@public
@csrf.exempt
@limiter.limit("120 per minute")
def mail_webhook():
    """CSRF-exempt on purpose: the caller is a provider's server, not a browser. It must send the
    shared secret (MAIL_WEBHOOK_SECRET) as `Authorization: Bearer <secret>`; without a secret set
    the webhook does not exist."""
    secret = current_app.config.get("MAIL_WEBHOOK_SECRET")
    if not secret:
        abort(404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), secret.encode()):
        abort(403)
    try:
        events = load_json(request.get_data(cache=False), max_bytes=512 * 1024)
    except ImportRefused:
        abort(400)
    recorded = process_webhook(events)
    db.session.commit()
    return {"recorded": recorded}
