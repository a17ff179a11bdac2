"""From inbox to outbox: intake, the processor, the dispatch of one item, delivery."""
