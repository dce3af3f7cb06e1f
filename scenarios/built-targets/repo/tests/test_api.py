from unittest import mock

MODULE = "app.api"


def test_handler_without_fetch():
    with mock.patch(f"{MODULE}.fetch"):
        pass


class TestRetry:
    TARGET = "app.api"

    def test_handler_without_retry(self):
        with mock.patch("%s.retry" % self.TARGET):
            pass
