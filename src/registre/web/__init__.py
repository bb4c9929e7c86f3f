"""The Django project: the staff console, the privacy portal and the REST API over `registre.core`.

One settings module (`settings.py`, read from the environment), one app per
noun (`accounts`, `audit`, `jobs`, `console`...), each of the same shape:
`models.py actions.py views.py urls.py forms.py templates/<app>/`. Views
stay thin; every change of state goes through the app's `actions.py`.
"""
