"""An adversarial schema, as a French field-services company would have it (not designed for Registre).

`comptes` (client accounts) name their main contact (`contact_principal_id`),
`contacts` name their manager (`responsable_id`, a self-reference),
`sites` name an on-site contact by phone, `interventions` are a contact's
and name their technician, `factures` are the account's (held 10 years),
`devis` and `commandes` point at each other (a reference cycle), and
`contacts` is used by two activities. Identities are stored as people type
them: capitals, spaces, national phone formats; e-mails and client numbers
are UNIQUE NOT NULL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from registre.core.policy import Policy

TODAY = dt.date(2026, 6, 15)
KEY = "cle-de-test"

METADATA = sa.MetaData()
COMPTES = sa.Table(
    "comptes",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("numero_client", sa.String(20), nullable=False, unique=True),
    sa.Column("raison_sociale", sa.String(100), nullable=False),
    sa.Column("email_facturation", sa.String(254)),
    sa.Column(
        "contact_principal_id",
        sa.Integer,
        sa.ForeignKey("contacts.id", use_alter=True, name="fk_comptes_contact_principal"),
        index=True,
    ),
    sa.Column("restreint", sa.Boolean, nullable=False, server_default=sa.false()),
)
CONTACTS = sa.Table(
    "contacts",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("compte_id", sa.Integer, sa.ForeignKey("comptes.id"), index=True),
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("telephone", sa.String(32), index=True),
    sa.Column("nom", sa.String(100), nullable=False),
    sa.Column("responsable_id", sa.Integer, sa.ForeignKey("contacts.id"), index=True),
    sa.Column("restreint", sa.Boolean, nullable=False, server_default=sa.false()),
)
SITES = sa.Table(
    "sites",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("compte_id", sa.Integer, sa.ForeignKey("comptes.id"), nullable=False, index=True),
    sa.Column("adresse", sa.String(200), nullable=False),
    sa.Column("nom_interlocuteur", sa.String(100), nullable=False),
    sa.Column("tel_interlocuteur", sa.String(32), nullable=False, index=True),
)
TECHNICIENS = sa.Table(
    "techniciens",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("nom", sa.String(100), nullable=False),
)
INTERVENTIONS = sa.Table(
    "interventions",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("contact_id", sa.Integer, sa.ForeignKey("contacts.id"), nullable=False, index=True),
    sa.Column("technicien_id", sa.Integer, sa.ForeignKey("techniciens.id"), nullable=False, index=True),
    sa.Column("compte_rendu", sa.Text),
    sa.Column("terminee_le", sa.Date),
    sa.Column("restreint", sa.Boolean, nullable=False, server_default=sa.false()),
)
FACTURES = sa.Table(
    "factures",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("compte_id", sa.Integer, sa.ForeignKey("comptes.id"), nullable=False, index=True),
    sa.Column("contact_id", sa.Integer, sa.ForeignKey("contacts.id"), index=True),
    sa.Column("nom_facturation", sa.String(100)),
    sa.Column("emise_le", sa.Date, nullable=False),
    sa.Column("montant", sa.Numeric(10, 2)),
    sa.Column("restreint", sa.Boolean, nullable=False, server_default=sa.false()),
)
DEVIS = sa.Table(
    "devis",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("contact_id", sa.Integer, sa.ForeignKey("contacts.id"), nullable=False, index=True),
    sa.Column("commande_id", sa.Integer, index=True),
    sa.Column("objet", sa.String(200)),
)
COMMANDES = sa.Table(
    "commandes",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("devis_id", sa.Integer, index=True),
    sa.Column("reference", sa.String(20)),
)
TABLES = {table.name: table for table in METADATA.sorted_tables}

PAUL = {"id": 10, "email": " Paul.Martin@Exemple.FR ", "telephone": "06 12 34 56 78", "nom": "Paul Martin"}
JULIE = {"id": 11, "email": "julie.roux@exemple.fr", "telephone": "+33 6.98.76.54.32", "nom": "Julie Roux"}
LEA = {"id": 12, "email": "LEA.petit@autre.fr", "telephone": "(07) 11-22-33-44", "nom": "Léa Petit"}


def chantiers_policy(url: str) -> Policy:
    """The policy of the schema, as its DPO would declare it (datasets in the order of the YAML)."""
    text = {"category": "identification.name"}
    datasets: dict[str, Any] = {
        "comptes": {
            "subject": "customers",
            "identity": {"customer_number": "numero_client"},
            "restrict": "restreint",
            "mentions": {"contact_principal_id": {"person": "contacts.id"}},
            "fields": {
                "numero_client": {"category": "identification.customer_number", "required": True},
                "raison_sociale": {"category": "contact.company", "required": True},
                "email_facturation": {"category": "contact.email", "type": "email"},
                "contact_principal_id": {},
                "restreint": {"type": "boolean"},
            },
            "erase": "anonymize",
        },
        "contacts": {
            "subject": "client_contacts",
            "identity": {"email": "email", "phone": "telephone"},
            "restrict": "restreint",
            "mentions": {"responsable_id": {"person": "contacts.id"}},
            "fields": {
                "compte_id": {},
                "email": {"category": "contact.email", "required": True, "type": "email"},
                "telephone": {"category": "contact.phone", "type": "phone"},
                "nom": {**text, "required": True},
                "responsable_id": {},
                "restreint": {"type": "boolean"},
            },
            "erase": "delete",
        },
        "sites": {
            "references": {"compte_id": "comptes.id"},
            "mentions": {
                "tel_interlocuteur": {"identity": "phone", "fields": ["nom_interlocuteur"], "erase": "redact"}
            },
            "fields": {
                "compte_id": {},
                "adresse": {"category": "location.address_of_intervention", "required": True},
                "nom_interlocuteur": {**text, "required": True},
                "tel_interlocuteur": {"category": "contact.phone", "type": "phone", "required": True},
            },
            "erase": "delete",
        },
        "techniciens": {
            "subject": "employees",
            "identity": {"email": "email"},
            "fields": {
                "email": {"category": "contact.email", "required": True, "type": "email", "anonymize": "hash"},
                "nom": {**text, "required": True, "anonymize": "constant", "value": "ANONYME"},
            },
            "erase": "anonymize",
        },
        "interventions": {
            "references": {"contact_id": "contacts.id"},
            "restrict": "restreint",
            "mentions": {"technicien_id": {"person": "techniciens.id", "erase": "keep"}},
            "fields": {
                "contact_id": {},
                "technicien_id": {},
                "compte_rendu": {"category": "relationship.intervention_report", "free_text": True},
                "terminee_le": {"type": "date"},
                "restreint": {"type": "boolean"},
            },
            "erase": "delete",
        },
        "factures": {
            "references": {"compte_id": "comptes.id"},
            "restrict": "restreint",
            "mentions": {"contact_id": {"person": "contacts.id", "fields": ["nom_facturation"]}},
            "fields": {
                "compte_id": {},
                "contact_id": {},
                "nom_facturation": text,
                "emise_le": {"type": "date"},
                "montant": {"type": "decimal"},
                "restreint": {"type": "boolean"},
            },
            "erase": "anonymize",
            "holds": [{"reference": "fr.commerce.L123-22", "from": "emise_le"}],
        },
        # Declared first, so that devis -> commandes is kept and commandes -> devis closes the cycle.
        "devis": {
            "references": {"contact_id": "contacts.id", "commande_id": "commandes.id"},
            "fields": {"contact_id": {}, "commande_id": {}, "objet": {"category": "economic.order"}},
            "erase": "delete",
        },
        "commandes": {
            "references": {"devis_id": "devis.id"},
            "fields": {"devis_id": {}, "reference": {}},
            "erase": "delete",
        },
    }

    def activity(basis: str, listed: list[str], **extra: Any) -> dict[str, Any]:
        return {"name": "Activité", "purpose": "Finalité", "legal_basis": basis, "datasets": listed, **extra}

    return Policy.model_validate(
        {
            "registre": 1,
            "organisation": {"name": "Chantiers SAS", "contacts": {"requests": {"email": "rgpd@chantiers.example"}}},
            "identities": {"name": {"normalise": "casefold"}},
            "systems": {"gestion": {"url": url, "location": "FR", "datasets": datasets}},
            "activities": {
                "clients": activity(
                    "contract",
                    [f"gestion.{name}" for name in ("comptes", "contacts", "sites", "interventions", "devis")],
                ),
                "prospection": activity("legitimate_interest", ["gestion.contacts"]),
                "equipes": activity("contract", ["gestion.techniciens"]),
                "facturation": activity(
                    "legal_obligation", ["gestion.factures"], legal_obligation="fr.commerce.L123-22"
                ),
            },
        }
    )


def rows() -> dict[str, list[dict[str, Any]]]:
    """The rows: Paul is Acme's main contact, Julie's manager, named on Bêta's site, with interventions."""
    old, recent = dt.date(2012, 1, 5), dt.date(2024, 3, 1)
    return {
        "comptes": [
            {"id": 1, "numero_client": "C-001", "raison_sociale": "Acme", "email_facturation": "compta@acme.fr",
             "contact_principal_id": None},
            {"id": 2, "numero_client": "C-002", "raison_sociale": "Bêta", "email_facturation": "compta@beta.fr",
             "contact_principal_id": None},
        ],
        "contacts": [
            {**PAUL, "compte_id": 1, "responsable_id": None},
            {**JULIE, "compte_id": 1, "responsable_id": None},
            {**LEA, "compte_id": 2, "responsable_id": None},
        ],
        "sites": [
            {"id": 30, "compte_id": 2, "adresse": "1 rue des Lilas", "nom_interlocuteur": "Paul M.",
             "tel_interlocuteur": "+33 (0)6 12 34 56 78"},
            {"id": 31, "compte_id": 2, "adresse": "2 rue des Roses", "nom_interlocuteur": "Léa P.",
             "tel_interlocuteur": "07.11.22.33.44"},
            {"id": 32, "compte_id": 1, "adresse": "3 rue des Iris", "nom_interlocuteur": "Accueil",
             "tel_interlocuteur": "01 23 45 67 89"},
        ],
        "techniciens": [{"id": 40, "email": "Marc.Tech@Chantiers.example", "nom": "Marc"}],
        "interventions": [
            {"id": 50, "contact_id": 10, "technicien_id": 40, "compte_rendu": "Chaudière", "terminee_le": recent},
            {"id": 51, "contact_id": 10, "technicien_id": 40, "compte_rendu": "Fuite", "terminee_le": old},
            {"id": 52, "contact_id": 11, "technicien_id": 40, "compte_rendu": "Vu avec PAUL MARTIN (06 12 34 56 78)",
             "terminee_le": recent},
        ],
        "factures": [
            {"id": 60, "compte_id": 1, "contact_id": 10, "nom_facturation": "Paul Martin", "emise_le": recent,
             "montant": 120},
            {"id": 61, "compte_id": 1, "contact_id": 10, "nom_facturation": "Paul Martin", "emise_le": old,
             "montant": 80},
            {"id": 62, "compte_id": 2, "contact_id": 12, "nom_facturation": "Léa Petit", "emise_le": recent,
             "montant": 50},
        ],
        "devis": [
            {"id": 70, "contact_id": 10, "commande_id": 80, "objet": "Chaudière"},
            {"id": 71, "contact_id": 10, "commande_id": None, "objet": "Radiateur"},
            {"id": 72, "contact_id": 11, "commande_id": None, "objet": "Fenêtre"},
        ],
        "commandes": [{"id": 80, "devis_id": 70, "reference": "CMD-80"}],
    }  # fmt: skip


class Chantiers:
    """The schema on one backend, with its rows written, and ways to read it back."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = sa.create_engine(url)
        self.policy = chantiers_policy(url)
        with self.engine.begin() as connection:
            METADATA.drop_all(connection)
            METADATA.create_all(connection)
            data = rows()
            for table in METADATA.sorted_tables:
                connection.execute(table.insert(), data[table.name])
            # The links between accounts and contacts go in once both exist.
            comptes, contacts = TABLES["comptes"], TABLES["contacts"]
            connection.execute(comptes.update().where(comptes.c.id == 1).values(contact_principal_id=10))
            connection.execute(comptes.update().where(comptes.c.id == 2).values(contact_principal_id=12))
            connection.execute(contacts.update().where(contacts.c.id == 11).values(responsable_id=10))

    def query(self, sql: str, **parameters: Any) -> list[dict[str, Any]]:
        """Plain SQL, for expected rows computed apart from the engine."""
        with self.engine.connect() as connection:
            return [dict(row) for row in connection.execute(sa.text(sql), parameters).mappings()]

    def ids(self, sql: str, **parameters: Any) -> set[int]:
        return {int(next(iter(row.values()))) for row in self.query(sql, **parameters)}

    def snapshot(self) -> dict[str, dict[int, dict[str, Any]]]:
        return {
            name: {row["id"]: row for row in self.query(f"SELECT * FROM {name} ORDER BY id")}  # noqa: S608
            for name in TABLES
        }

    def dispose(self) -> None:
        self.engine.dispose()
