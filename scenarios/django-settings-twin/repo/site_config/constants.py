from site_config.defaults import SECRET_KEY, TIME_ZONE

NAME = "site"
