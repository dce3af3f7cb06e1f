class Plugin:
    def setup(self):
        from ...core import register

        register("plugin")
        return True
