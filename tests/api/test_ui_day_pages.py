"""The analysts' and forces' other pages without a browser: registers and their import, statistics,
cross-checks, reports (HTML and PDF with the same figures), the model page, thread context and
the queue's order. Roles and cross-force answers for every page are in the authorisation matrix
(tests/api/authz_table.py); here is what each page shows and stores."""

from __future__ import annotations

import html as html_lib
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from apifixtures import create_flag, create_gift
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import func, select, update
from uidayfixtures import load_reference_return, new_key, signed_in

from api.main import create_app
from probity import audit_queue
from probity.db import get_engine, session_scope
from probity.models import AuditEvent, GiftHospitality, ModelVersion, Post, utcnow
from probity.settings import Settings
from registers.stats import StatsScope, compute_stats

FORCE_A, FORCE_B = "wiltshire", "city-of-london"
GIFT_HEADER = (
    "force,entry_ref,entry_date,recipient_role,recipient_rank,chief_officer,offeror,offeror_type,kind,"
    "description,value,accepted,reason"
)


@pytest.fixture(scope="module")
def sample_url(database_factory) -> str:
    url = database_factory()
    load_reference_return(url)
    return url


@pytest.fixture(scope="module")
def sample_client(sample_url) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=sample_url))) as client:
        yield client


def _gift_count(url: str, force_id: str) -> int:
    with session_scope(get_engine(url)) as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(GiftHospitality)
                .where(GiftHospitality.force_id == force_id)
            )
            or 0
        )


def _upload(
    client: TestClient, csrf: str, name: str, body: bytes, register: str = "gifts", **form: str
):
    return client.post(
        "/ui/registers/import",
        data={"register": register, "csrf": csrf, **form},
        files={"file": (name, body)},
    )


def test_import_lists_every_bad_row_and_stores_nothing_then_imports_a_good_file(
    sample_client, sample_url
):
    csrf = signed_in(sample_client, new_key(sample_url, "force", FORCE_A))
    before = _gift_count(sample_url, FORCE_A)
    bad = "\n".join(
        [
            GIFT_HEADER,
            f"{FORCE_A},UI-1,2012-01-05,Police Officer,PC,no,Acme Ltd,business,hospitality,Lunch,30,accepted,",
            f"{FORCE_A},UI-2,31/02/2012,Police Officer,PC,no,Acme Ltd,business,hospitality,Lunch,-4,accepted,",
            f"{FORCE_B},UI-3,2012-01-07,Police Officer,PC,no,Acme Ltd,business,hospitality,Lunch,5,maybe,",
        ]
    )
    r = _upload(sample_client, csrf, "gifts.csv", bad.encode())
    assert r.status_code == 400
    errors = [
        html_lib.unescape(re.sub(r"<[^>]+>", "", li))
        for li in re.findall(r"<li>(.*?)</li>", r.text.split('data-testid="import-errors"')[1])
    ]
    assert any(e.startswith("row 3, column “entry_date”: bad date '31/02/2012'") for e in errors), (
        errors
    )
    assert any(e.startswith("row 3, column “value”: negative value") for e in errors), errors
    assert any(
        e.startswith("row 4, column “accepted”: expected accepted or declined") for e in errors
    ), errors
    assert any(e.startswith("row 4, column “force”") and FORCE_A in e for e in errors), errors
    assert "nothing was stored" in r.text
    assert _gift_count(sample_url, FORCE_A) == before  # row 2 was valid, and is not stored either

    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(GIFT_HEADER.split(","))
    sheet.append(
        [
            FORCE_A,
            "UI-X1",
            "2012-02-01",
            "Police Staff",
            "",
            "no",
            "Acme Ltd",
            "business",
            "gratuity",
            "Pen",
            "4.50",
            "declined",
            "policy",
        ]
    )
    buf = io.BytesIO()
    wb.save(buf)
    ok = _upload(sample_client, csrf, "gifts.xlsx", buf.getvalue())
    assert ok.status_code == 200, ok.text
    assert "1 row(s), 1 new, 0 updated, 0 unchanged" in ok.text
    assert _gift_count(sample_url, FORCE_A) == before + 1
    again = _upload(sample_client, csrf, "gifts.xlsx", buf.getvalue())
    assert "1 row(s), 0 new, 0 updated, 1 unchanged" in again.text
    assert _upload(sample_client, csrf, "gifts.txt", b"x").status_code == 400


def test_register_table_filters_and_force_scope(sample_client, sample_url):
    with session_scope(get_engine(sample_url)) as session:
        mine, theirs = (
            create_gift(session, FORCE_A).entry_ref,
            create_gift(session, FORCE_B).entry_ref,
        )
    signed_in(sample_client, new_key(sample_url, "force", FORCE_A))
    page = sample_client.get(
        "/ui/registers/gifts",
        params={"page_size": 500, "date_from": "2011-10-03", "date_to": "2011-10-03"},
    ).text
    assert mine in page and theirs not in page
    # a force key cannot widen its scope with the national filter
    assert (
        theirs
        not in sample_client.get(
            "/ui/registers/gifts", params={"force_id": FORCE_B, "page_size": 500}
        ).text
    )
    signed_in(sample_client, new_key(sample_url, "analyst"))
    page = sample_client.get(
        "/ui/registers/gifts",
        params={
            "force_id": FORCE_B,
            "page_size": 500,
            "date_from": "2011-10-03",
            "date_to": "2011-10-03",
        },
    ).text
    assert theirs in page and mine not in page
    with session_scope(get_engine(sample_url)) as session:
        odd = create_gift(session, FORCE_B, offeror="Quillfeather 100% Catering").entry_ref
    found = sample_client.get("/ui/registers/gifts", params={"text": "QUILLFEATHER 100%"}).text
    assert odd in found and theirs not in found
    assert (
        odd
        not in sample_client.get("/ui/registers/gifts", params={"text": "quillfeather 10_%"}).text
    )
    assert (
        sample_client.get("/ui/registers/gifts", params={"date_from": "yesterday"}).status_code
        == 422
    )


def test_stats_page_shows_the_computed_figures_and_is_audited(sample_client, sample_url):
    signed_in(sample_client, new_key(sample_url, "force", FORCE_A))
    page = sample_client.get(
        "/ui/stats", params={"date_from": "2011-09-01", "date_to": "2012-05-31"}
    )
    assert page.status_code == 200
    with session_scope(get_engine(sample_url)) as session:
        from datetime import date

        s = compute_stats(session, StatsScope(FORCE_A, date(2011, 9, 1), date(2012, 5, 31)))
        audit_queue.chain_all(session.get_bind())  # the page's read, chained
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert (last.action, last.object_id, last.force_id) == ("stats.read", FORCE_A, FORCE_A)
    figures = page.text.split('data-testid="figures"')[1].split("</div>\n</div>")[0]
    assert f"<strong>{s['investigations']['total']}</strong> integrity investigations" in figures
    assert f"<strong>{s['business_interests']['total']}</strong> business-interest" in figures
    assert page.text.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 6
    for path in (
        "/ui/stats",
        "/ui/crosschecks",
        "/ui/reports/force",
        "/ui/reports/force.html",
        "/ui/reports/force.pdf",
        "/ui/reports/national",
    ):
        status = sample_client.get(path, params={"force_id": FORCE_B}).status_code
        assert status == (403 if "national" in path else 404), (
            path
        )  # another force is not there for this key


def test_crosschecks_page_lists_the_rows_behind_each_finding(sample_client, sample_url):
    with session_scope(get_engine(sample_url)) as session:
        create_gift(session, FORCE_A, offeror="Zyxwv Cleaning Services Ltd")
        from datetime import date
        from decimal import Decimal

        from probity.models import Contract

        session.add(
            Contract(
                force_id=FORCE_A,
                contract_ref="C-UI-1",
                supplier="ZYXWV Cleaning Services Limited",
                description="Cleaning",
                value=Decimal(90000),
                awarded_on=date(2011, 11, 1),
                route="tender",
            )
        )
    signed_in(sample_client, new_key(sample_url, "force", FORCE_A))
    page = sample_client.get("/ui/crosschecks").text
    section = next(s for s in page.split('data-testid="finding"') if "C-UI-1" in s)
    assert "hospitality supplier" in section and "Zyxwv Cleaning Services Ltd" in section


def _numbers(text: str) -> Counter[str]:
    text = html_lib.unescape(re.sub(r"\s+", " ", text))
    text = re.sub(r"Generated by Probity.*?UTC", "", text)  # the two renderings' own time stamps
    text = re.sub(r"page \d+ of \d+", "", text)  # the PDF's page footer
    return Counter(re.findall(r"\d+", re.sub(r"(?<=\d),(?=\d{3})", "", text)))


def test_force_report_pdf_has_the_html_figures_and_renders(sample_client, sample_url, tmp_path):
    import pypdfium2
    from pypdf import PdfReader

    signed_in(sample_client, new_key(sample_url, "analyst"))
    params = {"force_id": FORCE_A, "date_from": "2011-09-01", "date_to": "2012-05-31"}
    html = sample_client.get("/ui/reports/force.html", params=params)
    pdf = sample_client.get("/ui/reports/force.pdf", params=params)
    assert (
        html.headers["content-disposition"]
        == f'attachment; filename="probity-report-{FORCE_A}.html"'
    )
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    body = re.sub(r"<style>.*?</style>|<title>.*?</title>", "", html.text, flags=re.DOTALL)
    html_text = re.sub(r"<[^>]+>", " ", body)
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "57" in _numbers(
        html_text
    )  # Wiltshire's integrity investigations in the reference return
    assert sum(_numbers(html_text).values()) > 100
    assert _numbers(pdf_text) == _numbers(html_text)
    pages = pypdfium2.PdfDocument(pdf.content)
    assert len(pages) >= 2
    for i in range(len(pages)):
        image = pages[i].render(scale=1).to_pil().convert("L")
        dark = sum(image.histogram()[:128])
        assert dark > 500, f"page {i + 1} renders blank"
    image.save(tmp_path / "last-page.png")


@pytest.fixture
def ui_client(client) -> TestClient:
    return client


def test_thread_context_above_the_post_and_in_the_queue(ui_client, db, make_key):
    with db() as session:
        quoted = create_flag(session, "suffolk", text="Quoting scum here")
        parent_post = session.get(Post, quoted.post_id)
        missing = create_flag(session, "suffolk", text="Replying to scum")
        stored = create_flag(session, "suffolk", text="Agree, scum the lot")
        post = session.get(Post, missing.post_id)
        post.context = [
            {
                "relation": "reply",
                "platform_id": "at://gone/1",
                "author_handle": "",
                "text": "",
                "is_account_holder": False,
            }
        ]
        post2 = session.get(Post, stored.post_id)
        post2.context = [
            {
                "relation": "reply",
                "platform_id": parent_post.platform_id,
                "author_handle": "",
                "text": "",
                "is_account_holder": False,
            }
        ]
        ids = quoted.id, missing.id, stored.id
    signed_in(ui_client, make_key("analyst"))
    page = ui_client.get(f"/ui/flags/{ids[0]}").text
    assert page.index('data-testid="thread"') < page.index('data-testid="post-text"')
    assert "Replying to @someone.bsky.social" in page and "What do you think of them?" in page
    page = ui_client.get(f"/ui/flags/{ids[1]}").text
    assert "The post replied to is not stored (at://gone/1)" in page
    page = ui_client.get(f"/ui/flags/{ids[2]}").text
    thread = page.split('data-testid="thread"')[1].split("</blockquote>")[0]
    assert (
        "Quoting scum here" in thread and "@officer" in thread
    )  # the stored parent and its author
    queue = ui_client.get("/ui/queue", params={"force_id": "suffolk", "page_size": 200}).text
    row = queue.split(f'data-flag-id="{ids[1]}"')[1].split("</tr>")[0]
    assert 'title="Replying to an unknown author: the parent post is not stored"' in row
    row = queue.split(f'data-flag-id="{ids[0]}"')[1].split("</tr>")[0]
    assert 'title="Replying to @someone.bsky.social: What do you think of them?"' in row


def test_queue_orders_by_risk_or_oldest_first(ui_client, db, make_key, headers):
    force = "gwent"
    with db() as session:
        ids = [create_flag(session, force, score=s).id for s in (0.55, 0.95, 0.75, 0.95)]
    key = headers("analyst")
    by_risk, token, seen = [], None, 0
    while True:  # two per page: the keyset must page through ties in score
        params = {"force_id": force, "page_size": 2, **({"page_token": token} if token else {})}
        body = ui_client.get("/api/v1/flags", params=params, headers=key).json()
        by_risk += [f["id"] for f in body["items"]]
        token, seen = body["next_page_token"], seen + 1
        if not token:
            break
    assert by_risk == [ids[1], ids[3], ids[2], ids[0]] and seen == 2
    oldest = ui_client.get(
        "/api/v1/flags", params={"force_id": force, "order": "oldest"}, headers=key
    ).json()
    assert [f["id"] for f in oldest["items"]] == ids
    signed_in(ui_client, make_key("analyst"))
    page = ui_client.get("/ui/queue", params={"force_id": force, "order": "oldest"}).text
    assert [int(x) for x in re.findall(r'data-flag-id="(\d+)"', page)] == ids


def test_model_page_shows_saved_figures_or_not_measured(ui_client, db, make_key, tmp_path: Path):
    folder = tmp_path / "model"
    folder.mkdir()
    metrics = {
        "test": {"macro_f1": 0.8481},
        "real_text": {"everyday_flag_rates": {"davidson": {"n": 812, "any": 0.0419}}},
    }
    (folder / "metrics.json").write_text(json.dumps(metrics))
    (folder / "model_card.md").write_text("# Model card: `ui-test`\n\nA card.")
    with db() as session:
        for mv in session.scalars(select(ModelVersion).where(ModelVersion.active)):
            mv.active = False
        session.add(
            ModelVersion(
                version="ui-model-v1",
                kind="tfidf-logreg",
                path=str(folder),
                config={},
                metrics={},
                thresholds={"offensive": 0.41},
                active=True,
                activated_at=utcnow(),
            )
        )
    signed_in(ui_client, make_key("analyst", "suffolk"))
    page = ui_client.get("/ui/model").text
    assert "ui-model-v1" in page and "0.848" in page and "0.410" in page
    assert "everyday flag rates.davidson.any</td><td>0.042" in page
    assert "Not measured yet" in page  # no audit sample has been reviewed
    assert "A card." in page
    (folder / "metrics.json").write_text(
        json.dumps({**metrics, "audit_sample": {"recall": 0.9134, "n": 400}})
    )
    page = ui_client.get("/ui/model").text
    assert "recall</td><td>0.913" in page and "Not measured yet" not in page
    with db() as session:
        session.execute(
            update(ModelVersion).where(ModelVersion.version == "ui-model-v1").values(active=False)
        )


def test_cli_writes_the_force_report_as_pdf(sample_url, tmp_path, monkeypatch):
    from pypdf import PdfReader
    from typer.testing import CliRunner

    from cli import app
    from probity.settings import reset_settings_cache

    monkeypatch.setenv("PROBITY_DATABASE_URL", sample_url)
    reset_settings_cache()
    out = tmp_path / "wiltshire.pdf"
    result = CliRunner().invoke(
        app,
        [
            "report",
            "force",
            FORCE_A,
            "--from",
            "2011-09-01",
            "--to",
            "2012-05-31",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    text = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    assert (
        "Wiltshire Police: integrity and social media" in text
        and "1 September 2011 to 31 May 2012" in text
    )
