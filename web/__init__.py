"""The web page (a Telegram Mini App) and its JSON API: the tile map, filters, the table, a card and
CSV, served by the bot process itself from the same read queries as the commands (db.read)."""
