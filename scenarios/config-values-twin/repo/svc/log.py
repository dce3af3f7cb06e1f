import os

from svc.impl import VERSION, AuditHandler, application, build_model, make_filter
