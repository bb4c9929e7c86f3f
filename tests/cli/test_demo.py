import sqlalchemy as sa


def test_demo_builds_the_workspace_databases_and_documents(registre, tmp_path):
    workspace = tmp_path / "demo"
    result = registre("demo", "--dir", workspace, "--subjects", "30", "--tenants", "2")
    assert result.exit_code == 0, result.output
    assert (workspace / "registre.yaml").exists()
    assert (workspace / "documents" / "fr" / "register-controller.xlsx").exists()
    assert (workspace / "documents" / "en" / "privacy-notice.pdf").exists()
    engine = sa.create_engine(f"sqlite:///{workspace / 'crm.sqlite'}")
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM contacts")).scalar() == 30
    engine.dispose()
    again = registre("check", "--strict", "--policy", workspace / "registre.yaml")
    assert again.exit_code == 0, again.output


def test_demo_runs_twice_to_the_same_result(registre, tmp_path):
    workspace = tmp_path / "demo"
    for _ in range(2):
        assert registre("demo", "--dir", workspace, "--subjects", "10", "--tenants", "1").exit_code == 0
    engine = sa.create_engine(f"sqlite:///{workspace / 'crm.sqlite'}")
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM contacts")).scalar() == 10
    engine.dispose()
