"""Rich text, the tree every rendering is built as, and its HTML, text and RTF writers
(the processor's third stage)."""
