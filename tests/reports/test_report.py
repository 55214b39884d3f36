"""The funder / board report: every figure against numbers built into the data, the downloads,
bad periods, access, and a constant number of queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from app.reports import figures as f
from app.reports.periods import Period, quarter_period
from tests.reports import builders as b
from tests.reports.builders import YEAR, when

Q2 = quarter_period(YEAR, 2)  # 1 April to 30 June last year


@pytest.fixture
def scenario(db):
    """Known numbers for Q2, with data before, inside and after it (see the comments)."""
    # Groups. Joined in Q2: A, D, G (3). Active at the end of Q2: A, C, D, H (4).
    a = b.applied_group(when(3, 10), approved=when(4, 15))  # joined in Q2, active
    grp_b = b.applied_group(when(3, 1), approved=when(3, 5))  # joined before, archived in Q2
    b.archive(grp_b, when(5, 10))
    c = b.applied_group(when(1, 20), approved=when(2, 1))  # archived then restored in Q2: active
    b.archive(c, when(5, 1))
    b.restore(c, when(6, 1))
    d = b.group(created=when(5, 20))  # added straight to the directory in Q2
    b.group(created=when(8, 1))  # added after Q2
    b.applied_group(when(4, 2))  # applied in Q2, still waiting: not joined
    g = b.applied_group(when(4, 3), approved=when(4, 10))  # joined in Q2, merged into A before the end
    b.merge(g, a, when(6, 10))
    h = b.applied_group(when(1, 2), approved=when(1, 5))  # archived after Q2: active at its end
    b.archive(h, when(8, 1))
    b.group(status="archived", created=when(1, 1))  # archived, no record of when: never active
    rejected = b.applied_group(when(4, 20))
    rejected.status = "rejected"

    # Mailing list. Start 3 (s1, s3, s8); end 4 (s1, s2, s8, s9); new 3 (s2, s4, s9); left 2 (s3, s4).
    b.subscriber(confirmed=when(3, 1))  # s1
    b.subscriber(confirmed=when(4, 10))  # s2
    b.subscriber("unsubscribed", confirmed=when(2, 1), unsubscribed=when(5, 1))  # s3
    b.subscriber("unsubscribed", confirmed=when(4, 20), unsubscribed=when(6, 20))  # s4
    b.subscriber(confirmed=when(7, 15))  # s5: after
    b.subscriber("pending")  # s6: never confirmed
    b.subscriber("erased", confirmed=when(3, 1))  # s7: erased
    b.subscriber("unsubscribed", confirmed=when(3, 1), unsubscribed=when(7, 10))  # s8: left after Q2
    b.subscriber(confirmed=when(6, 1))  # s9
    b.subscriber("bouncing", confirmed=when(3, 1))  # bouncing: not counted

    # Bulletins: two started in Q2 with 11 emails, 7 delivered, 2 failed (78%).
    b.bulletin(when(5, 1), sent=5, failed=1)
    b.bulletin(when(6, 15), status="sending", sent=2, failed=1, queued=2)
    b.bulletin(when(7, 5), sent=3)  # after
    b.bulletin(None, status="draft")

    # Events: two held in Q2; 5 attended (4 people, 2 organisations), 7 booked (71%).
    e1 = b.event(when(4, 20), kind="networking")
    b.registration(e1, "attended", email="amina@example.org", organisation_id=a.id)
    b.registration(e1, "attended", organisation_name="Bright Futures")
    b.registration(e1, "attended", organisation_name="  bright futures ")
    b.registration(e1, "confirmed")
    b.registration(e1, "apologies", organisation_name="Elsewhere Trust")
    b.registration(e1, "waitlisted")
    b.registration(e1, "cancelled")
    e2 = b.event(when(6, 10), kind="network_meeting")
    b.registration(e2, "attended", email="amina@example.org", organisation_id=a.id)
    b.registration(e2, "attended")
    b.registration(e2, "confirmed", organisation_name="No Show Group")
    e3 = b.event(when(5, 5), cancelled=True)
    b.registration(e3, "attended", organisation_name="Cancelled Org")
    e4 = b.event(when(7, 10))
    b.registration(e4, "attended", organisation_name="Later Org")
    b.event(when(5, 1), status="draft")

    # Toolkits: t1 (groups) 2 submitted by the end of Q2 of 4 active groups = 50%; t4 (people): no rate.
    t1 = b.toolkit(when(4, 1), when(4, 30))
    b.response(t1, organisation=a, submitted=when(4, 10))
    b.response(t1, organisation=c, submitted=when(4, 25))
    b.response(t1, organisation=d, submitted=when(7, 5))  # submitted after Q2 (reopened)
    b.response(t1, organisation=h)  # draft
    b.toolkit(when(7, 10), when(8, 10))  # opened after Q2
    b.toolkit(when(4, 1), when(4, 30), status="draft")
    from tests import factories

    person = factories.user()
    t4 = b.toolkit(None, when(6, 1), audience="individual")
    b.response(t4, user=person, submitted=when(5, 1))

    # Action plans. At the end of Q2: in progress 2, on hold 1, ongoing 1. Changes in Q2: in progress 1,
    # on hold 1. Progress updates in Q2: 2.
    plan, theme = b.plan()
    a1 = b.action(plan, theme, when(3, 1), [("not_started", when(3, 1)), ("in_progress", when(5, 1)),
                                            ("completed", when(8, 1))])  # fmt: skip
    b.action(plan, theme, when(3, 1), [("in_progress", when(3, 1))])
    b.action(plan, theme, when(5, 15), [("not_started", when(5, 15)), ("on_hold", when(6, 1))])
    b.action(plan, theme, when(7, 15), [("not_started", when(7, 15))])  # added after Q2
    b.action(plan, theme, when(1, 1), [], status="ongoing")  # no status history
    draft, draft_theme = b.plan("draft")
    b.action(draft, draft_theme, when(3, 1), [("not_started", when(3, 1)), ("in_progress", when(5, 1))])
    b.progress_update(a1, dated=dt.date(YEAR, 5, 2), created=when(5, 3))
    b.progress_update(a1, dated=dt.date(YEAR, 3, 30), created=when(5, 3))  # dated before Q2
    b.progress_update(a1, dated=None, created=when(6, 1))
    b.progress_update(a1, dated=dt.date(YEAR, 7, 1), created=when(6, 29))  # dated after Q2
    db.session.commit()
    return {"a": a}


EXPECTED = {
    "groups_joined": 3,
    "groups_active": 4,
    "subscribers_start": 3,
    "subscribers_end": 4,
    "subscribers_joined": 3,
    "subscribers_left": 2,
    "events_held": 2,
    "event_registered": 7,
    "event_attendances": 5,
    "event_people": 4,
    "organisations_engaged": 2,
    "attendance_rate": 71,
    "progress_updates": 2,
}


def test_every_figure_matches_the_numbers_built_into_the_data(scenario):
    for name, expected in EXPECTED.items():
        assert getattr(f, name)(Q2) == expected, name
    assert f.bulletin_totals(Q2) == {"bulletins": 2, "messages": 11, "delivered": 7, "failed": 2, "rate": 78}
    rows = f.bulletin_deliveries(Q2)
    assert [(r["messages"], r["delivered"], r["failed"], r["rate"]) for r in rows] == [(6, 5, 1, 83), (5, 2, 1, 67)]
    assert f.events_by_kind(Q2) == [
        {"kind": "network_meeting", "label": "Network meeting", "events": 1, "participants": 2},
        {"kind": "networking", "label": "Networking event", "events": 1, "participants": 3},
    ]
    toolkits = f.toolkit_response_rates(Q2)  # always-open toolkits first, then by opening date
    assert [(t["submitted"], t["invited"], t["rate"]) for t in toolkits] == [(1, None, None), (2, 4, 50)]
    status = {r["status"]: r["actions"] for r in f.action_status(Q2)}
    assert status == {"not_started": 0, "in_progress": 2, "completed": 0, "ongoing": 1, "on_hold": 1}
    changes = {r["status"]: r["changes"] for r in f.action_changes(Q2)}
    assert changes == {"not_started": 0, "in_progress": 1, "completed": 0, "ongoing": 0, "on_hold": 1}


def test_a_custom_period_counts_only_its_own_days(scenario):
    # 15 April to 31 May: A approved 15 April (joined); D added 20 May (joined); G approved 10 April (not).
    p = Period(dt.date(YEAR, 4, 15), dt.date(YEAR, 5, 31))
    assert f.groups_joined(p) == 2
    # At the end of 31 May: A, D, G (merged 10 June), H; C archived 1 May; B archived 10 May.
    assert f.groups_active(p) == 4
    assert f.events_held(p) == 1 and f.event_attendances(p) == 3 and f.organisations_engaged(p) == 2
    assert f.bulletin_totals(p)["bulletins"] == 1
    assert {r["status"]: r["actions"] for r in f.action_status(p)}["not_started"] == 1  # the 15 May action


def test_period_bounds_are_london_days():
    p = quarter_period(2026, 2)
    # 1 April is in British Summer Time: the day starts at 23:00 UTC the evening before.
    assert p.start == dt.datetime(2026, 3, 31, 23, tzinfo=dt.UTC)
    assert p.end == dt.datetime(2026, 6, 30, 23, tzinfo=dt.UTC)
    assert quarter_period(2026, 4).end == dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    assert p.label == "2026 quarter 2 (1 April 2026 to 30 June 2026)"


def _q2_query() -> str:
    return f"quarter={YEAR}-q2"


def test_page_shows_the_figures_and_what_they_count(client, login_as, scenario):
    login_as("staff")
    html = client.get(f"/staff/reports?{_q2_query()}").get_data(as_text=True)
    assert f"{YEAR} quarter 2 (April to June)" in html

    def figure(key):
        match = re.search(rf'id="figure-{key}">.*?portal-report-figure">([^<]*)<', html, re.S)
        return match.group(1).strip()

    assert figure("groups-joined") == "3" and figure("groups-active") == "4"
    assert figure("subscribers-growth") == "1" and figure("delivery-rate") == "78%"
    assert figure("attendance-rate") == "71%" and figure("organisations-engaged") == "2"
    assert "Active groups at the end of the period: joined by then and not archived" in html
    assert 'figcaption class="govuk-heading-s" id="chart-actions-title"' in html
    assert "Download this report as CSV" in html and f"from={YEAR}-04-01" in html


def test_csv_download_has_every_figure_and_table(client, login_as, scenario):
    login_as("staff")
    response = client.get(f"/staff/reports.csv?from={YEAR}-04-01&to={YEAR}-06-30")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert f"network-report-{YEAR}-04-01-to-{YEAR}-06-30.csv" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    values = {(r[0], r[1]): r[2] for r in rows if len(r) >= 3 and r[0] in ("Member groups", "Mailing list", "Bulletins",
                                                                              "Events", "Action plans")}  # fmt: skip
    assert values[("Member groups", "Groups joined")] == "3"
    assert values[("Member groups", "Active groups at the end of the period")] == "4"
    assert values[("Mailing list", "Growth")] == "1"
    assert values[("Bulletins", "Delivery rate")] == "78"
    assert values[("Events", "Participants")] == "5"
    assert ["In progress", "2"] in rows and ["On hold", "1"] in rows
    assert any(r[:1] == ["Toolkit response rates"] for r in rows)


def test_xlsx_download_has_numbers_as_numbers(client, login_as, scenario):
    login_as("staff")
    response = client.get(f"/staff/reports.xlsx?{_q2_query()}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[0] == "Figures"
    rows = list(book["Figures"].iter_rows(values_only=True))
    values = {(r[0], r[1]): r[2] for r in rows[4:]}
    assert values[("Member groups", "Groups joined")] == 3
    assert values[("Events", "Attendance rate")] == 71
    bulletins = list(book["Bulletins sent in the period"].iter_rows(values_only=True))
    assert bulletins[0] == ("Bulletin", "Sent", "Emails", "Delivered", "Failed", "Delivery rate")
    assert [r[2:] for r in bulletins[1:]] == [(6, 5, 1, 83), (5, 2, 1, 67)]
    assert bulletins[1][1] == dt.datetime(YEAR, 5, 1)  # the London day it was sent


def test_text_that_looks_like_a_formula_is_escaped_in_downloads(client, login_as, db):
    b.bulletin(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5), sent=1).title = "=HYPERLINK(1)"
    db.session.commit()
    login_as("staff")
    text = client.get("/staff/reports.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


@pytest.mark.parametrize(
    "query, message",
    [
        ("start=31&start=2&start=2026&end=1&end=3&end=2026", "The start date must be a real date"),
        ("start=&start=&start=&end=1&end=3&end=2026", "Enter the start date of the period"),
        ("start=1&start=3&start=2026&end=&end=&end=", "Enter the end date of the period"),
        ("start=1&start=5&start=2026&end=1&end=3&end=2026", "The end date must be the same as or after the start date"),
        ("start=1&start=1&start=1066&end=1&end=3&end=2026", "The start date must be in 2000 or later"),
        ("start=1&start=1&start=2999&end=1&end=3&end=2999", "The start date must be in 2000 or later"),
        ("start=5", "The start date must be a real date"),
        ("start=1&start=2&start=3&start=4&end=x", "The start date must be a real date"),
        ("quarter=1999-q9", "Select a quarter from the list"),
    ],
)
def test_bad_periods_get_govuk_error_messages(client, login_as, query, message):
    login_as("staff")
    response = client.get(f"/staff/reports?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html and message in html
    assert "<title>Error: " in html
    assert "portal-report-figure" not in html  # no figures for a period we could not read


def test_a_nul_byte_in_a_date_is_refused_plainly(client, login_as):
    """A NUL in any query value is refused before the form reads it (issue 15.9)."""
    login_as("staff")
    response = client.get("/staff/reports?start=a%00b&start=1&start=2026&end=1&end=1&end=2026")
    assert response.status_code == 400 and "null character" in response.get_data(as_text=True)


def test_a_start_date_in_the_future_is_refused(client, login_as):
    login_as("staff")
    future = dt.date.today() + dt.timedelta(days=40)
    query = f"start={future.day}&start={future.month}&start={future.year}"
    query += f"&end={future.day}&end={future.month}&end={future.year}"
    html = client.get(f"/staff/reports?{query}").get_data(as_text=True)
    assert "The start date must be today or in the past" in html


def test_bad_download_periods_go_back_to_the_page(client, login_as):
    login_as("staff")
    for query in ("from=2026-02-31&to=2026-03-01", "from=2026-03-01&to=2026-01-01", "from=x", "quarter=bad"):
        response = client.get(f"/staff/reports.csv?{query}")
        assert response.status_code == 303, query
        assert response.headers["Location"].startswith("/staff/reports")


def test_the_default_is_the_current_quarter(client, login_as):
    from app.reports.periods import current_quarter, quarter_label

    login_as("staff")
    html = client.get("/staff/reports").get_data(as_text=True)
    assert quarter_label(*current_quarter()) in html
    assert "govuk-error-summary" not in html


def test_the_report_runs_a_constant_number_of_queries(client, login_as, db, query_budget):
    login_as("staff")
    p = f"/staff/reports?{_q2_query()}"
    with query_budget(40) as few:
        client.get(p)
    for i in range(6):
        org = b.applied_group(when(3, 1), approved=when(4, 1 + i))
        e = b.event(when(5, 1 + i))
        b.registration(e, "attended", organisation_id=org.id)
        b.bulletin(when(5, 1 + i), sent=2, failed=1)
        b.subscriber(confirmed=when(4, 1 + i))
        t = b.toolkit(when(4, 1), when(6, 1))
        b.response(t, organisation=org, submitted=when(4, 2))
        plan, theme = b.plan()
        b.action(plan, theme, when(3, 1), [("not_started", when(3, 1)), ("in_progress", when(5, 1))])
    db.session.commit()
    with query_budget(40) as many:
        client.get(p)
    assert few["count"] == many["count"]
    with query_budget(40) as download:
        client.get(p.replace("/staff/reports?", "/staff/reports.xlsx?"))
    assert download["count"] <= many["count"]
