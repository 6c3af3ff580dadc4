"""The national report format as data and pure functions: schema, table grids, cell parsing, the data model, filters.

The lowest layer: no I/O, nothing from the rest of the package.
"""
