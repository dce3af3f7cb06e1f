def run():
    from app.main import helper

    return helper
