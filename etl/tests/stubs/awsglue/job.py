"""Stub Job: records init and commit."""

import stub_log


class Job:
    def __init__(self, glue_context):
        self.glue_context = glue_context

    def init(self, name, args):
        stub_log.record("job.init", name=name, args=dict(args))

    def commit(self):
        stub_log.record("job.commit")
