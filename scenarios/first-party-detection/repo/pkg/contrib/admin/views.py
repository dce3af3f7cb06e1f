ALL_VAR = "all"
