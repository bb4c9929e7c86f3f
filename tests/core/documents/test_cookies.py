"""The cookie table of the notice, in French and English, from the sites of the policy."""

from __future__ import annotations

from registre.core.documents import render_notice
from registre.core.documents.cookies import cookie_sites
from registre.core.policy import load_policy


def test_each_cookie_has_its_purpose_lifetime_setter_and_consent(cloud_host_policy_path):
    [site] = cookie_sites(load_policy(cloud_host_policy_path, {}), "en")
    assert (site.name, site.url, site.needs_consent) == (
        "Website and customer area",
        "https://www.nuage-exemple.fr",
        True,
    )
    assert [(line.name, line.lifetime, line.set_by, line.consent) for line in site.lines] == [
        ("sessionid", "the browsing session", "this site", "no (strictly necessary)"),
        ("csrftoken", "1 year", "this site", "no (strictly necessary)"),
        ("_pk_id", "13 months", "a third party (Matomo)", "yes"),
    ]


def test_the_table_reads_in_french(cloud_host_policy_path):
    [site] = cookie_sites(load_policy(cloud_host_policy_path, {}), "fr")
    assert [(line.purpose, line.lifetime, line.set_by, line.consent) for line in site.lines][2] == (
        "Mesure d'audience",
        "13 mois",
        "un tiers (Matomo)",
        "oui",
    )


def test_the_notice_carries_the_cookie_table(cloud_host_policy_path):
    html = render_notice(load_policy(cloud_host_policy_path, {}), lang="fr", fmt="html").decode()
    assert '<section id="cookies">' in html and "<code>_pk_id</code>" in html
    assert "nous vous le redemandons au bout de six mois" in html


def test_a_site_that_sets_no_cookies_says_so(field_services_policy_path):
    policy = load_policy(field_services_policy_path, {})
    markdown = render_notice(policy, lang="fr", fmt="md").decode()
    assert "### https://www.intervia-exemple.fr\n\nCe site ne dépose aucun cookie." in markdown
    assert "au bout de six mois" not in markdown
    english = render_notice(policy, lang="en", fmt="md").decode()
    assert "This site sets no cookies." in english


def test_a_policy_without_sites_has_no_cookie_section(cloud_host_policy_path):
    policy = load_policy(cloud_host_policy_path, {}).model_copy(update={"sites": {}})
    assert '<section id="cookies">' not in render_notice(policy, lang="en", fmt="html").decode()
