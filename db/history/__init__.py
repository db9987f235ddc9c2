"""Later news of agreements: mentions stored with their source, linked to the agreement they most
likely speak of (`link`), kept unlinked until that agreement arrives (`store`), read for cards
(`read`)."""
