"""Alert delivery: the outbox sender, its pace limiter, and the message an alert is."""
