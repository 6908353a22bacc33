"""Benchmark scripts that print their figures (run each as a script: see its docstring)."""
