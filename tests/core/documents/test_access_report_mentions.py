"""The access report says where the person is mentioned: records of others that name them, and only that (Art. 15(4)).

On the adversarial schema of a field-services company (`tests/core/engine/chantiers.py`): Paul is the main
contact of Acme's account, Julie's manager, the on-site contact of a site of Bêta, named on invoices of his
account, and named in the free text of Julie's intervention report. Expected rows come from plain SQL.
"""

from __future__ import annotations

import re

import pytest
from tests.core.engine.chantiers import TODAY, Chantiers

from registre.core.documents import render_access_report
from registre.core.documents.access_report.view import build_access_report
from registre.core.engine import Subject, execute_access

PAUL = Subject.of("email=paul.martin@exemple.fr", "phone=+33612345678", "name=Paul Martin")
PHONE = "replace(replace(replace(replace(replace(tel_interlocuteur, ' ', ''), '.', ''), '-', ''), '(', ''), ')', '')"


@pytest.fixture
def chantiers(database_url):
    found = Chantiers(database_url)
    yield found
    found.dispose()


def expected(chantiers: Chantiers) -> dict[tuple[str, str], set[int]]:
    """The records naming Paul, by dataset and column, in plain SQL."""
    forms = "('+33612345678', '0612345678', '+330612345678', '0033612345678', '33612345678')"
    return {
        ("gestion.comptes", "contact_principal_id"): chantiers.ids(
            "SELECT id FROM comptes WHERE contact_principal_id = 10"
        ),
        ("gestion.contacts", "responsable_id"): chantiers.ids("SELECT id FROM contacts WHERE responsable_id = 10"),
        ("gestion.sites", "tel_interlocuteur"): chantiers.ids(f"SELECT id FROM sites WHERE {PHONE} IN {forms}"),  # noqa: S608
        ("gestion.factures", "contact_id"): chantiers.ids("SELECT id FROM factures WHERE contact_id = 10"),
        ("gestion.interventions", "compte_rendu"): chantiers.ids(
            "SELECT id FROM interventions WHERE lower(compte_rendu) LIKE '%paul martin%' "
            "OR compte_rendu LIKE '%06 12 34 56 78%' OR lower(compte_rendu) LIKE '%paul.martin@exemple.fr%'"
        ),
    }


def text_of(html: str) -> str:
    text = re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").replace("&amp;", "&")
    return re.sub(r"[ \t\r\n]+", " ", text)


def test_the_report_lists_every_record_naming_the_person_and_only_those(chantiers):
    result = execute_access(chantiers.policy, PAUL, today=TODAY)
    assert result.ok, result.errors
    view = build_access_report(result, chantiers.policy, "en", today=TODAY, subject=PAUL)
    found = {(m.reference, m.column): {int(row[0]) for row in m.rows} for m in view.mentions}
    wanted = {where: ids for where, ids in expected(chantiers).items() if ids}
    assert found == wanted
    assert all(ids for ids in wanted.values()), "the schema names Paul in each of these places"
    (text,) = [m for m in view.mentions if m.column == "compte_rendu"]
    assert text.free_text and not any(m.free_text for m in view.mentions if m is not text)


def test_the_french_and_english_reports_say_where_the_person_is_named_and_nothing_else(chantiers):
    result = execute_access(chantiers.policy, PAUL, today=TODAY)
    french = text_of(render_access_report(result, chantiers.policy, lang="fr", subject=PAUL).decode())
    english = text_of(render_access_report(result, chantiers.policy, lang="en", subject=PAUL).decode())
    mentions_fr = french[french.index("Les données qui vous mentionnent") : french.index("Vos droits")]
    assert "article 15, paragraphe 4, du RGPD" in mentions_fr
    assert "Mention dans le texte\u00a0: Compte rendu" in mentions_fr
    assert "Mention dans la colonne\u00a0: Contact principal id" in mentions_fr
    assert "Vu avec PAUL MARTIN" in mentions_fr, "the text that names him is disclosed"
    mentions_en = english[english.index("Where you are mentioned") : english.index("Your rights")]
    assert "Named in the text of: Compte rendu" in mentions_en and "Named in: Tel interlocuteur" in mentions_en
    # Art. 15(4): the owner's other data stay out (Acme's billing e-mail, Bêta's site addresses, Julie's e-mail).
    for other in ("compta@acme.fr", "1 rue des Lilas", "julie.roux@exemple.fr", "Acme"):
        assert other not in french and other not in english
