"""Every e-mail kind, as it goes on the wire: RFC 5322 line limits, quoted-printable lines of
76 at most (RFC 2045), encoded words of 75 at most (RFC 2047), List-Unsubscribe one unfolded
URL (RFC 8058), the text read back unchanged, and a DKIM signature (RFC 6376) that verifies."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import dkim
import pytest

from app.config import ConfigError, MailSettings, load_settings
from tests import dkim_keys
from tests.dkim_keys import dkim_env, dns
from workers.alerts import unsubscribe_headers
from workers.mail import TEMPLATES, Email, build_message, render, wire

SITE = "https://www.emploi-montagne.fr"
TOKEN = "eyJhIjoxMjM0NTYsImsiOiJxN1ZfbTJ4LUs5In0." + "ZmFrZS1zaWduYXR1cmUtb2YtdGhlLWxpbmstMDEy" * 2
LONG_URL = f"{SITE}/alertes/desabonner?token={TOKEN}{TOKEN}"
TITLE = (
    "Cuisinier·ère de brigade polyvalent(e), logé·e et nourri·e — saison d'hiver 2026–2027 "
    "à Val-d'Isère (Tarentaise), 39 h, coupure, repos le dimanche"
)
ORGANISATION = "Hôtel-Restaurant Les Mélèzes & Spa de l'Écureuil — Val-d'Isère"
SLUG = "cuisinier-ere-de-brigade-polyvalent-e-loge-e-et-nourri-e-saison-d-hiver-2026-2027-a-val"
OFFER = {
    "title": TITLE,
    "employer": ORGANISATION,
    "place": "Val-d'Isère",
    "massif": "Alpes du Nord",
    "start_date": date(2026, 12, 1),
    "end_date": date(2027, 4, 20),
    "pay": "1 900 – 2 300 € par mois",
    "housing": "Logement fourni",
    "url": f"{SITE}/offres/{SLUG}",
}

# Each kind of app/templates/email/: its context, as the code that sends it builds it.
KINDS: dict[str, dict[str, Any]] = {
    "account_exists": {
        "sign_in_url": f"{SITE}/connexion",
        "reset_url": f"{SITE}/mot-de-passe-oublie",
    },
    "account_verify": {
        "name": "Élodie Béranger-Duchêne",
        "organisation": ORGANISATION,
        "url": f"{SITE}/inscription/confirmer?token={TOKEN}{TOKEN}",
    },
    "alert_confirm": {
        "urls": {"confirm": f"{SITE}/alertes/confirmer?token={TOKEN}"},
        "frequency": "daily",
    },
    "alert_digest": {
        "offers": [OFFER, {**OFFER, "end_date": None, "pay": None}] * 15,
        "urls": {"unsubscribe": LONG_URL, "manage": f"{SITE}/alertes/gerer?token={TOKEN}"},
        "frequency": "instant",
    },
    "invitation": {
        "inviter": "Marie-Hélène Château-Lefèvre",
        "organisation": ORGANISATION,
        "url": f"{SITE}/invitation?token={TOKEN}{TOKEN}",
    },
    "offer_expired": {
        "title": TITLE,
        "organisation": ORGANISATION,
        "renew_url": f"{SITE}/offres/prolonger?token={TOKEN}",
    },
    "offer_reminder": {
        "title": TITLE,
        "organisation": ORGANISATION,
        "expires_at": datetime(2027, 1, 31, 23, 0),
        "renew_url": f"{SITE}/offres/prolonger?token={TOKEN}",
        "offer_url": f"{SITE}/offres/{SLUG}",
    },
    "offer_unpublished": {
        "title": TITLE,
        "organisation": ORGANISATION,
        "reason": "Annonce en double : la même offre est déjà en ligne. " * 12,
        "space_url": f"{SITE}/espace/offres",
    },
    "password_reset": {"url": f"{SITE}/mot-de-passe/nouveau?token={TOKEN}{TOKEN}"},
    "password_reset_unknown": {
        "sign_in_url": f"{SITE}/connexion",
        "sign_up_url": f"{SITE}/inscription",
    },
}
UNSUBSCRIBING = {"alert_digest"}  # the kinds that carry List-Unsubscribe
ENCODED_WORD = re.compile(rb"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")
EXPECTED_SIGNED = {
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "reply-to",
    "mime-version",
    "content-type",
}


@pytest.fixture(scope="module")
def key_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    return dkim_keys.key_pair(tmp_path_factory.mktemp("dkim"))


@pytest.fixture(scope="module")
def signing(key_pair: tuple[Path, bytes]) -> MailSettings:
    env = {"MAIL_FROM": "Emploi Montagne <alertes@emploi-montagne.fr>"}
    return load_settings({**env, **dkim_env(key_pair[0])}).mail


def email_of(kind: str) -> Email:
    headers = unsubscribe_headers(LONG_URL) if kind in UNSUBSCRIBING else None
    return render(kind, KINDS[kind], to="lea.dupont-moulin@example.fr", headers=headers)


def on_the_wire(email: Email, settings: MailSettings) -> bytes:
    return wire(build_message(email, settings), settings)[2]


def test_every_kind_of_email_is_checked() -> None:
    folders = {p.name for p in (TEMPLATES / "email").iterdir() if p.is_dir()}
    assert folders == set(KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_email_keeps_the_line_limits_and_reads_back(
    kind: str, signing: MailSettings, key_pair: tuple[Path, bytes]
) -> None:
    email = email_of(kind)
    data = on_the_wire(email, signing)

    assert data.isascii()
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
    assert b"\r" not in data.replace(b"\r\n", b"")
    head, _ = data.split(b"\r\n\r\n", 1)
    for line in data.split(b"\r\n"):
        if not line.startswith(b"List-Unsubscribe: "):
            assert len(line) <= 78, line
    for word in ENCODED_WORD.findall(data):
        assert len(word) <= 75, word

    parsed = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(parsed, EmailMessage)
    for part in parsed.walk():
        if part.get_content_maintype() == "text":
            assert part["Content-Transfer-Encoding"] in ("7bit", "quoted-printable")
            raw = part.get_payload()
            assert isinstance(raw, str)
            assert max(len(line) for line in raw.splitlines()) <= 76
    assert str(parsed["Subject"]) == email.subject
    assert str(parsed["To"]) == email.to
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    # Text goes in MIME's canonical form (CRLF line ends) and comes back as it was written.
    assert text.get_content().replace("\r\n", "\n") == email.text
    assert html.get_content().replace("\r\n", "\n") == email.html

    if kind in UNSUBSCRIBING:
        [line] = [x for x in head.split(b"\r\n") if x.lower().startswith(b"list-unsubscribe:")]
        assert line == b"List-Unsubscribe: <" + LONG_URL.encode() + b">"
        assert not re.search(rb"\r\nList-Unsubscribe: [^\r]*\r\n[ \t]", head)
        assert str(parsed["List-Unsubscribe"]) == f"<{LONG_URL}>"
        assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    else:
        assert parsed["List-Unsubscribe"] is None

    assert head.startswith(b"DKIM-Signature: ")
    assert dkim.verify(data, dnsfunc=dns(key_pair[1]))
    tags = dict(dkim.util.parse_tag_value(parsed["DKIM-Signature"].encode()))
    assert (tags[b"d"], tags[b"s"], tags[b"c"]) == (
        b"emploi-montagne.fr",
        b"em2026",
        b"relaxed/relaxed",
    )
    signed = {h.strip().decode() for h in tags[b"h"].split(b":")}
    extra = {"list-unsubscribe", "list-unsubscribe-post"} if kind in UNSUBSCRIBING else set()
    assert signed == EXPECTED_SIGNED | extra


@pytest.mark.parametrize(
    ("header", "forged"),
    [
        (b"Subject: ", b"Subject: Votre compte sera ferm\xc3\xa9"),
        (b"To: ", b"To: mallory@example.fr"),
        (b"List-Unsubscribe: ", b"List-Unsubscribe: <https://evil.example/x>"),
        (b"Message-ID: ", b"Message-ID: <forged@emploi-montagne.fr>"),
    ],
)
def test_a_changed_header_or_body_breaks_the_signature(
    header: bytes, forged: bytes, signing: MailSettings, key_pair: tuple[Path, bytes]
) -> None:
    data = on_the_wire(email_of("alert_digest"), signing)
    assert dkim.verify(data, dnsfunc=dns(key_pair[1]))
    lines = data.split(b"\r\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(header))
    while lines[at + 1][:1] in (b" ", b"\t"):  # the header's folded continuation lines
        del lines[at + 1]
    lines[at] = forged
    assert not dkim.verify(b"\r\n".join(lines), dnsfunc=dns(key_pair[1]))
    body = data.replace(b"Val-d'Is=C3=A8re", b"Chamonix", 1)
    assert body != data
    assert not dkim.verify(body, dnsfunc=dns(key_pair[1]))


def test_without_dkim_settings_messages_go_unsigned(signing: MailSettings) -> None:
    data = on_the_wire(email_of("password_reset"), replace(signing, dkim=None))
    assert b"DKIM-Signature" not in data
    assert all(len(line) <= 78 for line in data.split(b"\r\n"))


def test_a_long_subject_is_folded_into_short_encoded_words(signing: MailSettings) -> None:
    email = email_of("offer_reminder")
    assert len(email.subject) > 150
    data = on_the_wire(email, signing)
    head = data.split(b"\r\n\r\n", 1)[0]
    subject = re.search(rb"\r\nSubject: ([^\r]*(?:\r\n[ \t][^\r]*)*)", head)
    assert subject is not None
    assert subject.group(1).count(b"\r\n") >= 2  # folded over several lines
    assert ENCODED_WORD.search(subject.group(1))


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DKIM_DOMAIN": "emploi-montagne.fr", "DKIM_SELECTOR": "em2026"}, "DKIM_PRIVATE_KEY"),
        ({"DKIM_SELECTOR": "em2026", "DKIM_PRIVATE_KEY": "KEY"}, "DKIM_DOMAIN"),
        ({"DKIM_DOMAIN": "emploi-montagne.fr", "DKIM_PRIVATE_KEY": "KEY"}, "DKIM_SELECTOR"),
        (
            {"DKIM_DOMAIN": "not a domain", "DKIM_SELECTOR": "s", "DKIM_PRIVATE_KEY": "KEY"},
            "DKIM_DOMAIN",
        ),
        (
            {
                "DKIM_DOMAIN": "emploi-montagne.fr",
                "DKIM_SELECTOR": "s;x",
                "DKIM_PRIVATE_KEY": "KEY",
            },
            "DKIM_SELECTOR",
        ),
        (
            {
                "DKIM_DOMAIN": "emploi-montagne.fr",
                "DKIM_SELECTOR": "s",
                "DKIM_PRIVATE_KEY": "/nonexistent.pem",
            },
            "DKIM_PRIVATE_KEY",
        ),
        (
            {
                "DKIM_DOMAIN": "emploi-montagne.fr",
                "DKIM_SELECTOR": "s",
                "DKIM_PRIVATE_KEY": "GARBAGE",
            },
            "DKIM_PRIVATE_KEY",
        ),
        (
            {
                "DKIM_DOMAIN": "emploi-montagne.fr",
                "DKIM_SELECTOR": "s",
                "DKIM_PRIVATE_KEY": "PUBLIC",
            },
            "DKIM_PRIVATE_KEY",
        ),
    ],
)
def test_a_bad_or_partial_dkim_setting_stops_the_start(
    env: dict[str, str], variable: str, key_pair: tuple[Path, bytes], tmp_path: Path
) -> None:
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
    public = tmp_path / "public.pem"
    public.write_bytes(
        b"-----BEGIN PUBLIC KEY-----\n"
        + key_pair[1].split(b"p=")[1]
        + b"\n-----END PUBLIC KEY-----\n"
    )
    paths = {"KEY": str(key_pair[0]), "GARBAGE": str(garbage), "PUBLIC": str(public)}
    env = {k: paths.get(v, v) for k, v in env.items()}
    with pytest.raises(ConfigError, match=variable):
        load_settings(env)


def test_the_key_path_is_read_once_and_kept_out_of_reprs(signing: MailSettings) -> None:
    assert signing.dkim is not None
    assert signing.dkim.private_key.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert b"PRIVATE" not in repr(signing).encode()
