"""The cookie table of the notice: per site, each cookie's purpose, lifetime, who sets it and whether it
needs consent; or that the site sets none (CNIL guidelines on cookies, 2020; Art. 82 of the French Data
Protection Act)."""

from __future__ import annotations

from dataclasses import dataclass

from registre.core.documents.retention_text import describe_duration
from registre.core.documents.vocabulary import translator
from registre.core.policy import Duration, Policy
from registre.core.policy.model import Cookie, Site


@dataclass(frozen=True)
class CookieLine:
    name: str
    purpose: str
    lifetime: str
    set_by: str
    consent: str
    needs_consent: bool


@dataclass(frozen=True)
class CookieSite:
    """One site of the organisation: its name, its address, and its cookies (none: `lines` is empty)."""

    name: str
    url: str
    lines: tuple[CookieLine, ...]

    @property
    def needs_consent(self) -> bool:
        return any(line.needs_consent for line in self.lines)


def cookie_sites(policy: Policy, lang: str) -> tuple[CookieSite, ...]:
    """Every declared site with its cookie table in `lang`."""
    return tuple(_site(site, lang) for site in policy.sites.values())


def _site(site: Site, lang: str) -> CookieSite:
    name = site.name.get(lang) if site.name else site.url
    return CookieSite(name, site.url, tuple(_line(cookie, lang) for cookie in site.cookies))


def _line(cookie: Cookie, lang: str) -> CookieLine:
    _ = translator(lang)
    duration = cookie.duration
    lifetime = describe_duration(duration, lang) if isinstance(duration, Duration) else _("the browsing session")
    if cookie.party == "first":
        set_by = _("this site")
    else:
        set_by = _("a third party (%(provider)s)") % {"provider": cookie.provider or "?"}
    consent = _("yes") if cookie.consent else _("no (strictly necessary)")
    return CookieLine(cookie.name, cookie.purpose.get(lang), lifetime, set_by, consent, cookie.consent)
