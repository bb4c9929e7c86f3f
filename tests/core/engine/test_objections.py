"""An objection stops the objected activities: it erases what only they use and leaves what others still need."""

from __future__ import annotations

from tests.core.engine.chantiers import KEY, TODAY, Chantiers

from registre.core.engine import Subject, execute_erasure
from registre.core.engine.objections import marketing_activities, objection_parts, split_datasets


def test_marketing_activities_are_declared_in_the_policy(sqlite_url):
    policy = Chantiers(sqlite_url).policy
    assert marketing_activities(policy) == []  # none declared, and no activity of prospects
    prospection = policy.activities["prospection"].model_copy(update={"marketing": True})
    marked = policy.model_copy(update={"activities": {**policy.activities, "prospection": prospection}})
    assert marketing_activities(marked) == ["prospection"]


def test_an_objection_never_restricts_a_table_that_another_activity_uses(database_url):
    chantiers = Chantiers(database_url)
    try:
        # `contacts` serves the contract (clients) and prospecting: objecting to prospecting leaves it whole.
        split = split_datasets(chantiers.policy, ["prospection"])
        assert (split.erase, split.restrict, split.kept) == ((), (), ("gestion.contacts",))
        assert objection_parts(chantiers.policy, ["prospection"]) == []
        before = chantiers.snapshot()
        # Objecting to the technicians' activity erases what only it uses, on a policy narrowed to it.
        (part,) = objection_parts(chantiers.policy, ["equipes"])
        assert (part.action, part.datasets) == ("erase", ("gestion.techniciens",))
        result = execute_erasure(part.policy, Subject.of("email=marc.tech@chantiers.example"), today=TODAY, key=KEY)
        assert result.ok, result.to_dict()
        after = chantiers.snapshot()
        assert {name for name in after if after[name] != before[name]} == {"techniciens"}
        assert all(not row["restreint"] for row in after["contacts"].values())
    finally:
        chantiers.dispose()
