from app.testing.fixtures import client, report_header
