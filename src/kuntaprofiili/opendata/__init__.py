"""Open data: published statistics (Statistics Finland, THL Sotkanet, SYKE) fetched into a cache."""
