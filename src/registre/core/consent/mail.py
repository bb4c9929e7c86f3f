"""What the company's mailers put in each message, and what the portal tells browsers about privacy signals."""

from __future__ import annotations

import datetime as dt


def unsubscribe_headers(url: str, mailto: str | None = None) -> dict[str, str]:
    """The headers of RFC 2369 and RFC 8058 for one recipient's unsubscribe `url` (https for one click).

    `List-Unsubscribe-Post: List-Unsubscribe=One-Click` tells the mail client that a POST to the URL, with no
    cookie, no login and no confirmation page, unsubscribes: the header must be covered by the DKIM signature.
    A `mailto` address is offered second, for clients that only send mail.
    """
    targets = [f"<{url}>"]
    if mailto:
        targets.append(f"<mailto:{mailto}?subject=unsubscribe>")
    headers = {"List-Unsubscribe": ", ".join(targets)}
    if url.startswith("https://") or url.startswith("http://"):
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def gpc_document(last_update: dt.date | None) -> dict[str, object]:
    """`/.well-known/gpc.json` (Global Privacy Control): the site honours the signal, as of `last_update`."""
    document: dict[str, object] = {"gpc": True}
    if last_update is not None:
        document["lastUpdate"] = last_update.isoformat()
    return document
