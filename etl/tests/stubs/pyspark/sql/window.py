"""Stub pyspark.sql.window: a window specification kept as text."""


class WindowSpec:
    def __init__(self, text):
        self.text = text

    def orderBy(self, *columns):
        return WindowSpec("%s ORDER BY %s" % (self.text, ", ".join(c.text for c in columns)))


class Window:
    @staticmethod
    def partitionBy(*columns):
        return WindowSpec("PARTITION BY %s" % ", ".join(c.text for c in columns))
