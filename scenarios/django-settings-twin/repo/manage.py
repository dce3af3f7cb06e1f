"""Runs the site with its production settings, as Django's manage.py does."""

import os

from site_config.loader import load_settings


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.production")
    print(sorted(load_settings()))


if __name__ == "__main__":
    main()
