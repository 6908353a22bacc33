"""Start-up objects set aside from Python's garbage collector.

A web process loads Django, every app, the URL configuration and the pathways once, and keeps
them until it exits: well over 100,000 objects. Python's collector walks every tracked object
on each full collection, and a page that builds a few thousand objects (a task list, ten years
of concordance) triggers one now and then: 50 to 100 ms added to that request, which is most
of the slowest 5% of requests (bench/scale.py). `gc.freeze()` moves what exists at start-up to
a generation the collector no longer walks; objects made afterwards are collected as before.
"""

import gc


def settle() -> None:
    """Collect once, then set aside every object that survives: call once the process has
    loaded what it keeps (config/wsgi.py)."""
    gc.collect()
    gc.freeze()
