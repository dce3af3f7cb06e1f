from app.testing.fixtures import client, pytest_report_header
