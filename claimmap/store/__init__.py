"""The database behind the pipeline: the Store protocol and its back ends."""
