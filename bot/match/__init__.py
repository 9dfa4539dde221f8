"""Dense + lexical matching and the answer / clarify / hand-off decision."""
