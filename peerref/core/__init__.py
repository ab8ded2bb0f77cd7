"""Pure domain: immutable reference objects and the rules about them. Standard library only."""
