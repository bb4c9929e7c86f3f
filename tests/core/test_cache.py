"""Registre's cache folder: where it is, who may write in it, and the compiled templates kept there."""

from __future__ import annotations

import os

import pytest

from registre.core.cache import cache_directory, private_directory
from registre.core.documents.environment import environment


def test_the_cache_folder_follows_registre_cache_dir_then_xdg_then_home(monkeypatch, tmp_path):
    monkeypatch.setenv("REGISTRE_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_directory("templates") == tmp_path / "mine" / "templates"
    monkeypatch.delenv("REGISTRE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_directory("reflection") == tmp_path / "xdg" / "registre" / "reflection"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_directory("reflection") == tmp_path / "home" / ".cache" / "registre" / "reflection"


def test_a_private_folder_is_created_for_its_owner_only(tmp_path):
    folder = private_directory(tmp_path / "a" / "b")
    assert folder == tmp_path / "a" / "b"
    assert folder.stat().st_mode & 0o777 == 0o700


def test_a_folder_others_may_write_in_is_not_used(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    assert private_directory(shared) is None


def test_a_folder_that_cannot_be_made_is_not_used(tmp_path):
    (tmp_path / "file").write_text("")
    assert private_directory(tmp_path / "file" / "below") is None


@pytest.fixture
def fresh_environments(monkeypatch, tmp_path):
    monkeypatch.setenv("REGISTRE_CACHE_DIR", str(tmp_path))
    environment.cache_clear()
    yield tmp_path / "templates"
    environment.cache_clear()


def test_compiled_templates_are_kept_for_the_next_process(fresh_environments):
    environment("fr").get_template("base.html.j2")
    assert list(fresh_environments.glob("__jinja2_*.cache"))
    environment.cache_clear()
    template = environment("en").get_template("base.html.j2")
    assert template.filename and template.filename.endswith("base.html.j2")


def test_the_compiled_catalogs_are_kept_and_read_again_only_while_the_po_file_is_unchanged(monkeypatch, tmp_path):
    import shutil

    from registre.core import i18n

    locale = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale)
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    monkeypatch.setenv("REGISTRE_CACHE_DIR", str(tmp_path / "cache"))
    i18n.get_translations.cache_clear()
    try:
        first = i18n.get_translations("fr").gettext("Purpose")
        kept = list((tmp_path / "cache" / "catalogs").glob("registre-fr-*.mo"))
        assert len(kept) == 1 and first == "Finalité"
        i18n.get_translations.cache_clear()
        assert i18n.get_translations("fr").gettext("Purpose") == first  # read from the kept catalog
        po = locale / "fr" / "LC_MESSAGES" / "registre.po"
        po.write_text(po.read_text(encoding="utf-8").replace(f'msgstr "{first}"', 'msgstr "Finalité (modifiée)"', 1))
        i18n.get_translations.cache_clear()
        assert i18n.get_translations("fr").gettext("Purpose") == "Finalité (modifiée)"
    finally:
        i18n.get_translations.cache_clear()
