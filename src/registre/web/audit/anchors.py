"""Anchors of the audit log: its head (sequence and hash), signed with the instance key and kept elsewhere.

The hash chain shows an entry changed, inserted or cut from the middle; it cannot show a log wiped
together with its chain head, or cut at the end with the head rewritten. An anchor can: once the
head is published outside the database (a file on other storage, an e-mail to the DPO, every day),
`verify_anchor` proves the log still holds that entry, with that hash.

anchor = make_anchor()
append_anchor(anchor, Path("/mnt/worm/registre-anchors.jsonl"))
problems = verify_anchor(anchor)   # [] when the log still contains it
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.core.signing import Signer
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from registre.web.audit.chain import GENESIS
from registre.web.audit.models import AuditChainHead, AuditEntry

SALT = "registre.audit.anchor"


@dataclass(frozen=True)
class Anchor:
    """The head of the audit log at a moment, with the instance's signature over all three."""

    sequence: int
    hash: str
    anchored_at: str
    signature: str

    def payload(self) -> str:
        return f"{self.sequence}:{self.hash}:{self.anchored_at}"

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Anchor:
        """Raise ValueError for text that is not an anchor."""
        try:
            data = json.loads(text)
            anchor = cls(int(data["sequence"]), str(data["hash"]), str(data["anchored_at"]), str(data["signature"]))
        except (ValueError, TypeError, KeyError) as error:
            raise ValueError(f"not an audit anchor ({error})") from None
        return anchor


def make_anchor() -> Anchor:
    """The current head of the log, signed (an empty log anchors sequence 0)."""
    head = AuditChainHead.objects.filter(pk=1).first()
    sequence, head_hash = (head.sequence, head.hash) if head else (0, GENESIS)
    anchored_at = timezone.now().isoformat(timespec="seconds")
    unsigned = Anchor(sequence, head_hash, anchored_at, "")
    return Anchor(sequence, head_hash, anchored_at, _signer().signature(unsigned.payload()))


def append_anchor(anchor: Anchor, path: Path) -> None:
    """Add the anchor as one JSON line at the end of `path` (created with its folders if needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as stream:
        stream.write(anchor.to_json() + "\n")


def read_anchors(path: Path) -> list[Anchor]:
    """The anchors of a file written by `append_anchor`; ValueError naming the line of one that is not."""
    anchors = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                anchors.append(Anchor.from_json(line))
            except ValueError as error:
                raise ValueError(f"{path}:{number}: {error}") from None
    return anchors


def email_anchor(anchor: Anchor, recipients: list[str]) -> None:
    """Send the anchor to `recipients` (the DPO): a copy the database's administrators cannot reach."""
    subject = _("Audit log anchor #%(sequence)s") % {"sequence": anchor.sequence}
    body = _(
        "The audit log of Registre held %(sequence)s entries on %(date)s. Keep this message: "
        "`registre audit verify --anchor` proves that the log still contains them.\n\n%(anchor)s\n"
    ) % {"sequence": anchor.sequence, "date": anchor.anchored_at, "anchor": anchor.to_json()}
    send_mail(subject, body, None, recipients)


def verify_anchor(anchor: Anchor) -> list[str]:
    """Why the log no longer matches `anchor` (its signature, its entry, that entry's hash); [] when it does."""
    expected = _signer().signature(Anchor(anchor.sequence, anchor.hash, anchor.anchored_at, "").payload())
    if not constant_time_compare(expected, anchor.signature):
        return [f"the anchor of {anchor.anchored_at} is not signed by this instance's key"]
    if anchor.sequence == 0:
        return []
    entry = AuditEntry.objects.filter(sequence=anchor.sequence).values("hash").first()
    if entry is None:
        return [f"entry {anchor.sequence}, anchored on {anchor.anchored_at}, is no longer in the log (deleted)"]
    if entry["hash"] != anchor.hash:
        return [f"entry {anchor.sequence} differs from its anchor of {anchor.anchored_at} (rewritten)"]
    return []


def publish_daily_anchor() -> Anchor | None:
    """The daily job's anchor: to REGISTRE_AUDIT_ANCHOR_FILE and REGISTRE_AUDIT_ANCHOR_EMAIL, if either is set."""
    target, recipients = settings.REGISTRE_AUDIT_ANCHOR_FILE, settings.REGISTRE_AUDIT_ANCHOR_EMAIL
    if not target and not recipients:
        return None
    anchor = make_anchor()
    if target:
        append_anchor(anchor, Path(target))
    if recipients:
        email_anchor(anchor, list(recipients))
    return anchor


def _signer() -> Signer:
    return Signer(salt=SALT, algorithm="sha256")
