"""Manifest loading: files, folders and stdin to a `ManifestSet`, with located problems.

This package is an I/O edge (it reads files); the rules about what manifests mean live in the
pure `reconciler.core.validate`. Public API: `load`, `load_and_validate`, `LoadResult`,
`SourceMap`.
"""

from reconciler.manifests.loader import LoadResult, load, load_and_validate
from reconciler.manifests.sourcemap import SourceMap

__all__ = ["LoadResult", "SourceMap", "load", "load_and_validate"]
