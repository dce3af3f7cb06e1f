def check():
    # imported lazily: app.main imports this module at start-up
    from app.main import KEEPALIVE

    return {"status": "ok", "keepalive": KEEPALIVE}
