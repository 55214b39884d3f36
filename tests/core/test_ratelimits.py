"""Rate limits that hold in production (issue 15.5, 15.6): per real client behind the documented
proxy, event registration with limits of its own, a refusal that says when to try again."""

from __future__ import annotations

import contextlib

import config
from app.ratelimits import trust_proxies
from tests.factories import events as helpers

PROXY = "10.0.0.5"  # the reverse proxy's address, as the app sees it (REMOTE_ADDR)


@contextlib.contextmanager
def behind_proxy(app, hops: int):
    """The app as deployed behind `hops` proxies (TRUSTED_PROXIES), restored afterwards."""
    original = app.wsgi_app
    app.config["TRUSTED_PROXIES"] = hops
    trust_proxies(app)
    try:
        yield
    finally:
        app.wsgi_app = original


def _sign_in_from(client, forwarded_for: str):
    return client.post(
        "/login",
        data={"email": "someone@example.org", "password": "not-the-password-1"},
        environ_base={"REMOTE_ADDR": PROXY},
        headers={"X-Forwarded-For": forwarded_for},
    )


def test_twelve_people_behind_the_proxy_each_get_their_own_login_limit(app, client, db):
    app.config["RATELIMIT_LOGIN"] = "10 per minute"
    with behind_proxy(app, 1):
        codes = [_sign_in_from(client, f"203.0.113.{n}").status_code for n in range(12)]
    assert 429 not in codes


def test_without_trusted_proxies_everyone_behind_the_proxy_shares_one_bucket(app, client, db):
    """What went wrong before: the proxy's address was the only one the limiter saw."""
    app.config["RATELIMIT_LOGIN"] = "10 per minute"
    codes = [_sign_in_from(client, f"203.0.113.{n}").status_code for n in range(12)]
    assert codes[:10] == [200] * 10 and codes[10:] == [429, 429]


def test_a_made_up_forwarded_for_does_not_escape_the_limit(app, client, db):
    """nginx appends the real address; whatever the client put before it is ignored."""
    app.config["RATELIMIT_LOGIN"] = "10 per minute"
    with behind_proxy(app, 1):
        codes = [_sign_in_from(client, f"198.51.100.{n}, 203.0.113.7").status_code for n in range(12)]
    assert codes[10:] == [429, 429]


def test_a_refusal_says_when_to_try_again(app, client, db):
    app.config["RATELIMIT_LOGIN"] = "1 per minute"
    _sign_in_from(client, "203.0.113.1")
    refused = _sign_in_from(client, "203.0.113.1")
    assert refused.status_code == 429
    seconds = int(refused.headers["Retry-After"])
    assert 0 < seconds <= 61
    text = refused.get_data(as_text=True)
    assert "Too many attempts" in text and "Wait 1 minute, then try again." in text


def _register(client, event, n: int, address: str = "198.51.100.20"):
    data = {"name": f"Participant {n}", "email": f"participant{n}@example.org", "organisation_name": "Roots Trust"}
    return client.post(f"/events/{event.slug}/register", data=data, environ_base={"REMOTE_ADDR": address})


def test_a_networking_event_of_fifty_fills_from_one_wifi_in_a_minute(app, client, db):
    """Everyone in the room shares the venue's address; the site-wide sign-up limit is not used."""
    app.config.update(
        RATELIMIT_SIGNUP=config.Config.RATELIMIT_SIGNUP,
        RATELIMIT_EVENT_REGISTRATION=config.Config.RATELIMIT_EVENT_REGISTRATION,
        RATELIMIT_EVENT_REGISTRATION_PER_EVENT=config.Config.RATELIMIT_EVENT_REGISTRATION_PER_EVENT,
    )
    event = helpers.event(title="Networking lunch", capacity=50)
    db.session.commit()
    codes = [_register(client, event, n).status_code for n in range(50)]
    assert codes == [200] * 50
    # Signing up to the mailing list from the same room still has its own, stricter limit.
    assert client.post("/mailing-list", data={}, environ_base={"REMOTE_ADDR": "198.51.100.20"}).status_code == 200


def test_event_registration_limits_count_per_client_and_event_and_per_event(app, client, db):
    app.config.update(
        RATELIMIT_EVENT_REGISTRATION="3 per minute", RATELIMIT_EVENT_REGISTRATION_PER_EVENT="5 per minute"
    )
    first = helpers.event(title="First event", capacity=50)
    second = helpers.event(title="Second event", capacity=50)
    db.session.commit()
    assert [_register(client, first, n).status_code for n in range(4)] == [200, 200, 200, 429]
    # The same client may still register for another event ...
    assert _register(client, second, 10).status_code == 200
    # ... and others for the first, until the event's own ceiling.
    codes = [_register(client, first, 20 + n, address=f"192.0.2.{n}").status_code for n in range(3)]
    assert codes == [200, 200, 429]
    refused = _register(client, first, 99, address="192.0.2.77")
    assert "then try again" in refused.get_data(as_text=True) and refused.headers.get("Retry-After")


def test_production_without_redis_warns_that_limits_are_per_process(app, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    warnings = []
    monkeypatch.setattr(app.logger, "warning", lambda message, *args: warnings.append(message % args))
    original = dict(app.config)
    app.config.update(ENV_NAME="production", REDIS_URL=None, TRUSTED_PROXIES=0)
    try:
        trust_proxies(app)
    finally:
        app.config.update(original)
    assert any("REDIS_URL is not set and 2 workers are configured" in w for w in warnings)


def test_a_refusal_by_the_hourly_limit_says_the_hours_wait(app, client, db):
    app.config["RATELIMIT_LOGIN"] = "10 per minute;4 per hour"
    codes = [_sign_in_from(client, "203.0.113.5").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    refused = _sign_in_from(client, "203.0.113.5")
    seconds = int(refused.headers["Retry-After"])
    assert seconds > 120, seconds
    assert "minutes, then try again" in refused.get_data(as_text=True)


def test_only_failed_sign_ins_count_and_ordinary_pages_carry_no_retry_after(app, client, db):
    from tests import factories

    factories.user(email="kofi@example.org")
    db.session.commit()
    app.config["RATELIMIT_LOGIN"] = "3 per minute"
    for _ in range(5):  # an office behind one address, everyone signing in successfully
        ok = client.post("/login", data={"email": "kofi@example.org", "password": factories.PASSWORD})
        assert ok.status_code == 303 and "Retry-After" not in ok.headers
        client.post("/logout")
    assert _sign_in_from(client, "203.0.113.9").status_code == 200
