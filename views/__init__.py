"""What people see: agreement cards in Telegram HTML and the inline keyboards with their callback data."""
