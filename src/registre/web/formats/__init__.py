"""One date format per language, everywhere: « 2 décembre 2026 », "2 December 2026", and 24-hour times.

Django's own English formats ("Dec. 2, 2026", "6:29 p.m.") are replaced so that the console, the
portal, the emails and the documents of the core (Babel's long format) write dates the same way.
"""
