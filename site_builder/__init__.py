"""Static site generator for the Observatory's inter-mechanisms press-release archive.

Pipeline: discover -> load (parse + validate) -> link -> views -> routes -> render -> write.
See ``pipeline.build`` for the whole story in one function.
"""

__version__ = "1.0.0"
