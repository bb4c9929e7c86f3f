"""Personal-data discovery: detectors with checksums, free-text spans, and column verdicts from sampled values."""

from registre.core.discovery.columns import ColumnVerdict, classify_column, kinds_of_value
from registre.core.discovery.detectors import DETECTORS, Detector
from registre.core.discovery.scan import ColumnFinding, ScanReport, scan_database, scan_policy
from registre.core.discovery.text import Span, scan_text, scan_texts

__all__ = [
    "DETECTORS",
    "ColumnFinding",
    "ColumnVerdict",
    "Detector",
    "ScanReport",
    "Span",
    "classify_column",
    "kinds_of_value",
    "scan_database",
    "scan_policy",
    "scan_text",
    "scan_texts",
]
