"""The pure core: domain values, validation rules, slot assignment, planning.

Nothing here performs I/O, reads the clock or draws random numbers; time comes in as a parameter.
`.importlinter` enforces it.
"""
