"""Evaluating a parsed style against items (the processor's second stage), and the
passes over whole documents: sorting, disambiguation, grouping and collapsing."""
