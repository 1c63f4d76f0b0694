"""The command line: the only layer that imports click. One module per command, each parsing
options into values, calling the library, rendering with a reporter and returning an exit code."""
