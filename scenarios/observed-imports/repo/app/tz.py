UTC = "UTC"
