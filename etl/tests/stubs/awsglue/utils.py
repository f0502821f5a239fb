"""Stub getResolvedOptions, strict like Glue's: every name asked for must be in argv as `--name value`."""

import stub_log


class GlueArgumentError(Exception):
    """Glue's error for a missing argument."""


def getResolvedOptions(argv, options):
    stub_log.record("getResolvedOptions", options=list(options))
    resolved = {}
    for name in options:
        flag = "--" + name
        if flag not in argv or argv.index(flag) + 1 >= len(argv):
            raise GlueArgumentError("the following arguments are required: %s" % flag)
        resolved[name] = argv[argv.index(flag) + 1]
    return resolved
