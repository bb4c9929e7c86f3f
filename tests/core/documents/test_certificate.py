"""The deletion certificate: what it states about a tenant deletion, in French and English, as PDF and HTML.

End to end on every backend: the cloud-host demo, a hold on the clients'
messages (traffic data, kept one year), the tenant deleted with a frozen
clock on 2026-11-23, then the certificate read back with pypdf. The other
tests build the deletion by hand.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import shutil
from collections.abc import Callable

import pytest
import sqlalchemy as sa
import yaml
from pypdf import PdfReader

from registre.core.demo import generate_demo_databases
from registre.core.documents import certificate_summary, render_deletion_certificate
from registre.core.documents.certificate import build_deletion_certificate, moment, number
from registre.core.engine import HoldRule, KeptRows
from registre.core.policy import Duration, Policy, load_policy
from registre.core.retention import CaseHold, DatasetDeletion, SystemDeletion, TenantDeletion, delete_tenant
from registre.core.sources import close_catalogs

TODAY = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
CONTRACT_END = dt.date(2026, 11, 13)
ANCHOR = "3f9a0c" + "5e" * 29
TENANT = "tenant-001"
TRAFFIC = HoldRule(
    anchor="sent_at",
    keep=Duration.parse("P1Y"),
    basis="fr.cpce.L34-1",
    citation="Code des postes et des communications électroniques, art. L34-1 et R10-13",
    label=None,
    source="holds",
)
NBSP = "\u00a0"


def pdf_text(pdf: bytes) -> str:
    """The text of every page, with line breaks and spaces of any width as one space."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text.replace(NBSP, " ").replace("\u202f", " "))


def deletion(*, kept: bool = True, finished: dt.datetime = NOW, **changes) -> TenantDeletion:
    """A deletion of tenant-001 in the cloud-host example: messages (some kept by law) and users."""
    messages = DatasetDeletion(
        "platform",
        "tenant_messages",
        deleted=1204,
        held=(KeptRows(TRAFFIC, 37, dt.date(2027, 11, 20)),) if kept else (),
    )
    users = DatasetDeletion("platform", "tenant_users", deleted=88, referenced=4 if kept else 0)
    values = {
        "tenant": TENANT,
        "as_of": TODAY,
        "systems": (SystemDeletion("platform", "sqlite:///platform.sqlite", (messages, users)),),
        "started_at": NOW,
        "finished_at": finished,
    }
    return TenantDeletion(**{**values, **changes})


def render(deletion_: TenantDeletion, policy: Policy, **options) -> bytes:
    values = {
        "client_name": "Voisin SARL",
        "contract_end": CONTRACT_END,
        "deletion_delay_days": 10,
        "lang": "fr",
        "fmt": "html",
        "audit_anchor": ANCHOR,
        "issued": TODAY,
    }
    return render_deletion_certificate(deletion_, policy, **{**values, **options})


def html_text(content: bytes) -> str:
    """The text of the HTML, tags removed, entities read, spaces of any width as one space."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", content.decode("utf-8")))
    return re.sub(r"\s+", " ", text.replace(NBSP, " "))


# End to end ----------------------------------------------------------------


def hold_messages_and_state_backups(declaration: dict) -> None:
    declaration["systems"]["platform"].pop("backups", None)  # the activity's backup measure states them instead
    platform = declaration["systems"]["platform"]["datasets"]
    platform["tenant_messages"]["holds"] = [{"reference": "fr.cpce.L34-1", "from": "sent_at"}]
    activity = declaration["activities"]["hosted-messaging"]
    activity["security"] = [
        measure
        if measure != "backup"
        else {"type": "backup", "details": {"fr": "sauvegardes chiffrées, conservées 30 jours",
                                            "en": "encrypted backups, kept for 30 days"}}
        for measure in activity["security"]
    ]  # fmt: skip


@pytest.fixture
def offboarded(database_url, tmp_path, cloud_host_policy_path):
    """The demo on the fixture's database, tenant-001 deleted on 2026-11-23 at 09:30 UTC under a hold on messages."""
    for source in cloud_host_policy_path.parent.glob("*.yaml"):
        shutil.copyfile(source, tmp_path / source.name)
    declaration = yaml.safe_load((tmp_path / "registre.yaml").read_text(encoding="utf-8"))
    hold_messages_and_state_backups(declaration)
    (tmp_path / "registre.yaml").write_text(yaml.safe_dump(declaration, allow_unicode=True), encoding="utf-8")
    close_catalogs()
    generate_demo_databases(database_url, subjects=100, tenants=3, seed=11, today=TODAY)
    environ = {"CRM_DATABASE_URL": database_url, "PLATFORM_DATABASE_URL": database_url}
    policy = load_policy(tmp_path / "registre.yaml", environ)
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        query = sa.text("SELECT count(*) FROM tenant_messages WHERE tenant_id = :t AND sent_at >= :d")
        held = connection.execute(query, {"t": TENANT, "d": dt.datetime(2025, 11, 24)}).scalar_one()
    engine.dispose()
    done = delete_tenant(policy, TENANT, as_of=TODAY, clock=lambda: NOW)
    yield policy, done, held
    close_catalogs()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_certificate_of_a_real_deletion_states_what_was_deleted_and_kept(offboarded, lang):
    policy, done, held = offboarded
    assert done.complete and held > 0
    text = pdf_text(render(done, policy, lang=lang, fmt="pdf"))
    messages, users = done.dataset("platform.tenant_messages"), done.dataset("platform.tenant_users")
    assert messages.held[0].rows == held
    labels = {"fr": ("Messages envoyés par les clients", "Utilisateurs des clients"),
              "en": ("Messages sent by clients", "Clients' users")}[lang]  # fmt: skip
    for label in labels:
        assert label in text
    assert "Messaging platform (client tenants)" in text
    for count in (messages.deleted, users.deleted, done.deleted, held, users.referenced):
        assert f" {count} " in text
    assert "L34-1" in text and "Code des postes et des communications électroniques" in text
    assert ANCHOR in text
    assert "Hugo LEROY" in text and "tenant-001" in text
    if lang == "fr":
        assert "article 28.3.g du RGPD" in text and "dans un délai de 10 jours" in text
        assert "Elle a été achevée le 23 novembre 2026 à 9 h 30 (UTC), dans ce délai." in text
        assert "Sauvegardes chiffrées, conservées 30 jours." in text
        assert "Attestation de suppression des données personnelles" in text
    else:
        assert "Article 28(3)(g) GDPR" in text and "within 10 days" in text
        assert "It was completed on 23 November 2026 at 09:30 (UTC), within that time limit." in text
        assert "Encrypted backups, kept for 30 days." in text
        assert "Certificate of deletion of personal data" in text


# The certificate's content -------------------------------------------------------


def test_it_lists_every_set_of_data_in_policy_order_with_its_counts(cloud_host: Policy) -> None:
    certificate = build_deletion_certificate(
        deletion(), cloud_host, client_name="Voisin SARL", contract_end=CONTRACT_END, deletion_delay_days=10,
        lang="en", issued=TODAY,
    )  # fmt: skip
    assert [(line.dataset, line.records) for line in certificate.deleted] == [
        ("Clients' users", "88"),
        ("Messages sent by clients", "1,204"),
    ]
    assert certificate.deleted_total == "1,292"
    assert dict(certificate.facts)["Records kept"] == "41"


def test_french_counts_group_thousands_with_a_narrow_no_break_space() -> None:
    assert number(1204, "fr") == "1\u202f204"
    assert number(1204, "en") == "1,204"


def test_the_moment_is_given_in_utc_in_each_language() -> None:
    paris = dt.datetime(2026, 11, 23, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert moment(paris, "fr") == f"23 novembre 2026 à 9{NBSP}h{NBSP}30 (UTC)"
    assert moment(paris, "en") == "23 November 2026 at 09:30 (UTC)"


def test_kept_rows_show_their_legal_basis_and_until_date(cloud_host: Policy) -> None:
    text = html_text(render(deletion(), cloud_host, lang="en"))
    assert "Code des postes et des communications électroniques, art. L34-1 et R10-13" in text
    assert "20 November 2027" in text
    assert "Records that the kept records refer to (kept with them)" in text
    assert "Until the records that refer to them are deleted" in text
    french = html_text(render(deletion(), cloud_host, lang="fr"))
    assert "20 novembre 2027" in french and "Fin de la conservation" in french


def test_without_kept_rows_it_says_nothing_was_kept(cloud_host: Policy) -> None:
    text = html_text(render(deletion(kept=False), cloud_host, lang="en"))
    assert "No data of the client was kept: every record has been deleted." in text
    assert "Legal basis" not in text
    french = html_text(render(deletion(kept=False), cloud_host, lang="fr"))
    assert "Aucune donnée du client n’a été conservée : tous les enregistrements ont été supprimés." in french


def test_rows_under_a_case_hold_within_the_tenant_are_reported_with_its_reference(cloud_host: Policy) -> None:
    users = DatasetDeletion("platform", "tenant_users", deleted=87, case_held=1)
    held = deletion(systems=(SystemDeletion("platform", "sqlite://", (users,)),), case_references=("LIT-2026-031",))
    text = html_text(render(held, cloud_host, lang="en"))
    assert "Hold placed for a dispute or an authority's request (reference: LIT-2026-031)" in text
    assert "Until the hold is lifted" in text


def test_the_rule_is_the_agreements_end_of_contract_clause(cloud_host: Policy) -> None:
    text = html_text(render(deletion(), cloud_host, lang="en", deletion_delay_days=30))
    assert (
        "The data processing agreement provides that, at the end of the contract, Nuage Exemple SAS deletes all of "
        "the client's personal data and the existing copies within 30 days, unless Union or Member State law "
        "requires their storage (Article 28(3)(g) GDPR)."
    ) in text
    assert "The contract ended on 13 November 2026; the deletion was due by 13 December 2026 at the latest." in text


def test_a_late_deletion_says_by_how_many_days(cloud_host: Policy) -> None:
    late = deletion(finished=dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC))
    assert "3 days after that time limit" in html_text(render(late, cloud_host, lang="en"))
    assert "3 jours après l’expiration de ce délai" in html_text(render(late, cloud_host, lang="fr"))
    one = deletion(finished=dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC))
    assert "1 jour après l’expiration de ce délai" in html_text(render(one, cloud_host, lang="fr"))


def without_backups(policy: Policy) -> Policy:
    platform = policy.systems["platform"].model_copy(update={"backups": None})
    return policy.model_copy(update={"systems": {**policy.systems, "platform": platform}})


def test_the_certificate_states_when_the_last_backup_holding_the_data_expires(cloud_host: Policy) -> None:
    english = html_text(render(deletion(), cloud_host, lang="en"))
    assert (
        "The backups of Messaging platform (client tenants) keep a copy for 7 days: the last backup holding the "
        "client's data expires on 30 November 2026, after which no copy of the deleted data remains."
    ) in english
    assert "Encrypted daily backups, erased after seven days." in english
    assert "Backups are not modified" not in english
    french = html_text(render(deletion(), cloud_host, lang="fr"))
    assert "expire le 30 novembre 2026" in french


def test_the_certificate_lists_the_sub_processors_whose_copies_must_be_deleted(cloud_host: Policy) -> None:
    text = html_text(render(deletion(), cloud_host, lang="en"))
    assert "require them to delete their copies as well (Article 28(4) GDPR)" in text
    assert "Twilio Ireland Limited, Germany: routing SMS to mobile carriers" in text
    assert "Zendesk" not in text and "Stripe" not in text


def test_backups_expire_on_their_cycle_when_the_policy_states_no_retention(cloud_host: Policy) -> None:
    text = html_text(render(deletion(), without_backups(cloud_host), lang="en"))
    assert "Backups are not modified: they expire at the end of their normal rotation cycle" in text
    assert "This certificate covers the systems listed above." in text


def test_the_audit_anchor_is_shown_with_how_to_verify_it(cloud_host: Policy) -> None:
    content = render(deletion(), cloud_host, lang="en").decode("utf-8")
    assert f'<pre class="anchor">{ANCHOR}</pre>' in content
    assert "SHA-256 hash of its content and of the hash of the entry before it" in html_text(content.encode())
    without = html_text(render(deletion(), cloud_host, lang="en", audit_anchor=None))
    assert "Audit trail" not in without and "SHA-256" not in without


def test_it_is_signed_by_the_dpo_under_the_letterhead(cloud_host: Policy) -> None:
    text = html_text(render(deletion(), cloud_host, lang="fr"))
    assert "Hugo LEROY, délégué à la protection des données de Nuage Exemple SAS, atteste que" in text
    assert "Fait à Lille, le 23 novembre 2026" in text
    assert "Délégué à la protection des données" in text
    assert "RCS Lille Métropole 912 345 678" in text


def test_without_a_dpo_the_organisation_certifies_and_signs(make_policy: Callable[..., Policy]) -> None:
    policy = make_policy()
    text = html_text(render(deletion(), policy, lang="en"))
    assert "Petite Boîte SARL certifies that the personal data it processed as a processor" in text
    assert "Signed in Lyon on 23 November 2026" in text


def test_client_names_are_escaped_in_html(cloud_host: Policy) -> None:
    content = render(deletion(), cloud_host, lang="en", client_name="<b>Evil</b> & Co").decode("utf-8")
    assert "<b>Evil</b>" not in content and "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in content


def test_an_incomplete_deletion_gets_no_certificate(cloud_host: Policy) -> None:
    stopped = deletion(systems=(), stopped_by=(CaseHold(tenant=TENANT, reference="LIT-1"),))
    failed = deletion(systems=(SystemDeletion("platform", "sqlite://", error="database is locked"),))
    partial = deletion(
        systems=(SystemDeletion("platform", "sqlite://", (DatasetDeletion("platform", "tenant_users", left=2),)),)
    )
    for incomplete in (stopped, failed, partial):
        with pytest.raises(ValueError, match="not complete"):
            render(incomplete, cloud_host)


def test_it_refuses_a_negative_delay_and_an_unknown_format(cloud_host: Policy) -> None:
    with pytest.raises(ValueError, match="negative"):
        render(deletion(), cloud_host, deletion_delay_days=-1)
    with pytest.raises(ValueError, match="unknown certificate format"):
        render(deletion(), cloud_host, fmt="docx")


def test_the_pdf_is_a4_and_dated(cloud_host: Policy) -> None:
    reader = PdfReader(io.BytesIO(render(deletion(), cloud_host, fmt="pdf")))
    width, height = (float(value) for value in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)
    assert reader.metadata.author == "Nuage Exemple SAS"


def test_the_summary_is_json_ready_for_storage(cloud_host: Policy) -> None:
    summary = certificate_summary(deletion())
    assert summary["tenant"] == TENANT and summary["finished_at"] == "2026-11-23T09:30:00+00:00"
    assert (summary["deleted"], summary["kept"], summary["complete"]) == (1292, 41, True)
    messages = summary["datasets"][0]
    assert messages["held"] == [
        {"basis": "fr.cpce.L34-1", "citation": TRAFFIC.citation, "rows": 37, "until": "2027-11-20"}
    ]
    assert summary["datasets"][1]["referenced"] == 4
