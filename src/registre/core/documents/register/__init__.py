"""The register of processing activities (Art. 30), in the CNIL's layout and five formats."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

from registre.core.documents.csv import write_csv
from registre.core.documents.environment import render_template
from registre.core.documents.pdf import write_pdf
from registre.core.documents.register.fiche import layout_register
from registre.core.documents.register.flat import flatten_register
from registre.core.documents.register.view import ActivitySheet, RegisterView, build_register
from registre.core.i18n import Lang
from registre.core.policy import Policy
from registre.core.policy.model import Client, Role

__all__ = ["ActivitySheet", "RegisterFormat", "RegisterView", "build_register", "render_register"]

RegisterFormat = Literal["xlsx", "csv", "html", "pdf", "md"]


def render_register(
    policy: Policy,
    *,
    role: Role = "controller",
    lang: Lang = "fr",
    fmt: RegisterFormat = "xlsx",
    today: dt.date | None = None,
    clients: Mapping[str, Client] | None = None,
    client: str | None = None,
) -> bytes:
    """The register of `policy`'s activities in `role`, as a file of format `fmt`.

    Art. 30(1) for the controller's register, Art. 30(2) for the processor's.
    `today` is the date the register is up to date as of (default: today).
    Text formats (csv, html, md) are UTF-8. `clients` and `client` are those
    of `build_register`: the controllers a processor's record names, and
    the one client whose copy it is.
    """
    view = build_register(policy, role, lang, today or dt.date.today(), clients=clients, client=client)
    if fmt == "csv":
        headings, rows = flatten_register(view)
        return write_csv(headings, rows, lang)
    document = layout_register(view)
    if fmt == "xlsx":
        # openpyxl is imported with the first workbook: the commands that import the documents
        # without writing one (`registre dsr`, the worker) do not load it.
        from registre.core.documents.xlsx import write_register_workbook

        return write_register_workbook(document)
    if fmt == "md":
        return render_template("register.md.j2", lang, document=document).encode("utf-8")
    html = render_template(
        "register.html.j2", lang, document=document, title=document.title, author=document.author, date=document.date
    )
    if fmt == "html":
        return html.encode("utf-8")
    if fmt == "pdf":
        return write_pdf(html)
    raise ValueError(f"unknown register format {fmt!r}: choose xlsx, csv, html, pdf or md")
