"""Pools of names, addresses and phrases, drawn once from Faker and then combined at will.

Faker is far too slow to call for each of ten million rows, so each locale
draws a few hundred values of every kind once; the generators then pick from
these pools with their own seeded `random.Random`. Picking from a pool drawn
by Faker keeps Faker's frequencies (common names come up more often).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from faker import Faker

POOL_SIZE = 400


@dataclass(frozen=True)
class Locale:
    """A population of the demo: its Faker locale, country, language and phone format."""

    code: str
    country: str
    language: str
    mobile_prefix: str
    weight: float


# About 70% of the customers are French, the rest British or American.
LOCALES = (
    Locale("fr_FR", "FR", "fr", "+336", 0.70),
    Locale("en_GB", "GB", "en", "+4479", 0.15),
    Locale("en_US", "US", "en", "+120", 0.15),
)

PRODUCTS = (
    "Hébergement mutualisé",
    "Serveur dédié",
    "Cloud privé",
    "Stockage objet",
    "Passerelle SMS",
    "Fax en ligne",
    "Sauvegarde externalisée",
    "Nom de domaine",
)

TICKET_SUBJECTS = {
    "fr": (
        "Impossible de me connecter à l'espace client",
        "Question sur ma dernière facture",
        "Serveur inaccessible depuis ce matin",
        "Demande de changement de formule",
        "Erreur lors de l'envoi d'un fax",
        "Mise à jour de nos coordonnées de facturation",
        "Lenteurs sur la plateforme",
        "Demande de résiliation",
        "SMS non reçus par nos destinataires",
        "Ajout d'un utilisateur sur notre compte",
    ),
    "en": (
        "Cannot log in to the customer area",
        "Question about my last invoice",
        "Server unreachable since this morning",
        "Request to change plan",
        "Error when sending a fax",
        "Update of our billing details",
        "Platform is slow",
        "Cancellation request",
        "Text messages not received by our recipients",
        "Adding a user to our account",
    ),
}

TICKET_OPENINGS = {
    "fr": ("Bonjour,", "Bonjour, je me permets de vous contacter car", "Madame, Monsieur,"),
    "en": ("Hello,", "Hi, I am writing because", "Dear support team,"),
}

TICKET_SENTENCES = {
    "fr": (
        "Depuis ce matin, nous n'arrivons plus à accéder à notre espace.",
        "Pourriez-vous vérifier la configuration de notre compte ?",
        "Le problème se produit sur tous nos postes.",
        "Vous trouverez ci-joint une capture d'écran du message d'erreur.",
        "Merci de me rappeler dès que possible.",
        "Nous avons besoin d'une réponse avant la fin de la semaine.",
        "Le montant facturé ne correspond pas au devis signé.",
        "Pouvez-vous nous indiquer la marche à suivre ?",
        "Ce n'est pas la première fois que cela arrive.",
        "Je reste à votre disposition pour tout complément d'information.",
    ),
    "en": (
        "Since this morning we have been unable to access our account.",
        "Could you check the configuration of our account?",
        "The problem happens on all our computers.",
        "Please find attached a screenshot of the error message.",
        "Please call me back as soon as possible.",
        "We need an answer before the end of the week.",
        "The amount invoiced does not match the signed quote.",
        "Could you tell us what to do?",
        "This is not the first time this has happened.",
        "Let me know if you need any further information.",
    ),
}

# A handful of current browsers: connection logs of a customer area, not a zoo.
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 "
    "Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 "
    "Edg/130.0.0.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 "
    "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile "
    "Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
)

MESSAGES = {
    "fr": (
        "Votre rendez-vous de demain est confirmé. Répondez STOP pour ne plus recevoir de SMS.",
        "Votre code de vérification est {code}.",
        "Votre commande n° {code} a été expédiée.",
        "Rappel : votre facture n° {code} arrive à échéance.",
        "Votre colis sera livré entre 8 h et 13 h.",
        "Merci pour votre visite ! Donnez-nous votre avis.",
    ),
    "en": (
        "Your appointment tomorrow is confirmed. Reply STOP to opt out.",
        "Your verification code is {code}.",
        "Your order {code} has been shipped.",
        "Reminder: your invoice {code} is due.",
        "Your parcel will be delivered between 8am and 1pm.",
        "Thank you for your visit! Tell us what you think.",
    ),
}


@dataclass(frozen=True)
class Pools:
    """Values drawn by Faker for one locale."""

    locale: Locale
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    localities: tuple[str, ...]
    companies: tuple[str, ...]
    job_titles: tuple[str, ...]


def draw_pools(locale: Locale, seed: int, size: int = POOL_SIZE) -> Pools:
    """Draw `size` values of each kind from Faker for `locale`; the same seed gives the same pools."""
    fake = Faker(locale.code)
    fake.seed_instance(seed)

    def draw(make: Callable[[], object]) -> tuple[str, ...]:
        return tuple(" ".join(str(make()).split()) for _ in range(size))

    return Pools(
        locale=locale,
        first_names=draw(fake.first_name),
        last_names=draw(fake.last_name),
        streets=draw(lambda: fake.street_address().replace("\n", ", ")),
        localities=draw(lambda: f"{fake.postcode()} {fake.city()}"),
        companies=draw(lambda: _with_legal_form(fake.company(), fake.company_suffix())),
        job_titles=draw(lambda: _capitalize(fake.job())),
    )


@cache
def draw_all_pools(seed: int) -> dict[str, Pools]:
    """The pools of every locale of the demo, by locale code (drawn once per seed and process)."""
    return {locale.code: draw_pools(locale, seed + index) for index, locale in enumerate(LOCALES)}


def _with_legal_form(company: str, suffix: str) -> str:
    # Faker often names a company after a bare surname ("Royer"): add a legal form.
    return company if " " in company else f"{company} {suffix}"


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]
