"""Changes in place: one transaction per system, a failing system reported and the others still changed."""

from __future__ import annotations

import sqlalchemy as sa

from registre.core.engine import Subject, execute_rectification


def test_a_failing_system_is_reported_and_the_other_is_still_changed(shop):
    shop.add_person("ada@example.org", subscribed=True)
    shop.write()
    with shop.engine.begin() as connection:
        connection.execute(sa.schema.DropTable(sa.Table("clicks", sa.MetaData())))
    result = execute_rectification(shop.policy, Subject.of("email=ada@example.org"), {"email": "ada@new.example"})
    errors = {system.system: system.error for system in result.systems}
    assert "clicks" in errors["mailing"] and errors["shop"] is None
    assert not result.ok
    assert [row["email"] for row in shop.table_rows("people").values()] == ["ada@new.example"]
    assert result.to_dict()["systems"][1]["error"] == errors["mailing"]
