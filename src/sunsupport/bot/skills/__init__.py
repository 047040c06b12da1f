"""Skills: intents whose answer is computed rather than written in the knowledge base."""
