"""The languages in which Registre answers a person or a client: French and English.

A field that records one of them is named in the page's language ("Anglais" on a French page,
"French" on an English one). Only the language switcher (settings.LANGUAGES) names each language in
itself, as switchers do, so that a reader finds their own language whatever the page's.
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

LANGUAGES = [("fr", pgettext_lazy("language", "French")), ("en", pgettext_lazy("language", "English"))]
