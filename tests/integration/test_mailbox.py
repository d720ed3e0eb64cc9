"""Captured mail: without SMTP, messages land as .eml files that /dev/mail lists and shows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from email import policy
from email.parser import BytesParser
from pathlib import Path

from lxml import html as lxml_html

from app.config import Settings
from tests.integration.conftest import app_client, settings_with
from workers.mail import CaptureMailer, mailer_from_settings, render

OUR_SCRIPTS = ["/static/vendor/htmx-2.0.8.min.js", "/static/site.js"]


def capturing(folder: Path) -> Settings:
    return settings_with(mail={"smtp_url": "", "capture_dir": folder})


async def test_captured_messages_are_listed_and_readable(tmp_path: Path) -> None:
    settings = capturing(tmp_path)
    mailer = mailer_from_settings(settings)
    assert isinstance(mailer, CaptureMailer)
    hostile = "<script>alert(1)</script> Cuisinier"
    email = render(
        "offer_reminder",
        {
            "title": hostile,
            "organisation": "Hôtel des Cimes",
            "expires_at": date(2026, 12, 1),
            "offer_url": "http://127.0.0.1:8000/offres/x",
            "renew_url": "http://127.0.0.1:8000/offres/prolonger?token=abc",
        },
        to="rh@example.fr",
        headers={"X-Test": "1"},
    )
    message_id = await mailer.send(email)
    [path] = list(tmp_path.glob("*.eml"))
    parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert parsed["Message-ID"] == message_id
    assert parsed["From"] == settings.mail.sender
    assert parsed["Reply-To"] == settings.mail.reply_to
    assert parsed["X-Test"] == "1"
    assert parsed.get_body(preferencelist=("plain",)) is not None
    html_part = parsed.get_body(preferencelist=("html",))
    assert html_part is not None
    assert "&lt;script&gt;" in html_part.get_content()  # escaped in the HTML version

    async with app_client(settings) as http:
        inbox = await http.get("/dev/mail")
        assert inbox.status_code == 200
        tree = lxml_html.fromstring(inbox.text)
        [row] = tree.cssselect("tbody tr")
        assert "rh@example.fr" in row.text_content()
        # The hostile subject is text, not markup: only the site's own scripts are there.
        assert [e.get("src") for e in tree.cssselect("script")] == OUR_SCRIPTS
        href = row.cssselect("a")[0].get("href")
        assert href == f"/dev/mail/{path.name}"
        one = await http.get(href)
        assert one.status_code == 200
        page = lxml_html.fromstring(one.text)
        assert [e.get("src") for e in page.cssselect("script")] == OUR_SCRIPTS
        assert "/offres/prolonger?token=abc" in page.cssselect("pre.mail-text")[0].text_content()
        assert (await http.get("/dev/mail/nothing-here.eml")).status_code == 404
        assert (await http.get("/dev/mail/..%2F..%2Fetc%2Fpasswd")).status_code == 404


async def test_no_mailbox_with_smtp_or_in_production(tmp_path: Path) -> None:
    settings = capturing(tmp_path)
    with_smtp = replace(settings, mail=replace(settings.mail, smtp_url="smtp://127.0.0.1:2525"))
    async with app_client(with_smtp) as http:
        assert (await http.get("/dev/mail")).status_code == 404
    production = replace(settings, site=replace(settings.site, env="production"))
    async with app_client(production) as http:
        assert (await http.get("/dev/mail")).status_code == 404
