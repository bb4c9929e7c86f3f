import json

from registre.core.demo import generate_demo_databases


def test_map_lists_datasets_with_their_categories(registre, cloud_host_policy_path):
    result = registre("map", "--policy", cloud_host_policy_path, "--format", "json")
    assert result.exit_code == 0, result.output
    systems = {system["key"]: system for system in json.loads(result.stdout)["map"]["systems"]}
    assert {"crm", "platform"} == set(systems)


def test_map_live_reports_drift_and_exits_1(registre, cloud_host_policy_path, tmp_path):
    env = {
        "CRM_DATABASE_URL": f"sqlite:///{tmp_path / 'crm.sqlite'}",
        "PLATFORM_DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}",
    }
    generate_demo_databases(env["CRM_DATABASE_URL"], env["PLATFORM_DATABASE_URL"], subjects=20, tenants=2)
    ok = registre("map", "--live", "--policy", cloud_host_policy_path, env=env)
    assert ok.exit_code == 0, ok.output
    assert "crm: the database matches the policy" in ok.stdout
    import sqlalchemy as sa

    engine = sa.create_engine(env["CRM_DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(sa.text("ALTER TABLE contacts ADD COLUMN birth_date DATE"))
    engine.dispose()
    drift = registre("map", "--live", "--system", "crm", "--policy", cloud_host_policy_path, env=env)
    assert drift.exit_code == 1
    assert "birth_date" in drift.stdout


def test_map_rejects_an_unknown_system(registre, cloud_host_policy_path):
    result = registre("map", "--system", "nope", "--policy", cloud_host_policy_path)
    assert result.exit_code == 2
