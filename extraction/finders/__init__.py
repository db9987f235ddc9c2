"""What a sentence names: regions and countries (gazetteer), organizations, people, dates, sums, events, heads."""
