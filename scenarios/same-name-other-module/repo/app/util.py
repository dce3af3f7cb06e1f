def helper():
    return "util"
