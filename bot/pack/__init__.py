"""Data packs: the model and validator (`model`), and turning documents into passages (`ingest`).

Not imported by the running bot, only by seeding and validation: pydantic is loaded where it is needed."""
