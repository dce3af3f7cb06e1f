from tool.run import main


def go():
    return main()
