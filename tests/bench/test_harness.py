"""The benchmark harness's own logic (the runs themselves are `make bench`)."""

from __future__ import annotations

from bench import mail
from bench.scenarios import SCENARIOS, derived_facts


def test_toolkit_scenarios_wait_for_their_endpoints_and_data():
    by_name = {s.name: s for s in SCENARIOS}
    results = by_name["toolkit results (staff)"]
    assert results.endpoint == "toolkits.staff_results" and results.sign_in == "staff@example.org"
    assert results.path(derived_facts({"toolkit_id": None}, {})) is None
    rules = {"toolkits.staff_results": "/staff/toolkits/<int:toolkit_id>/results"}
    assert results.path(derived_facts({"toolkit_id": 7, "toolkit_slug": "wellbeing"}, rules)) == (
        "/staff/toolkits/7/results"
    )
    assert by_name['"You said"'].path({"toolkit_slug": "wellbeing"}) == "/toolkits/wellbeing/you-said"
    register = by_name["register POST"]
    assert register.method == "POST" and register.script == "register.lua"
    assert register.path({"event_slug": "load-event-1"}) == "/events/load-event-1/register"


def test_mail_figures_report_targets_met_or_not():
    figures = {
        "recipients": 10000, "sent": 10000, "send_request_ms": 120.0, "send_target_ms": 300,
        "worker_seconds": 50.0, "worker_wall_seconds": 52.0, "worker_per_second": 200.0,
        "baseline_seconds": 5.0, "baseline_per_second": 2000.0, "ratio": 0.1, "ratio_target": 0.8,
        "message_bytes": 4600,
    }  # fmt: skip
    text = "\n".join(mail.markdown(figures))
    assert "≤ 300 ms (met)" in text and "≥ 0.8 (NOT met)" in text
    assert mail.markdown({"skipped": "no draft"}) == ["Bulk mail: skipped (no draft)."]
