"""One source of truth for a bulletin's e-mail counts (issue 19): the demo's October bulletin used
to show 12 recipients in the list and 0 e-mails on its delivery page and in the funder report."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from app.db import utcnow
from app.mailing import demo
from app.mailing.figures import bulletin_figures
from app.mailing.models import Bulletin
from app.reports import figures as report
from app.reports.periods import Period


def test_the_list_the_delivery_page_and_the_funder_report_agree(client, db, login_as):
    demo.seed_demo()
    db.session.commit()
    october = db.session.scalar(select(Bulletin).where(Bulletin.status == "sent"))
    emails = bulletin_figures(october.id)["total"]
    assert emails > 0 and bulletin_figures(october.id)["sent"] == emails
    login_as("staff")
    listing = client.get("/staff/bulletins").get_data(as_text=True)
    row = re.search(rf"{re.escape(october.title)}.*?</tr>", listing, re.S).group(0)
    assert re.search(rf'numeric">{emails}</td>', row)
    delivery = client.get(f"/staff/bulletins/{october.id}/delivery").get_data(as_text=True)
    assert f'data-count="total">{emails}<' in delivery and f'data-count="sent">{emails}<' in delivery
    today = utcnow().date()
    period = Period(today - dt.timedelta(days=60), today)
    (line,) = [r for r in report.bulletin_deliveries(period) if r["id"] == october.id]
    assert (line["messages"], line["delivered"]) == (emails, emails)
    assert report.bulletin_totals(period)["messages"] == emails
    csv_text = client.get(f"/staff/reports.csv?from={period.first_day}&to={today}").data.decode("utf-8-sig")
    (csv_row,) = [line for line in csv_text.splitlines() if line.startswith(october.title)]
    assert csv_row.split(",")[2:4] == [str(emails), str(emails)]  # Emails, Delivered
