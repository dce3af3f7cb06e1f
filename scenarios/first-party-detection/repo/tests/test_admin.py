import datetime
import os

from pkg.contrib import admin
from pkg.contrib.admin.models import LogEntry
from pkg.contrib.admin.views import ALL_VAR


def test_it():
    assert admin and LogEntry and ALL_VAR and datetime
