"""The WSGI application, for `registre serve` or any WSGI server (`gunicorn registre.web.wsgi`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registre.web.settings")
application = get_wsgi_application()
