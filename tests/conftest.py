"""Test-session plugins: fixtures that start real servers and real databases."""
pytest_plugins = ["tests.fixtures.servers", "tests.fixtures.databases", "tests.fixtures.platform", "tests.fixtures.inspection", "tests.fixtures.search"]
