"""Presidio's analyzer in regex-only mode, run in its own environment by `scan_benchmark.py`.

    python presidio_reference.py DATABASE TEXTS.json ROWS  ->  JSON on standard output

No NLP model is loaded (a no-op NLP engine): only the pattern recognizers
work, as the issue's reference asks; the English recognizers are used for
every text, since Presidio ships no French ones.
"""

import json
import sqlite3
import sys
import time
from collections import Counter

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine

STARTED = time.perf_counter()


class NoNlp(NlpEngine):
    def load(self):
        pass

    def is_loaded(self):
        return True

    def process_text(self, text, language):
        return NlpArtifacts(entities=[], tokens=[], tokens_indices=[], lemmas=[], nlp_engine=self, language=language)

    def process_batch(self, texts, language, batch_size=1, n_process=1, **kwargs):
        for text in texts:
            yield text, self.process_text(text, language)

    def is_stopword(self, word, language):
        return False

    def is_punct(self, word, language):
        return False

    def get_supported_entities(self):
        return []

    def get_supported_languages(self):
        return ["en"]


def main():
    database, texts_path, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(languages=["en"])
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=NoNlp(), supported_languages=["en"])
    with open(texts_path) as source:
        texts = json.load(source)
    started = time.process_time()
    spans = [[(r.start, r.end, r.entity_type) for r in analyzer.analyze(text, language="en")] for text in texts]
    text_seconds = time.process_time() - started

    started = time.perf_counter()
    connection = sqlite3.connect(database)
    columns = []
    tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        names = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')][1:]
        # Names come from the benchmark's own database, not from input.
        sample = connection.execute(f'SELECT * FROM "{table}" LIMIT {rows}').fetchall()  # noqa: S608
        for index, name in enumerate(names, start=1):
            counts = Counter()
            values = [str(row[index]) for row in sample if row[index] is not None]
            for value in values:
                counts.update({r.entity_type for r in analyzer.analyze(value, language="en")})
            kind, count = counts.most_common(1)[0] if counts else (None, 0)
            columns.append((table, name, kind if values and count >= len(values) / 2 else None))
    columns_seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "spans": spans,
                "columns": columns,
                "text_seconds": text_seconds,
                "columns_seconds": columns_seconds,
                "process_seconds": time.perf_counter() - STARTED,
            }
        )
    )


main()
