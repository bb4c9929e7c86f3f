"""The audits' tests run on the application database under test, as the instructions' do."""

from tests.web.instructions.conftest import app_database  # noqa: F401
