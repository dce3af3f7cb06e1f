def new_name() -> str:
    return "new"
