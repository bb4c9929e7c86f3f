"""What a consent or opt-out cannot be recorded for, as a code with parameters; each language renders it."""

from __future__ import annotations

from registre.core.i18n import gettext


def N_(message: str) -> str:  # the gettext marker that pybabel extracts
    return message


MESSAGES = {
    "unknown-purpose": N_(
        "“%(purpose)s” is not a purpose of the policy on consent or legitimate interest (purposes: %(known)s)."
    ),
    "invalid-state": N_("The state of a consent is “given” or “withdrawn”, not “%(state)s”."),
    "invalid-method": N_("“%(method)s” is not a way of recording a consent (%(known)s)."),
    "unknown-wording": N_("The purpose “%(purpose)s” has no wording “%(version)s”."),
    "no-wording": N_(
        "The purpose “%(purpose)s” needs consent, but the policy declares no wording for it: "
        "the text the person agreed to could not be proven."
    ),
    "gpc-withdraws": N_("A Global Privacy Control signal can only object, not consent."),
    "invalid-email": N_("The email address is not valid."),
    "invalid-link": N_("This link is not valid: it was changed or cut."),
    "used-link": N_("This link was already used."),
}


class ConsentError(ValueError):
    """A consent event refused: `code` (a key of MESSAGES) and the parameters of its message."""

    def __init__(self, code: str, **params: str) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        return gettext(lang, MESSAGES[self.code]) % self.params
