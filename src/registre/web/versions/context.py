"""What every portal page knows: the announcements of policy changes not yet in force (the banner)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation

from registre.web.versions.actions import current_announcements
from registre.web.versions.mail import notice_url

PORTAL = ("/privacy/",)


def announcements(request: HttpRequest) -> dict[str, Any]:
    """On the portal's pages, each announcement: its date, its changes in the page's language, the new notice."""
    if not request.path.startswith(PORTAL):
        return {}
    lang = (translation.get_language() or "fr")[:2]
    return {
        "announcements": [
            {"effective": item.version.effective, "lines": item.lines(lang), "url": notice_url(item.version)}
            for item in current_announcements()
        ]
    }
