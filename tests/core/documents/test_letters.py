"""Response letters, from the engine run on the demo databases of the cloud-host example."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from registre.core.demo import generate_demo_databases
from registre.core.documents import render_response_letter, response_letter_subject
from registre.core.documents.dates import format_long_date
from registre.core.engine import (
    AccessResult,
    ChangeResult,
    ErasureResult,
    Subject,
    SystemErasure,
    execute_access,
    execute_erasure,
    execute_rectification,
    execute_restriction,
)
from registre.core.policy import Duration, Policy, load_policy
from registre.core.sources import ChangeList, audit_trail
from registre.core.sources.catalog import close_catalogs

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "cloud-host" / "registre.yaml"
TODAY = dt.date(2026, 11, 23)
RECEIVED = dt.date(2026, 11, 2)
INVOICES_KEPT = Duration(years=10)  # Code de commerce, art. L123-22, from the close of the financial year


def _kept_until(issued: dt.date) -> dt.date:
    """The last day an invoice is held: ten years from the close of its financial year (31 December)."""
    return INVOICES_KEPT.add_to(dt.date(issued.year, 12, 31))


@dataclasses.dataclass(frozen=True)
class Demo:
    policy: Policy
    people: list[dict[str, str]]
    access: AccessResult
    erasure: ErasureResult
    kept_until: dt.date


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo databases, and the access then the erasure of a contact with invoices still under legal hold."""
    folder = tmp_path_factory.mktemp("letters")
    urls = {
        "CRM_DATABASE_URL": f"sqlite:///{folder}/crm.sqlite",
        "PLATFORM_DATABASE_URL": f"sqlite:///{folder}/p.sqlite",
    }
    report = generate_demo_databases(urls["CRM_DATABASE_URL"], urls["PLATFORM_DATABASE_URL"], subjects=40, tenants=2)
    policy = load_policy(EXAMPLE, environ=urls)
    for person in (sample for sample in report.sample_contacts if "tenant_id" not in sample):
        subject = Subject.of(f"email={person['email']}")
        access = execute_access(policy, subject, today=TODAY)
        held = [day for day in _invoice_days(access) if _kept_until(day) >= TODAY]
        if held:
            with audit_trail(ChangeList()):  # a module's fixture: the per-test trail is not in force yet
                erasure = execute_erasure(policy, subject, today=TODAY, key="test-pseudonym-key")
            others = [other for other in report.sample_contacts if other is not person]
            yield Demo(policy, others, access, erasure, _kept_until(max(held)))
            close_catalogs()
            return
    pytest.fail("no sample contact has invoices under legal hold")


def _invoice_days(access: AccessResult) -> list[dt.date]:
    invoices = [export for export in access.datasets if export.dataset == "invoices"]
    return [dt.date.fromisoformat(str(row["issued_at"])) for export in invoices for row in export.rows]


@pytest.fixture
def letter(demo: Demo) -> Callable[..., str]:
    """Render a letter of the demo's organisation, dated TODAY, for a request received on RECEIVED."""

    def render(kind: str, **options: Any) -> str:
        options = {"today": TODAY, "received": RECEIVED, "requester_name": "Marie Picard", **options}
        return render_response_letter(kind, demo.policy, **options).decode()  # type: ignore[arg-type]

    return render


def text_of(html: str) -> str:
    text = re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").replace("&amp;", "&")
    return re.sub(r"[ \t\r\n]+", " ", text)


def test_the_erasure_letter_states_the_kept_invoices_with_their_law_and_until_date(
    demo: Demo, letter: Callable[..., str]
) -> None:
    text = text_of(letter("erasure", result=demo.erasure))
    until = format_long_date(demo.kept_until, "fr")
    assert re.fullmatch(r"(1er|\d{1,2}) [a-zéû]+ 20\d\d", until)
    assert (
        f"Nous conservons vos factures jusqu’au {until} en application de l’article L123-22 du Code de commerce, "
        "et ne les utilisons plus qu’à cette fin." in text
    )
    assert "Nous les anonymiserons à l’issue de ce délai." in text


def test_the_erasure_letter_says_what_was_erased_and_anonymised(demo: Demo, letter: Callable[..., str]) -> None:
    text = text_of(letter("erasure", result=demo.erasure))
    assert "Votre demande d’effacement de vos données personnelles (article 17 du RGPD) nous est parvenue" in text
    assert "Contacts\u00a0: 1 enregistrement pseudonymisé" in text, "still referenced by the kept invoices"
    assert re.search(r"Factures\u00a0: (\d+ enregistrements? anonymisés?, )?\d+ enregistrements? conservés?", text)
    assert "les données qui vous identifiaient ont été supprimées ou remplacées" in text
    assert "Dans les enregistrements pseudonymisés, les données qui vous identifiaient" in text
    assert "ces enregistrements restent des données personnelles" in text


def test_the_english_erasure_letter_says_the_same(demo: Demo, letter: Callable[..., str]) -> None:
    text = text_of(letter("erasure", result=demo.erasure, lang="en"))
    until = format_long_date(demo.kept_until, "en")
    assert f"We keep your invoices until {until} under Article L123-22 of the Code de commerce" in text
    assert "Dear Marie Picard," in text and "Yours sincerely," in text


def test_an_erasure_that_failed_somewhere_is_not_announced(demo: Demo, letter: Callable[..., str]) -> None:
    failed = dataclasses.replace(demo.erasure, systems=(*demo.erasure.systems, SystemErasure("platform", error="x")))
    with pytest.raises(ValueError, match="failed in platform"):
        letter("erasure", result=failed)


def test_an_erasure_letter_needs_the_erasure_s_result(letter: Callable[..., str], demo: Demo) -> None:
    with pytest.raises(ValueError, match="ErasureResult"):
        letter("erasure")
    with pytest.raises(TypeError, match="AccessResult"):
        letter("erasure", result=demo.access)


def test_the_refusal_letter_gives_the_reason_the_complaint_and_the_judicial_remedy(letter: Callable[..., str]) -> None:
    reason = "Les éléments fournis ne nous ont pas permis de vérifier votre identité."
    text = text_of(letter("refusal", reason=reason))
    assert reason in text
    assert "introduire une réclamation auprès de l’autorité de contrôle" in text
    assert "former un recours juridictionnel" in text
    assert "(articles 12.4, 77 et 79 du RGPD)" in text
    assert "Commission nationale de l’informatique et des libertés (CNIL), 3 place de Fontenoy" in text


def test_the_english_refusal_letter_says_the_same(letter: Callable[..., str]) -> None:
    text = text_of(letter("refusal", reason="We could not verify your identity.", lang="en"))
    assert "lodge a complaint with the supervisory authority and seek a judicial remedy" in text
    assert "(Articles 12(4), 77 and 79 GDPR)" in text


def test_a_refusal_states_its_reason(letter: Callable[..., str]) -> None:
    with pytest.raises(ValueError, match=r"Art\. 12\(4\)"):
        letter("refusal", reason="  ")


def test_the_extension_letter_gives_the_new_deadline_and_the_reasons(letter: Callable[..., str]) -> None:
    text = text_of(letter("extension", reason="Votre demande porte sur douze années d’historique."))
    # Art. 12(3): one month and two more from 2 November 2026; 2 February 2027 is a Tuesday.
    assert "nous vous répondrons au plus tard le 2 février 2027" in text
    assert "Les motifs de cette prolongation sont les suivants" in text
    assert "douze années d’historique" in text
    assert "Objet\u00a0: Prolongation du délai de réponse à votre demande" in text


def test_an_extension_cannot_go_beyond_three_months_after_receipt(letter: Callable[..., str]) -> None:
    with pytest.raises(ValueError, match="2027-02-02 at most"):
        letter("extension", reason="Complexité.", extended_until=dt.date(2027, 3, 1))
    with pytest.raises(ValueError, match="reasons"):
        letter("extension", extended_until=dt.date(2027, 1, 15))


def test_the_access_letter_summarises_what_the_bundle_holds(demo: Demo, letter: Callable[..., str]) -> None:
    text = text_of(letter("access", result=demo.access))
    assert f"Nous avons trouvé {demo.access.rows} enregistrements vous concernant" in text
    assert "Factures\u00a0:" in text
    assert "Vous trouverez ci-joint" in text
    assert "report-fr.pdf" in text and "data.json" in text


def test_the_access_letter_can_give_a_download_link(demo: Demo, letter: Callable[..., str]) -> None:
    url = "https://privacy.nuage-exemple.fr/exports/abc"
    text = text_of(letter("access", result=demo.access, download_url=url, available_until=dt.date(2026, 12, 23)))
    assert f"jusqu’au 23 décembre 2026, à partir de ce lien sécurisé\u00a0: {url}" in text


def test_a_portability_answer_has_no_report(demo: Demo, letter: Callable[..., str]) -> None:
    portable = dataclasses.replace(demo.access, portability=True)
    text = text_of(letter("access", result=portable, lang="en"))
    assert "report-en.pdf" not in text
    assert "data.json" in text


def test_the_forwarded_letter_names_the_client_that_will_answer(letter: Callable[..., str]) -> None:
    text = text_of(letter("forwarded_to_client", client="Durand SARL"))
    assert "l’un de ses clients, Durand SARL, en qualité de sous-traitant (article 28 du RGPD)" in text
    assert "Nous lui avons transmis votre demande le 23 novembre 2026\u00a0; il vous répondra directement" in text


def test_the_restriction_letter_lists_what_was_restricted_and_what_it_means(
    demo: Demo, letter: Callable[..., str]
) -> None:
    result = execute_restriction(demo.policy, Subject.of(f"email={demo.people[0]['email']}"))
    text = text_of(letter("restriction", result=result))
    assert "Contacts\u00a0: 1 enregistrement dont le traitement est limité" in text
    assert "(article 18.2 du RGPD)" in text


def test_the_rectification_letter_lists_what_was_corrected(demo: Demo, letter: Callable[..., str]) -> None:
    subject = Subject.of(f"email={demo.people[1]['email']}")
    result = execute_rectification(demo.policy, subject, {"job_title": "Déléguée à la protection des données"})
    text = text_of(letter("rectification", result=result))
    assert (
        "Nous avons rectifié vos données comme vous l’avez demandé\u00a0: Contacts\u00a0: 1 enregistrement rectifié"
        in text
    )
    again = execute_rectification(demo.policy, subject, {"job_title": "Déléguée à la protection des données"})
    assert "aucune rectification n’était nécessaire" in text_of(letter("rectification", result=again))


def test_a_change_letter_takes_the_result_of_its_own_action(letter: Callable[..., str]) -> None:
    restricted = ChangeResult("restrict", ("s-1",), None, ())
    with pytest.raises(ValueError, match="'rectify'"):
        letter("rectification", result=restricted)


def test_the_objection_letter_lists_the_purposes_open_to_objection(letter: Callable[..., str]) -> None:
    text = text_of(letter("objection"))
    assert "Nous en avons pris acte et ne traitons plus vos données pour les finalités suivantes" in text
    assert "Envoi d'offres commerciales et de la lettre d'information" in text
    assert "Formation des conseillers et amélioration de la qualité du service" in text
    assert "Gestion de la relation contractuelle" not in text
    only = text_of(letter("objection", activities=["prospecting"]))
    assert "Formation des conseillers" not in only


def test_letters_carry_the_letterhead_the_date_the_receipt_and_the_dpo_s_signature(letter: Callable[..., str]) -> None:
    html = letter("objection")
    text = text_of(html)
    assert '<html lang="fr">' in html
    assert "Nuage Exemple SAS" in text and "12 rue de la Clef, 59000 Lille, France" in text
    assert "Lille, le 23 novembre 2026" in text
    assert "Objet\u00a0: Votre opposition au traitement de vos données personnelles" in text
    assert "Demande reçue le 2 novembre 2026" in text
    assert "Madame, Monsieur," in text
    assert "Hugo LEROY Délégué à la protection des données Nuage Exemple SAS" in text
    assert "RCS Lille Métropole 912 345 678" in text


def test_the_email_body_is_plain_text(demo: Demo, letter: Callable[..., str]) -> None:
    body = letter("erasure", result=demo.erasure, fmt="txt")
    assert "<" not in body and "&#39;" not in body
    assert body.startswith("Madame, Monsieur,\n\nVotre demande d’effacement")
    assert "\n- Contacts\u00a0: 1 enregistrement pseudonymisé\n" in body
    assert body.rstrip().endswith("Cordialement,\n\nHugo LEROY\nDélégué à la protection des données\nNuage Exemple SAS")


def test_the_quoted_reason_keeps_its_lines_in_the_email(letter: Callable[..., str]) -> None:
    body = letter("refusal", reason="Première ligne.\nSeconde ligne.", fmt="txt", lang="en")
    assert "> Première ligne.\n> Seconde ligne.\n" in body


def test_the_erasure_letter_prints_to_pdf(demo: Demo, letter: Callable[..., str]) -> None:
    pdf = render_response_letter("erasure", demo.policy, fmt="pdf", today=TODAY, result=demo.erasure)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "L123-22" in text
    assert "Hugo LEROY" in text


def test_without_a_dpo_the_organisation_signs(make_policy: Callable[..., Policy]) -> None:
    policy = make_policy()
    body = render_response_letter("objection", policy, fmt="txt", lang="en", today=TODAY).decode()
    assert body.startswith("Dear Sir or Madam,\n\nWe have received your objection to the processing")
    assert "you can write to us at rgpd@petite-boite.fr." in body
    assert body.rstrip().endswith("Kind regards,\n\nPetite Boîte SARL")


def test_an_unknown_kind_or_format_is_refused(demo: Demo) -> None:
    with pytest.raises(ValueError, match="unknown letter"):
        render_response_letter("apology", demo.policy)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="html, pdf or txt"):
        render_response_letter("objection", demo.policy, fmt="docx")  # type: ignore[arg-type]


def test_the_subject_of_the_email_is_the_letter_s() -> None:
    assert response_letter_subject("erasure", "fr") == "Votre demande d’effacement de vos données personnelles"
    assert response_letter_subject("refusal", "en") == "Your request concerning your personal data"


def test_an_erasure_that_keeps_a_keyed_pseudonym_says_pseudonymised(cloud_host: Policy) -> None:
    from registre.core.documents.letters.outcomes import erasure_items, pseudonymised_erasure
    from registre.core.engine import DatasetErasure, ErasureResult, SystemErasure

    contacts = DatasetErasure("crm", "contacts", "delete", anonymised=1)  # email: a keyed hash
    invoices = DatasetErasure("crm", "invoices", "anonymize", anonymised=2)  # constant, null, redact
    erasure = ErasureResult(("s1",), None, dt.date(2026, 11, 23), (SystemErasure("crm", (contacts, invoices)),))
    assert pseudonymised_erasure(erasure, cloud_host) == (True, True)
    assert erasure_items(erasure, cloud_host, "en") == (
        "Contacts: 1 record pseudonymised",
        "Invoices: 2 records anonymised",
    )
