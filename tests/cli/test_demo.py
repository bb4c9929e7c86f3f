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


def test_demo_on_a_busy_port_says_so_in_one_line_before_building_anything(registre, tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = registre("demo", "--dir", tmp_path / "demo", "--serve", "--port", str(port))
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [
        f"error: port {port} on 127.0.0.1 is already in use: stop what uses it, or choose another with --port"
    ]
    assert "Traceback" not in result.output and not (tmp_path / "demo").exists()


def test_demo_refuses_an_address_not_of_this_machine(registre, tmp_path):
    result = registre("demo", "--dir", tmp_path / "demo", "--serve", "--host", "192.0.2.1", "--port", "8000")
    assert result.exit_code == 1 and "cannot listen on 192.0.2.1:8000" in result.stderr


def test_demo_builds_both_systems_in_the_database_at_url(registre, tmp_path, database_url):
    workspace = tmp_path / "demo"
    result = registre("demo", "--dir", workspace, "--subjects", "12", "--tenants", "1", "--url", database_url)
    assert result.exit_code == 0, result.output
    assert f"export CRM_DATABASE_URL='{database_url}' PLATFORM_DATABASE_URL='{database_url}'" in result.stdout
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM contacts")).scalar() == 12
        assert connection.execute(sa.text("SELECT count(*) FROM tenant_users")).scalar() > 0
    engine.dispose()
    environment = {"CRM_DATABASE_URL": database_url, "PLATFORM_DATABASE_URL": database_url}
    live = registre("map", "--live", "--policy", workspace / "registre.yaml", env=environment)
    assert live.exit_code == 0, live.output


def test_demo_refuses_a_url_that_is_not_one(registre, tmp_path):
    result = registre("demo", "--dir", tmp_path / "demo", "--url", "postgresql://u@h:port/db")
    assert result.exit_code == 2
    assert "--url" in result.output
